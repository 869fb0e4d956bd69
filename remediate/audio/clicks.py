"""Clicks: impulsive transients in the second difference of a mono float32 signal.

Speech (mostly below a few kHz) hardly excites the second difference; a click (a step
or a spike, every frequency at once) excites it fully. Method and calibration:
docs/measures.md.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

F32 = npt.NDArray[np.float32]

#: Clicks are looked for in blocks of this length. A block holds a click when its peak
#: second difference stands CLICK_OVER_PEAKS_DB over the peaks of the blocks around it
#: (two each side), CLICK_OVER_BACKGROUND_DB over their background level, and reaches
#: CLICK_MIN_DBFS.
CLICK_BLOCK_S = 0.0025
CLICK_OVER_PEAKS_DB = 6.0
CLICK_OVER_BACKGROUND_DB = 20.0
CLICK_MIN_DBFS = -40.0


def clicks(x: F32, rate: int) -> tuple[int, float | None]:
    """(number of clicks, level of the loudest in dBFS): impulsive transients in the
    second difference of the signal, which speech (mostly below a few kHz) hardly excites
    and a click (a step or spike, all frequencies at once) excites fully. The level is
    half the peak second difference (a lone spike of amplitude a gives about 2a)."""
    n = max(8, round(CLICK_BLOCK_S * rate))
    blocks = (x.size - 2) // n
    if blocks < 5:
        return 0, None
    peak = np.empty(blocks, np.float64)
    level = np.empty(blocks, np.float64)
    step = 1024  # blocks per slice: the second difference is never held whole
    for b in range(0, blocks, step):
        part = x[b * n : min(blocks, b + step) * n + 2]
        d2 = np.abs(part[2:] - 2 * part[1:-1] + part[:-2]).reshape(-1, n)
        m = d2.shape[0]
        peak[b : b + m] = d2.max(axis=1)
        # A block's background level: its mean without its peak (one spike moves it little).
        level[b : b + m] = (d2.sum(axis=1).astype(np.float64) - peak[b : b + m]) / (n - 1)
    shifts = (-2, -1, 1, 2)
    around_peak = np.stack([np.roll(peak, k) for k in shifts]).max(axis=0)
    # The background is the loudest around: an onset after silence has speech in the next
    # block, a click has only background on both sides.
    around_level = np.stack([np.roll(level, k) for k in (*shifts, 0)]).max(axis=0)
    hit = (
        (peak >= around_peak * 10 ** (CLICK_OVER_PEAKS_DB / 20))
        & (peak >= np.maximum(around_level, 1e-7) * 10 ** (CLICK_OVER_BACKGROUND_DB / 20))
        & (peak >= 2 * 10 ** (CLICK_MIN_DBFS / 20))
    )
    hit[:2] = hit[-2:] = False  # np.roll wraps around the ends
    if not hit.any():
        return 0, None
    events = int(np.count_nonzero(np.diff(np.concatenate(([0], hit.astype(np.int8)))) == 1))
    return events, round(20 * math.log10(float(peak[hit].max()) / 2), 2)
