"""Container facts from the bytes: magic-number sniffing and one RIFF/RF64 chunk walker.

The walker reads chunk headers through a ``read(offset, count)`` function, so the same
code serves a file held in memory (the usual clip) and a large file read by seeking.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

WAVE_FORMAT_PCM = 1
WAVE_FORMAT_EXTENSIBLE = 0xFFFE
#: A 32-bit size field of 0xFFFFFFFF in RF64 means "see the ds64 chunk".
_RF64_SIZE = 0xFFFFFFFF

Reader = Callable[[int, int], bytes]


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


@dataclass(frozen=True)
class Layout:
    """What the chunks of a RIFF/RF64 WAVE say. ``fmt`` fields are None when the fmt
    chunk is missing or comes after the data chunk."""

    data_offset: int
    declared: int  # bytes the data chunk declares (from ds64 in RF64)
    format_tag: int | None = None
    channels: int | None = None
    rate: int | None = None
    block_align: int | None = None
    bits: int | None = None


def walk(read: Reader, size: int) -> Layout | None:
    """Walk the chunks up to ``data``; None when the file is not RIFF/RF64 WAVE or has no
    data chunk within ``size`` bytes."""
    head = read(0, 12)
    if len(head) < 12 or head[8:12] != b"WAVE" or head[:4] not in (b"RIFF", b"RF64", b"BW64"):
        return None
    is_rf64 = head[:4] != b"RIFF"
    ds64_data: int | None = None
    fmt: tuple[int, int, int, int, int] | None = None
    pos = 12
    while pos + 8 <= size:
        chunk = read(pos, 8)
        if len(chunk) < 8:
            return None
        cid, length = chunk[:4], struct.unpack("<I", chunk[4:8])[0]
        body = pos + 8
        if cid == b"ds64" and is_rf64:
            raw = read(body, 24)
            if len(raw) >= 16:
                ds64_data = struct.unpack_from("<Q", raw, 8)[0]
        elif cid == b"fmt " and length >= 16:
            raw = read(body, 26)
            if len(raw) >= 16:
                tag, channels, rate, _, align, bits = struct.unpack_from("<HHIIHH", raw)
                if tag == WAVE_FORMAT_EXTENSIBLE and length >= 40 and len(raw) >= 26:
                    tag = struct.unpack_from("<H", raw, 24)[0]  # sub-format GUID's first word
                fmt = (tag, channels, rate, align, bits)
        elif cid == b"data":
            declared = (
                ds64_data
                if (is_rf64 and length == _RF64_SIZE and ds64_data is not None)
                else length
            )
            if fmt is None:
                return Layout(data_offset=body, declared=declared)
            return Layout(body, declared, *fmt)
        pos = body + length + (length & 1)
    return None


def memory_layout(buf: bytes) -> Layout | None:
    """:func:`walk` over a file held in memory."""
    return walk(lambda pos, n: buf[pos : pos + n], len(buf))


def file_layout(path: Path, file_size: int) -> Layout | None:
    """:func:`walk` over a file on disk, reading only chunk headers."""
    try:
        with path.open("rb") as fh:

            def read(pos: int, n: int) -> bytes:
                fh.seek(pos)
                return fh.read(n)

            return walk(read, file_size)
    except OSError:
        return None


def data_sizes(layout: Layout | None, file_size: int) -> tuple[int | None, int | None]:
    """(declared, actually present) bytes of the data chunk; (None, None) without one."""
    if layout is None:
        return None, None
    actual = max(0, file_size - layout.data_offset)
    return layout.declared, min(actual, layout.declared)


def wav_data_sizes(path: Path, file_size: int) -> tuple[int | None, int | None]:
    """Declared and actually present bytes of the ``data`` chunk of a RIFF/RF64 file.

    Returns (None, None) when the chunk list cannot be walked.
    """
    return data_sizes(file_layout(path, file_size), file_size)


def pcm16_view(buf: bytes, layout: Layout | None) -> npt.NDArray[np.int16] | None:
    """The samples of a plain little-endian RIFF PCM_16 WAV as an int16 (frames, channels)
    view of ``buf``, or None when libsndfile must decode (other formats, streamed sizes,
    RF64...)."""
    if layout is None or buf[:4] != b"RIFF":
        return None
    if layout.format_tag != WAVE_FORMAT_PCM or layout.bits != 16:
        return None
    channels, rate, align = layout.channels or 0, layout.rate or 0, layout.block_align
    if channels < 1 or rate < 1 or align != 2 * channels:
        return None
    if layout.declared in (0, _RF64_SIZE):
        return None  # a streamed WAV: libsndfile knows how to size it from the file
    available = min(layout.declared, len(buf) - layout.data_offset)
    frames = max(0, available) // align
    view = np.frombuffer(buf, dtype="<i2", count=frames * channels, offset=layout.data_offset)
    return view.reshape(frames, channels)
