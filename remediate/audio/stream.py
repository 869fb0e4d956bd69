"""Streaming statistics over int16 blocks: what the probe computes in its one pass.

:class:`Accumulator` folds each block into the file statistics (peak, clipping, RMS,
20 ms frame energies for silence) and buffers the mono mix into chunks of at most
``VOICE_CHUNK_S`` seconds for the voice measures (:mod:`remediate.audio.voice`), so
memory stays flat whatever the file length: a clip is one chunk, an hour-long
recording is measured chunk by chunk and the values are combined.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from remediate.audio import voice
from remediate.audio.listen import Listener
from remediate.audio.loudness import LoudnessMeter

#: int16 full scale: every float sample in the package is int16 / FULL_SCALE, in [-1, 1).
FULL_SCALE: Final = 32768.0
#: Floor for logarithms of silence (digital zero), in dBFS.
MIN_DB = voice.MIN_DB
#: The voice measures see at most this many seconds at once (48 kHz: 3.8 MB of float32):
#: longer than any per-sentence clip (MetaStudio: 15 s at most), so a clip is measured whole.
VOICE_CHUNK_S = 20.0


@dataclass(frozen=True)
class ProbeSettings:
    """The thresholds the probe itself needs (the rest are applied by the checks)."""

    clip_level: int = 32735
    frame_s: float = 0.02
    silence_relative_db: float = 40.0
    silence_absolute_dbfs: float = -60.0
    loudness: bool = False
    dnsmos: bool = False
    #: The voice analysis (16 kHz signature and pitch, about a third of a clip's measuring
    #: time): off when no check that reads it runs (``--skip`` the voice checks).
    voice: bool = True


def db(power: float) -> float:
    """Power (mean square, full scale = 1) to dBFS, floored at MIN_DB."""
    return voice.db(power)


def frame_activity(
    power: npt.NDArray[np.float64], settings: ProbeSettings
) -> tuple[npt.NDArray[np.bool_], float]:
    """The silence rule: which frames (mean power, full scale = 1) hold signal, and the
    loudest frame in dBFS. A frame is silent when it is ``silence_relative_db`` below the
    loudest frame or under ``silence_absolute_dbfs``. Shared by the probe and the trim fix."""
    level = 10 * np.log10(np.maximum(power, 10 ** (MIN_DB / 10)))
    loudest = float(level.max())
    threshold = max(loudest - settings.silence_relative_db, settings.silence_absolute_dbfs)
    return level > threshold, loudest


#: Below this rate the BS.1770 K-weighting (a 1.5 kHz shelf) lies above Nyquist: pyloudnorm
#: designs NaN filters, and 100 ms gating steps shrink to nothing. No loudness is measured.
MIN_LOUDNESS_RATE: Final = 8000


def _loudness_meter(rate: int) -> LoudnessMeter | None:
    """A streaming BS.1770 meter, or None when the ``loudness`` extra is not installed or
    the rate is under MIN_LOUDNESS_RATE."""
    if rate < MIN_LOUDNESS_RATE:
        return None
    try:
        return LoudnessMeter(rate)
    except ImportError:
        return None


class Accumulator:
    """Streaming statistics over int16 blocks of shape (frames, channels)."""

    def __init__(self, samplerate: int, channels: int, settings: ProbeSettings) -> None:
        self.rate = samplerate
        self.channels = channels
        self.settings = settings
        self.frame_len = max(1, round(settings.frame_s * samplerate))
        self.peak = 0
        self.clipped = 0
        self.run = 0
        self.longest = 0
        self.n = 0
        self.low = 0
        self.sums = np.zeros(channels, dtype=np.int64)
        self.sumsq = np.zeros(channels, dtype=np.float64)
        self.frame_sums: list[npt.NDArray[np.float64]] = []
        self.carry = np.zeros(0, dtype=np.float32)  # mono samples not yet in a whole frame
        self.meter = _loudness_meter(samplerate) if settings.loudness else None
        # Mono mix is the channel sum; its full scale is channels * 32768.
        self.mono_scale = float(channels) * FULL_SCALE
        self.chunk_max = max(1, int(VOICE_CHUNK_S * samplerate))
        self.chunk: npt.NDArray[np.float32] | None = None  # allocated on first use
        self.chunk_n = 0
        self.voice = voice.VoiceTotals()
        self.listener = Listener(dnsmos=settings.dnsmos, voice=settings.voice)

    def add(self, block: npt.NDArray[np.int16]) -> None:
        """Fold one int16 block into every statistic (hot path: int16-native where possible)."""
        if block.size == 0:
            return
        self.n += block.shape[0]
        hi, lo = int(block.max()), int(block.min())
        self.peak = max(self.peak, hi, -lo)
        self.low = min(self.low, lo)
        self.sums += block.sum(axis=0, dtype=np.int64)
        level = self.settings.clip_level
        if hi >= level or -lo >= level:
            mask: npt.NDArray[np.bool_] = (block >= level) | (block <= -level)
            self._clipping(mask[:, 0] if self.channels == 1 else np.any(mask, axis=1))
        else:
            self.run = 0
        # Mono mix as float32 (exact: a sum of int16 channels stays under 2**24); energies
        # via einsum, ~10x faster than squaring then summing along an axis.
        if self.channels == 1:
            mono = block[:, 0].astype(np.float32)
        else:
            mono = block.sum(axis=1, dtype=np.int32).astype(np.float32)
            wide = block.astype(np.float32)
            self.sumsq += np.einsum("ij,ij->j", wide, wide, dtype=np.float64)
        self._frames(mono)
        scaled = mono / np.float32(self.mono_scale)
        self._voice(scaled)
        if self.settings.loudness and self.meter is not None:
            self.meter.add(scaled)

    def _clipping(self, mask: npt.NDArray[np.bool_]) -> None:
        """Count frames with a full-scale sample and the longest run, across block edges."""
        if not mask.any():
            self.run = 0
            return
        self.clipped += int(np.count_nonzero(mask))
        padded = np.concatenate(([False], mask, [False])).astype(np.int8)
        edges = np.flatnonzero(np.diff(padded))
        starts, ends = edges[0::2], edges[1::2]
        lengths = ends - starts
        if starts[0] == 0:
            lengths[0] += self.run
        self.longest = max(self.longest, int(lengths.max()))
        self.run = int(lengths[-1]) if ends[-1] == len(mask) else 0

    def _frames(self, mono: npt.NDArray[np.float32]) -> None:
        """Energy (sum of squares) of the mono mix per analysis frame; the remainder of a
        block is carried into the next one."""
        data = np.concatenate((self.carry, mono)) if self.carry.size else mono
        whole = (data.size // self.frame_len) * self.frame_len
        if whole:
            frames = data[:whole].reshape(-1, self.frame_len)
            self.frame_sums.append(np.einsum("ij,ij->i", frames, frames, dtype=np.float64))
        self.carry = data[whole:].copy()

    def _voice(self, mono: npt.NDArray[np.float32], final: bool = False) -> None:
        """Buffer the mono mix (±1) and hand whole chunks to the voice measures."""
        while mono.size:
            if self.chunk is None:
                self.chunk = np.empty(self.chunk_max, np.float32)
            take = min(mono.size, self.chunk_max - self.chunk_n)
            self.chunk[self.chunk_n : self.chunk_n + take] = mono[:take]
            self.chunk_n += take
            mono = mono[take:]
            if self.chunk_n == self.chunk_max:
                self.voice.add(self.chunk, self.rate)
                self.listener.add(self.chunk, self.rate)
                self.chunk_n = 0
        if final and self.chunk is not None and self.chunk_n:
            self.voice.add(self.chunk[: self.chunk_n], self.rate)
            self.listener.add(self.chunk[: self.chunk_n], self.rate)
            self.chunk_n = 0

    def fingerprint(self) -> str:
        """A cheap identity of the decoded samples from exact integer statistics: equal
        samples always give equal fingerprints; the rare unequal files that collide are told
        apart by ``samples_sha256``, computed only for them (see scan.measure)."""
        parts = [self.rate, self.channels, self.n, self.peak, self.low, self.clipped, self.longest]
        raw = ":".join(map(str, parts)) + ":" + ",".join(map(str, self.sums.tolist()))
        return hashlib.sha256(raw.encode()).hexdigest()[:32]

    def finish(self) -> dict[str, Any]:
        out: dict[str, Any] = {"samples_fingerprint": self.fingerprint()}
        if self.n == 0:
            out.update(peak_dbfs=MIN_DB, clip_fraction=0.0, clip_samples=0, clip_longest_run=0)
            return out
        out["peak_dbfs"] = (
            round(20 * math.log10(self.peak / FULL_SCALE), 3) if self.peak else MIN_DB
        )
        out["clip_samples"] = self.clipped
        out["clip_fraction"] = self.clipped / self.n
        out["clip_longest_run"] = self.longest
        if self.channels == 1:
            tail = float(np.einsum("i,i->", self.carry, self.carry, dtype=np.float64))
            self.sumsq[0] = sum(float(f.sum()) for f in self.frame_sums) + tail
        ch_power = self.sumsq / self.n / FULL_SCALE**2
        out["rms_dbfs"] = round(db(float(ch_power.sum() / self.channels)), 3)
        if self.channels > 1:
            strongest, weakest = float(ch_power.max()), float(ch_power.min())
            out["channel_balance_db"] = round(db(strongest) - db(weakest), 3)
        out.update(self._silence())
        self._voice(np.zeros(0, np.float32), final=True)
        out.update(self.voice.finish())
        out.update(self.listener.finish())
        if not out.get("speech_ratio"):
            out["snr_db"] = None  # no speech: a signal-to-noise ratio means nothing
        if self.settings.loudness:
            value = self.meter.integrated() if self.meter is not None else None
            out["loudness_lufs"] = round(value, 3) if value is not None else None
        return out

    def _silence(self) -> dict[str, Any]:
        scale = self.mono_scale**2
        power = (
            np.concatenate(self.frame_sums) / (self.frame_len * scale)
            if self.frame_sums
            else np.zeros(0)
        )
        if self.carry.size:
            tail = float(np.einsum("i,i->", self.carry, self.carry, dtype=np.float64))
            power = np.concatenate((power, [tail / (self.carry.size * scale)]))
        if power.size == 0:
            return {}
        frame_s = self.frame_len / self.rate
        active, loudest = frame_activity(power, self.settings)
        duration = self.n / self.rate
        result: dict[str, Any] = {"max_short_rms_dbfs": round(loudest, 3)}
        if not active.any():
            result.update(lead_silence_s=duration, trail_silence_s=duration, speech_ratio=0.0)
            return result
        idx = np.flatnonzero(active)
        first, last = int(idx[0]), int(idx[-1])
        result.update(
            lead_silence_s=round(first * frame_s, 4),
            trail_silence_s=round(max(0.0, duration - (last + 1) * frame_s), 4),
            speech_ratio=round(float(active[first : last + 1].mean()), 4),
        )
        return result
