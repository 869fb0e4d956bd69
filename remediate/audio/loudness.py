"""Streaming integrated loudness (ITU-R BS.1770-4) with flat memory.

pyloudnorm's ``Meter.integrated_loudness`` needs the whole signal in memory (an hour of
48 kHz audio is 1.4 GB of float64). This meter uses pyloudnorm's own K-weighting filter
coefficients and gating rules, but filters block by block (carrying the filter state)
and keeps only the energy of each 100 ms step, so an hour costs 36,000 floats. Values
match pyloudnorm to within rounding (see tests/test_loudness.py).

Optional: pyloudnorm (and scipy) come with the ``loudness`` extra.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

#: BS.1770 gating: 400 ms blocks overlapping by 75 %, so a new block every 100 ms.
BLOCK_S = 0.4
STEP_S = 0.1
ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0


class LoudnessMeter:
    """Feed mono float blocks (full scale = 1.0) with :meth:`add`; read :meth:`integrated`."""

    def __init__(self, rate: int) -> None:
        import pyloudnorm
        from scipy import signal

        self._lfilter = signal.lfilter
        self.rate = rate
        self.stages: list[tuple[Any, Any, float, npt.NDArray[np.float64]]] = []
        for stage in pyloudnorm.Meter(rate)._filters.values():  # K-weighting, in order
            b, a = np.asarray(stage.b, dtype=np.float64), np.asarray(stage.a, dtype=np.float64)
            zi = np.zeros(max(len(a), len(b)) - 1)
            self.stages.append((b, a, float(stage.passband_gain), zi))
        self.step = int(STEP_S * rate)
        self.samples = 0
        self.steps: list[npt.NDArray[np.float64]] = []
        self.carry = np.zeros(0, dtype=np.float64)

    def add(self, mono: npt.NDArray[np.floating[Any]]) -> None:
        """Filter one block (state carried across blocks) and bank its 100 ms energies."""
        y = np.asarray(mono, dtype=np.float64)
        for i, (b, a, gain, zi) in enumerate(self.stages):
            y, zf = self._lfilter(b, a, y, zi=zi)
            self.stages[i] = (b, a, gain, zf)
            y = gain * y
        self.samples += y.size
        data = np.concatenate((self.carry, y * y)) if self.carry.size else y * y
        whole = (data.size // self.step) * self.step
        if whole:
            self.steps.append(data[:whole].reshape(-1, self.step).sum(axis=1))
        self.carry = data[whole:]

    def integrated(self) -> float | None:
        """Integrated loudness in LUFS; None under one 400 ms block or for digital silence."""
        seconds = self.samples / self.rate
        if seconds < BLOCK_S:
            return None
        steps = np.concatenate(self.steps) if self.steps else np.zeros(0)
        if self.carry.size:
            steps = np.concatenate((steps, [self.carry.sum()]))
        per_block = round(BLOCK_S / STEP_S)
        blocks = int(round((seconds - BLOCK_S) / STEP_S)) + 1
        padded = np.concatenate((steps, np.zeros(max(0, blocks + per_block - steps.size))))
        window = np.convolve(padded, np.ones(per_block), mode="valid")[:blocks]
        z = window / (BLOCK_S * self.rate)
        with np.errstate(divide="ignore"):
            levels = -0.691 + 10.0 * np.log10(z)
        gated = z[levels >= ABSOLUTE_GATE_LUFS]
        if not gated.size:
            return None
        relative = -0.691 + 10.0 * math.log10(float(gated.mean())) + RELATIVE_GATE_LU
        kept = z[(levels > relative) & (levels > ABSOLUTE_GATE_LUFS)]
        if not kept.size:
            return None
        return -0.691 + 10.0 * math.log10(float(kept.mean()))
