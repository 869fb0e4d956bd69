"""The only module that reads audio: header probe and the one-pass measurement.

``probe(path, settings)`` reads the file once, as int16 blocks through soundfile (int16
is ~6x faster than float32 in libsndfile, see docs/performance.md), or as a view of the bytes
of a plain PCM_16 WAV, and feeds every statistic from that single decode
(:mod:`remediate.audio.stream`): peak, clipping, RMS, frame energies for silence, the
voice measures (noise floor and SNR, bandwidth, reverberation, clicks, DC offset; see
:mod:`remediate.audio.voice`), and a fingerprint of the decoded samples. Container facts
come from :mod:`remediate.audio.riff`. Memory stays flat: per-frame values (50 per
second) and one chunk of at most 30 s of mono samples.

A file that cannot be read never raises: the facts come back with ``audio_error`` set.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import soundfile as sf

from remediate.audio.riff import (
    data_sizes,
    file_layout,
    memory_layout,
    pcm16_view,
    sniff_container,
    wav_data_sizes,
)
from remediate.audio.stream import (
    FULL_SCALE,
    MIN_DB,
    Accumulator,
    ProbeSettings,
    frame_activity,
)
from remediate.files import TooLarge, read_regular

__all__ = [
    "FULL_SCALE",
    "MIN_DB",
    "PROBE_VERSION",
    "AudioFacts",
    "ProbeSettings",
    "envelope",
    "frame_activity",
    "frame_powers",
    "probe",
    "read_samples",
    "samples_sha256",
    "sha256_file",
    "sniff_container",
    "speech_span",
    "wav_data_sizes",
    "write_wav_pcm16",
]

#: Bumped whenever the probe measures differently or returns other fields: part of the scan
#: cache key, so a cache written by an older probe is never read as if it were current.
PROBE_VERSION = 6  # 6: voice_change is the change search (no longer the halves)
#: Samples (frames × channels) per decoded block, so memory per block is flat in channels.
BLOCK_SAMPLES = 1 << 16
#: Frames per block of a mono file.
BLOCK_FRAMES = BLOCK_SAMPLES
#: Containers whose samples are measured; anything else only gets its container named.
DECODED_CONTAINERS = frozenset({"wav", "rf64"})
#: Below this rate no speech fits and the clip is an error (audio-samplerate-low) anyway;
#: the signal statistics are skipped, because their 20 ms frames would shrink to single
#: samples (a 765 KB FLAC at 1 Hz made the probe hold 6.5 GB of per-sample floats).
MIN_MEASURED_RATE = 1000
#: Above this no audio format goes (DXD is 352.8 kHz, the highest PCM rates 768 kHz): a
#: header claiming more is broken, and sizing buffers by it would ask for gigabytes.
MAX_MEASURED_RATE = 768_000


@dataclass(frozen=True)
class AudioFacts:
    """What one read of one audio file tells. Field names match ``columns``."""

    container: str | None = None
    format: str | None = None
    subtype: str | None = None
    samplerate: int | None = None
    channels: int | None = None
    frames: int | None = None
    duration_s: float | None = None
    declared_data_bytes: int | None = None
    actual_data_bytes: int | None = None
    peak_dbfs: float | None = None
    clip_fraction: float | None = None
    clip_samples: int | None = None
    clip_longest_run: int | None = None
    dc_offset: float | None = None
    rms_dbfs: float | None = None
    max_short_rms_dbfs: float | None = None
    lead_silence_s: float | None = None
    trail_silence_s: float | None = None
    speech_ratio: float | None = None
    noise_floor_dbfs: float | None = None
    snr_db: float | None = None
    bandwidth_hz: float | None = None
    rt60_s: float | None = None
    clicks: int | None = None
    click_worst_dbfs: float | None = None
    voice_f0_median_hz: float | None = None
    voice_f0_range_st: float | None = None
    voice_change: float | None = None
    voice_signature: list[float] | None = None
    dnsmos_sig: float | None = None
    dnsmos_bak: float | None = None
    dnsmos_ovrl: float | None = None
    channel_balance_db: float | None = None
    loudness_lufs: float | None = None
    audio_sha256: str | None = None
    samples_fingerprint: str | None = None
    samples_sha256: str | None = None
    audio_error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def envelope(
    path: Path, points: int = 2000
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """A min/max envelope of a file's mono mix for plotting: (seconds, low, high), ±1 full scale.

    Reads blockwise, so plotting an hour-long file costs ``points`` floats of memory.
    """
    info = sf.info(str(path))
    frames = max(1, int(info.frames))
    per = max(1, -(-frames // points))
    lows: list[float] = []
    highs: list[float] = []
    with sf.SoundFile(path) as snd:
        for block in snd.blocks(blocksize=per * 64, dtype="int16", always_2d=True):
            mono = block.astype(np.float64).mean(axis=1) / FULL_SCALE
            usable = (mono.size // per) * per
            if usable:
                chunks = mono[:usable].reshape(-1, per)
                lows.extend(chunks.min(axis=1))
                highs.extend(chunks.max(axis=1))
            if mono.size > usable:
                lows.append(float(mono[usable:].min()))
                highs.append(float(mono[usable:].max()))
    times = np.arange(len(lows), dtype=np.float64) * per / info.samplerate
    return times, np.asarray(lows), np.asarray(highs)


#: libsndfile does not scale float data read as integers (a FLOAT WAV at -3 dBFS would read
#: as zeros), so these are read as float32 and quantised here.
FLOAT_SUBTYPES = frozenset({"FLOAT", "DOUBLE"})


def _read_int16(snd: sf.SoundFile, floating: bool) -> npt.NDArray[np.int16]:
    """The next block as int16 of shape (frames, channels); floats are scaled by 32768 (as
    libsndfile scales PCM) and clipped, so -1.0 is full scale and overs count as clipping."""
    if not floating:
        block: npt.NDArray[np.int16] = snd.read(
            _block_frames(snd.channels), dtype="int16", always_2d=True
        )
        return block
    data = snd.read(_block_frames(snd.channels), dtype="float32", always_2d=True)
    quantised: npt.NDArray[np.int16] = np.clip(np.rint(data * FULL_SCALE), -32768, 32767).astype(
        np.int16
    )
    return quantised


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes, read in 1 MiB chunks (the manifest's hash)."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _native(path: Path) -> str | bytes:
    """The path as libsndfile should get it. soundfile encodes a str path as strict UTF-8,
    so a name that is not UTF-8 (GBK names from a Windows zip, surrogate-escaped by Python)
    failed as "cannot decode"; on POSIX the raw bytes are passed instead."""
    return str(path) if os.name == "nt" else os.fsencode(path)


#: Files up to this size are read into memory once: one read feeds the file hash and, for
#: plain PCM_16 WAV (what corpora are made of), the samples themselves, viewed in place
#: without a second pass through libsndfile. 8 MiB holds a 15 s clip up to 96 kHz 16-bit
#: stereo (5.8 MB); longer recordings stream blockwise, so memory stays flat.
IN_MEMORY_MAX_BYTES = 8 << 20


def _pcm16_blocks(view: npt.NDArray[np.int16]) -> Iterator[npt.NDArray[np.int16]]:
    step = _block_frames(view.shape[1])
    for start in range(0, view.shape[0], step):
        yield view[start : start + step]


def _sf_blocks(snd: sf.SoundFile) -> Iterator[npt.NDArray[np.int16]]:
    floating = str(snd.subtype) in FLOAT_SUBTYPES
    while True:
        block = _read_int16(snd, floating)
        if block.shape[0] == 0:
            return
        yield block


def _read_head(path: Path) -> tuple[bytes, bytes | None, str, int]:
    """(first 64 bytes, whole file or None when too large to hold, file sha256, size).

    Only regular files are read (NotRegularFile otherwise: a FIFO would block forever).
    """
    try:
        data = read_regular(path, IN_MEMORY_MAX_BYTES)
    except TooLarge as big:
        with path.open("rb") as fh:  # a regular file: read_regular checked it
            head = fh.read(64)
        return head, None, sha256_file(path), big.size
    return data[:64], data, hashlib.sha256(data).hexdigest(), len(data)


def _rate_error(rate: int) -> str | None:
    """Below MIN_MEASURED_RATE: None (audio-samplerate-low says it); above the highest audio
    rate the header is broken: an error, so the fix never tries to resample it."""
    if rate > MAX_MEASURED_RATE:
        return f"sample rate {rate} Hz is not audio (broken header): not decoded"
    return None


def _block_frames(channels: int) -> int:
    """Frames per block so that one block holds about BLOCK_SAMPLES samples, whatever the
    channel count (a 1024-channel header must not make a 67 M-sample block)."""
    return max(1, BLOCK_SAMPLES // max(1, channels))


def probe(path: Path, settings: ProbeSettings | None = None) -> AudioFacts:
    """Read one audio file once and return everything the checks need.

    Never raises for a bad file: unreadable, empty, truncated or foreign-format files come
    back with ``audio_error`` (and whatever could still be measured).
    """
    settings = settings or ProbeSettings()
    facts: dict[str, Any] = {}
    try:
        head, data, facts["audio_sha256"], size = _read_head(path)
    except OSError as exc:
        return AudioFacts(audio_error=f"cannot open: {exc.strerror or exc}")
    container = sniff_container(head)
    facts["container"] = container
    if container == "empty":
        return AudioFacts(**facts, audio_error="file is empty (0 bytes)")
    if container not in DECODED_CONTAINERS:
        # Another format under an audio name is an error whatever it holds (audio-container):
        # decoding it would only cost time and memory (a 6-hour FLAC) and let decoders such
        # as libmpg123 write to stderr.
        unknown = "unknown format: not decoded" if container == "unknown" else None
        return AudioFacts(**facts, audio_error=unknown)
    layout = None
    if container in ("wav", "rf64"):
        layout = memory_layout(data) if data is not None else file_layout(path, size)
        declared, actual = data_sizes(layout, size)
        facts["declared_data_bytes"] = declared
        facts["actual_data_bytes"] = actual
    view = pcm16_view(data, layout) if data is not None else None
    if view is not None and layout is not None and layout.rate and layout.channels:
        facts.update(_measure(view.shape[0], layout.rate, layout.channels, "WAV", "PCM_16"))
        if not MIN_MEASURED_RATE <= layout.rate <= MAX_MEASURED_RATE:
            return AudioFacts(**facts, audio_error=_rate_error(layout.rate))
        acc = Accumulator(layout.rate, layout.channels, settings)
        for block in _pcm16_blocks(view):
            acc.add(block)
        facts.update(acc.finish())
        return AudioFacts(**facts)
    try:
        with sf.SoundFile(_native(path)) as snd:
            rate, channels, frames = int(snd.samplerate), int(snd.channels), int(snd.frames)
            facts.update(_measure(frames, rate, channels, str(snd.format), str(snd.subtype)))
            if not MIN_MEASURED_RATE <= rate <= MAX_MEASURED_RATE:
                return AudioFacts(**facts, audio_error=_rate_error(rate))
            acc = Accumulator(rate, channels, settings)
            read = 0
            for block in _sf_blocks(snd):
                acc.add(block)
                read += block.shape[0]
            facts.update(acc.finish())
            if frames and read < frames:
                facts["audio_error"] = f"decoded {read} of {frames} frames (truncated?)"
    except (sf.LibsndfileError, RuntimeError, ValueError, OSError, MemoryError) as exc:
        facts["audio_error"] = f"cannot decode: {_short(exc)}"
    return AudioFacts(**facts)


def _measure(frames: int, rate: int, channels: int, fmt: str, subtype: str) -> dict[str, Any]:
    return {
        "format": fmt,
        "subtype": subtype,
        "samplerate": rate,
        "channels": channels,
        "frames": frames,
        "duration_s": round(frames / rate, 4) if rate else None,
    }


def samples_sha256(path: Path) -> str | None:
    """SHA-256 of the decoded int16 samples (little-endian) with rate and channels: equal for
    a re-encoded copy (PCM_24, FLOAT, FLAC, another header). None when undecodable.

    Costs a full decode, so the scan computes it only for files whose cheap
    ``samples_fingerprint`` matches another file's."""
    try:
        size = path.stat().st_size
        data = path.read_bytes() if size <= IN_MEMORY_MAX_BYTES else None
        layout = memory_layout(data) if data is not None else None
        view = pcm16_view(data, layout) if data is not None else None
        if view is not None and layout is not None and layout.rate and layout.channels:
            return _hash_blocks(layout.rate, layout.channels, _pcm16_blocks(view))
        with sf.SoundFile(_native(path)) as snd:
            return _hash_blocks(int(snd.samplerate), int(snd.channels), _sf_blocks(snd))
    except (sf.LibsndfileError, RuntimeError, ValueError, OSError, MemoryError):
        return None


def _hash_blocks(rate: int, channels: int, blocks: Iterator[npt.NDArray[np.int16]]) -> str:
    h = hashlib.sha256(f"{rate}:{channels}:".encode())
    for block in blocks:
        h.update(np.ascontiguousarray(block, dtype="<i2").tobytes())
    return h.hexdigest()


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    # libsndfile prefixes messages with the path; keep only the reason.
    marker = ": "
    if os.sep in text and marker in text:
        text = text.rsplit(marker, 1)[-1]
    return text[:200]


# --- fix stage: whole-file read/write and the speech span (used by remediate.fix) -----------
# Kept here because this is the only module that may import soundfile. The speech span
# uses the probe's own framing and silence rule (frame_activity), so a trimmed file
# re-probes with the padding the fix asked for.


def read_samples(path: Path) -> tuple[npt.NDArray[np.float64], int]:
    """Decode a whole file as float64 of shape (frames, channels), ±1 full scale, and its rate.

    Integer PCM is scaled by 1/2^(bits-1) (int16 by 1/32768, as the probe does), so a
    PCM_16 file written back without processing gives the same integers.
    Raises ``OSError`` or ``ValueError`` (with the reason) when the file cannot be decoded.
    """
    try:
        data, rate = sf.read(str(path), dtype="float64", always_2d=True)
    except (sf.LibsndfileError, RuntimeError) as exc:
        raise ValueError(f"cannot decode {path.name}: {_short(exc)}") from None
    return np.asarray(data, dtype=np.float64), int(rate)


def write_wav_pcm16(path: Path, data: npt.NDArray[np.int16], rate: int) -> None:
    """Write int16 samples (frames[, channels]) as a RIFF WAV, PCM_16, byte for byte."""
    if data.dtype != np.int16:
        raise TypeError(f"write_wav_pcm16 needs int16 samples, got {data.dtype}")
    sf.write(str(path), data, rate, format="WAV", subtype="PCM_16")


def frame_powers(
    mono: npt.NDArray[np.float64], rate: int, frame_s: float
) -> npt.NDArray[np.float64]:
    """Mean power per analysis frame, framed as the probe frames (a short last frame counts)."""
    frame_len = max(1, round(frame_s * rate))
    whole = (mono.size // frame_len) * frame_len
    power: npt.NDArray[np.float64] = (mono[:whole].reshape(-1, frame_len) ** 2).mean(axis=1)
    if mono.size > whole:
        power = np.concatenate((power, [float((mono[whole:] ** 2).mean())]))
    return power


def speech_span(
    mono: npt.NDArray[np.float64], rate: int, settings: ProbeSettings
) -> tuple[int, int] | None:
    """(first, end) sample indices of the active frames of a mono signal under the probe's
    silence rule, ``end`` exclusive; None when no frame is active (or the signal is empty).

    ``first / rate`` is what the probe reports as ``lead_silence_s`` and
    ``(len - end) / rate`` as ``trail_silence_s``.
    """
    if mono.size == 0:
        return None
    power = frame_powers(mono, rate, settings.frame_s)
    active, _ = frame_activity(power, settings)
    if not active.any():
        return None
    frame_len = max(1, round(settings.frame_s * rate))
    idx = np.flatnonzero(active)
    return int(idx[0]) * frame_len, min(mono.size, (int(idx[-1]) + 1) * frame_len)


# --- end of fix-stage block ---------------------------------------------------------------------
