"""Signal checks: bandwidth, level, clipping, silence, duration, noise, loudness.

They read the one-pass measurements of a decoded clip. Each numeric check is graded by
its :class:`~remediate.checks.registry.Band` s (thresholds in the edition profile). A
clip whose peak is below the silence level gets ``audio-silent`` and nothing else from
the level/silence/noise checks: on no speech, they would only repeat it.
"""

from __future__ import annotations

from remediate import columns as C
from remediate.checks.measures import trimmed_duration
from remediate.checks.registry import (
    ERROR,
    INFO,
    QUALITY,
    WARNING,
    Band,
    Check,
    Hit,
    Row,
    check,
    num,
)
from remediate.profiles import Profile

#: Bandwidth says nothing about a file's true rate below this sample rate.
BANDWIDTH_MIN_RATE = 32000


def decoded(r: Row) -> bool:
    """The audio exists and was decoded into at least one frame."""
    name, error = r[C.AUDIO_NAME], r[C.AUDIO_ERROR]  # inlined text(): ~15 calls a pair
    if not isinstance(name, str) or (isinstance(error, str) and error):
        return False
    return num(r[C.FRAMES]) not in (None, 0.0)


def silent(r: Row, p: Profile) -> bool:
    """The loudest sample is below the profile's silence level."""
    peak = num(r[C.PEAK_DBFS])
    return peak is not None and peak < p.level.silent_peak_dbfs


def audible(r: Row, p: Profile) -> bool:
    """Decoded and not silent: the level, silence and noise checks apply."""
    return decoded(r) and not silent(r, p)


def graded(c: Check, r: Row, p: Profile, column: str, message: str) -> Hit | None:
    """The common case: grade one measurement of an audible clip by the check's bands.

    ``message`` is a format string with ``{value}``, e.g. ``"RMS {value:.1f} dBFS"``.
    """
    value = num(r[column])
    band = c.grade(value, p) if value is not None and audible(r, p) else None
    if value is None or band is None:
        return None
    return Hit(message.format(value=value), value=value, band=band)


def _bandwidth(r: Row) -> tuple[float, float] | None:
    """(effective bandwidth, Nyquist) of a decoded clip at a rate where bandwidth tells."""
    if not decoded(r):
        return None
    rate, bandwidth = num(r[C.SAMPLERATE]) or 0.0, num(r[C.BANDWIDTH_HZ])
    if bandwidth is None or rate < BANDWIDTH_MIN_RATE:
        return None
    return bandwidth, rate / 2


@check(
    "audio-fake-rate",
    category=QUALITY,
    severity=ERROR,
    fixable=False,
    description="content stops far below Nyquist: audio upsampled from a low rate",
    bands=(Band(ERROR, "<", "noise.fake_rate_bandwidth_hz"),),
)
def audio_fake_rate(c: Check, r: Row, p: Profile) -> Hit | None:
    measured = _bandwidth(r)
    band = c.grade(measured[0], p) if measured else None
    if measured is None or band is None:
        return None
    bandwidth, nyquist = measured
    return Hit(
        f"content stops at {bandwidth:.0f} Hz in a {int(2 * nyquist)} Hz file: "
        f"upsampled from about {2 * bandwidth / 1000:.0f} kHz; re-record",
        value=bandwidth,
        band=band,
    )


@check(
    "audio-low-bandwidth",
    category=QUALITY,
    severity=WARNING,
    fixable=False,
    description="effective bandwidth under the profile share of Nyquist",
    bands=(Band(WARNING, "<", "noise.min_bandwidth_ratio", on="share of Nyquist"),),
)
def audio_low_bandwidth(c: Check, r: Row, p: Profile) -> Hit | None:
    measured = _bandwidth(r)
    if measured is None or measured[0] < p.noise.fake_rate_bandwidth_hz:
        return None  # audio-fake-rate says it, as an error
    bandwidth, nyquist = measured
    band = c.grade(bandwidth / nyquist, p, on="share of Nyquist")
    if band is None:
        return None
    return Hit(
        f"effective bandwidth {bandwidth:.0f} Hz of {nyquist:.0f} Hz possible",
        value=bandwidth,
        threshold=p.noise.min_bandwidth_ratio * nyquist,
        band=band,
    )


@check(
    "audio-silent",
    category=QUALITY,
    severity=ERROR,
    fixable=False,
    description="peak below the silence level: no usable speech",
    bands=(Band(ERROR, "<", "level.silent_peak_dbfs"),),
)
def audio_silent(c: Check, r: Row, p: Profile) -> Hit | None:
    peak = num(r[C.PEAK_DBFS])
    band = c.grade(peak, p) if decoded(r) else None
    if peak is None or band is None:
        return None
    return Hit(f"peak {peak:.1f} dBFS: no usable speech", value=peak, band=band)


@check(
    "audio-clipping",
    category=QUALITY,
    severity=ERROR,
    fixable=False,
    description="full-scale samples; error when heavy (share or run length), warning when isolated",
    bands=(
        Band(WARNING, ">=", "level.clip_warn_samples", on="samples"),
        Band(ERROR, ">", "level.clip_error_fraction", on="fraction"),
        Band(ERROR, ">=", "level.clip_error_run", on="run"),
    ),
)
def audio_clipping(c: Check, r: Row, p: Profile) -> Hit | None:
    if not audible(r, p):
        return None
    clipped = num(r[C.CLIP_SAMPLES]) or 0.0
    fraction = num(r[C.CLIP_FRACTION]) or 0.0
    run = num(r[C.CLIP_LONGEST_RUN]) or 0.0
    if c.grade(clipped, p, on="samples") is None:
        return None
    band = c.grade(run, p, on="run") or c.grade(fraction, p, on="fraction")
    band = band or c.grade(clipped, p, on="samples")
    heavy = band is not None and band.severity == ERROR
    return Hit(
        f"{int(clipped)} clipped samples ({fraction:.3%}), longest run {int(run)}"
        + ("; distortion cannot be undone, re-record" if heavy else ""),
        value=fraction,
        threshold=p.level.clip_error_fraction,
        band=band,
    )


@check(
    "audio-dc-offset",
    category=QUALITY,
    severity=WARNING,
    fixable=True,
    description="mean sample value away from zero; removed by the fix",
    bands=(Band(WARNING, ">", "level.dc_offset_max", on="|offset|"),),
)
def audio_dc_offset(c: Check, r: Row, p: Profile) -> Hit | None:
    dc = num(r[C.DC_OFFSET])
    band = c.grade(abs(dc), p, on="|offset|") if dc is not None and audible(r, p) else None
    if dc is None or band is None:
        return None
    return Hit(f"DC offset {dc:+.4f} of full scale", value=dc, band=band)


@check(
    "audio-quiet",
    category=QUALITY,
    severity=WARNING,
    fixable=False,
    description="overall RMS very low",
    bands=(
        Band(WARNING, "<", "level.quiet_rms_dbfs"),
        Band(ERROR, "<", "level.error_quiet_rms_dbfs"),
    ),
)
def audio_quiet(c: Check, r: Row, p: Profile) -> Hit | None:
    return graded(c, r, p, C.RMS_DBFS, "RMS {value:.1f} dBFS")


@check(
    "audio-silence-lead",
    category=QUALITY,
    severity=WARNING,
    fixable=True,
    description="too much leading silence; trimmed by the fix",
    bands=(
        Band(WARNING, ">", "silence.max_edge_s"),
        Band(ERROR, ">", "silence.error_max_edge_s"),
    ),
)
def audio_silence_lead(c: Check, r: Row, p: Profile) -> Hit | None:
    return graded(c, r, p, C.LEAD_SILENCE_S, "{value:.2f} s of leading silence")


@check(
    "audio-silence-trail",
    category=QUALITY,
    severity=WARNING,
    fixable=True,
    description="too much trailing silence; trimmed by the fix",
    bands=(
        Band(WARNING, ">", "silence.max_edge_s"),
        Band(ERROR, ">", "silence.error_max_edge_s"),
    ),
)
def audio_silence_trail(c: Check, r: Row, p: Profile) -> Hit | None:
    return graded(c, r, p, C.TRAIL_SILENCE_S, "{value:.2f} s of trailing silence")


@check(
    "audio-too-long",
    category=QUALITY,
    severity=ERROR,
    fixable=False,
    description="over the clip maximum; fixable when trimming silence brings it under",
    reads=("silence.keep_padding_s",),
    bands=(Band(ERROR, ">", "duration.max_s"),),
)
def audio_too_long(c: Check, r: Row, p: Profile) -> Hit | None:
    duration = num(r[C.DURATION_S]) or 0.0
    band = c.grade(duration, p) if audible(r, p) else None
    if band is None:
        return None
    after = trimmed_duration(r, p)
    fixable = after is not None and after <= p.duration.max_s
    msg = f"{duration:.2f} s, over {p.duration.max_s:g} s" + (
        f"; {after:.2f} s after trimming silence"
        if fixable and after is not None
        else "; split or re-record"
    )
    return Hit(msg, value=duration, fixable=fixable, band=band)


@check(
    "audio-too-short",
    category=QUALITY,
    severity=WARNING,
    fixable=False,
    description="under the recommended clip minimum (5 s); an error under the hard floor (2 s)",
    bands=(
        Band(WARNING, "<", "duration.min_s"),
        Band(ERROR, "<", "duration.error_min_s"),
    ),
)
def audio_too_short(c: Check, r: Row, p: Profile) -> Hit | None:
    duration = num(r[C.DURATION_S]) or 0.0
    band = c.grade(duration, p) if audible(r, p) else None
    if band is None or duration > p.duration.max_s:
        return None
    return Hit(f"{duration:.2f} s, under {p.duration.min_s:g} s", value=duration, band=band)


@check(
    "audio-low-speech",
    category=QUALITY,
    severity=WARNING,
    fixable=False,
    description="little speech between the first and last active frame",
    bands=(
        Band(WARNING, "<", "silence.min_speech_ratio"),
        Band(ERROR, "<", "silence.error_min_speech_ratio"),
    ),
)
def audio_low_speech(c: Check, r: Row, p: Profile) -> Hit | None:
    speech = num(r[C.SPEECH_RATIO])
    if speech is None or num(r[C.LEAD_SILENCE_S]) is None or not audible(r, p):
        return None
    band = c.grade(speech, p)
    if band is None:
        return None
    return Hit(f"speech in {speech:.0%} of the clip", value=speech, band=band)


@check(
    "audio-noise-floor",
    category=QUALITY,
    severity=WARNING,
    fixable=False,
    description="noise floor in pauses above the profile limit",
    bands=(
        Band(WARNING, ">", "noise.max_noise_floor_dbfs"),
        Band(ERROR, ">", "noise.error_max_noise_floor_dbfs"),
    ),
)
def audio_noise_floor(c: Check, r: Row, p: Profile) -> Hit | None:
    return graded(c, r, p, C.NOISE_FLOOR_DBFS, "noise floor {value:.1f} dBFS in pauses")


@check(
    "audio-low-snr",
    category=QUALITY,
    severity=WARNING,
    fixable=False,
    description="estimated SNR (speech over the noise under it, pauses or not) below the profile limit",
    bands=(Band(ERROR, "<", "noise.error_min_snr_db"), Band(WARNING, "<", "noise.min_snr_db")),
)
def audio_low_snr(c: Check, r: Row, p: Profile) -> Hit | None:
    return graded(c, r, p, C.SNR_DB, "estimated SNR {value:.1f} dB")


@check(
    "audio-loudness",
    category=QUALITY,
    severity=INFO,
    fixable=False,
    description="integrated loudness (LUFS) against the target (with --loudness)",
    reads=("loudness.target_lufs",),
)
def audio_loudness(c: Check, r: Row, p: Profile) -> Hit | None:
    lufs = num(r[C.LOUDNESS_LUFS])
    if lufs is None or not audible(r, p):
        return None
    return Hit(f"integrated loudness {lufs:.1f} LUFS", value=lufs, threshold=p.loudness.target_lufs)
