"""Turn measurements into findings: pure functions, one row per problem found.

Every check has a stable kebab-case code (listed in :data:`CHECKS` with what it means,
its severity and whether a machine can fix it). Severity ``error`` means the audit
would reject the pair; ``warning`` is a risk worth a look; ``info`` is context. The
verdict policy reads only the findings table and the audit join.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd

from remediate import columns as C
from remediate.profiles import Profile
from remediate.texts import clean_text, control_chars, dominant_script, spoken_units

ERROR, WARNING, INFO = C.SEVERITY_ERROR, C.SEVERITY_WARNING, C.SEVERITY_INFO
#: Containers the platform takes as WAV (RF64 only after rewriting as RIFF).
WAV_CONTAINERS = ("wav",)


@dataclass(frozen=True)
class CheckInfo:
    code: str
    severity: str  # the usual severity (some checks escalate)
    fixable: bool
    description: str


CHECKS: dict[str, CheckInfo] = {
    c.code: c
    for c in (
        CheckInfo("audio-missing", ERROR, False, "a text file has no audio file"),
        CheckInfo("text-missing", ERROR, False, "an audio file has no text file"),
        CheckInfo(
            "name-collision",
            WARNING,
            False,
            "several files share one pairing key after normalisation",
        ),
        CheckInfo("audio-empty", ERROR, False, "the audio file has 0 bytes"),
        CheckInfo(
            "audio-container",
            ERROR,
            False,
            "the bytes are not a RIFF WAV (OGG/MP3/AAC/FLAC renamed .wav); RF64 is a fixable warning",
        ),
        CheckInfo(
            "audio-truncated",
            ERROR,
            False,
            "the data chunk declares more bytes than the file holds",
        ),
        CheckInfo("audio-unreadable", ERROR, False, "libsndfile cannot decode the file"),
        CheckInfo("audio-channels", ERROR, True, "not mono; downmixed by the fix"),
        CheckInfo(
            "audio-samplerate-high",
            ERROR,
            True,
            "sample rate above the profile rate; resampled by the fix",
        ),
        CheckInfo(
            "audio-samplerate-low",
            ERROR,
            False,
            "sample rate below the profile minimum; cannot be fixed",
        ),
        CheckInfo(
            "audio-samplerate-accepted",
            INFO,
            False,
            "accepted rate below the recommended one (44.1 kHz)",
        ),
        CheckInfo(
            "audio-subtype", ERROR, True, "not PCM_16; requantised with TPDF dither by the fix"
        ),
        CheckInfo(
            "audio-fake-rate",
            ERROR,
            False,
            "content stops far below Nyquist: audio upsampled from a low rate",
        ),
        CheckInfo(
            "audio-low-bandwidth",
            WARNING,
            False,
            "effective bandwidth under the profile share of Nyquist",
        ),
        CheckInfo("audio-silent", ERROR, False, "peak below the silence level: no usable speech"),
        CheckInfo(
            "audio-clipping",
            ERROR,
            False,
            "full-scale samples; error when heavy (share or run length), warning when isolated",
        ),
        CheckInfo(
            "audio-dc-offset", WARNING, True, "mean sample value away from zero; removed by the fix"
        ),
        CheckInfo("audio-quiet", WARNING, False, "overall RMS very low"),
        CheckInfo(
            "audio-silence-lead", WARNING, True, "too much leading silence; trimmed by the fix"
        ),
        CheckInfo(
            "audio-silence-trail", WARNING, True, "too much trailing silence; trimmed by the fix"
        ),
        CheckInfo(
            "audio-too-long",
            ERROR,
            False,
            "over the clip maximum; fixable when trimming silence brings it under",
        ),
        CheckInfo(
            "audio-too-short",
            INFO,
            False,
            "under the recommended clip minimum (5 s): accepted, advised against",
        ),
        CheckInfo(
            "audio-low-speech",
            WARNING,
            False,
            "little speech between the first and last active frame",
        ),
        CheckInfo(
            "audio-noise-floor", WARNING, False, "noise floor in pauses above the profile limit"
        ),
        CheckInfo("audio-low-snr", WARNING, False, "estimated SNR below the profile limit"),
        CheckInfo(
            "audio-loudness",
            INFO,
            False,
            "integrated loudness (LUFS) against the target (with --loudness)",
        ),
        CheckInfo(
            "text-unreadable",
            ERROR,
            False,
            "the text file cannot be read or decoded in any known encoding",
        ),
        CheckInfo("text-encoding", ERROR, True, "not UTF-8 (e.g. GBK); re-encoded by the fix"),
        CheckInfo("text-bom", WARNING, True, "starts with a byte-order mark; dropped by the fix"),
        CheckInfo("text-empty", ERROR, False, "empty or whitespace-only transcript"),
        CheckInfo(
            "text-control-chars",
            WARNING,
            True,
            "C0/C1 control characters or a stray BOM; dropped by the fix",
        ),
        CheckInfo("text-not-nfc", WARNING, True, "not Unicode NFC; normalised by the fix"),
        CheckInfo(
            "text-whitespace",
            WARNING,
            True,
            "stray whitespace (leading, trailing, runs, CR); cleaned by the fix",
        ),
        CheckInfo("text-too-long", WARNING, False, "longer than one sentence should be"),
        CheckInfo("text-language", ERROR, False, "script does not match the job language"),
        CheckInfo(
            "text-cps-range",
            WARNING,
            False,
            "characters per second of speech outside the profile bounds",
        ),
        CheckInfo(
            "text-cps-outlier",
            WARNING,
            False,
            "characters per second far from the rest of the corpus (IQR): transcript may not belong to its audio",
        ),
        CheckInfo(
            "duplicate-audio", ERROR, False, "decoded samples identical to an earlier pair's"
        ),
        CheckInfo(
            "duplicate-text", WARNING, False, "normalised transcript identical to an earlier pair's"
        ),
        CheckInfo(
            "corpus-pair-count",
            WARNING,
            False,
            "complete pairs differ from the edition's required count (job-level)",
        ),
        CheckInfo(
            "corpus-extra-files",
            WARNING,
            False,
            "files other than .wav/.txt in the corpus (job-level)",
        ),
        CheckInfo(
            "corpus-bad-names",
            ERROR,
            False,
            "file names that are not valid UTF-8: not checked, cannot be uploaded; rename them (job-level)",
        ),
    )
}


def _finding(
    pair_id: str | None,
    check: str,
    message: str,
    *,
    value: float | None = None,
    threshold: float | None = None,
    severity: str | None = None,
    fixable: bool | None = None,
) -> dict[str, Any]:
    info = CHECKS[check]
    return {
        C.PAIR_ID: pair_id,
        C.CHECK: check,
        C.SEVERITY: severity or info.severity,
        C.VALUE: value,
        C.THRESHOLD: threshold,
        C.FIXABLE: info.fixable if fixable is None else fixable,
        C.MESSAGE: message,
    }


def _num(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    return float(value)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


# --- per pair --------------------------------------------------------------------------


def _pairing(r: dict[str, Any]) -> Iterator[dict[str, Any]]:
    pid = r[C.PAIR_ID]
    if _str(r[C.AUDIO_NAME]) is None:
        yield _finding(pid, "audio-missing", f"{r[C.TEXT_NAME]} has no audio file")
    if _str(r[C.TEXT_NAME]) is None:
        yield _finding(pid, "text-missing", f"{r[C.AUDIO_NAME]} has no text file")


def _container(r: dict[str, Any]) -> Iterator[dict[str, Any]]:
    pid, container = r[C.PAIR_ID], _str(r[C.CONTAINER])
    if container == "empty":
        yield _finding(pid, "audio-empty", "audio file is empty (0 bytes)", value=0.0)
        return
    if container == "rf64":
        yield _finding(
            pid,
            "audio-container",
            "RF64 container; rewritten as RIFF WAV by the fix",
            severity=WARNING,
            fixable=True,
        )
    elif container is not None and container not in WAV_CONTAINERS:
        yield _finding(
            pid,
            "audio-container",
            f"file is {container.upper()} data under a .wav name, not a RIFF WAV",
        )
    declared, actual = _num(r[C.DECLARED_DATA_BYTES]), _num(r[C.ACTUAL_DATA_BYTES])
    if declared is not None and actual is not None and actual < declared:
        yield _finding(
            pid,
            "audio-truncated",
            f"data chunk declares {int(declared)} bytes, file holds {int(actual)}",
            value=actual,
            threshold=declared,
        )
    error = _str(r[C.AUDIO_ERROR])
    if error and container != "empty":
        yield _finding(pid, "audio-unreadable", error)


def _format(r: dict[str, Any], p: Profile) -> Iterator[dict[str, Any]]:
    pid = r[C.PAIR_ID]
    channels, rate = _num(r[C.CHANNELS]), _num(r[C.SAMPLERATE])
    if channels is not None and channels != p.format.channels:
        balance = _num(r[C.CHANNEL_BALANCE_DB])
        extra = f"; channels differ by {balance:.1f} dB" if balance is not None else ""
        yield _finding(
            pid,
            "audio-channels",
            f"{int(channels)} channels, expected {p.format.channels}{extra}",
            value=channels,
            threshold=float(p.format.channels),
        )
    if rate is not None:
        if rate > p.format.samplerate:
            yield _finding(
                pid,
                "audio-samplerate-high",
                f"{int(rate)} Hz; resample to {p.format.samplerate} Hz",
                value=rate,
                threshold=float(p.format.samplerate),
            )
        elif rate < p.format.samplerate_min:
            yield _finding(
                pid,
                "audio-samplerate-low",
                f"{int(rate)} Hz is below the {p.format.samplerate_min} Hz minimum; re-record",
                value=rate,
                threshold=float(p.format.samplerate_min),
            )
        elif rate < p.format.samplerate:
            yield _finding(
                pid,
                "audio-samplerate-accepted",
                f"{int(rate)} Hz accepted; {p.format.samplerate} Hz recommended",
                value=rate,
                threshold=float(p.format.samplerate),
            )
    subtype = _str(r[C.SUBTYPE])
    if (
        subtype is not None
        and subtype != p.format.subtype
        and _str(r[C.CONTAINER]) in ("wav", "rf64")
    ):
        yield _finding(pid, "audio-subtype", f"subtype {subtype}, expected {p.format.subtype}")


def _signal(r: dict[str, Any], p: Profile) -> Iterator[dict[str, Any]]:
    pid = r[C.PAIR_ID]
    if _str(r[C.AUDIO_ERROR]) or _num(r[C.FRAMES]) in (None, 0.0):
        return
    rate = _num(r[C.SAMPLERATE]) or 0.0
    bandwidth = _num(r[C.BANDWIDTH_HZ])
    if bandwidth is not None and rate >= 32000:
        nyquist = rate / 2
        if bandwidth < p.noise.fake_rate_bandwidth_hz:
            yield _finding(
                pid,
                "audio-fake-rate",
                f"content stops at {bandwidth:.0f} Hz in a {int(rate)} Hz file: "
                f"upsampled from about {2 * bandwidth / 1000:.0f} kHz; re-record",
                value=bandwidth,
                threshold=p.noise.fake_rate_bandwidth_hz,
            )
        elif bandwidth < p.noise.min_bandwidth_ratio * nyquist:
            yield _finding(
                pid,
                "audio-low-bandwidth",
                f"effective bandwidth {bandwidth:.0f} Hz of {nyquist:.0f} Hz possible",
                value=bandwidth,
                threshold=p.noise.min_bandwidth_ratio * nyquist,
            )
    peak = _num(r[C.PEAK_DBFS])
    if peak is not None and peak < p.level.silent_peak_dbfs:
        yield _finding(
            pid,
            "audio-silent",
            f"peak {peak:.1f} dBFS: no usable speech",
            value=peak,
            threshold=p.level.silent_peak_dbfs,
        )
        return
    clipped = _num(r[C.CLIP_SAMPLES]) or 0.0
    if clipped >= p.level.clip_warn_samples:
        fraction = _num(r[C.CLIP_FRACTION]) or 0.0
        run = _num(r[C.CLIP_LONGEST_RUN]) or 0.0
        heavy = fraction > p.level.clip_error_fraction or run >= p.level.clip_error_run
        yield _finding(
            pid,
            "audio-clipping",
            f"{int(clipped)} clipped samples ({fraction:.3%}), longest run {int(run)}"
            + ("; distortion cannot be undone, re-record" if heavy else ""),
            value=fraction,
            threshold=p.level.clip_error_fraction,
            severity=ERROR if heavy else WARNING,
        )
    dc = _num(r[C.DC_OFFSET])
    if dc is not None and abs(dc) > p.level.dc_offset_max:
        yield _finding(
            pid,
            "audio-dc-offset",
            f"DC offset {dc:+.4f} of full scale",
            value=dc,
            threshold=p.level.dc_offset_max,
        )
    rms = _num(r[C.RMS_DBFS])
    if rms is not None and rms < p.level.quiet_rms_dbfs:
        yield _finding(
            pid, "audio-quiet", f"RMS {rms:.1f} dBFS", value=rms, threshold=p.level.quiet_rms_dbfs
        )
    yield from _timing(r, p)
    floor, snr = _num(r[C.NOISE_FLOOR_DBFS]), _num(r[C.SNR_DB])
    if floor is not None and floor > p.noise.max_noise_floor_dbfs:
        yield _finding(
            pid,
            "audio-noise-floor",
            f"noise floor {floor:.1f} dBFS in pauses",
            value=floor,
            threshold=p.noise.max_noise_floor_dbfs,
        )
    if snr is not None and snr < p.noise.min_snr_db:
        yield _finding(
            pid,
            "audio-low-snr",
            f"estimated SNR {snr:.1f} dB",
            value=snr,
            threshold=p.noise.min_snr_db,
        )
    lufs = _num(r[C.LOUDNESS_LUFS])
    if lufs is not None:
        yield _finding(
            pid,
            "audio-loudness",
            f"integrated loudness {lufs:.1f} LUFS",
            value=lufs,
            threshold=p.loudness.target_lufs,
        )


def trimmed_duration(r: dict[str, Any], p: Profile) -> float | None:
    """Duration after the fix trims edge silence down to the profile padding."""
    duration = _num(r[C.DURATION_S])
    if duration is None:
        return None
    lead, trail = _num(r[C.LEAD_SILENCE_S]) or 0.0, _num(r[C.TRAIL_SILENCE_S]) or 0.0
    pad = p.silence.keep_padding_s
    return duration - max(0.0, lead - pad) - max(0.0, trail - pad)


def _timing(r: dict[str, Any], p: Profile) -> Iterator[dict[str, Any]]:
    pid = r[C.PAIR_ID]
    duration = _num(r[C.DURATION_S]) or 0.0
    lead, trail = _num(r[C.LEAD_SILENCE_S]), _num(r[C.TRAIL_SILENCE_S])
    speech = _num(r[C.SPEECH_RATIO])
    if lead is not None and lead > p.silence.max_edge_s:
        yield _finding(
            pid,
            "audio-silence-lead",
            f"{lead:.2f} s of leading silence",
            value=lead,
            threshold=p.silence.max_edge_s,
        )
    if trail is not None and trail > p.silence.max_edge_s:
        yield _finding(
            pid,
            "audio-silence-trail",
            f"{trail:.2f} s of trailing silence",
            value=trail,
            threshold=p.silence.max_edge_s,
        )
    if duration > p.duration.max_s:
        after = trimmed_duration(r, p)
        fixable = after is not None and after <= p.duration.max_s
        msg = f"{duration:.2f} s, over {p.duration.max_s:g} s" + (
            f"; {after:.2f} s after trimming silence"
            if fixable and after is not None
            else "; split or re-record"
        )
        yield _finding(
            pid, "audio-too-long", msg, value=duration, threshold=p.duration.max_s, fixable=fixable
        )
    elif duration < p.duration.min_s:
        yield _finding(
            pid,
            "audio-too-short",
            f"{duration:.2f} s, under {p.duration.min_s:g} s",
            value=duration,
            threshold=p.duration.min_s,
        )
    if speech is not None and speech < p.silence.min_speech_ratio and lead is not None:
        yield _finding(
            pid,
            "audio-low-speech",
            f"speech in {speech:.0%} of the clip",
            value=speech,
            threshold=p.silence.min_speech_ratio,
        )


def _text(r: dict[str, Any], p: Profile) -> Iterator[dict[str, Any]]:
    pid = r[C.PAIR_ID]
    if _str(r[C.TEXT_NAME]) is None:
        return
    error = _str(r[C.TEXT_ERROR])
    if error:
        yield _finding(pid, "text-unreadable", error)
        return
    encoding, text = _str(r[C.TEXT_ENCODING]), _str(r[C.TEXT]) or ""
    if bool(r[C.TEXT_BOM]) if r[C.TEXT_BOM] is not pd.NA else False:
        if encoding and encoding.startswith("utf-8"):
            yield _finding(pid, "text-bom", "UTF-8 byte-order mark at the start")
        else:
            yield _finding(pid, "text-encoding", f"{encoding} with byte-order mark, not UTF-8")
    elif encoding and encoding != "utf-8":
        yield _finding(pid, "text-encoding", f"text is {encoding}, not UTF-8")
    if not text.strip():
        yield _finding(
            pid,
            "text-empty",
            "transcript is empty" if not text else "transcript is only whitespace",
            value=0.0,
        )
        return
    ctrl = control_chars(text.lstrip("\ufeff"))
    if ctrl:
        yield _finding(
            pid,
            "text-control-chars",
            f"{ctrl} control characters",
            value=float(ctrl),
            threshold=0.0,
        )
    if not unicodedata.is_normalized("NFC", text):
        yield _finding(pid, "text-not-nfc", "text is not in Unicode NFC")
    body = text[:-1] if text.endswith("\n") and not text.endswith("\r\n") else text
    # Compared in NFC: clean_text also normalises, and non-NFC text has its own finding.
    if unicodedata.normalize("NFC", body) != clean_text(body) and not ctrl:
        yield _finding(pid, "text-whitespace", "stray whitespace (leading/trailing, runs or CR)")
    chars = len(clean_text(text))
    if chars > p.text.max_chars:
        yield _finding(
            pid,
            "text-too-long",
            f"{chars} characters",
            value=float(chars),
            threshold=float(p.text.max_chars),
        )
    script = dominant_script(text)
    lang = p.text.language.upper()
    if lang in ("CN", "EN") and script is not None:
        expected = "han" if lang == "CN" else "latin"
        if script != expected:
            yield _finding(
                pid, "text-language", f"text is mostly {script} script; job language is {lang}"
            )


# --- rates (need the whole corpus) --------------------------------------------------------


def chars_per_second(r: dict[str, Any], p: Profile) -> tuple[str | None, float | None]:
    """(script, spoken units per second of silence-trimmed speech) for one pair."""
    text = _str(r[C.TEXT])
    duration = _num(r[C.DURATION_S])
    if not text or not text.strip() or duration is None or _str(r[C.AUDIO_ERROR]):
        return None, None
    lead, trail = _num(r[C.LEAD_SILENCE_S]) or 0.0, _num(r[C.TRAIL_SILENCE_S]) or 0.0
    speech = duration - lead - trail
    units = spoken_units(text)
    if speech <= 0.2 or units == 0:
        return None, None
    return dominant_script(text), units / speech


def _rates(rows: list[dict[str, Any]], p: Profile) -> Iterator[dict[str, Any]]:
    bounds = {
        "latin": (p.text.cps.latin_min, p.text.cps.latin_max),
        "han": (p.text.cps.han_min, p.text.cps.han_max),
    }
    by_script: dict[str, list[tuple[str, float]]] = {}
    for r in rows:
        script, cps = chars_per_second(r, p)
        if script is None or cps is None:
            continue
        by_script.setdefault(script, []).append((r[C.PAIR_ID], cps))
        if script in bounds:
            lo, hi = bounds[script]
            if not lo <= cps <= hi:
                yield _finding(
                    r[C.PAIR_ID],
                    "text-cps-range",
                    f"{cps:.1f} {script} characters per second of speech, expected {lo:g}-{hi:g}",
                    value=round(cps, 3),
                    threshold=lo if cps < lo else hi,
                )
    for script, values in by_script.items():
        if len(values) < p.text.cps_min_pairs:
            continue
        series = pd.Series([v for _, v in values])
        q1, q3 = float(series.quantile(0.25)), float(series.quantile(0.75))
        k = p.text.cps_iqr_k * (q3 - q1)
        lo, hi = q1 - k, q3 + k
        for pid, cps in values:
            if not lo <= cps <= hi:
                yield _finding(
                    pid,
                    "text-cps-outlier",
                    f"{cps:.1f} chars/s; corpus {script} range {lo:.1f}-{hi:.1f}",
                    value=round(cps, 3),
                    threshold=round(lo if cps < lo else hi, 3),
                )


def _duplicates(rows: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    first_audio: dict[str, str] = {}
    first_text: dict[str, str] = {}
    for r in rows:
        pid = r[C.PAIR_ID]
        digest = _str(r[C.SAMPLES_SHA256])
        if digest and not _str(r[C.AUDIO_ERROR]) and (_num(r[C.FRAMES]) or 0) > 0:
            if digest in first_audio:
                yield _finding(
                    pid, "duplicate-audio", f"same decoded samples as pair {first_audio[digest]}"
                )
            else:
                first_audio[digest] = pid
        text = _str(r[C.TEXT])
        if text and text.strip():
            key = clean_text(text).casefold()
            if key in first_text:
                yield _finding(pid, "duplicate-text", f"same transcript as pair {first_text[key]}")
            else:
                first_text[key] = pid


def _collisions(pairs: pd.DataFrame) -> Iterator[dict[str, Any]]:
    counts = pairs[C.PAIR_KEY].value_counts()
    for pid, key in zip(pairs[C.PAIR_ID], pairs[C.PAIR_KEY], strict=True):
        if counts.get(key, 0) > 1:
            yield _finding(
                pid,
                "name-collision",
                f"{counts[key]} pairs share the key '{key}' after normalisation",
            )


def _corpus(
    pairs: pd.DataFrame,
    other_files: tuple[str, ...],
    p: Profile,
    bad_names: tuple[str, ...] = (),
) -> Iterator[dict[str, Any]]:
    complete = int((pairs[C.AUDIO_NAME].notna() & pairs[C.TEXT_NAME].notna()).sum())
    if p.pairs_required and complete != p.pairs_required:
        yield _finding(
            None,
            "corpus-pair-count",
            f"{complete} complete pairs; the {p.name} edition needs {p.pairs_required}",
            value=float(complete),
            threshold=float(p.pairs_required),
        )
    if other_files:
        shown = ", ".join(other_files[:5]) + (" ..." if len(other_files) > 5 else "")
        yield _finding(
            None,
            "corpus-extra-files",
            f"{len(other_files)} files are neither .wav nor .txt: {shown}",
            value=float(len(other_files)),
            threshold=0.0,
        )
    if bad_names:
        shown = ", ".join(bad_names[:5]) + (" ..." if len(bad_names) > 5 else "")
        yield _finding(
            None,
            "corpus-bad-names",
            f"{len(bad_names)} files have names that are not valid UTF-8 and were not "
            f"checked; rename them: {shown}",
            value=float(len(bad_names)),
            threshold=0.0,
        )


def run_checks(
    pairs: pd.DataFrame,
    measurements: pd.DataFrame,
    profile: Profile,
    other_files: tuple[str, ...] = (),
    bad_names: tuple[str, ...] = (),
) -> pd.DataFrame:
    """All findings for a corpus: pairs + measurements (same order) → findings frame."""
    merged = pairs.merge(measurements, on=C.PAIR_ID, how="left", validate="one_to_one")
    rows = C.records(merged)
    found: list[dict[str, Any]] = []
    for r in rows:
        found.extend(_pairing(r))
        if _str(r[C.AUDIO_NAME]) is not None:
            found.extend(_container(r))
            found.extend(_format(r, profile))
            found.extend(_signal(r, profile))
        found.extend(_text(r, profile))
    found.extend(_rates(rows, profile))
    found.extend(_duplicates(rows))
    found.extend(_collisions(pairs))
    found.extend(_corpus(pairs, other_files, profile, bad_names))
    return findings_frame(found, order=list(pairs[C.PAIR_ID]))


def findings_frame(rows: list[dict[str, Any]], order: list[str] | None = None) -> pd.DataFrame:
    """Build the findings frame with its dtypes, sorted by corpus order then check code."""
    df = pd.DataFrame(rows, columns=C.FINDING_COLUMNS)
    position = {pid: i for i, pid in enumerate(order or [])}
    if len(df):
        df["_pos"] = [
            position.get(p, len(position)) if isinstance(p, str) else -1 for p in df[C.PAIR_ID]
        ]
        df = df.sort_values(["_pos", C.CHECK], kind="stable").drop(columns="_pos")
    for col in (C.PAIR_ID, C.CHECK, C.SEVERITY, C.MESSAGE):
        df[col] = df[col].astype("str")
    df[C.VALUE] = pd.to_numeric(df[C.VALUE], errors="coerce").astype("float64")
    df[C.THRESHOLD] = pd.to_numeric(df[C.THRESHOLD], errors="coerce").astype("float64")
    df[C.FIXABLE] = df[C.FIXABLE].astype("bool")
    return df.reset_index(drop=True)
