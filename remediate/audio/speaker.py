"""Who is speaking: a per-clip voice signature from pitch and long-term spectrum (numpy only).

The signature of a stretch of speech is a short vector:

* the median F0 in semitones (re 100 Hz) of its voiced frames, from a YIN pitch track
  (de Cheveigné & Kawahara 2002: cumulative-mean-normalised difference, absolute threshold);
* the mean of MFCC 1–12 over its active frames (40 mel bands, 60–7600 Hz): the long-term
  spectral envelope, which follows the speaker's vocal tract more than the words once a few
  seconds are averaged.

Each dimension is divided by a fixed *scale* (how much it moves between clips of one speaker,
measured on clean speech, see docs/thresholds.md), so a distance of 1.0 is one ordinary
same-speaker difference. Two uses (see remediate.voice for the corpus side):

* within a clip, the largest distance between its speech before and after a cut, over cuts
  at 20–80 % of the speech (``voice_change``, :func:`change_point`): a second speaker spliced
  in moves it far above 1 wherever the splice sits;
* across the corpus, each clip's distance to the median signature (``voice-speaker-outlier``).

:class:`Signature` is the seam: a model-based speaker embedding can replace
:class:`PitchMfccSignature` by providing ``embed`` and ``distance`` over the same 16 kHz input.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

RATE = 16000
FRAME = 400  # 25 ms
HOP = 320  # 20 ms: plenty for long-term statistics, half the work of 10 ms
NFFT = 512
N_MELS = 40
N_CEPS = 12
F0_MIN_HZ = 60.0
F0_MAX_HZ = 400.0
#: YIN's absolute threshold on the normalised difference (0.1–0.2 in the paper).
YIN_THRESHOLD = 0.2
#: Frames quieter than this many dB under the loudest frame are pauses.
ACTIVE_RANGE_DB = 35.0
#: Frames analysed at once (a few MB of FFT buffers whatever the chunk length).
BATCH = 64
#: Less voiced speech than this (seconds) gives no signature: too little to say who speaks.
MIN_VOICED_S = 0.5

FloatArray = npt.NDArray[np.float64]


# --- framing and features --------------------------------------------------------------


def frames(audio: npt.NDArray[np.float32], length: int, hop: int) -> npt.NDArray[np.float32]:
    """Overlapping frames (n, length) of a 1-D signal as a read-only float32 view (a short
    tail is dropped); float32 halves the FFT work, and the statistics need no more precision."""
    data = np.asarray(audio, dtype=np.float32).reshape(-1)
    if data.size < length:
        return np.zeros((0, length), dtype=np.float32)
    count = 1 + (data.size - length) // hop
    # A strided view, not a copy: the analyses copy one batch of frames at a time.
    view: npt.NDArray[np.float32] = np.lib.stride_tricks.sliding_window_view(data, length)[::hop]
    return view[:count]


def active_mask(power: FloatArray, range_db: float = ACTIVE_RANGE_DB) -> npt.NDArray[np.bool_]:
    """Frames within ``range_db`` of the loudest frame (and not digital silence)."""
    if power.size == 0:
        return np.zeros(0, dtype=bool)
    db = 10 * np.log10(np.maximum(power, 1e-12))
    mask: npt.NDArray[np.bool_] = (db > db.max() - range_db) & (power > 1e-10)
    return mask


#: YIN runs at 8 kHz: F0 is under 400 Hz, and half the rate is a quarter of the FFT work.
PITCH_RATE = 8000


def yin(audio: npt.NDArray[np.float32], rate: int = PITCH_RATE) -> FloatArray:
    """F0 in Hz per 20 ms hop (NaN where unvoiced), YIN over 25 ms windows of ``rate`` audio.

    The difference function comes from one FFT cross-correlation per frame:
    d(t) = e(0) + e(t) - 2 r(t), with e the running window energies.
    """
    tau_max = int(rate / F0_MIN_HZ)
    tau_min = int(rate / F0_MAX_HZ)
    width = int(0.025 * rate)
    segs = frames(audio, width + tau_max, rate * HOP // RATE)
    f0 = np.full(len(segs), np.nan)
    if not len(segs):
        return f0
    # Pauses have no pitch: only frames within ACTIVE_RANGE_DB of the loudest are tracked.
    head = np.concatenate(
        [
            np.einsum("ij,ij->i", b := np.array(segs[i : i + BATCH, :width]), b, dtype=np.float64)
            for i in range(0, len(segs), BATCH)
        ]
    )
    live = np.flatnonzero(active_mask(head))
    for start in range(0, live.size, BATCH):  # batches keep memory flat on long chunks
        rows = live[start : start + BATCH]
        f0[rows] = _track(segs[rows], width, tau_min, tau_max, rate)
    return f0


def _track(
    segs: npt.NDArray[np.float32], width: int, tau_min: int, tau_max: int, rate: int
) -> FloatArray:
    """YIN periods of frames of ``width + tau_max`` samples."""
    size = 1 << int(np.ceil(np.log2(width + tau_max)))  # no wrap for lags <= tau_max
    spec_all = np.fft.rfft(segs, size, axis=1)
    spec_head = np.fft.rfft(segs[:, :width], size, axis=1)
    acf = np.fft.irfft(np.conj(spec_head) * spec_all, size, axis=1)[:, : tau_max + 1]
    sq = np.zeros((len(segs), segs.shape[1] + 1))
    np.cumsum(segs.astype(np.float64) ** 2, axis=1, out=sq[:, 1:])
    lags = np.arange(tau_max + 1)
    energy = sq[:, lags + width] - sq[:, lags]
    diff = np.maximum(energy[:, :1] + energy - 2 * acf, 0.0)
    cum = np.cumsum(diff[:, 1:], axis=1)
    cmnd = np.ones_like(diff)
    cmnd[:, 1:] = diff[:, 1:] * lags[1:] / np.maximum(cum, 1e-12)
    return _pick_periods(cmnd, tau_min, tau_max, rate)


def _pick_periods(cmnd: FloatArray, tau_min: int, tau_max: int, rate: int) -> FloatArray:
    """First dip under the threshold, followed down to its local minimum, per frame, as Hz."""
    region = cmnd[:, tau_min : tau_max + 1]
    width = region.shape[1]
    below = region < YIN_THRESHOLD
    voiced = below.any(axis=1)
    first = np.argmax(below, axis=1)
    cols = np.arange(width)
    # The local minimum: the first lag at or after the dip where the curve stops falling.
    stops = np.ones_like(below)
    stops[:, :-1] = region[:, 1:] >= region[:, :-1]
    stops &= cols[None, :] >= first[:, None]
    t = np.argmax(stops, axis=1)
    rows = np.arange(len(region))
    # Parabolic interpolation around the minimum for sub-sample periods.
    inner = (t > 0) & (t < width - 1)
    a = region[rows, np.clip(t - 1, 0, width - 1)]
    b = region[rows, t]
    c = region[rows, np.clip(t + 1, 0, width - 1)]
    denom = a - 2 * b + c
    shift = np.where(inner & (denom > 0), 0.5 * (a - c) / np.where(denom > 0, denom, 1.0), 0.0)
    lag = t + tau_min + shift
    return np.where(voiced, rate / lag, np.nan)


def _mel_filters(rate: int = RATE) -> FloatArray:
    """Triangular mel filters (HTK mel scale), shape (N_MELS, NFFT // 2 + 1)."""

    def mel(hz: FloatArray) -> FloatArray:
        return 2595.0 * np.log10(1.0 + hz / 700.0)

    edges_mel = np.linspace(mel(np.array(60.0)), mel(np.array(7600.0)), N_MELS + 2)
    edges = 700.0 * (10 ** (edges_mel / 2595.0) - 1.0)
    bins = np.fft.rfftfreq(NFFT, 1.0 / rate)
    lower, centre, upper = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rise = (bins[None, :] - lower) / (centre - lower)
    fall = (upper - bins[None, :]) / (upper - centre)
    return np.maximum(0.0, np.minimum(rise, fall))


_MEL = _mel_filters()
#: Orthonormal DCT-II rows 1..N_CEPS (row 0, the level, is left out: loudness is not voice).
_DCT = np.sqrt(2.0 / N_MELS) * np.cos(
    np.pi / N_MELS * (np.arange(N_MELS)[None, :] + 0.5) * np.arange(1, N_CEPS + 1)[:, None]
)
_WINDOW = np.hamming(FRAME).astype(np.float32)
_MEL_T = np.ascontiguousarray(_MEL.T, dtype=np.float32)
_DCT_T = np.ascontiguousarray(_DCT.T, dtype=np.float32)


def mfcc(audio: npt.NDArray[np.float32]) -> tuple[FloatArray, FloatArray]:
    """(MFCC 1..12 per 10 ms frame, frame power) of 16 kHz audio."""
    fr = frames(audio, FRAME, HOP)
    if not len(fr):
        return np.zeros((0, N_CEPS)), np.zeros(0)
    power = np.empty(len(fr))
    ceps = np.empty((len(fr), N_CEPS))
    for start in range(0, len(fr), BATCH):  # batches keep memory flat on long chunks
        batch = np.array(fr[start : start + BATCH])
        power[start : start + BATCH] = np.einsum("ij,ij->i", batch, batch, dtype=np.float64) / FRAME
        spec = np.fft.rfft(batch * _WINDOW, NFFT, axis=1)
        energy = spec.real**2 + spec.imag**2
        logmel = np.log(np.maximum(energy @ _MEL_T, 1e-10))
        ceps[start : start + BATCH] = logmel @ _DCT_T
    return ceps, power


# --- the signature ---------------------------------------------------------------------

#: Per-dimension scale: F0 in semitones, then MFCC 1..12 (see docs/thresholds.md).
SCALES = np.array([1.5, 4.0, 3.0, 3.0, 3.0] + [2.0] * 8)

Span = tuple[int, int]


class Signature(Protocol):
    """A voice representation: one vector per stretch of a clip and a distance between two.

    ``embed`` gets a 16 kHz mono clip and sample spans within it (the whole speech, its first
    half, its second half) and returns one signature per span, None where a span holds too
    little speech; a model-based embedding would run its network on each span.
    """

    @property
    def name(self) -> str:
        """Names the representation (stored with the measures)."""
        ...

    def embed(self, audio: npt.NDArray[np.float32], spans: list[Span]) -> list[FloatArray | None]:
        """One signature per span of ``audio`` (16 kHz mono)."""
        ...

    def distance(self, a: FloatArray, b: FloatArray) -> float:
        """How different two signatures are: about 1 between clips of one speaker."""
        ...


@dataclass(frozen=True)
class FrameFeatures:
    """Per 10 ms frame: F0 (NaN unvoiced), MFCC 1..12, and whether the frame is active."""

    f0: FloatArray
    ceps: FloatArray
    active: npt.NDArray[np.bool_]


def frame_features(audio: npt.NDArray[np.float32]) -> FrameFeatures:
    """Pitch and cepstra of a 16 kHz clip on one 10 ms grid (pitch measured at 8 kHz)."""
    import soxr

    ceps, power = mfcc(audio)
    narrow = np.asarray(audio, dtype=np.float32)
    f0 = yin(soxr.resample(narrow, RATE, PITCH_RATE, quality="HQ")) if narrow.size else np.zeros(0)
    n = min(len(ceps), len(f0))
    return FrameFeatures(f0=f0[:n], ceps=ceps[:n], active=active_mask(power[:n]))


@dataclass(frozen=True)
class PitchMfccSignature:
    """Median F0 (semitones re 100 Hz) + mean MFCC 1–12 of the active frames, scaled."""

    name: str = "pitch-mfcc-v1"

    def embed(self, audio: npt.NDArray[np.float32], spans: list[Span]) -> list[FloatArray | None]:
        feats = frame_features(audio)
        return [self.from_frames(feats, start // HOP, end // HOP) for start, end in spans]

    @staticmethod
    def from_frames(feats: FrameFeatures, first: int, last: int) -> FloatArray | None:
        """The signature of frames ``first:last``, None under MIN_VOICED_S of voiced speech."""
        active = feats.active[first:last]
        f0 = feats.f0[first:last]
        voiced = active & np.isfinite(f0)
        if voiced.sum() * HOP / RATE < MIN_VOICED_S:
            return None
        semitones = 12 * np.log2(float(np.median(f0[voiced])) / 100.0)
        vector = np.concatenate(([semitones], feats.ceps[first:last][active].mean(axis=0)))
        scaled: FloatArray = vector / SCALES
        return scaled

    def distance(self, a: FloatArray, b: FloatArray) -> float:
        """Root-mean-square difference of the scaled dimensions."""
        return float(np.sqrt(np.mean((np.asarray(a) - np.asarray(b)) ** 2)))


DEFAULT = PitchMfccSignature()


@dataclass(frozen=True)
class VoiceFacts:
    """What the voice analysis of one clip tells; field names match ``columns``."""

    voice_f0_median_hz: float | None = None
    voice_f0_range_st: float | None = None
    voice_change: float | None = None
    voice_signature: list[float] | None = None

    def as_dict(self) -> dict[str, object]:
        return {f: getattr(self, f) for f in self.__dataclass_fields__}


def pitch_summary(feats: FrameFeatures) -> tuple[float | None, float | None]:
    """(median F0 in Hz, 5th–95th percentile range in semitones) of the voiced active frames."""
    values = feats.f0[feats.active & np.isfinite(feats.f0)]
    if values.size * HOP / RATE < MIN_VOICED_S:
        return None, None
    low, high = np.percentile(values, [5, 95])
    return round(float(np.median(values)), 2), round(float(12 * np.log2(high / low)), 2)


def speech_spans(active: npt.NDArray[np.bool_]) -> tuple[Span, Span, Span] | None:
    """Sample spans of the whole speech and of its halves (half the active frames on each
    side of the cut), from the active-frame mask; None with fewer than two active frames."""
    idx = np.flatnonzero(active)
    if idx.size < 2:
        return None
    first, cut, end = int(idx[0]), int(idx[idx.size // 2]), int(idx[-1]) + 1
    return (first * HOP, end * HOP), (first * HOP, cut * HOP), (cut * HOP, end * HOP)


#: Where the change search may cut, as shares of the active frames (20 %, 25 % ... 80 %): a
#: second speaker reading the last third of a clip barely moves the halves' signatures.
CUT_SHARES = np.linspace(0.2, 0.8, 13)


def change_point(
    feats: FrameFeatures, signature: PitchMfccSignature = DEFAULT
) -> tuple[float, int] | None:
    """(largest signature distance between the speech before and after a cut, that cut's
    frame) over the cuts of CUT_SHARES; None when no cut leaves enough speech on both sides.

    A splice is one step change: the two sides of the right cut each hold one voice, so the
    search finds it wherever it sits, at the cost of a slightly higher value on one speaker's
    clip (the best of 13 cuts rather than one)."""
    idx = np.flatnonzero(feats.active)
    if idx.size < 2:
        return None
    first, end = int(idx[0]), int(idx[-1]) + 1
    best: tuple[float, int] | None = None
    for cut in sorted({int(idx[int(share * idx.size)]) for share in CUT_SHARES}):
        a = signature.from_frames(feats, first, cut)
        b = signature.from_frames(feats, cut, end)
        if a is None or b is None:
            continue
        distance = signature.distance(a, b)
        if best is None or distance > best[0]:
            best = (distance, cut)
    return best


def analyse(audio: npt.NDArray[np.float32], signature: Signature = DEFAULT) -> VoiceFacts:
    """Voice facts of one 16 kHz mono clip: pitch summary, signature, and the voice change
    (the change search for the default signature; the halves for another)."""
    data = np.asarray(audio, dtype=np.float32).reshape(-1)
    change = None
    if isinstance(signature, PitchMfccSignature):
        feats = frame_features(data)  # computed once, shared by the pitch summary and spans
        spans = speech_spans(feats.active)
        whole = (
            signature.from_frames(feats, spans[0][0] // HOP, spans[0][1] // HOP) if spans else None
        )
        found = change_point(feats, signature)
        change = round(found[0], 3) if found is not None else None
    else:
        fr = frames(data, FRAME, HOP)
        feats = frame_features(data)
        spans = speech_spans(active_mask(np.einsum("ij,ij->i", fr, fr, dtype=np.float64) / FRAME))
        vectors = signature.embed(data, list(spans)) if spans else []
        whole, first, second = vectors if len(vectors) == 3 else (None, None, None)
        if first is not None and second is not None:
            change = round(signature.distance(first, second), 3)
    median, spread = pitch_summary(feats)
    return VoiceFacts(
        voice_f0_median_hz=median,
        voice_f0_range_st=spread,
        voice_change=change,
        voice_signature=[round(float(v), 4) for v in whole] if whole is not None else None,
    )


def corpus_distances(
    signatures: list[list[float] | None], signature: Signature = DEFAULT
) -> tuple[list[float], float]:
    """Each clip's distance to the corpus voice (the element-wise median signature) and the
    median of those distances (how much this corpus's clips vary among themselves).

    ``signatures`` must all be present and of one length (the caller drops missing ones).
    """
    matrix = np.asarray([s for s in signatures if s is not None], dtype=np.float64)
    if matrix.size == 0:
        return [], 0.0
    centre = np.median(matrix, axis=0)
    distances = [round(signature.distance(row, centre), 4) for row in matrix]
    return distances, float(np.median(distances))
