"""Format checks: what the audio file is (container, truncation, channels, rate, subtype)."""

from __future__ import annotations

from remediate import columns as C
from remediate.checks.registry import (
    ERROR,
    FORMAT,
    INFO,
    WARNING,
    Check,
    Hit,
    Row,
    check,
    num,
    text,
)
from remediate.names import split_ext
from remediate.profiles import Profile

#: Containers the platform takes as WAV (RF64 only after rewriting as RIFF).
WAV_CONTAINERS = ("wav",)


@check(
    "audio-empty",
    category=FORMAT,
    severity=ERROR,
    fixable=False,
    description="the audio file has 0 bytes, or its header declares no samples",
)
def audio_empty(c: Check, r: Row, p: Profile) -> Hit | None:
    if text(r[C.CONTAINER]) == "empty":
        return Hit("audio file is empty (0 bytes)", value=0.0)
    if num(r[C.FRAMES]) == 0:
        return Hit("audio file holds no samples (a header with 0 frames)", value=0.0)
    return None


@check(
    "audio-container",
    category=FORMAT,
    severity=ERROR,
    fixable=False,
    description="the bytes are not a RIFF WAV (OGG/MP3/AAC/FLAC renamed .wav); "
    "RF64 is a fixable warning",
)
def audio_container(c: Check, r: Row, p: Profile) -> Hit | None:
    container = text(r[C.CONTAINER])
    name = text(r[C.AUDIO_NAME]) or ""
    ext = split_ext(name.rsplit("/", 1)[-1])[1]
    if container == "rf64":
        return Hit(
            "RF64 container; rewritten as RIFF WAV by the fix", severity=WARNING, fixable=True
        )
    if container is not None and container != "empty" and container not in WAV_CONTAINERS:
        return Hit(f"file is {container.upper()} data under a {ext or 'bare'} name, not a RIFF WAV")
    if name and ext != ".wav":
        return Hit(f"a {ext} file: the upload takes .wav audio only")
    return None


@check(
    "audio-truncated",
    category=FORMAT,
    severity=ERROR,
    fixable=False,
    description="the data chunk declares more bytes than the file holds",
)
def audio_truncated(c: Check, r: Row, p: Profile) -> Hit | None:
    if text(r[C.CONTAINER]) == "empty":
        return None
    declared, actual = num(r[C.DECLARED_DATA_BYTES]), num(r[C.ACTUAL_DATA_BYTES])
    if declared is not None and actual is not None and actual < declared:
        return Hit(
            f"data chunk declares {int(declared)} bytes, file holds {int(actual)}",
            value=actual,
            threshold=declared,
        )
    return None


@check(
    "audio-unreadable",
    category=FORMAT,
    severity=ERROR,
    fixable=False,
    description="libsndfile cannot decode the file",
)
def audio_unreadable(c: Check, r: Row, p: Profile) -> Hit | None:
    error = text(r[C.AUDIO_ERROR])
    if error and text(r[C.CONTAINER]) != "empty":
        return Hit(error)
    return None


@check(
    "audio-channels",
    category=FORMAT,
    severity=ERROR,
    fixable=True,
    description="not mono; downmixed by the fix",
    reads=("format.channels",),
)
def audio_channels(c: Check, r: Row, p: Profile) -> Hit | None:
    channels = num(r[C.CHANNELS])
    if channels is None or channels == p.format.channels:
        return None
    balance = num(r[C.CHANNEL_BALANCE_DB])
    extra = f"; channels differ by {balance:.1f} dB" if balance is not None else ""
    return Hit(
        f"{int(channels)} channels, expected {p.format.channels}{extra}",
        value=channels,
        threshold=float(p.format.channels),
    )


@check(
    "audio-samplerate-high",
    category=FORMAT,
    severity=ERROR,
    fixable=True,
    description="sample rate above the profile rate; resampled by the fix",
    reads=("format.samplerate",),
)
def audio_samplerate_high(c: Check, r: Row, p: Profile) -> Hit | None:
    rate = num(r[C.SAMPLERATE])
    if rate is None or rate <= p.format.samplerate:
        return None
    return Hit(
        f"{int(rate)} Hz; resample to {p.format.samplerate} Hz",
        value=rate,
        threshold=float(p.format.samplerate),
    )


@check(
    "audio-samplerate-low",
    category=FORMAT,
    severity=ERROR,
    fixable=False,
    description="sample rate below the profile minimum; cannot be fixed",
    reads=("format.samplerate_min",),
)
def audio_samplerate_low(c: Check, r: Row, p: Profile) -> Hit | None:
    rate = num(r[C.SAMPLERATE])
    if rate is None or rate >= p.format.samplerate_min or rate > p.format.samplerate:
        return None
    return Hit(
        f"{int(rate)} Hz is below the {p.format.samplerate_min} Hz minimum; re-record",
        value=rate,
        threshold=float(p.format.samplerate_min),
    )


@check(
    "audio-samplerate-accepted",
    category=FORMAT,
    severity=INFO,
    fixable=False,
    description="accepted rate below the recommended one (44.1 kHz)",
    reads=("format.samplerate", "format.samplerate_min"),
)
def audio_samplerate_accepted(c: Check, r: Row, p: Profile) -> Hit | None:
    rate = num(r[C.SAMPLERATE])
    if rate is None or not p.format.samplerate_min <= rate < p.format.samplerate:
        return None
    return Hit(
        f"{int(rate)} Hz accepted; {p.format.samplerate} Hz recommended",
        value=rate,
        threshold=float(p.format.samplerate),
    )


@check(
    "audio-subtype",
    category=FORMAT,
    severity=ERROR,
    fixable=True,
    description="not PCM_16; requantised with TPDF dither by the fix",
    reads=("format.subtype",),
)
def audio_subtype(c: Check, r: Row, p: Profile) -> Hit | None:
    subtype = text(r[C.SUBTYPE])
    if subtype is None or subtype == p.format.subtype:
        return None
    if text(r[C.CONTAINER]) not in ("wav", "rf64"):
        return None
    return Hit(f"subtype {subtype}, expected {p.format.subtype}")
