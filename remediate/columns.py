"""Column names and dtypes of every frame that crosses a module boundary.

Use these constants instead of string literals: a renamed column is then one edit,
and the writers derive their Arrow schemas from the same lists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import pandas as pd

# --- shared -----------------------------------------------------------------
PAIR_ID: Final = "pair_id"
AUDIO_NAME: Final = "audio_name"
TEXT_NAME: Final = "text_name"

# --- audit_errors: one row per system error plus one for the admin result ----
ENTRY_ID: Final = "entry_id"
JOB_ID: Final = "job_id"
SOURCE: Final = "source"
AUDIT_TIME: Final = "audit_time"
AUDIT_TIME_RAW: Final = "audit_time_raw"
ERROR_CODE: Final = "error_code"
ERROR_MESSAGE: Final = "error_message"
ATTACHMENT_NAME: Final = "attachment_name"

SOURCE_SYSTEM: Final = "system"
SOURCE_ADMIN: Final = "admin"

AUDIT_COLUMNS: Final = [
    ENTRY_ID,
    JOB_ID,
    SOURCE,
    AUDIT_TIME,
    AUDIT_TIME_RAW,
    AUDIO_NAME,
    TEXT_NAME,
    ERROR_CODE,
    ERROR_MESSAGE,
    ATTACHMENT_NAME,
]

# --- pairs: the corpus as discovered -------------------------------------------
PAIR_KEY: Final = "pair_key"
AUDIO_BYTES: Final = "audio_bytes"
AUDIO_MTIME_NS: Final = "audio_mtime_ns"
TEXT_BYTES: Final = "text_bytes"
TEXT_MTIME_NS: Final = "text_mtime_ns"

PAIR_COLUMNS: Final = [
    PAIR_ID,
    PAIR_KEY,
    AUDIO_NAME,
    TEXT_NAME,
    AUDIO_BYTES,
    AUDIO_MTIME_NS,
    TEXT_BYTES,
    TEXT_MTIME_NS,
]

# --- measurements: what the scan read from each file ---------------------------
CONTAINER: Final = "container"  # sniffed from the bytes: wav, rf64, ogg, mp3, flac, ...
FORMAT: Final = "format"  # what libsndfile says (WAV, OGG, ...)
SUBTYPE: Final = "subtype"
SAMPLERATE: Final = "samplerate"
CHANNELS: Final = "channels"
FRAMES: Final = "frames"
DURATION_S: Final = "duration_s"
DECLARED_DATA_BYTES: Final = "declared_data_bytes"
ACTUAL_DATA_BYTES: Final = "actual_data_bytes"
PEAK_DBFS: Final = "peak_dbfs"
CLIP_FRACTION: Final = "clip_fraction"
CLIP_SAMPLES: Final = "clip_samples"
CLIP_LONGEST_RUN: Final = "clip_longest_run"
DC_OFFSET: Final = "dc_offset"
RMS_DBFS: Final = "rms_dbfs"
MAX_SHORT_RMS_DBFS: Final = "max_short_rms_dbfs"
LEAD_SILENCE_S: Final = "lead_silence_s"
TRAIL_SILENCE_S: Final = "trail_silence_s"
SPEECH_RATIO: Final = "speech_ratio"
NOISE_FLOOR_DBFS: Final = "noise_floor_dbfs"
SNR_DB: Final = "snr_db"
BANDWIDTH_HZ: Final = "bandwidth_hz"
CHANNEL_BALANCE_DB: Final = "channel_balance_db"
LOUDNESS_LUFS: Final = "loudness_lufs"
AUDIO_SHA256: Final = "audio_sha256"
SAMPLES_FINGERPRINT: Final = "samples_fingerprint"  # cheap; equal samples => equal value
SAMPLES_SHA256: Final = "samples_sha256"  # exact; computed only where fingerprints collide
AUDIO_ERROR: Final = "audio_error"

TEXT_ENCODING: Final = "text_encoding"  # utf-8, utf-8-sig, gb18030, ... or null
TEXT_BOM: Final = "text_bom"
TEXT: Final = "text"  # decoded content (NFC not applied: what the file says)
TEXT_CHARS: Final = "text_chars"
TEXT_ERROR: Final = "text_error"

AUDIO_MEASUREMENTS: Final = [
    CONTAINER,
    FORMAT,
    SUBTYPE,
    SAMPLERATE,
    CHANNELS,
    FRAMES,
    DURATION_S,
    DECLARED_DATA_BYTES,
    ACTUAL_DATA_BYTES,
    PEAK_DBFS,
    CLIP_FRACTION,
    CLIP_SAMPLES,
    CLIP_LONGEST_RUN,
    DC_OFFSET,
    RMS_DBFS,
    MAX_SHORT_RMS_DBFS,
    LEAD_SILENCE_S,
    TRAIL_SILENCE_S,
    SPEECH_RATIO,
    NOISE_FLOOR_DBFS,
    SNR_DB,
    BANDWIDTH_HZ,
    CHANNEL_BALANCE_DB,
    LOUDNESS_LUFS,
    AUDIO_SHA256,
    SAMPLES_FINGERPRINT,
    SAMPLES_SHA256,
    AUDIO_ERROR,
]
TEXT_MEASUREMENTS: Final = [TEXT_ENCODING, TEXT_BOM, TEXT, TEXT_CHARS, TEXT_ERROR]

# --- findings: one row per problem found ------------------------------------
CHECK: Final = "check"
SEVERITY: Final = "severity"
VALUE: Final = "value"
THRESHOLD: Final = "threshold"
FIXABLE: Final = "fixable"
MESSAGE: Final = "message"
#: The severity band that fired for a graded check, e.g. ``error < 2`` (null otherwise).
BAND: Final = "band"

FINDING_COLUMNS: Final = [PAIR_ID, CHECK, SEVERITY, VALUE, THRESHOLD, FIXABLE, MESSAGE, BAND]

SEVERITY_ERROR: Final = "error"
SEVERITY_WARNING: Final = "warning"
SEVERITY_INFO: Final = "info"
SEVERITIES: Final = (SEVERITY_ERROR, SEVERITY_WARNING, SEVERITY_INFO)

# --- matches: audit entries joined to pairs ------------------------------------
MATCHED_BY: Final = "matched_by"  # audio_name | text_name

# --- report: one row per pair plus one per unmatched audit entry ------------
AUDIT_ERROR_CODES: Final = "audit_error_codes"
AUDIT_ENTRY_IDS: Final = "audit_entry_ids"
CHECKS: Final = "checks"
VERDICT: Final = "verdict"
REASONS: Final = "reasons"

VERDICT_KEEP: Final = "keep"
VERDICT_FIX: Final = "fix"
VERDICT_DROP: Final = "drop"
VERDICT_UNMATCHED: Final = "unmatched"
VERDICTS: Final = (VERDICT_KEEP, VERDICT_FIX, VERDICT_DROP, VERDICT_UNMATCHED)

REPORT_COLUMNS: Final = [
    PAIR_ID,
    AUDIO_NAME,
    TEXT_NAME,
    DURATION_S,
    SAMPLERATE,
    CHANNELS,
    SUBTYPE,
    AUDIO_SHA256,
    AUDIT_ERROR_CODES,
    AUDIT_ENTRY_IDS,
    CHECKS,
    VERDICT,
    REASONS,
]

# --- manifest.csv ---------------------------------------------------------------
SHA256: Final = "sha256"
MANIFEST_COLUMNS: Final = [AUDIO_NAME, TEXT_NAME, DURATION_S, SHA256, VERDICT]


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a frame as dicts keyed by column name, values as ``to_dict("records")`` gives
    them; built from column lists, ~4x faster than ``to_dict`` on Arrow-backed strings."""
    names = [str(c) for c in df.columns]
    data = [df[c].tolist() for c in df.columns]
    return [dict(zip(names, row, strict=True)) for row in zip(*data, strict=True)]
