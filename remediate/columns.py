"""Column names and dtypes of every frame that crosses a module boundary.

Use these constants instead of string literals: a renamed column is then one edit.
Each table is one ordered mapping ``name -> dtype`` (``*_DTYPES``); its column list
(``*_COLUMNS``), the pandas dtypes the frame builders give it
(:func:`remediate.contract.coerce`) and the Arrow schema its Parquet file is written with
(:mod:`remediate.contract`) all come from that mapping. To add a column: define its name
here and add it, with its dtype, to its table's mapping; nothing else changes.

Dtypes are pandas dtype names; the contract maps each to one Arrow type.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import pandas as pd

# --- dtypes (pandas names; Arrow types in remediate.contract) -----------------
STR: Final = "str"  # Arrow string; missing = null
INT: Final = "Int64"  # nullable integer; Arrow int64
INT_NOT_NULL: Final = "int64"
FLOAT: Final = "float64"  # missing = NaN; Arrow double (null)
BOOL: Final = "bool"
BOOLEAN: Final = "boolean"  # nullable
TIMESTAMP: Final = "datetime64[us, UTC]"
LIST_STR: Final = "list<str>"  # Python lists in an object column; Arrow list<string>
LIST_INT: Final = "list<int64>"
LIST_FLOAT: Final = "list<float64>"
DTYPES: Final = (
    STR,
    INT,
    INT_NOT_NULL,
    FLOAT,
    BOOL,
    BOOLEAN,
    TIMESTAMP,
    LIST_STR,
    LIST_INT,
    LIST_FLOAT,
)

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
#: the latest AUDIT_NOT_PASS of the operation log: external_info.algorithm_failure_reason
SOURCE_OPLOG_ALGORITHM: Final = "oplog-algorithm"
#: ... and external_info.admin_audit_failure_reason
SOURCE_OPLOG_ADMIN: Final = "oplog-admin"

AUDIT_DTYPES: Final[dict[str, str]] = {
    ENTRY_ID: INT_NOT_NULL,
    JOB_ID: STR,
    SOURCE: STR,
    AUDIT_TIME: TIMESTAMP,
    AUDIT_TIME_RAW: INT,
    AUDIO_NAME: STR,
    TEXT_NAME: STR,
    ERROR_CODE: STR,
    ERROR_MESSAGE: STR,
    ATTACHMENT_NAME: STR,
}
AUDIT_COLUMNS: Final = list(AUDIT_DTYPES)

# --- pairs: the corpus as discovered -------------------------------------------
PAIR_KEY: Final = "pair_key"
AUDIO_BYTES: Final = "audio_bytes"
AUDIO_MTIME_NS: Final = "audio_mtime_ns"
TEXT_BYTES: Final = "text_bytes"
TEXT_MTIME_NS: Final = "text_mtime_ns"

PAIR_DTYPES: Final[dict[str, str]] = {
    PAIR_ID: STR,
    PAIR_KEY: STR,
    AUDIO_NAME: STR,
    TEXT_NAME: STR,
    AUDIO_BYTES: INT,
    AUDIO_MTIME_NS: INT,
    TEXT_BYTES: INT,
    TEXT_MTIME_NS: INT,
}
PAIR_COLUMNS: Final = list(PAIR_DTYPES)

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
RT60_S: Final = "rt60_s"  # blind reverberation time estimate
CLICKS: Final = "clicks"  # impulsive transients counted
CLICK_WORST_DBFS: Final = "click_worst_dbfs"  # level of the loudest click
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

AUDIO_MEASUREMENT_DTYPES: Final[dict[str, str]] = {
    CONTAINER: STR,
    FORMAT: STR,
    SUBTYPE: STR,
    SAMPLERATE: INT,
    CHANNELS: INT,
    FRAMES: INT,
    DURATION_S: FLOAT,
    DECLARED_DATA_BYTES: INT,
    ACTUAL_DATA_BYTES: INT,
    PEAK_DBFS: FLOAT,
    CLIP_FRACTION: FLOAT,
    CLIP_SAMPLES: INT,
    CLIP_LONGEST_RUN: INT,
    DC_OFFSET: FLOAT,
    RMS_DBFS: FLOAT,
    MAX_SHORT_RMS_DBFS: FLOAT,
    LEAD_SILENCE_S: FLOAT,
    TRAIL_SILENCE_S: FLOAT,
    SPEECH_RATIO: FLOAT,
    NOISE_FLOOR_DBFS: FLOAT,
    SNR_DB: FLOAT,
    BANDWIDTH_HZ: FLOAT,
    RT60_S: FLOAT,
    CLICKS: INT,
    CLICK_WORST_DBFS: FLOAT,
    CHANNEL_BALANCE_DB: FLOAT,
    LOUDNESS_LUFS: FLOAT,
    AUDIO_SHA256: STR,
    SAMPLES_FINGERPRINT: STR,
    SAMPLES_SHA256: STR,
    AUDIO_ERROR: STR,
}
AUDIO_MEASUREMENTS: Final = list(AUDIO_MEASUREMENT_DTYPES)
TEXT_MEASUREMENT_DTYPES: Final[dict[str, str]] = {
    TEXT_ENCODING: STR,
    TEXT_BOM: BOOLEAN,
    TEXT: STR,
    TEXT_CHARS: INT,
    TEXT_ERROR: STR,
}
TEXT_MEASUREMENTS: Final = list(TEXT_MEASUREMENT_DTYPES)
# --- voice: who speaks and how it sounds (remediate/audio/speaker.py, dnsmos.py) -------
VOICE_F0_MEDIAN_HZ: Final = "voice_f0_median_hz"
VOICE_F0_RANGE_ST: Final = "voice_f0_range_st"  # 5th–95th percentile of F0, in semitones
VOICE_CHANGE: Final = "voice_change"  # largest signature distance, cuts at 20–80 % of speech
VOICE_SIGNATURE: Final = "voice_signature"  # the clip's scaled signature (a list of floats)
DNSMOS_SIG: Final = "dnsmos_sig"  # DNSMOS P.835, 1–5; null unless measured (--dnsmos)
DNSMOS_BAK: Final = "dnsmos_bak"
DNSMOS_OVRL: Final = "dnsmos_ovrl"
VOICE_MEASUREMENT_DTYPES: Final[dict[str, str]] = {
    VOICE_F0_MEDIAN_HZ: FLOAT,
    VOICE_F0_RANGE_ST: FLOAT,
    VOICE_CHANGE: FLOAT,
    VOICE_SIGNATURE: LIST_FLOAT,
    DNSMOS_SIG: FLOAT,
    DNSMOS_BAK: FLOAT,
    DNSMOS_OVRL: FLOAT,
}
VOICE_MEASUREMENTS: Final = list(VOICE_MEASUREMENT_DTYPES)

# --- assess: the local twin of MetaStudio's VOICE_ASSESS (remediate/assess.py) ----------
#: Dimensions as the platform names them. Per pair, measurements.parquet has each one's
#: value (dnsmos_* are the measurements above), ``<dim>_expected`` (the profile's range as
#: the platform writes one, e.g. ``>=25``) and ``<dim>_out_of_range``.
ASSESS_DIMENSIONS: Final = ("speed", "sound", "snr", "reverb", "dnsmos_ovrl", "dnsmos_bak")
ASSESS_DTYPES: Final[dict[str, str]] = {}
for _dim in ASSESS_DIMENSIONS:
    if _dim not in VOICE_MEASUREMENT_DTYPES:
        ASSESS_DTYPES[_dim] = FLOAT
    ASSESS_DTYPES[f"{_dim}_expected"] = STR
    ASSESS_DTYPES[f"{_dim}_out_of_range"] = BOOLEAN

#: The measurements frame of the scan: one row per pair.
MEASUREMENT_DTYPES: Final[dict[str, str]] = {
    PAIR_ID: STR,
    **AUDIO_MEASUREMENT_DTYPES,
    **VOICE_MEASUREMENT_DTYPES,
    **TEXT_MEASUREMENT_DTYPES,
}

# --- findings: one row per problem found ------------------------------------
CHECK: Final = "check"
SEVERITY: Final = "severity"
VALUE: Final = "value"
THRESHOLD: Final = "threshold"
FIXABLE: Final = "fixable"
MESSAGE: Final = "message"
#: The severity band that fired for a graded check, e.g. ``error < 2`` (null otherwise).
BAND: Final = "band"

FINDING_DTYPES: Final[dict[str, str]] = {
    PAIR_ID: STR,
    CHECK: STR,
    SEVERITY: STR,
    VALUE: FLOAT,
    THRESHOLD: FLOAT,
    FIXABLE: BOOL,
    MESSAGE: STR,
    BAND: STR,
}
FINDING_COLUMNS: Final = list(FINDING_DTYPES)

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
#: the verdict rests on an assumption (an inferred audit code or cause, a category read from
#: a message) or keeps a warning no fix resolves: a person should look (review_reasons say why)
NEEDS_REVIEW: Final = "needs_review"
REVIEW_REASONS: Final = "review_reasons"

VERDICT_KEEP: Final = "keep"
VERDICT_FIX: Final = "fix"
VERDICT_DROP: Final = "drop"
VERDICT_UNMATCHED: Final = "unmatched"
VERDICTS: Final = (VERDICT_KEEP, VERDICT_FIX, VERDICT_DROP, VERDICT_UNMATCHED)

REPORT_DTYPES: Final[dict[str, str]] = {
    PAIR_ID: STR,
    AUDIO_NAME: STR,
    TEXT_NAME: STR,
    DURATION_S: FLOAT,
    SAMPLERATE: INT,
    CHANNELS: INT,
    SUBTYPE: STR,
    AUDIO_SHA256: STR,
    AUDIT_ERROR_CODES: LIST_STR,
    AUDIT_ENTRY_IDS: LIST_INT,
    CHECKS: LIST_STR,
    VERDICT: STR,
    REASONS: LIST_STR,
    NEEDS_REVIEW: BOOL,
    REVIEW_REASONS: LIST_STR,
}
REPORT_COLUMNS: Final = list(REPORT_DTYPES)

# --- history: each round's report rows (OUT/history/job_id=<id>/round=<N>/part-0.parquet) ----
#: What a row is matched on across rounds: the pair id, or unmatched:<name> for an audit
#: entry naming no local file, or "(audit message)" for the reviewer's message.
HISTORY_KEY: Final = "history_key"
AUDIT_FLAGGED: Final = "audit_flagged"  # the audit of this round named the pair
MISSING: Final = "missing"  # a side missing, or an audit entry naming no local file
AUDIT_SHA256: Final = "audit_sha256"  # of the round's audit result bytes
RECORDED_AT: Final = "recorded_at"
ROUND: Final = "round"
#: sha256 (16 hex) of the normalised transcript (NFC, whitespace folded, casefolded): how
#: a pair renamed between rounds (``fix --rename-for-edition``) is recognised.
TEXT_KEY: Final = "text_key"

HISTORY_DTYPES: Final[dict[str, str]] = {
    HISTORY_KEY: STR,
    PAIR_ID: STR,
    AUDIO_NAME: STR,
    TEXT_NAME: STR,
    VERDICT: STR,
    AUDIT_FLAGGED: BOOL,
    MISSING: BOOL,
    AUDIT_ERROR_CODES: LIST_STR,
    CHECKS: LIST_STR,
    REASONS: LIST_STR,
    DURATION_S: FLOAT,
    AUDIO_SHA256: STR,
    AUDIT_SHA256: STR,
    RECORDED_AT: TIMESTAMP,
    TEXT_KEY: STR,
}
HISTORY_COLUMNS: Final = list(HISTORY_DTYPES)
#: The hive partition columns of the history dataset (folder names, not in the files).
HISTORY_PARTITION_DTYPES: Final[dict[str, str]] = {JOB_ID: STR, ROUND: INT_NOT_NULL}

# --- manifest.csv ---------------------------------------------------------------
SHA256: Final = "sha256"
MANIFEST_COLUMNS: Final = [AUDIO_NAME, TEXT_NAME, DURATION_S, SHA256, VERDICT]

# --- the fix: plan (in memory), fix log (fixes.parquet), its manifest and dropped.csv ----
ACTION: Final = "action"
PARAMETERS: Final = "parameters"  # JSON text
VALUE_BEFORE: Final = "value_before"  # JSON text
VALUE_AFTER: Final = "value_after"  # JSON text
ORIGINAL_AUDIO_NAME: Final = "original_audio_name"
ORIGINAL_TEXT_NAME: Final = "original_text_name"
STAGE: Final = "stage"  # where a pair was dropped: run | apply | recheck

PLAN_COLUMNS: Final = [PAIR_ID, ACTION, CHECK, PARAMETERS]
FIX_DTYPES: Final[dict[str, str]] = {
    PAIR_ID: STR,
    ACTION: STR,
    CHECK: STR,
    PARAMETERS: STR,
    VALUE_BEFORE: STR,
    VALUE_AFTER: STR,
}
FIX_COLUMNS: Final = list(FIX_DTYPES)
FIX_MANIFEST_COLUMNS: Final = [*MANIFEST_COLUMNS, ORIGINAL_AUDIO_NAME, ORIGINAL_TEXT_NAME]
DROPPED_COLUMNS: Final = [PAIR_ID, ORIGINAL_AUDIO_NAME, ORIGINAL_TEXT_NAME, STAGE, REASONS]


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a frame as dicts keyed by column name, values as ``to_dict("records")`` gives
    them; built from column lists, ~4x faster than ``to_dict`` on Arrow-backed strings."""
    names = [str(c) for c in df.columns]
    data = [df[c].tolist() for c in df.columns]
    return [dict(zip(names, row, strict=True)) for row in zip(*data, strict=True)]
