"""Measurements → findings (remediate.checks): codes, severities, fixable flags, values
and thresholds, on inline frames of clean rows with one defect each, and on crafted
files through discover → measure → run_checks where the measurement matters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from wavs import RATE, clean_clip, noise, write

from remediate import columns as C
from remediate.checks import CHECKS, run_checks, trimmed_duration
from remediate.corpus import discover
from remediate.errors import ConfigError
from remediate.pipeline import probe_settings
from remediate.profiles import EDITIONS, Profile, load_profile
from remediate.scan import ScanOptions, coerce_measurements, measure

BASIC = load_profile("basic")
SENTENCES = [
    "The quick brown fox jumps over the lazy dog today.",
    "She sells sea shells by the sea shore every summer.",
    "A journey of a thousand miles begins with one step.",
    "Every cloud has a silver lining if you look hard.",
    "Practice makes perfect when you work at it daily.",
    "The early bird catches the worm on a spring day.",
    "Actions speak louder than words in most places.",
    "Fortune favours the bold and the well prepared.",
    "Time flies like an arrow and fruit flies like pie.",
    "All that glitters is not gold in the old stories.",
    "Knowledge is power when it is shared with others.",
    "Rome was not built in a single day by anyone.",
]


def clean_row(i: int, **changes: Any) -> dict[str, Any]:
    """Pair + measurement values of a clean 6 s clip with an English sentence."""
    row: dict[str, Any] = {
        C.PAIR_ID: str(i),
        C.PAIR_KEY: str(i),
        C.AUDIO_NAME: f"audio_{i}.wav",
        C.TEXT_NAME: f"text_{i}.txt",
        C.AUDIO_BYTES: 576044,
        C.AUDIO_MTIME_NS: 1,
        C.TEXT_BYTES: 50,
        C.TEXT_MTIME_NS: 1,
        C.CONTAINER: "wav",
        C.FORMAT: "WAV",
        C.SUBTYPE: "PCM_16",
        C.SAMPLERATE: 48000,
        C.CHANNELS: 1,
        C.FRAMES: 6 * 48000,
        C.DURATION_S: 6.0,
        C.DECLARED_DATA_BYTES: 576000,
        C.ACTUAL_DATA_BYTES: 576000,
        C.PEAK_DBFS: -3.0,
        C.CLIP_FRACTION: 0.0,
        C.CLIP_SAMPLES: 0,
        C.CLIP_LONGEST_RUN: 0,
        C.DC_OFFSET: 0.0,
        C.RMS_DBFS: -20.0,
        C.MAX_SHORT_RMS_DBFS: -12.0,
        C.LEAD_SILENCE_S: 0.2,
        C.TRAIL_SILENCE_S: 0.2,
        C.SPEECH_RATIO: 0.9,
        C.NOISE_FLOOR_DBFS: -70.0,
        C.SNR_DB: 45.0,
        C.BANDWIDTH_HZ: 20000.0,
        C.RT60_S: 0.15,
        C.CLICKS: 0,
        C.CLICK_WORST_DBFS: None,
        C.CHANNEL_BALANCE_DB: None,
        C.LOUDNESS_LUFS: None,
        C.AUDIO_SHA256: f"file{i}",
        C.SAMPLES_FINGERPRINT: f"fingerprint{i}",
        C.SAMPLES_SHA256: f"samples{i}",
        C.AUDIO_ERROR: None,
        **dict.fromkeys(C.VOICE_MEASUREMENTS),
        C.TEXT_ENCODING: "utf-8",
        C.TEXT_BOM: False,
        C.TEXT: SENTENCES[i % len(SENTENCES)] + "\n",
        C.TEXT_CHARS: len(SENTENCES[i % len(SENTENCES)]) + 1,
        C.TEXT_ERROR: None,
    }
    unknown = set(changes) - set(row)
    assert not unknown, unknown
    row.update(changes)
    return row


def frames(rows: list[dict[str, Any]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    df = pd.DataFrame(rows)
    pairs = df[C.PAIR_COLUMNS].copy()
    for col in (C.AUDIO_BYTES, C.AUDIO_MTIME_NS, C.TEXT_BYTES, C.TEXT_MTIME_NS):
        pairs[col] = pairs[col].astype("Int64")
    measurements = coerce_measurements(
        df[[C.PAIR_ID, *C.AUDIO_MEASUREMENTS, *C.VOICE_MEASUREMENTS, *C.TEXT_MEASUREMENTS]].copy()
    )
    return pairs, measurements


def check(
    rows: list[dict[str, Any]], profile: Profile = BASIC, other: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Findings of the rows, without the job-level pair count and total duration (3-row
    frames miss both)."""
    pairs, measurements = frames(rows)
    found = run_checks(pairs, measurements, profile, other)
    job_level = found[C.CHECK].isin(["corpus-pair-count", "corpus-total-duration"])
    return found[~job_level].reset_index(drop=True)


def one(found: pd.DataFrame, pair_id: str | None, code: str) -> dict[str, Any]:
    """The single finding ``code`` of ``pair_id`` (None: job-level) as a dict."""
    if pair_id is None:
        hits = found[(found[C.CHECK] == code) & found[C.PAIR_ID].isna()]
    else:
        hits = found[(found[C.CHECK] == code) & (found[C.PAIR_ID] == pair_id)]
    assert len(hits) == 1, found[[C.PAIR_ID, C.CHECK, C.MESSAGE]].to_string()
    return dict(hits.iloc[0])


def codes(found: pd.DataFrame, pair_id: str) -> list[str]:
    return list(found.loc[found[C.PAIR_ID] == pair_id, C.CHECK])


# --- the clean baseline --------------------------------------------------------------


def test_clean_rows_have_no_findings() -> None:
    assert check([clean_row(i) for i in range(3)]).empty


def test_every_check_code_is_registered_with_a_known_severity() -> None:
    for code, info in CHECKS.items():
        assert info.code == code
        assert info.severity in C.SEVERITIES


# --- clipping --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("samples", "run", "severity"),
    [
        (1, 1, "warning"),  # one isolated full-scale sample
        (2, 2, "warning"),  # two samples in a run: below the run limit of 3
        (3, 3, "error"),  # a flat top of 3 samples
        (144, 1, "warning"),  # exactly 0.05 % (144 of 288000): not above the share
        (145, 1, "error"),  # just above 0.05 %
    ],
)
def test_clipping_warning_vs_error(samples: int, run: int, severity: str) -> None:
    frames_n = 6 * 48000
    row = clean_row(
        0,
        **{
            C.CLIP_SAMPLES: samples,
            C.CLIP_LONGEST_RUN: run,
            C.CLIP_FRACTION: samples / frames_n,
            C.PEAK_DBFS: 0.0,
        },
    )
    f = one(check([row]), "0", "audio-clipping")

    assert f[C.SEVERITY] == severity
    assert f[C.VALUE] == pytest.approx(samples / frames_n)
    assert f[C.THRESHOLD] == BASIC.level.clip_error_fraction
    assert not f[C.FIXABLE]
    assert f"{samples} clipped samples" in f[C.MESSAGE]
    assert f"longest run {run}" in f[C.MESSAGE]


def test_clipping_measured_on_a_real_file(tmp_path: Path) -> None:
    x = clean_clip(6.0)
    x[RATE : RATE + 4] = 32767  # one flat top of 4 samples
    write(tmp_path / "audio_0.wav", x)
    (tmp_path / "text_0.txt").write_text(SENTENCES[0] + "\n")
    found = scan(tmp_path)
    f = one(found, "0", "audio-clipping")

    assert f[C.SEVERITY] == "error"
    assert f[C.VALUE] == pytest.approx(4 / x.size)
    assert "longest run 4" in f[C.MESSAGE]


# --- level and silence -----------------------------------------------------------------


def test_silent_file_stops_the_signal_checks() -> None:
    row = clean_row(
        0,
        **{
            C.PEAK_DBFS: -60.0,
            C.RMS_DBFS: -75.0,
            C.SPEECH_RATIO: 0.0,
            C.LEAD_SILENCE_S: 6.0,
            C.TRAIL_SILENCE_S: 6.0,
        },
    )
    found = check([row])
    f = one(found, "0", "audio-silent")

    assert (f[C.SEVERITY], f[C.VALUE], f[C.THRESHOLD]) == ("error", -60.0, -45.0)
    # Silence, quiet, edge silence would all be noise on top of "no speech".
    assert codes(found, "0") == ["audio-silent"]


def test_silent_real_file(tmp_path: Path) -> None:
    write(tmp_path / "audio_0.wav", noise(6.0, -70.0))
    (tmp_path / "text_0.txt").write_text(SENTENCES[0] + "\n")
    f = one(scan(tmp_path), "0", "audio-silent")

    # Peak of -70 dBFS RMS gaussian noise: about 4.5 sigma above RMS, still far below -45.
    assert -70.0 < f[C.VALUE] < -55.0


@pytest.mark.parametrize(
    ("rms", "severity", "threshold"),
    [(-31.0, "warning", -30.0), (-35.0, "error", -33.0), (-42.0, "error", -33.0)],
)
def test_quiet_is_graded_by_level(rms: float, severity: str, threshold: float) -> None:
    # Issue 10: a clip at -35 dBFS was kept as a mere warning; it is now in the error band.
    f = one(check([clean_row(0, **{C.RMS_DBFS: rms})]), "0", "audio-quiet")
    assert (f[C.SEVERITY], f[C.VALUE], f[C.THRESHOLD]) == (severity, rms, threshold)
    assert f[C.BAND] == f"{severity} < {threshold:g}"


def test_dc_offset() -> None:
    found = check([clean_row(0, **{C.DC_OFFSET: 0.05}), clean_row(1, **{C.DC_OFFSET: -0.009})])
    f = one(found, "0", "audio-dc-offset")

    assert (f[C.SEVERITY], f[C.VALUE], f[C.THRESHOLD], f[C.FIXABLE]) == (
        "warning",
        0.05,
        0.01,
        True,
    )
    assert codes(found, "1") == []


def test_dc_offset_real_file(tmp_path: Path) -> None:
    x = clean_clip(6.0).astype(np.int32) + round(0.05 * 32768)
    write(tmp_path / "audio_0.wav", x.clip(-32768, 32767).astype(np.int16))
    (tmp_path / "text_0.txt").write_text(SENTENCES[0] + "\n")
    f = one(scan(tmp_path), "0", "audio-dc-offset")

    assert f[C.VALUE] == pytest.approx(0.05, abs=0.001)


def test_edge_silence_lead_and_trail() -> None:
    row = clean_row(0, **{C.LEAD_SILENCE_S: 1.5, C.TRAIL_SILENCE_S: 1.2})
    found = check([row])
    lead, trail = one(found, "0", "audio-silence-lead"), one(found, "0", "audio-silence-trail")

    assert (lead[C.VALUE], lead[C.THRESHOLD], lead[C.FIXABLE]) == (1.5, 1.0, True)
    assert (trail[C.VALUE], trail[C.THRESHOLD], trail[C.SEVERITY]) == (1.2, 1.0, "warning")


def test_edge_silence_real_file(tmp_path: Path) -> None:
    x = np.concatenate([noise(2.0, -80.0, seed=3), clean_clip(6.0), noise(1.5, -80.0, seed=4)])
    write(tmp_path / "audio_0.wav", x)
    (tmp_path / "text_0.txt").write_text(SENTENCES[0] + "\n")
    found = scan(tmp_path)

    # clean_clip carries 0.3 s of -80 dBFS padding itself.
    assert one(found, "0", "audio-silence-lead")[C.VALUE] == pytest.approx(2.3, abs=0.02)
    assert one(found, "0", "audio-silence-trail")[C.VALUE] == pytest.approx(1.8, abs=0.02)


def test_low_speech_ratio() -> None:
    f = one(check([clean_row(0, **{C.SPEECH_RATIO: 0.2})]), "0", "audio-low-speech")
    assert (f[C.VALUE], f[C.THRESHOLD]) == (0.2, 0.3)


def test_noise_floor_and_snr() -> None:
    found = check([clean_row(0, **{C.NOISE_FLOOR_DBFS: -45.0, C.SNR_DB: 20.0})])

    assert one(found, "0", "audio-noise-floor")[C.THRESHOLD] == -50.0
    assert one(found, "0", "audio-low-snr")[C.VALUE] == 20.0


# --- duration --------------------------------------------------------------------------


def test_too_long_but_fixable_by_trimming() -> None:
    row = clean_row(0, **{C.DURATION_S: 16.0, C.LEAD_SILENCE_S: 1.5, C.TRAIL_SILENCE_S: 0.8})
    found = check([row])
    f = one(found, "0", "audio-too-long")

    assert trimmed_duration(row, BASIC) == pytest.approx(16.0 - 1.35 - 0.65)  # 0.15 s padding kept
    assert (f[C.SEVERITY], f[C.VALUE], f[C.THRESHOLD], f[C.FIXABLE]) == ("error", 16.0, 15.0, True)
    assert "14.00 s after trimming" in f[C.MESSAGE]


def test_too_long_and_not_fixable() -> None:
    row = clean_row(0, **{C.DURATION_S: 16.74, C.LEAD_SILENCE_S: 0.2, C.TRAIL_SILENCE_S: 0.25})
    f = one(check([row]), "0", "audio-too-long")

    assert (f[C.FIXABLE], f[C.VALUE]) == (False, 16.74)
    assert "split or re-record" in f[C.MESSAGE]


def test_too_short_warning() -> None:
    f = one(check([clean_row(0, **{C.DURATION_S: 3.5})]), "0", "audio-too-short")
    assert (f[C.SEVERITY], f[C.VALUE], f[C.THRESHOLD]) == (
        CHECKS["audio-too-short"].severity,  # accepted but advised against: never an error
        3.5,
        5.0,
    )
    assert f[C.SEVERITY] != "error"


def test_profile_override_changes_outcome() -> None:
    row = clean_row(0, **{C.DURATION_S: 16.0})
    assert "audio-too-long" in codes(check([row]), "0")

    relaxed = load_profile("basic", ["duration.max_s=20"])
    assert relaxed.duration.max_s == 20.0
    assert relaxed.overrides == ("duration.max_s=20",)
    assert "audio-too-long" not in codes(check([row], relaxed), "0")

    strict = load_profile("basic", ["level.dc_offset_max=0.001"])
    assert "audio-dc-offset" in codes(check([clean_row(0, **{C.DC_OFFSET: 0.002})], strict), "0")


@pytest.mark.parametrize(
    "override",
    [
        "duration.max_s",  # no '='
        "=5",
        "duration.nope=5",
        "nosection.max_s=5",
        "duration.max_s=abc",
        "format.channels=1.5",
        "loudness.measure=maybe",
        "duration=5",  # a section, not a setting
    ],
)
def test_bad_override_is_a_config_error(override: str) -> None:
    with pytest.raises(ConfigError):
        load_profile("basic", [override])


def test_unknown_edition_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        load_profile("premium")


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_edition_loads(edition: str) -> None:
    profile = load_profile(edition)
    assert profile.name == edition
    assert profile.duration.min_s < profile.duration.max_s


# --- format ----------------------------------------------------------------------------


def test_stereo() -> None:
    row = clean_row(0, **{C.CHANNELS: 2, C.CHANNEL_BALANCE_DB: 110.9})
    f = one(check([row]), "0", "audio-channels")

    assert (f[C.SEVERITY], f[C.VALUE], f[C.THRESHOLD], f[C.FIXABLE]) == ("error", 2.0, 1.0, True)
    assert "110.9 dB" in f[C.MESSAGE]


@pytest.mark.parametrize(
    ("rate", "code", "severity", "fixable", "threshold"),
    [
        (96000, "audio-samplerate-high", "error", True, 48000.0),
        (16000, "audio-samplerate-low", "error", False, 44100.0),
        (22050, "audio-samplerate-low", "error", False, 44100.0),
        (44100, "audio-samplerate-accepted", "info", False, 48000.0),
    ],
)
def test_sample_rates(rate: int, code: str, severity: str, fixable: bool, threshold: float) -> None:
    found = check([clean_row(0, **{C.SAMPLERATE: rate, C.BANDWIDTH_HZ: rate * 0.42})])
    f = one(found, "0", code)

    assert (f[C.SEVERITY], f[C.FIXABLE], f[C.VALUE], f[C.THRESHOLD]) == (
        severity,
        fixable,
        float(rate),
        threshold,
    )


def test_48k_has_no_rate_finding() -> None:
    assert check([clean_row(0)]).empty


def test_pcm24_subtype_fixable() -> None:
    f = one(check([clean_row(0, **{C.SUBTYPE: "PCM_24"})]), "0", "audio-subtype")
    assert (f[C.SEVERITY], f[C.FIXABLE]) == ("error", True)
    assert "PCM_24" in f[C.MESSAGE]


def test_fake_rate_vs_low_bandwidth() -> None:
    found = check(
        [
            clean_row(0, **{C.BANDWIDTH_HZ: 7850.0}),  # a 16 kHz source relabelled 48 kHz
            clean_row(1, **{C.BANDWIDTH_HZ: 11000.0}),  # a 22.05 kHz source
            clean_row(2, **{C.BANDWIDTH_HZ: 15000.0}),  # above 60 % of Nyquist
        ]
    )
    fake = one(found, "0", "audio-fake-rate")
    low = one(found, "1", "audio-low-bandwidth")

    assert (fake[C.SEVERITY], fake[C.VALUE], fake[C.THRESHOLD]) == ("error", 7850.0, 9000.0)
    assert "about 16 kHz" in fake[C.MESSAGE]
    assert "audio-low-bandwidth" not in codes(found, "0")  # the stronger finding only
    assert (low[C.SEVERITY], low[C.THRESHOLD]) == ("warning", pytest.approx(14400.0))
    assert codes(found, "2") == []


def test_fake_rate_on_a_real_upsampled_file(tmp_path: Path) -> None:
    import soxr

    x = clean_clip(6.0).astype(np.float64) / 32768
    fake = soxr.resample(soxr.resample(x, RATE, 16000), 16000, RATE)
    write(tmp_path / "audio_0.wav", np.round(fake * 32768).astype(np.int16))
    write(tmp_path / "audio_1.wav", clean_clip(6.0, seed=1))
    for i in (0, 1):
        (tmp_path / f"text_{i}.txt").write_text(SENTENCES[i] + "\n")
    found = scan(tmp_path)

    assert one(found, "0", "audio-fake-rate")[C.VALUE] < 9000
    assert codes(found, "1") == []


# --- container / decode ----------------------------------------------------------------


def test_container_findings() -> None:
    found = check(
        [
            clean_row(0, **{C.CONTAINER: "empty", C.AUDIO_ERROR: "file is empty (0 bytes)"}),
            clean_row(1, **{C.CONTAINER: "ogg", C.FORMAT: "OGG", C.SUBTYPE: "VORBIS"}),
            clean_row(2, **{C.CONTAINER: "rf64", C.FORMAT: "RF64"}),
            clean_row(3, **{C.ACTUAL_DATA_BYTES: 288000}),
        ]
    )

    assert codes(found, "0") == ["audio-empty"]
    ogg = one(found, "1", "audio-container")
    assert (ogg[C.SEVERITY], ogg[C.FIXABLE]) == ("error", False)
    assert "OGG" in ogg[C.MESSAGE]
    assert "audio-subtype" not in codes(found, "1")  # VORBIS is not a WAV subtype question
    rf64 = one(found, "2", "audio-container")
    assert (rf64[C.SEVERITY], rf64[C.FIXABLE]) == ("warning", True)
    cut = one(found, "3", "audio-truncated")
    assert (cut[C.VALUE], cut[C.THRESHOLD], cut[C.SEVERITY]) == (288000.0, 576000.0, "error")


# --- text ------------------------------------------------------------------------------


def test_text_empty_and_whitespace_only() -> None:
    found = check(
        [
            clean_row(0, **{C.TEXT: "", C.TEXT_CHARS: 0}),
            clean_row(1, **{C.TEXT: " \t\n", C.TEXT_CHARS: 3}),
        ]
    )

    assert codes(found, "0") == ["text-empty"]
    assert one(found, "0", "text-empty")[C.MESSAGE] == "transcript is empty"
    assert codes(found, "1") == ["text-empty"]
    assert one(found, "1", "text-empty")[C.MESSAGE] == "transcript is only whitespace"


def test_text_encoding_and_bom() -> None:
    found = check(
        [
            clean_row(0, **{C.TEXT_ENCODING: "gb18030"}),
            clean_row(1, **{C.TEXT_BOM: True}),
            clean_row(2, **{C.TEXT_ENCODING: "utf-16-le", C.TEXT_BOM: True}),
            clean_row(3, **{C.TEXT_ERROR: "not UTF-8 (byte 0), encoding unknown", C.TEXT: None}),
        ]
    )

    enc = one(found, "0", "text-encoding")
    assert (enc[C.SEVERITY], enc[C.FIXABLE], enc[C.MESSAGE]) == (
        "error",
        True,
        "text is gb18030, not UTF-8",
    )
    bom = one(found, "1", "text-bom")
    assert (bom[C.SEVERITY], bom[C.FIXABLE]) == ("warning", True)
    assert codes(found, "2") == ["text-encoding"]  # a UTF-16 BOM is an encoding problem
    assert codes(found, "3") == ["text-unreadable"]


def test_gbk_text_file_through_the_scan(tmp_path: Path) -> None:
    write(tmp_path / "audio_0.wav", clean_clip(6.0))
    (tmp_path / "text_0.txt").write_bytes("今天天气很好，我们去公园散步吧。\n".encode("gbk"))
    found = scan(tmp_path, ["text.language=CN"])

    assert codes(found, "0") == ["text-encoding"]
    assert "gb18030" in one(found, "0", "text-encoding")[C.MESSAGE]


def test_text_control_chars_nfc_and_whitespace() -> None:
    found = check(
        [
            clean_row(0, **{C.TEXT: "Hello\x00 there, how are you doing today?\n"}),
            clean_row(1, **{C.TEXT: "A cafe\u0301 with a friend is the best way to start.\n"}),
            clean_row(2, **{C.TEXT: "  Too   many spaces in this sentence here.\r\n"}),
        ]
    )

    ctrl = one(found, "0", "text-control-chars")
    assert (ctrl[C.VALUE], ctrl[C.THRESHOLD], ctrl[C.FIXABLE]) == (1.0, 0.0, True)
    assert codes(found, "1") == ["text-not-nfc"]
    assert codes(found, "2") == ["text-whitespace"]


def test_text_too_long() -> None:
    text = "word " * 50  # 249 characters once cleaned
    f = one(check([clean_row(0, **{C.TEXT: text, C.DURATION_S: 14.0})]), "0", "text-too-long")
    assert (f[C.VALUE], f[C.THRESHOLD]) == (249.0, 200.0)


def test_text_language_with_set_override() -> None:
    rows = [
        clean_row(0),  # English
        clean_row(1, **{C.TEXT: "今天天气很好，我们去公园散步吧。\n"}),
        clean_row(2, **{C.TEXT: "12345\n"}),  # no letters: no opinion
    ]
    assert "text-language" not in set(check(rows)[C.CHECK])

    cn = check(rows, load_profile("basic", ["text.language=CN"]))
    f = one(cn, "0", "text-language")
    assert (f[C.SEVERITY], f[C.FIXABLE]) == ("error", False)
    assert "latin" in f[C.MESSAGE] and "CN" in f[C.MESSAGE]
    assert "text-language" not in codes(cn, "1") + codes(cn, "2")

    en = check(rows, load_profile("basic", ["text.language=EN"]))  # an enum since issue 9.6
    assert "text-language" in codes(en, "1")
    assert "text-language" not in codes(en, "0")


# --- characters per second ---------------------------------------------------------------


def test_cps_range_uses_the_trimmed_duration() -> None:
    text = "a" * 62 + "\n"  # 62 letters
    # 2.0 s with 0 s edges: 31/s, too fast; 3.0 s with 0.5 s edges: the same 2.0 s of speech.
    fast = clean_row(
        0, **{C.TEXT: text, C.DURATION_S: 2.0, C.LEAD_SILENCE_S: 0.0, C.TRAIL_SILENCE_S: 0.0}
    )
    padded = clean_row(
        1, **{C.TEXT: text, C.DURATION_S: 3.0, C.LEAD_SILENCE_S: 0.5, C.TRAIL_SILENCE_S: 0.5}
    )
    slow = clean_row(
        2, **{C.TEXT: text, C.DURATION_S: 3.0, C.LEAD_SILENCE_S: 0.0, C.TRAIL_SILENCE_S: 0.0}
    )
    found = check([fast, padded, slow])

    for pid in ("0", "1"):  # 31 letters/s is past the 30/s error band (issue 10)
        f = one(found, pid, "text-cps-range")
        assert (f[C.VALUE], f[C.THRESHOLD], f[C.SEVERITY]) == (31.0, 30.0, "error")
    assert "text-cps-range" not in codes(found, "2")  # 62 / 3.0 = 20.7, under the 25/s warning


def test_cps_outlier_among_ten_normal_pairs() -> None:
    rows = [clean_row(i) for i in range(10)]
    long_text = " ".join(SENTENCES[:5]) + "\n"  # about 5x the letters for the same 6 s
    rows.append(clean_row(10, **{C.TEXT: long_text}))
    found = check(rows)
    f = one(found, "10", "text-cps-outlier")

    letters = sum(ch.isalpha() for ch in long_text)
    assert f[C.VALUE] == pytest.approx(letters / 5.6, abs=0.01)
    assert f[C.SEVERITY] == "warning"
    assert f[C.VALUE] > f[C.THRESHOLD]
    # five times the text for the same speech is also five times the corpus's speaking rate
    assert one(found, "10", "audio-rate-outlier")[C.SEVERITY] == "error"
    assert set(found[C.CHECK]) <= {
        "text-cps-outlier",
        "text-cps-range",
        "text-too-long",
        "audio-rate-outlier",
    }
    assert set(found[C.PAIR_ID]) == {"10"}  # none of the ten normal pairs


def test_cps_outlier_fences_follow_the_profile_k() -> None:
    # Mutation testing (issue 9.9): text.cps_iqr_k was never read from the profile in a test.
    rows = [clean_row(i) for i in range(10)]
    rows.append(clean_row(10, **{C.TEXT: " ".join(SENTENCES[:5]) + "\n"}))
    assert "text-cps-outlier" in codes(check(rows), "10")  # k = 2 (Piper)
    wide = load_profile("basic", ["text.cps_iqr_k=1000"])
    assert "text-cps-outlier" not in set(check(rows, wide)[C.CHECK])


def test_cps_outlier_needs_enough_pairs() -> None:
    rows = [clean_row(i) for i in range(5)]
    rows.append(clean_row(5, **{C.TEXT: " ".join(SENTENCES[:5])}))
    assert "text-cps-outlier" not in set(check(rows)[C.CHECK])


@pytest.mark.parametrize(
    ("text", "duration", "bound"),
    [
        ("Hi there.\n", 6.0, 5.0),  # 7 letters in 5.6 s: 1.25/s, too slow
        (
            "今天天气很好，我们去公园散步吧。今天天气很好，我们去公园散步吧。\n",
            2.4,
            9.0,
        ),  # 28 han in 2 s
        ("好\n", 6.0, 1.0),  # 0.18/s: under the 1/s error band
    ],
)
def test_cps_range_bounds(text: str, duration: float, bound: float) -> None:
    row = clean_row(0, **{C.TEXT: text, C.DURATION_S: duration})
    f = one(check([row]), "0", "text-cps-range")
    assert f[C.THRESHOLD] == bound


# --- duplicates and names ----------------------------------------------------------------


def test_duplicate_text_is_normalised() -> None:
    found = check(
        [
            clean_row(0),
            clean_row(1, **{C.TEXT: "  " + SENTENCES[0].upper() + "  \n"}),
            clean_row(2, **{C.TEXT: SENTENCES[0] + "\n"}),
        ]
    )
    f = one(found, "1", "duplicate-text")
    assert f[C.SEVERITY] == "warning" and "pair 0" in f[C.MESSAGE]
    assert one(found, "2", "duplicate-text")[C.MESSAGE] == "same transcript as pair 0"


def test_duplicate_audio_same_samples_different_files(tmp_path: Path) -> None:
    x = clean_clip(6.0)
    write(tmp_path / "audio_0.wav", x)
    write(tmp_path / "audio_1.wav", x, subtype="PCM_24")  # re-encoded
    write(tmp_path / "audio_2.wav", x, format="RF64")  # a different header
    write(tmp_path / "audio_3.wav", clean_clip(6.0, seed=7))
    for i in range(4):
        (tmp_path / f"text_{i}.txt").write_text(SENTENCES[i] + "\n")
    found = scan(tmp_path)

    for pid in ("1", "2"):
        f = one(found, pid, "duplicate-audio")
        assert (f[C.SEVERITY], f[C.FIXABLE]) == ("error", False)
        assert "pair 0" in f[C.MESSAGE]
    assert "duplicate-audio" not in codes(found, "0") + codes(found, "3")


def test_duplicate_audio_ignores_undecodable_files() -> None:
    bad = {C.AUDIO_ERROR: "cannot decode: x", C.SAMPLES_SHA256: "same", C.FRAMES: None}
    found = check([clean_row(0, **bad), clean_row(1, **bad)])
    assert "duplicate-audio" not in set(found[C.CHECK])


def test_name_collisions(tmp_path: Path) -> None:
    write(tmp_path / "a" / "audio_1.wav", clean_clip(6.0, seed=1))
    (tmp_path / "a" / "text_1.txt").write_text(SENTENCES[1] + "\n")
    write(tmp_path / "b" / "1.wav", clean_clip(6.0, seed=2))
    (tmp_path / "b" / "1.txt").write_text(SENTENCES[2] + "\n")
    found = scan(tmp_path)

    hits = found[found[C.CHECK] == "name-collision"]
    assert sorted(hits[C.PAIR_ID]) == ["1@a", "1@b"]
    assert set(hits[C.SEVERITY]) == {"warning"}
    assert all("key '1'" in m for m in hits[C.MESSAGE])


def test_corpus_pair_count_and_extra_files() -> None:
    pairs, measurements = frames([clean_row(i) for i in range(3)])
    found = run_checks(pairs, measurements, BASIC, ("notes.md", "take2.mp3"))

    count = one(found, None, "corpus-pair-count")
    assert (count[C.VALUE], count[C.THRESHOLD], count[C.SEVERITY]) == (3.0, 20.0, "warning")
    extra = one(found, None, "corpus-extra-files")
    assert extra[C.VALUE] == 2.0 and "take2.mp3" in extra[C.MESSAGE]
    # Job-level findings come first.
    assert list(found[C.CHECK][:2]) == ["corpus-extra-files", "corpus-pair-count"]


def test_pair_count_exact_and_disabled() -> None:
    pairs, measurements = frames([clean_row(i) for i in range(20)])
    twenty = run_checks(pairs, measurements, BASIC)
    assert "corpus-pair-count" not in set(twenty[C.CHECK])
    flexus = run_checks(*frames([clean_row(0)]), load_profile("flexus"))
    assert "corpus-pair-count" not in set(flexus[C.CHECK])


def test_missing_sides() -> None:
    found = check(
        [
            clean_row(0, **{C.TEXT_NAME: None, C.TEXT: None, C.TEXT_ENCODING: None}),
            clean_row(1, **{C.AUDIO_NAME: None, C.CONTAINER: None}),
        ]
    )
    assert codes(found, "0") == ["text-missing"]
    assert codes(found, "1") == ["audio-missing"]


# --- end to end on crafted files --------------------------------------------------------


def scan(root: Path, overrides: list[str] | None = None) -> pd.DataFrame:
    listing = discover(root)
    profile = load_profile("basic", overrides or [])
    measurements, _ = measure(root, listing.pairs, probe_settings(profile), ScanOptions(jobs=1))
    found = run_checks(listing.pairs, measurements, profile, listing.other_files)
    job_level = found[C.CHECK].isin(["corpus-pair-count", "corpus-total-duration"])
    return found[~job_level].reset_index(drop=True)


def test_clean_crafted_files_have_no_findings(tmp_path: Path) -> None:
    for i in range(3):
        write(tmp_path / f"audio_{i}.wav", clean_clip(6.0, seed=i))
        (tmp_path / f"text_{i}.txt").write_text(SENTENCES[i] + "\n")
    found = scan(tmp_path)
    assert found.empty, found[[C.PAIR_ID, C.CHECK, C.MESSAGE]].to_string()


# --- no false drops on the committed sample dataset --------------------------------------

CLEAN_SAMPLE_PAIRS = ["0", "1", "4", "6", "8", "10", "12", "14", "16", "18"]


@pytest.mark.parametrize("edition", ["basic", "middle", "flexus"])
def test_clean_sample_pairs_have_no_error(sample_dataset: Path, edition: str) -> None:
    """Clean espeak speech must never be dropped: no error-severity finding (read-only)."""
    listing = discover(sample_dataset)
    profile = load_profile(edition)
    measurements, _ = measure(
        sample_dataset, listing.pairs, probe_settings(profile), ScanOptions(jobs=1)
    )
    found = run_checks(listing.pairs, measurements, profile, listing.other_files)

    clean = found[found[C.PAIR_ID].isin(CLEAN_SAMPLE_PAIRS)]
    errors = clean[clean[C.SEVERITY] == "error"]
    assert errors.empty, errors[[C.PAIR_ID, C.CHECK, C.MESSAGE]].to_string()
    # And the defects the README lists are still caught as errors.
    error_pairs = set(found.loc[found[C.SEVERITY] == "error", C.PAIR_ID])
    assert {"3", "5", "7", "9", "13", "15", "17", "19", "20", "21", "22"} <= error_pairs
    measured = measurements.set_index(C.PAIR_ID)
    assert measured.loc["9", C.CLIP_FRACTION] > 0.01  # "well over 1 % of samples"
    assert measured.loc["11", C.LEAD_SILENCE_S] == pytest.approx(3.0, abs=0.05)
    assert measured.loc["11", C.TRAIL_SILENCE_S] == pytest.approx(3.0, abs=0.05)
    for pid in CLEAN_SAMPLE_PAIRS:
        assert measured.loc[pid, C.PEAK_DBFS] == pytest.approx(-3.0, abs=0.01)
        assert measured.loc[pid, C.CLIP_SAMPLES] == 0


# --- job-level checks that decide the resubmission (issue 10 item 5) -----------------------


@pytest.mark.parametrize(
    ("edition", "clips", "seconds", "expected"),
    [
        ("basic", 20, 6.0, None),  # 120 s: under BASIC's 3 min
        ("basic", 20, 12.0, "quiet"),  # 240 s: inside 3-10 min
        ("middle", 100, 5.0, None),  # 500 s: under MIDDLE's 10 min
        ("middle", 100, 14.0, "quiet"),  # 1,400 s: inside 10-30 min
        ("flexus", 3, 6.0, "quiet"),  # no total is checked
    ],
)
def test_total_duration_per_edition(
    edition: str, clips: int, seconds: float, expected: str | None
) -> None:
    profile = load_profile(edition)
    rows = [clean_row(i, **{C.DURATION_S: seconds}) for i in range(clips)]
    found = run_checks(*frames(rows), profile)
    hits = found[found[C.CHECK] == "corpus-total-duration"]
    if expected == "quiet":
        assert hits.empty
        return
    f = one(found, None, "corpus-total-duration")
    assert (f[C.SEVERITY], f[C.VALUE]) == ("warning", clips * seconds)
    assert f[C.THRESHOLD] == profile.duration.total_min_s


def test_total_duration_over_the_edition_maximum() -> None:
    rows = [clean_row(i, **{C.DURATION_S: 14.0}) for i in range(50)]  # 700 s > 600 s
    f = one(run_checks(*frames(rows), BASIC), None, "corpus-total-duration")
    assert (f[C.VALUE], f[C.THRESHOLD]) == (700.0, 600.0)


def test_mixed_languages_flag_the_minority_even_without_a_language() -> None:
    rows = [clean_row(i) for i in range(4)]  # English sentences
    rows.append(clean_row(4, **{C.TEXT: "今天天气很好，我们去公园散步吧。\n"}))
    found = check(rows)
    f = one(found, "4", "text-mixed-language")
    assert f[C.SEVERITY] == "warning" and "4 of 5 are latin" in f[C.MESSAGE]
    assert found[found[C.CHECK] == "text-mixed-language"][C.PAIR_ID].tolist() == ["4"]
    # With the job's language set, text-language judges each transcript instead.
    en = check(rows, load_profile("basic", ["text.language=EN"]))
    assert "text-mixed-language" not in set(en[C.CHECK])
    assert "text-language" in codes(en, "4")
