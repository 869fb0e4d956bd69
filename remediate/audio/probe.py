"""The only module that reads audio: container sniffing, header probe, one-pass statistics.

``probe(path, settings)`` reads the file once, as int16 blocks through soundfile (int16
is ~6x faster than float32 in libsndfile, see performance.md), and feeds every signal
statistic from that single decode: peak, clipping, DC, RMS, frame energies for
silence/speech/noise, an averaged spectrum for effective bandwidth, and a hash of the
decoded samples. Memory stays flat: only per-frame energies (50 per second) are kept,
plus the samples themselves when integrated loudness is requested.

A file that cannot be read never raises: the facts come back with ``audio_error`` set.
"""

from __future__ import annotations

import hashlib
import math
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import soundfile as sf

from remediate.audio.loudness import LoudnessMeter

FULL_SCALE = 32768.0
#: Bumped whenever the probe measures differently or returns other fields: part of the scan
#: cache key, so a cache written by an older probe is never read as if it were current.
PROBE_VERSION = 2
BLOCK_FRAMES = 1 << 16
SPECTRUM_WINDOW = 2048
#: Analyse one spectrum window every this many samples: 6.25 % coverage (about 8 windows on a
#: 5 s clip) keeps the FFT cheap; on the sample corpus bandwidths moved by under 2 % against
#: 12.5 % coverage, and the resampler brick wall it looks for is 30+ dB deep.
SPECTRUM_HOP = SPECTRUM_WINDOW * 16
#: A spectrum bin counts towards the bandwidth when within this many dB of the strongest bin
#: (70 dB: deep enough to see a resampler brick wall under natural roll-off; calibrated
#: on espeak speech at 22.05 kHz, its 16 kHz and 8 kHz downsamplings, and added noise).
BANDWIDTH_FLOOR_DB = 70.0
_HANN = np.hanning(SPECTRUM_WINDOW).astype(np.float32)
#: Silent frames needed (100 ms at 20 ms frames) before a noise floor is reported.
MIN_QUIET_FRAMES = 5
#: Floor for logarithms of silence (digital zero), in dBFS.
MIN_DB = -120.0


@dataclass(frozen=True)
class ProbeSettings:
    """The thresholds the probe itself needs (the rest are applied by the checks)."""

    clip_level: int = 32735
    frame_s: float = 0.02
    silence_relative_db: float = 40.0
    silence_absolute_dbfs: float = -60.0
    loudness: bool = False


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
    channel_balance_db: float | None = None
    loudness_lufs: float | None = None
    audio_sha256: str | None = None
    samples_fingerprint: str | None = None
    samples_sha256: str | None = None
    audio_error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


# --- container -------------------------------------------------------------------


def sniff_container(head: bytes) -> str:
    """Name the container from the first bytes, whatever the file extension says."""
    if not head:
        return "empty"
    if len(head) >= 12 and head[8:12] == b"WAVE":
        if head[:4] == b"RIFF":
            return "wav"
        if head[:4] in (b"RF64", b"BW64"):
            return "rf64"
        if head[:4] == b"RIFX":
            return "rifx"
    if head[:4] == b"riff" and len(head) >= 16:
        return "w64"
    if head[:4] == b"OggS":
        return "ogg"
    if head[:4] == b"fLaC":
        return "flac"
    if head[:3] == b"ID3":
        return "mp3"
    if head[:4] == b"FORM" and len(head) >= 12 and head[8:12] in (b"AIFF", b"AIFC"):
        return "aiff"
    if len(head) >= 8 and head[4:8] == b"ftyp":
        return "mp4"
    if head[:4] == b"ADIF":
        return "aac"
    if len(head) >= 2 and head[0] == 0xFF:
        if (head[1] & 0xF6) == 0xF0:
            return "aac"  # ADTS sync with layer bits 00
        if (head[1] & 0xE0) == 0xE0 and (head[1] >> 1) & 0x03:
            return "mp3"  # MPEG audio frame sync without an ID3 tag
    return "unknown"


def wav_data_sizes(path: Path, file_size: int) -> tuple[int | None, int | None]:
    """Declared and actually present bytes of the ``data`` chunk of a RIFF/RF64 file.

    Returns (None, None) when the chunk list cannot be walked.
    """
    try:
        with path.open("rb") as fh:
            head = fh.read(12)
            if len(head) < 12:
                return None, None
            is_rf64 = head[:4] in (b"RF64", b"BW64")
            ds64_data: int | None = None
            pos = 12
            while pos + 8 <= file_size:
                fh.seek(pos)
                chunk = fh.read(8)
                if len(chunk) < 8:
                    break
                cid, size = chunk[:4], struct.unpack("<I", chunk[4:8])[0]
                if cid == b"ds64" and is_rf64:
                    body = fh.read(24)
                    if len(body) >= 16:
                        ds64_data = struct.unpack("<Q", body[8:16])[0]
                if cid == b"data":
                    declared = ds64_data if (is_rf64 and size == 0xFFFFFFFF) else size
                    actual = max(0, file_size - (pos + 8))
                    return declared, min(actual, declared) if declared is not None else actual
                pos += 8 + size + (size & 1)
    except OSError:
        return None, None
    return None, None


# --- statistics --------------------------------------------------------------------


def _db(power: float) -> float:
    """Power (mean square, full scale = 1) to dBFS, floored at MIN_DB."""
    if power <= 0 or not math.isfinite(power):
        return MIN_DB
    return max(MIN_DB, 10.0 * math.log10(power))


def frame_activity(
    power: npt.NDArray[np.float64], settings: ProbeSettings
) -> tuple[npt.NDArray[np.bool_], float]:
    """The silence rule: which frames (mean power, full scale = 1) hold signal, and the
    loudest frame in dBFS. A frame is silent when it is ``silence_relative_db`` below the
    loudest frame or under ``silence_absolute_dbfs``. Shared by the probe and the trim fix."""
    db = 10 * np.log10(np.maximum(power, 10 ** (MIN_DB / 10)))
    loudest = float(db.max())
    threshold = max(loudest - settings.silence_relative_db, settings.silence_absolute_dbfs)
    return db > threshold, loudest


def _loudness_meter(rate: int) -> LoudnessMeter | None:
    """A streaming BS.1770 meter, or None when the ``loudness`` extra is not installed."""
    try:
        return LoudnessMeter(rate)
    except ImportError:
        return None


class _Accumulator:
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
        self.sums = np.zeros(channels, dtype=np.int64)
        self.sumsq = np.zeros(channels, dtype=np.float64)
        self.frame_sums: list[npt.NDArray[np.float64]] = []
        self.carry = np.zeros(0, dtype=np.float32)  # mono samples not yet in a whole frame
        self.spectrum = np.zeros(SPECTRUM_WINDOW // 2 + 1, dtype=np.float64)
        self.spectrum_n = 0
        self.spec_offset = 0  # where the next spectrum window starts, relative to the next block
        self.window = _HANN
        self.low = 0
        self.meter = _loudness_meter(samplerate) if settings.loudness else None
        # Mono mix is the channel sum; its full scale is channels * 32768.
        self.mono_scale = float(channels) * FULL_SCALE

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
        self._spectrum(mono)
        if self.settings.loudness:
            if self.meter is not None:
                self.meter.add(mono / self.mono_scale)

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

    def _spectrum(self, mono: npt.NDArray[np.float32]) -> None:
        """Add windows taken every SPECTRUM_HOP samples, batched into one FFT per block."""
        count = max(0, (mono.size - self.spec_offset - SPECTRUM_WINDOW) // SPECTRUM_HOP + 1)
        start = self.spec_offset
        self.spec_offset = max(0, start + count * SPECTRUM_HOP - mono.size)
        if not count:
            return
        # Windows at start, start+HOP, ...: a strided view, no copy until the float cast.
        span = mono[start : start + count * SPECTRUM_HOP]
        if span.size < count * SPECTRUM_HOP:
            span = np.concatenate((span, np.zeros(count * SPECTRUM_HOP - span.size, span.dtype)))
        segs = span.reshape(count, SPECTRUM_HOP)[:, :SPECTRUM_WINDOW] / np.float32(self.mono_scale)
        # Only windows with signal say anything about bandwidth; -50 dBFS keeps pauses out.
        active = segs[np.einsum("ij,ij->i", segs, segs) / SPECTRUM_WINDOW > 1e-5]
        if not len(active):
            return
        spec = np.fft.rfft(active * self.window, axis=1)
        self.spectrum += (spec.real**2 + spec.imag**2).sum(axis=0, dtype=np.float64)
        self.spectrum_n += len(active)

    def fingerprint(self) -> str:
        """A cheap identity of the decoded samples from exact integer statistics: equal
        samples always give equal fingerprints; the rare unequal files that collide are told
        apart by :func:`samples_sha256`, computed only for them (see scan.measure)."""
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
        means = self.sums / self.n / FULL_SCALE
        out["dc_offset"] = float(means[np.argmax(np.abs(means))])
        if self.channels == 1:
            tail = float(np.einsum("i,i->", self.carry, self.carry, dtype=np.float64))
            self.sumsq[0] = sum(float(f.sum()) for f in self.frame_sums) + tail
        ch_power = self.sumsq / self.n / FULL_SCALE**2
        out["rms_dbfs"] = round(_db(float(ch_power.sum() / self.channels)), 3)
        if self.channels > 1:
            strongest, weakest = float(ch_power.max()), float(ch_power.min())
            out["channel_balance_db"] = round(_db(strongest) - _db(weakest), 3)
        out.update(self._silence())
        out["bandwidth_hz"] = self._bandwidth()
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
            result.update(
                lead_silence_s=duration,
                trail_silence_s=duration,
                speech_ratio=0.0,
                noise_floor_dbfs=round(_db(float(power.mean())), 3),
                snr_db=None,
            )
            return result
        idx = np.flatnonzero(active)
        first, last = int(idx[0]), int(idx[-1])
        lead = first * frame_s
        trail = max(0.0, duration - (last + 1) * frame_s)
        span = active[first : last + 1]
        quiet = power[~active]
        result.update(
            lead_silence_s=round(lead, 4),
            trail_silence_s=round(trail, 4),
            speech_ratio=round(float(span.mean()), 4),
        )
        # Noise floor: mean power of the silent frames. A clip with (almost) no pause has no
        # floor to measure: a percentile of speech frames would read as "noisy", so both the
        # floor and the SNR stay unknown (null) rather than raise false warnings.
        if quiet.size >= MIN_QUIET_FRAMES:
            noise = float(quiet.mean())
            speech = float(power[active].mean())
            snr = _db(max(speech - noise, 1e-12)) - _db(noise) if noise > 0 else 120.0
            result.update(noise_floor_dbfs=round(_db(noise), 3), snr_db=round(min(snr, 120.0), 2))
        return result

    def _bandwidth(self) -> float | None:
        if self.spectrum_n == 0:
            return None
        spec = self.spectrum / self.spectrum_n
        peak = float(spec.max())
        if peak <= 0:
            return None
        floor = peak * 10 ** (-BANDWIDTH_FLOOR_DB / 10)
        above = np.flatnonzero(spec >= floor)
        top_bin = int(above[-1]) if above.size else 0
        return round(top_bin * self.rate / SPECTRUM_WINDOW, 1)


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
        block: npt.NDArray[np.int16] = snd.read(BLOCK_FRAMES, dtype="int16", always_2d=True)
        return block
    data = snd.read(BLOCK_FRAMES, dtype="float32", always_2d=True)
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
_WAVE_FORMAT_PCM = 1
_WAVE_FORMAT_EXTENSIBLE = 0xFFFE


@dataclass(frozen=True)
class _Layout:
    """What the RIFF chunks of a WAV in memory say."""

    format_tag: int
    channels: int
    rate: int
    block_align: int
    bits: int
    data_offset: int
    declared: int


def _riff_layout(buf: bytes) -> _Layout | None:
    """Walk the chunks of a RIFF WAVE held in memory; None when fmt or data is missing."""
    if len(buf) < 12 or buf[:4] != b"RIFF" or buf[8:12] != b"WAVE":
        return None
    pos, fmt = 12, None
    while pos + 8 <= len(buf):
        cid, size = buf[pos : pos + 4], struct.unpack_from("<I", buf, pos + 4)[0]
        body = pos + 8
        if cid == b"fmt " and size >= 16 and body + 16 <= len(buf):
            tag, channels, rate, _, align, bits = struct.unpack_from("<HHIIHH", buf, body)
            if tag == _WAVE_FORMAT_EXTENSIBLE and size >= 40 and body + 26 <= len(buf):
                tag = struct.unpack_from("<H", buf, body + 24)[0]  # sub-format GUID's first word
            fmt = (tag, channels, rate, align, bits)
        elif cid == b"data":
            if fmt is None:
                return None
            return _Layout(*fmt, data_offset=body, declared=size)
        pos = body + size + (size & 1)
    return None


def _pcm16_view(buf: bytes, layout: _Layout | None) -> npt.NDArray[np.int16] | None:
    """The samples of a plain little-endian PCM_16 WAV as an int16 (frames, channels) view of
    ``buf``, or None when libsndfile must decode (other formats, streamed sizes...)."""
    if layout is None or layout.format_tag != _WAVE_FORMAT_PCM or layout.bits != 16:
        return None
    if layout.channels < 1 or layout.rate < 1 or layout.block_align != 2 * layout.channels:
        return None
    if layout.declared in (0, 0xFFFFFFFF):
        return None  # a streamed WAV: libsndfile knows how to size it from the file
    available = min(layout.declared, len(buf) - layout.data_offset)
    frames = max(0, available) // layout.block_align
    view = np.frombuffer(
        buf, dtype="<i2", count=frames * layout.channels, offset=layout.data_offset
    )
    return view.reshape(frames, layout.channels)


def _pcm16_blocks(view: npt.NDArray[np.int16]) -> Iterator[npt.NDArray[np.int16]]:
    for start in range(0, view.shape[0], BLOCK_FRAMES):
        yield view[start : start + BLOCK_FRAMES]


def _sf_blocks(snd: sf.SoundFile) -> Iterator[npt.NDArray[np.int16]]:
    floating = str(snd.subtype) in FLOAT_SUBTYPES
    while True:
        block = _read_int16(snd, floating)
        if block.shape[0] == 0:
            return
        yield block


def _read_head(path: Path, size: int) -> tuple[bytes, bytes | None, str]:
    """(first 64 bytes, whole file or None when too large to hold, file sha256)."""
    if size <= IN_MEMORY_MAX_BYTES:
        data = path.read_bytes()
        return data[:64], data, hashlib.sha256(data).hexdigest()
    with path.open("rb") as fh:
        head = fh.read(64)
    return head, None, sha256_file(path)


def probe(path: Path, settings: ProbeSettings | None = None) -> AudioFacts:
    """Read one audio file once and return everything the checks need.

    Never raises for a bad file: unreadable, empty, truncated or foreign-format files come
    back with ``audio_error`` (and whatever could still be measured).
    """
    settings = settings or ProbeSettings()
    facts: dict[str, Any] = {}
    try:
        size = path.stat().st_size
        head, data, facts["audio_sha256"] = _read_head(path, size)
    except OSError as exc:
        return AudioFacts(audio_error=f"cannot open: {exc.strerror or exc}")
    container = sniff_container(head)
    facts["container"] = container
    if container == "empty":
        return AudioFacts(**facts, audio_error="file is empty (0 bytes)")
    layout = _riff_layout(data) if data is not None and container == "wav" else None
    if layout is not None and data is not None:
        facts["declared_data_bytes"] = layout.declared
        facts["actual_data_bytes"] = max(0, min(layout.declared, len(data) - layout.data_offset))
    elif container in ("wav", "rf64"):
        declared, actual = wav_data_sizes(path, size)
        facts["declared_data_bytes"] = declared
        facts["actual_data_bytes"] = actual
    view = _pcm16_view(data, layout) if data is not None else None
    if view is not None and layout is not None:
        facts.update(_measure(view.shape[0], layout.rate, layout.channels, "WAV", "PCM_16"))
        acc = _Accumulator(layout.rate, layout.channels, settings)
        for block in _pcm16_blocks(view):
            acc.add(block)
        facts.update(acc.finish())
        return AudioFacts(**facts)
    try:
        with sf.SoundFile(_native(path)) as snd:
            rate, channels, frames = int(snd.samplerate), int(snd.channels), int(snd.frames)
            facts.update(_measure(frames, rate, channels, str(snd.format), str(snd.subtype)))
            acc = _Accumulator(rate, channels, settings)
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
        layout = _riff_layout(data) if data is not None else None
        view = _pcm16_view(data, layout) if data is not None else None
        if view is not None and layout is not None:
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


# --- fix stage: whole-file read/write and the speech span (used by remediate.fix.apply) -----------
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
