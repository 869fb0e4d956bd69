"""Keep / fix / drop per pair, with reasons (remediate.verdict), on inline frames."""

from __future__ import annotations

from typing import Any

import pandas as pd

from remediate import columns as C
from remediate.checks import findings_frame
from remediate.join import match_audit
from remediate.verdict import decide, report_frame

PAIRS = pd.DataFrame(
    {
        C.PAIR_ID: pd.Series(["1", "2", "3"], dtype="str"),
        C.PAIR_KEY: pd.Series(["1", "2", "3"], dtype="str"),
        C.AUDIO_NAME: pd.Series(["audio_1.wav", "audio_2.wav", "audio_3.wav"], dtype="str"),
        C.TEXT_NAME: pd.Series(["text_1.txt", "text_2.txt", None], dtype="str"),
    }
)
MEASUREMENTS = pd.DataFrame(
    {
        C.PAIR_ID: pd.Series(["1", "2", "3"], dtype="str"),
        C.DURATION_S: [5.5, 6.0, 7.25],
        C.SAMPLERATE: pd.Series([48000, 96000, 48000], dtype="Int64"),
        C.CHANNELS: pd.Series([2, 1, 1], dtype="Int64"),
        C.SUBTYPE: pd.Series(["PCM_16", "PCM_16", "PCM_24"], dtype="str"),
        C.AUDIO_SHA256: pd.Series(["a" * 64, "b" * 64, "c" * 64], dtype="str"),
    }
)


def finding(
    pair_id: str, check: str, severity: str = C.SEVERITY_ERROR, fixable: bool = True
) -> dict[str, Any]:
    return {
        C.PAIR_ID: pair_id,
        C.CHECK: check,
        C.SEVERITY: severity,
        C.VALUE: None,
        C.THRESHOLD: None,
        C.FIXABLE: fixable,
        C.MESSAGE: f"{check} message",
    }


def entry(
    audio: str | None,
    code: str | None,
    source: str = C.SOURCE_SYSTEM,
    message: str | None = None,
) -> dict[str, Any]:
    return {
        C.SOURCE: source,
        C.AUDIO_NAME: audio,
        C.TEXT_NAME: None,
        C.ERROR_CODE: code,
        C.ERROR_MESSAGE: message or (f"{code} says no" if code else "admin note"),
    }


def audit_frame(*entries: dict[str, Any]) -> pd.DataFrame:
    df = pd.DataFrame(
        list(entries), columns=[C.SOURCE, C.AUDIO_NAME, C.TEXT_NAME, C.ERROR_CODE, C.ERROR_MESSAGE]
    )
    df.insert(0, C.ENTRY_ID, pd.Series(range(len(df)), dtype="int64"))
    for col in df.columns[1:]:
        df[col] = df[col].astype("str")
    return df


def report(findings: list[dict[str, Any]], *entries: dict[str, Any]) -> pd.DataFrame:
    audit = audit_frame(*entries)
    return decide(
        PAIRS,
        MEASUREMENTS,
        findings_frame(findings, order=list(PAIRS[C.PAIR_ID])),
        audit,
        match_audit(audit, PAIRS),
    )


def row(df: pd.DataFrame, pair_id: str) -> dict[str, Any]:
    rows = C.records(df[df[C.PAIR_ID] == pair_id])
    assert len(rows) == 1
    return rows[0]


def test_unfixable_error_is_drop() -> None:
    df = report([finding("1", "audio-clipping", fixable=False)])

    r = row(df, "1")
    assert r[C.VERDICT] == C.VERDICT_DROP
    assert r[C.REASONS] == ["audio-clipping: audio-clipping message"]
    assert r[C.CHECKS] == ["audio-clipping"]
    assert [row(df, p)[C.VERDICT] for p in ("2", "3")] == [C.VERDICT_KEEP, C.VERDICT_KEEP]


def test_unfixable_error_wins_over_fixable_findings_and_the_audit() -> None:
    df = report(
        [finding("1", "audio-channels"), finding("1", "audio-too-long", fixable=False)],
        entry("audio_1.wav", "MSS.20020011"),
    )

    r = row(df, "1")
    assert r[C.VERDICT] == C.VERDICT_DROP
    assert r[C.REASONS][0] == "audio-too-long: audio-too-long message"
    assert "audit MSS.20020011: MSS.20020011 says no" in r[C.REASONS]


def test_flagged_pair_with_no_local_finding_is_drop() -> None:
    df = report([], entry("audio_2.wav", "MSS.20020027"))

    r = row(df, "2")
    assert r[C.VERDICT] == C.VERDICT_DROP
    assert r[C.REASONS] == [
        "audit MSS.20020027: MSS.20020027 says no — code not in the catalogue and its "
        "message names no known kind of problem; re-record or correct by hand"
    ]
    assert r[C.AUDIT_ERROR_CODES] == ["MSS.20020027"]
    assert r[C.AUDIT_ENTRY_IDS] == [0]


def test_flagged_with_a_catalogue_code_covered_by_a_fixable_finding_is_fix() -> None:
    df = report([finding("1", "audio-channels")], entry("AUDIO_1.WAV", "MSS.20020011"))

    r = row(df, "1")
    assert r[C.VERDICT] == C.VERDICT_FIX
    assert r[C.REASONS][0] == (
        "audit MSS.20020011: MSS.20020011 says no — explained by audio-channels; fixable"
    )
    assert "audio-channels: audio-channels message" in r[C.REASONS]


def test_flagged_with_a_catalogue_code_not_covered_is_drop() -> None:
    df = report([finding("1", "text-bom")], entry("audio_1.wav", "MSS.20020011"))

    r = row(df, "1")
    assert r[C.VERDICT] == C.VERDICT_DROP
    assert r[C.REASONS][0].startswith(
        "audit MSS.20020011: MSS.20020011 says no — no local fixable finding explains it ("
    )
    assert "text-bom: text-bom message" in r[C.REASONS]


def test_flagged_with_a_catalogue_code_and_no_finding_is_drop_with_the_hint() -> None:
    df = report([], entry("audio_1.wav", "MSS.20020011"))

    r = row(df, "1")
    assert r[C.VERDICT] == C.VERDICT_DROP
    assert "convert to WAV, mono, PCM 16-bit, 48 kHz" in r[C.REASONS][0]


def test_unknown_code_is_explained_only_by_a_finding_of_the_category_its_message_names() -> None:
    flag = entry("audio_2.wav", "MSS.20020013", message="文本编码错误 (text encoding)")
    df = report([finding("2", "text-encoding")], flag)

    r = row(df, "2")
    assert r[C.VERDICT] == C.VERDICT_FIX
    assert r[C.REASONS][0] == (
        "audit MSS.20020013: 文本编码错误 (text encoding) — code not in the catalogue (text "
        "problem by its message); assumed explained by text-encoding"
    )


def test_unknown_code_with_a_fixable_finding_of_another_category_is_drop() -> None:
    noise = entry("audio_2.wav", "MSS.20020030", message="背景噪声过大 (background noise)")
    df = report([finding("2", "text-encoding")], noise)

    r = row(df, "2")
    assert r[C.VERDICT] == C.VERDICT_DROP
    assert "no local fixable quality finding explains it" in r[C.REASONS][0]


def test_issue_10_speech_text_mismatch_is_not_explained_by_a_trailing_space() -> None:
    """The case of issue 10: "speech does not match text" is content, and a fixable
    whitespace finding (text) does not explain it."""
    mismatch = entry("audio_2.wav", "MSS.20020027", message="Speech does not match text.")
    df = report([finding("2", "text-whitespace", C.SEVERITY_WARNING)], mismatch)

    r = row(df, "2")
    assert r[C.VERDICT] == C.VERDICT_DROP
    assert "no local fixable content finding explains it" in r[C.REASONS][0]


def test_unknown_code_with_no_category_is_drop_even_with_a_fixable_finding() -> None:
    df = report([finding("1", "audio-channels")], entry("audio_1.wav", "MSS.20020099"))

    assert row(df, "1")[C.VERDICT] == C.VERDICT_DROP


def test_inferred_cause_in_the_catalogue_explains_for_review() -> None:
    language = entry("audio_2.wav", "MSS.20020015", message="文本和所选语言不一致")
    df = report([finding("2", "text-encoding")], language)

    r = row(df, "2")
    assert r[C.VERDICT] == C.VERDICT_FIX
    assert "plausibly caused by text-encoding; fixable (inferred)" in r[C.REASONS][0]


def test_documented_message_without_a_known_code_is_recognised() -> None:
    letter = entry("audio_1.wav", "MSS.20029999", message="授权书文件有些问题")
    df = report([finding("1", "audio-channels")], letter)

    r = row(df, "1")
    assert r[C.VERDICT] == C.VERDICT_DROP
    assert "upload the authorization letter again" in r[C.REASONS][0]


def test_every_entry_on_a_pair_must_be_explained() -> None:
    df = report(
        [finding("1", "audio-channels")],
        entry("audio_1.wav", "MSS.20020011"),
        entry("audio_1.wav", "MSS.20020018"),
    )

    r = row(df, "1")
    assert r[C.VERDICT] == C.VERDICT_DROP
    assert r[C.AUDIT_ERROR_CODES] == ["MSS.20020011", "MSS.20020018"]
    assert r[C.AUDIT_ENTRY_IDS] == [0, 1]


def test_unflagged_fixable_is_fix() -> None:
    df = report([finding("2", "audio-samplerate-high")])

    r = row(df, "2")
    assert r[C.VERDICT] == C.VERDICT_FIX
    assert r[C.REASONS] == ["audio-samplerate-high: audio-samplerate-high message"]


def test_fixable_warning_is_fix_but_fixable_info_is_keep() -> None:
    df = report(
        [
            finding("1", "audio-silence-lead", severity=C.SEVERITY_WARNING),
            finding("2", "text-whitespace", severity=C.SEVERITY_INFO),
        ]
    )

    assert row(df, "1")[C.VERDICT] == C.VERDICT_FIX
    assert row(df, "2")[C.VERDICT] == C.VERDICT_KEEP


def test_unfixable_warning_only_is_keep_with_the_warning_in_reasons() -> None:
    df = report([finding("3", "audio-low-bandwidth", severity=C.SEVERITY_WARNING, fixable=False)])

    r = row(df, "3")
    assert r[C.VERDICT] == C.VERDICT_KEEP
    assert r[C.REASONS] == ["warning audio-low-bandwidth: audio-low-bandwidth message"]
    assert r[C.CHECKS] == ["audio-low-bandwidth"]


def test_clean_unflagged_pair_is_keep_with_no_reasons() -> None:
    df = report([])

    assert [row(df, p)[C.VERDICT] for p in ("1", "2", "3")] == [C.VERDICT_KEEP] * 3
    assert all(r == [] for r in df[C.REASONS])


def test_measurements_are_carried_into_the_report() -> None:
    df = report([])

    r = row(df, "2")
    assert (r[C.DURATION_S], r[C.SAMPLERATE], r[C.CHANNELS], r[C.SUBTYPE]) == (
        6.0,
        96000,
        1,
        "PCM_16",
    )
    assert pd.isna(row(df, "3")[C.TEXT_NAME])


def test_unmatched_entries_get_their_own_rows() -> None:
    df = report(
        [],
        entry("audio_40.wav", "MSS.20020016"),
        entry("../audio_1.wav", "MSS.20020011"),
        entry(None, None, source=C.SOURCE_ADMIN),
    )

    unmatched = df[df[C.VERDICT] == C.VERDICT_UNMATCHED]
    assert len(df) == 6
    assert unmatched[C.PAIR_ID].isna().all()
    assert list(unmatched[C.AUDIO_NAME][:2]) == ["audio_40.wav", "../audio_1.wav"]
    assert [list(ids) for ids in unmatched[C.AUDIT_ENTRY_IDS]] == [[0], [1], [2]]
    assert [list(c) for c in unmatched[C.AUDIT_ERROR_CODES]] == [
        ["MSS.20020016"],
        ["MSS.20020011"],
        [],
    ]
    reasons = [r[0] for r in unmatched[C.REASONS]]
    assert reasons[0].endswith("audio_40.wav is not in the local corpus")
    assert "would resolve outside the corpus" in reasons[1]
    assert reasons[2].startswith("admin audit no code: admin note — job-level entry")


def test_every_audit_entry_is_accounted_for_exactly_once() -> None:
    entries = [
        entry("audio_1.wav", "MSS.20020011"),
        entry("audio_2.wav", "MSS.20020027"),
        entry("audio_9.wav", "MSS.20020016"),
        entry("/abs/audio_3.wav", "MSS.20020011"),
        entry("audio_3.wav", "MSS.20020024"),
        entry(None, None, source=C.SOURCE_ADMIN),
    ]

    df = report([finding("1", "audio-channels")], *entries)

    ids = [int(i) for ids in df[C.AUDIT_ENTRY_IDS] for i in ids]
    assert sorted(ids) == list(range(len(entries)))
    assert set(df[C.VERDICT]) <= set(C.VERDICTS)


def test_report_frame_dtypes_and_columns() -> None:
    df = report([finding("1", "audio-channels")], entry("audio_40.wav", "MSS.20020016"))

    assert list(df.columns) == C.REPORT_COLUMNS
    dtypes = {c: str(t) for c, t in df.dtypes.items()}
    assert dtypes[C.PAIR_ID] == dtypes[C.VERDICT] == dtypes[C.AUDIO_NAME] == "str"
    assert (dtypes[C.DURATION_S], dtypes[C.SAMPLERATE], dtypes[C.CHANNELS]) == (
        "float64",
        "Int64",
        "Int64",
    )
    assert all(isinstance(v, list) for v in df[C.REASONS])


def test_empty_report_frame() -> None:
    df = report_frame([])

    assert list(df.columns) == C.REPORT_COLUMNS
    assert len(df) == 0


# --- needs_review: true exactly for a verdict that rests on an assumption or keeps an
# unresolved warning --------------------------------------------------------------------------

W, E = C.SEVERITY_WARNING, C.SEVERITY_ERROR
REVIEW_CASES = [
    # (findings on pair 1, audit entry on pair 1, verdict, needs_review, review reason part)
    ([], None, C.VERDICT_KEEP, False, None),
    ([finding("1", "audio-too-short", C.SEVERITY_INFO, False)], None, C.VERDICT_KEEP, False, None),
    (
        [finding("1", "audio-quiet", W, False)],
        None,
        C.VERDICT_KEEP,
        True,
        "unresolved warning audio-quiet",
    ),
    ([finding("1", "audio-channels")], None, C.VERDICT_FIX, False, None),
    (
        [finding("1", "audio-channels"), finding("1", "audio-low-snr", W, False)],
        None,
        C.VERDICT_FIX,
        True,
        "unresolved warning audio-low-snr",
    ),
    ([finding("1", "audio-clipping", E, False)], None, C.VERDICT_DROP, False, None),
    (
        [finding("1", "audio-clipping", E, False), finding("1", "audio-quiet", W, False)],
        None,
        C.VERDICT_DROP,
        False,  # dropped on a measured error: nothing rests on the warning
        None,
    ),
    ([finding("1", "audio-channels")], ("MSS.20020011", None), C.VERDICT_FIX, False, None),
    (
        [finding("1", "text-encoding")],
        ("MSS.20020025", "文本无法读取"),
        C.VERDICT_FIX,
        True,
        "MSS.20020025 is inferred in the catalogue",
    ),
    (
        [finding("1", "text-encoding")],
        ("MSS.20020015", "文本和所选语言不一致"),
        C.VERDICT_FIX,
        True,
        "MSS.20020015: assumed caused by text-encoding",
    ),
    (
        [finding("1", "audio-subtype")],
        ("MSS.20029998", "audio format must be 16-bit"),
        C.VERDICT_FIX,
        True,
        "MSS.20029998: not in the catalogue; assumed explained by audio-subtype (format)",
    ),
    (
        [finding("1", "text-whitespace", W)],
        ("MSS.20020027", "speech does not match text"),
        C.VERDICT_DROP,
        False,  # nothing of the category was found: dropped, no assumption made
        None,
    ),
    ([], ("MSS.20020011", None), C.VERDICT_DROP, False, None),
]


def test_needs_review_is_true_exactly_for_assumptions_and_unresolved_warnings() -> None:
    for found, flag, verdict, review, why in REVIEW_CASES:
        entries = [entry("audio_1.wav", flag[0], message=flag[1])] if flag else []
        df = report(found, *entries)
        r = row(df, "1")
        case = ([f[C.CHECK] for f in found], flag)
        assert r[C.VERDICT] == verdict, case
        assert r[C.NEEDS_REVIEW] is review, case
        assert bool(r[C.REVIEW_REASONS]) is review, case
        if why:
            assert any(why in x for x in r[C.REVIEW_REASONS]), (case, r[C.REVIEW_REASONS])
        assert row(df, "2")[C.NEEDS_REVIEW] is False  # untouched pairs stay unflagged


def test_unmatched_rows_never_need_review() -> None:
    df = report([], entry("audio_9.wav", "MSS.20020011"), entry(None, None, source=C.SOURCE_ADMIN))
    unmatched = df[df[C.VERDICT] == C.VERDICT_UNMATCHED]
    assert len(unmatched) == 2
    assert not unmatched[C.NEEDS_REVIEW].any()
    assert [list(x) for x in unmatched[C.REVIEW_REASONS]] == [[], []]
