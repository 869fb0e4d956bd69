"""The probe's ear: voice signature and (optionally) DNSMOS over the chunks of one decode.

The probe hands over the mono mix (full scale = 1.0, the file's own rate) in chunks of at
most 30 s; a sentence clip is one chunk. Each chunk is resampled once to 16 kHz and feeds
the voice analysis (:mod:`remediate.audio.speaker`; off when no check reads it) and, when asked, DNSMOS
(:mod:`remediate.audio.dnsmos`). Over several chunks (a long recording) the signature is the
mean of the chunks', the change the largest within or between consecutive chunks, and
DNSMOS the mean over all windows. Memory: one chunk plus one small vector per chunk.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from remediate import columns as C
from remediate.audio import dnsmos as dn
from remediate.audio import speaker as sp


class Listener:
    """Fold chunks with :meth:`add`; :meth:`finish` gives the voice columns of the clip."""

    def __init__(self, dnsmos: bool = False, voice: bool = True) -> None:
        self.dnsmos = dnsmos
        self.voice = voice
        self.facts: list[sp.VoiceFacts] = []
        self.scores: list[tuple[dn.DnsmosScore, int]] = []
        self.error: str | None = None

    def add(self, chunk: npt.NDArray[np.float32], rate: int) -> None:
        """Analyse one chunk of the mono mix (±1) at ``rate``."""
        if not (self.voice or self.dnsmos):
            return  # nothing to listen for: not even the resampling
        audio = dn.to_model_rate(chunk, rate)
        if self.voice:
            self.facts.append(sp.analyse(audio))
        if self.dnsmos and self.error is None:
            try:
                score = dn.shared_model().score(audio)
            except dn.DnsmosUnavailable as exc:
                self.error = str(exc)
                return
            if score is not None:
                self.scores.append((score, score.windows))

    def finish(self) -> dict[str, Any]:
        out: dict[str, Any] = dict.fromkeys(C.VOICE_MEASUREMENTS)
        out.update(_combine(self.facts))
        if self.scores:
            weights = np.array([w for _, w in self.scores], dtype=np.float64)
            for column, attr in (
                (C.DNSMOS_SIG, "sig"),
                (C.DNSMOS_BAK, "bak"),
                (C.DNSMOS_OVRL, "ovrl"),
            ):
                values = np.array([getattr(s, attr) for s, _ in self.scores])
                out[column] = round(float(np.average(values, weights=weights)), 4)
        return out


def _combine(facts: list[sp.VoiceFacts]) -> dict[str, Any]:
    """One clip's voice columns from its chunks' facts."""
    signed = [f for f in facts if f.voice_signature is not None]
    if not signed:
        return {}
    if len(facts) == 1:
        only = facts[0]
        return {
            C.VOICE_F0_MEDIAN_HZ: only.voice_f0_median_hz,
            C.VOICE_F0_RANGE_ST: only.voice_f0_range_st,
            C.VOICE_CHANGE: only.voice_change,
            C.VOICE_SIGNATURE: only.voice_signature,
        }
    vectors = [np.asarray(f.voice_signature) for f in signed]
    changes = [f.voice_change for f in facts if f.voice_change is not None]
    changes += [sp.DEFAULT.distance(a, b) for a, b in zip(vectors, vectors[1:], strict=False)]
    medians = [f.voice_f0_median_hz for f in signed if f.voice_f0_median_hz is not None]
    ranges = [f.voice_f0_range_st for f in signed if f.voice_f0_range_st is not None]
    return {
        C.VOICE_F0_MEDIAN_HZ: round(float(np.median(medians)), 2) if medians else None,
        C.VOICE_F0_RANGE_ST: round(float(max(ranges)), 2) if ranges else None,
        C.VOICE_CHANGE: round(float(max(changes)), 3) if changes else None,
        C.VOICE_SIGNATURE: [round(float(v), 4) for v in np.mean(vectors, axis=0)],
    }
