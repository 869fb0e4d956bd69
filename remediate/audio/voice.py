"""Voice measures: pure numpy estimators on a mono float32 signal (full scale = 1.0).

Every public estimator has the shape ``f(x, rate) -> values`` (``x`` one-dimensional
float32, ``rate`` in Hz) and never raises on short or silent input: it returns None for
what it cannot tell. Most share one short-time power spectrogram (:func:`spectrogram`),
which a caller may compute once and pass as ``spec=``.

* :func:`noise_snr`: noise floor and SNR by minimum statistics in frequency bands (after
  Martin 2001): steady noise under continuous speech is measured without needing pauses.
* :func:`rt60`: blind reverberation time from the free decays of band energy after
  speech offsets (after Ratnam et al. 2003 / Prego et al. 2015, simplified).
* :func:`~remediate.audio.clicks.clicks` (its own module): impulsive transients standing
  out of their neighbourhood in the high-passed signal.
* :func:`dc_offset`: median of short-frame means, so a plosive does not read as DC.
* :func:`bandwidth`: highest frequency within ``BANDWIDTH_FLOOR_DB`` of the strongest
  bin of the spectrum averaged over active frames.

The methods and their calibration are described in docs/measures.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from remediate.audio.clicks import clicks

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]

#: Analysis frame of the spectrogram (the nearest power of two in samples) and hop (half).
FRAME_S = 0.0213
#: Floor for logarithms of silence (digital zero), in dBFS.
MIN_DB = -120.0
#: Frames quieter than this (dBFS) are digital silence: not used to estimate noise.
DEAD_DBFS = -100.0
#: A spectrum bin counts towards the bandwidth when within this many dB of the strongest
#: bin (70 dB: deep enough to see a resampler brick wall under natural roll-off).
BANDWIDTH_FLOOR_DB = 70.0
#: Frames this far below the loudest frame do not count as active (the probe's rule).
ACTIVE_RELATIVE_DB = 40.0
#: Minimum statistics: the noise in a band is this percentile of its (smoothed) power over
#: time, scaled by the bias that percentile has on stationary Gaussian noise.
NOISE_PERCENTILE = 10.0
NOISE_SMOOTH_FRAMES = 3
BANDS_PER_OCTAVE = 4
LOWEST_BAND_HZ = 50.0
#: A frame counts as speech for the SNR when its power is this many times the noise.
SPEECH_OVER_NOISE = 1.5
#: Ceiling of reported SNR (a clip with digital-silence noise has no finite SNR).
MAX_SNR_DB = 100.0


def db(power: float) -> float:
    """Mean-square power (full scale = 1) to dBFS, floored at MIN_DB."""
    if not power > 0 or not math.isfinite(power):
        return MIN_DB
    return max(MIN_DB, 10.0 * math.log10(power))


# --- spectrogram --------------------------------------------------------------------------


@dataclass(frozen=True)
class Spectrogram:
    """What the measures need from a Hann-windowed power spectrogram (~21 ms frames, half
    overlap), kept compact so memory does not grow with the chunk: per frame its
    mean-square power (DC bin excluded: an offset is not signal), its power in the noise
    bands and in the reverberation octaves, and the spectrum summed per 1 dB of frame
    level (so the mean spectrum of the frames above any level is a sum of rows)."""

    frame_power: F64  # (frames,)
    bands: F64  # (frames, noise bands)
    octaves: F64  # (frames, len(REVERB_BANDS)); NaN where the rate has no such band
    level_spectra: F64  # (levels, bins): sum of the power spectra of the frames per level
    rate: int
    n_fft: int
    hop: int

    @property
    def bin_hz(self) -> float:
        return self.rate / self.n_fft

    @property
    def hop_s(self) -> float:
        return self.hop / self.rate

    def mean_spectrum(self, floor_power: float) -> F64 | None:
        """Mean power spectrum of the frames at or above ``floor_power`` (1 dB steps)."""
        first = max(0, int(math.floor(db(floor_power) - MIN_DB)))
        total = self.level_spectra[first:].sum(axis=0)
        count = int(np.count_nonzero(self.frame_power >= 10 ** ((first + MIN_DB) / 10)))
        return total / count if count else None


def fft_size(rate: int) -> int:
    return int(2 ** max(6, round(math.log2(max(1.0, rate * FRAME_S)))))


@lru_cache(maxsize=8)
def _window(n_fft: int) -> F32:
    return np.hanning(n_fft + 1)[:n_fft].astype(np.float32)  # periodic Hann


#: Frames transformed at once: bounds the temporaries of a long chunk.
STFT_SLICE_FRAMES = 64


def spectrogram(x: F32, rate: int) -> Spectrogram:
    """The compact spectrogram of ``x`` (see :class:`Spectrogram`)."""
    n_fft = fft_size(rate)
    hop = n_fft // 2
    if x.size < n_fft:
        x = np.concatenate((x, np.zeros(n_fft - x.size, np.float32)))
    window = _window(n_fft)
    frames = np.lib.stride_tricks.sliding_window_view(x, n_fft)[::hop]
    bins = n_fft // 2 + 1
    weights = np.full(bins, 2.0, np.float32)
    weights[0] = weights[-1] = 1.0
    weights /= np.float32(n_fft * float(np.sum(window.astype(np.float64) ** 2)))
    starts = band_starts(bins, rate / n_fft)
    octaves = [(int(lo * n_fft / rate), int(hi * n_fft / rate)) for lo, hi in REVERB_BANDS]
    count = frames.shape[0]
    frame_power = np.empty(count, np.float64)
    bands = np.empty((count, starts.size), np.float64)
    octave_power = np.full((count, len(octaves)), np.nan, np.float64)
    level_spectra = np.zeros((int(-MIN_DB) + 1, bins), np.float64)
    for i in range(0, count, STFT_SLICE_FRAMES):
        block = frames[i : i + STFT_SLICE_FRAMES]
        # Each frame's mean removed first: through the window a DC offset leaks into bins
        # 1-2, where it would read as noise (an offset is fixable; noise is not).
        block = block - block.mean(axis=1, keepdims=True, dtype=np.float64).astype(np.float32)
        spec = np.fft.rfft(block * window, axis=1)
        power = (spec.real**2 + spec.imag**2) * weights
        n = power.shape[0]
        frame_power[i : i + n] = total = power[:, 1:].sum(axis=1, dtype=np.float64)
        bands[i : i + n] = np.add.reduceat(power, starts, axis=1, dtype=np.float64)
        for k, (a, b) in enumerate(octaves):
            if a < b < bins:
                octave_power[i : i + n, k] = power[:, a:b].sum(axis=1, dtype=np.float64)
        level = np.clip(10 * np.log10(np.maximum(total, 1e-30)) - MIN_DB, 0, -MIN_DB)
        _add_rows_by_level(level_spectra, level.astype(np.intp), power)
    return Spectrogram(frame_power, bands, octave_power, level_spectra, rate, n_fft, hop)


def _add_rows_by_level(
    out: F64, level: npt.NDArray[np.intp], rows: npt.NDArray[np.floating[Any]]
) -> None:
    """``out[level[i]] += rows[i]`` for every i: one sort and one reduceat per slice
    (``np.add.at`` did the same row by row and was half of the probe's time)."""
    order = np.argsort(level, kind="stable")
    ordered = level[order]
    firsts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    out[ordered[firsts]] += np.add.reduceat(rows[order], firsts, axis=0, dtype=np.float64)


def active_frames(
    frame_power: F64, relative_db: float = ACTIVE_RELATIVE_DB
) -> npt.NDArray[np.bool_]:
    """Frames within ``relative_db`` of the loudest and above digital silence."""
    if frame_power.size == 0:
        return np.zeros(0, dtype=bool)
    loudest = float(frame_power.max())
    floor = max(loudest * 10 ** (-relative_db / 10), 10 ** (DEAD_DBFS / 10))
    return np.asarray(frame_power > floor)


# --- noise and SNR ------------------------------------------------------------------------


def band_starts(n_bins: int, bin_hz: float) -> npt.NDArray[np.intp]:
    """First bin of each analysis band: log-spaced (BANDS_PER_OCTAVE per octave) from
    LOWEST_BAND_HZ, at least two bins wide; bin 0 (DC) is left out."""
    top = (n_bins - 1) * bin_hz
    octaves = math.log2(max(top, LOWEST_BAND_HZ * 2) / LOWEST_BAND_HZ)
    edges = LOWEST_BAND_HZ * 2 ** (np.arange(0, octaves * BANDS_PER_OCTAVE) / BANDS_PER_OCTAVE)
    starts = [1]
    for hz in edges[1:]:
        b = int(round(hz / bin_hz))
        if b >= starts[-1] + 2 and b < n_bins - 1:
            starts.append(b)
    return np.asarray(starts, dtype=np.intp)


def _smooth(a: F64, n: int) -> F64:
    """Moving average of n frames along time (axis 0), same length (shorter at the ends)."""
    if a.shape[0] < n or n <= 1:
        return a
    c = np.cumsum(np.vstack((np.zeros((1, a.shape[1])), a)), axis=0)
    out = (c[n:] - c[:-n]) / n
    return np.vstack((out[:1].repeat(n // 2, axis=0), out, out[-1:].repeat(n - 1 - n // 2, axis=0)))


def _band_noise(bands: F64) -> F64:
    """Percentile of each band's smoothed power over time (before bias correction)."""
    smoothed = _smooth(bands, NOISE_SMOOTH_FRAMES)
    return np.asarray(np.percentile(smoothed, NOISE_PERCENTILE, axis=0))


@lru_cache(maxsize=8)
def _noise_bias(rate: int) -> F64:
    """Mean ÷ percentile of each band on stationary Gaussian noise through the same
    analysis: the minimum-statistics bias, simulated once per rate (fixed seed)."""
    rng = np.random.default_rng(20080301)
    x = rng.standard_normal(int(rate * 8)).astype(np.float32)
    bands = spectrogram(x, rate).bands
    return np.asarray(bands.mean(axis=0) / np.maximum(_band_noise(bands), 1e-30))


def noise_snr(
    x: F32, rate: int, spec: Spectrogram | None = None
) -> tuple[float | None, float | None]:
    """(noise floor in dBFS, SNR in dB) of a speech clip, pauses or not.

    The noise power is the sum over bands of each band's low percentile over time,
    corrected for its bias on Gaussian noise: between syllables and in the bands a
    phoneme leaves empty, the band holds only noise. The signal is the mean power of the
    frames that rise SPEECH_OVER_NOISE over that noise, less the noise. Digital silence is ignored
    (a gated clip's noise is measured where there is sound). (None, None) when the clip
    holds nothing but digital silence.
    """
    spec = spec or spectrogram(x, rate)
    bands = spec.bands
    total = bands.sum(axis=1)
    live = total > 10 ** (DEAD_DBFS / 10)
    if not live.any():
        return None, None
    noise = float((_band_noise(bands[live]) * _noise_bias(rate)).sum())
    noise = min(noise, float(total[live].mean()))
    loud = total[live] > SPEECH_OVER_NOISE * noise
    if not loud.any() or noise <= 0:
        return round(db(noise), 2), (0.0 if noise > 0 else MAX_SNR_DB)
    signal = float(total[live][loud].mean()) - noise
    snr = db(signal) - db(noise) if noise > 0 else MAX_SNR_DB
    return round(db(noise), 2), round(min(MAX_SNR_DB, snr), 2)


# --- bandwidth ----------------------------------------------------------------------------


def bandwidth(x: F32, rate: int, spec: Spectrogram | None = None) -> float | None:
    """Effective bandwidth (Hz): the highest bin of the spectrum averaged over the active
    frames (all of them, so short clips get a value) within BANDWIDTH_FLOOR_DB of its
    strongest bin. None when no frame holds signal."""
    spec = spec or spectrogram(x, rate)
    active = active_frames(spec.frame_power)
    if not active.any():
        return None
    floor = float(spec.frame_power[active].min())
    mean = spec.mean_spectrum(floor)
    if mean is None:
        return None
    mean[0] = 0.0
    peak = float(mean.max())
    if peak <= 0:
        return None
    above = np.flatnonzero(mean >= peak * 10 ** (-BANDWIDTH_FLOOR_DB / 10))
    return round(float(above[-1]) * spec.bin_hz, 1)


# --- DC offset ----------------------------------------------------------------------------


def frame_means(x: F32, rate: int, frame_s: float = 0.02) -> F64:
    """Mean of each ``frame_s`` frame (a short last frame counts)."""
    n = max(1, round(frame_s * rate))
    whole = (x.size // n) * n
    means = x[:whole].reshape(-1, n).mean(axis=1, dtype=np.float64)
    if x.size > whole:
        means = np.concatenate((means, [float(x[whole:].mean(dtype=np.float64))]))
    return np.asarray(means)


def dc_offset(x: F32, rate: int, frame_s: float = 0.02) -> float | None:
    """DC offset (full scale = 1): the median of the means of ``frame_s`` frames. A true
    offset shifts every frame; a plosive or a low-frequency thump moves only a few, so it
    does not read as DC (the mean of the whole clip does)."""
    means = frame_means(x, rate, frame_s)
    return float(np.median(means)) if means.size else None


# --- reverberation ------------------------------------------------------------------------

#: Octave bands (Hz) whose energy decays are followed.
REVERB_BANDS = ((250.0, 500.0), (500.0, 1000.0), (1000.0, 2000.0), (2000.0, 4000.0))
#: Level smoothing before decays are read (frames of ~10.7 ms: ~32 ms), which keeps the
#: random fluctuation of a reverberant tail from breaking a decay into pieces.
DECAY_SMOOTH_FRAMES = 3
#: A decay is read from DECAY_SKIP_DB under a local peak (past the direct sound's drop)
#: down to DECAY_SPAN_DB more, like a Schroeder T20; a shorter span (at least
#: DECAY_MIN_SPAN_DB) counts when the next syllable or the noise cuts it short. The peak
#: must stand DECAY_HEADROOM_DB over the band's noise.
DECAY_SKIP_DB = 5.0
DECAY_SPAN_DB = 20.0
DECAY_MIN_SPAN_DB = 10.0
DECAY_HEADROOM_DB = 25.0
#: A rise of more than this (dB) ends a decay: the next sound has begun.
DECAY_RISE_DB = 1.5
#: The estimate is this percentile of the decay times found: the steepest decays are
#: the room's (speech itself never ends faster than the room lets it fade).
DECAY_PERCENTILE = 25.0
#: At least this many decays are needed for an estimate.
DECAY_MIN_COUNT = 2


def _decays(level: F64, hop_s: float, floor_db: float) -> list[float]:
    """RT60s (s) of the decays after the local peaks of a band level (dB per frame)."""
    out: list[float] = []
    n = level.size
    peaks = (
        np.flatnonzero(
            (level[1:-1] >= level[:-2])
            & (level[1:-1] > level[2:])
            & (level[1:-1] > floor_db + DECAY_HEADROOM_DB)
        )
        + 1
    )
    values = level.tolist()  # the same float64s: indexing a list is ~5x cheaper per frame
    for i in peaks.tolist():
        top = values[i]
        lowest, j = top, i + 1
        while j < n and values[j] <= lowest + DECAY_RISE_DB and values[j] > floor_db + 3.0:
            lowest = min(lowest, values[j])
            if values[j] <= top - DECAY_SKIP_DB - DECAY_SPAN_DB:
                break
            j += 1
        seg = level[i:j]
        start = (
            int(np.argmax(seg <= top - DECAY_SKIP_DB)) if (seg <= top - DECAY_SKIP_DB).any() else -1
        )
        if start < 0:
            continue
        tail = seg[start:]
        span = float(tail[0] - tail.min())
        if span < DECAY_MIN_SPAN_DB or tail.size < 3:
            continue
        t = np.arange(tail.size) * hop_s
        slope = float(np.polyfit(t, tail, 1)[0])
        if slope < 0:
            out.append(-60.0 / slope)
    return out


def decay_times(x: F32, rate: int, spec: Spectrogram | None = None) -> list[float]:
    """RT60 (s) of every free decay found in the octave bands (pooled for combining)."""
    spec = spec or spectrogram(x, rate)
    out: list[float] = []
    for k in range(len(REVERB_BANDS)):
        band = spec.octaves[:, k]
        if np.isnan(band).any():
            continue
        smooth = np.convolve(band, np.ones(DECAY_SMOOTH_FRAMES) / DECAY_SMOOTH_FRAMES, "same")
        level = 10 * np.log10(np.maximum(smooth, 1e-14))
        floor = float(np.percentile(level, NOISE_PERCENTILE))
        out.extend(_decays(level, spec.hop_s, floor))
    return out


def rt60(x: F32, rate: int, spec: Spectrogram | None = None) -> float | None:
    """Blind reverberation time (s): a low percentile of the free-decay times of the
    octave-band energies. None when fewer than DECAY_MIN_COUNT decays were found."""
    return rt60_of(decay_times(x, rate, spec))


def rt60_of(times: list[float]) -> float | None:
    if len(times) < DECAY_MIN_COUNT:
        return None
    return round(float(np.percentile(times, DECAY_PERCENTILE)), 3)


# --- all measures, chunk by chunk ---------------------------------------------------------


class VoiceTotals:
    """Combine the voice measures over the chunks of one file: a clip is one chunk; a long
    recording gets the median noise, SNR and bandwidth of its chunks, its pooled decays,
    its total clicks and the median of all its frame means."""

    def __init__(self) -> None:
        self.noise: list[float] = []
        self.snr: list[float] = []
        self.bandwidth: list[float] = []
        self.decays: list[float] = []
        self.clicks = 0
        self.click_worst: float | None = None
        self.frame_means: list[F64] = []

    def add(self, x: F32, rate: int) -> None:
        count, worst = clicks(x, rate)  # before the spectrogram exists: lower peak memory
        self.clicks += count
        if worst is not None:
            self.click_worst = worst if self.click_worst is None else max(self.click_worst, worst)
        spec = spectrogram(x, rate)
        noise, snr = noise_snr(x, rate, spec)
        if noise is not None:
            self.noise.append(noise)
        if snr is not None:
            self.snr.append(snr)
        bw = bandwidth(x, rate, spec)
        if bw is not None:
            self.bandwidth.append(bw)
        self.decays.extend(decay_times(x, rate, spec))
        self.frame_means.append(frame_means(x, rate))

    def finish(self) -> dict[str, float | int | None]:
        def median(values: list[float]) -> float | None:
            return round(float(np.median(values)), 2) if values else None

        means = np.concatenate(self.frame_means) if self.frame_means else np.zeros(0)
        return {
            "noise_floor_dbfs": median(self.noise),
            "snr_db": median(self.snr),
            "bandwidth_hz": median(self.bandwidth),
            "rt60_s": rt60_of(self.decays),
            "clicks": self.clicks,
            "click_worst_dbfs": self.click_worst,
            "dc_offset": round(float(np.median(means)), 6) if means.size else None,
        }
