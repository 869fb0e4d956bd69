"""The run summary counts what the report and findings hold."""

from __future__ import annotations

from remediate import columns as C
from remediate.audit import parse_audit_result
from remediate.checks import findings_frame
from remediate.profiles import load_profile
from remediate.summary import summarise
from remediate.verdict import report_frame


def _row(
    pid: str | None, verdict: str, duration: float | None, ids: list[int]
) -> dict[str, object]:
    return {
        C.PAIR_ID: pid,
        C.AUDIO_NAME: None,
        C.TEXT_NAME: None,
        C.DURATION_S: duration,
        C.SAMPLERATE: None,
        C.CHANNELS: None,
        C.SUBTYPE: None,
        C.AUDIO_SHA256: None,
        C.AUDIT_ERROR_CODES: [],
        C.AUDIT_ENTRY_IDS: ids,
        C.CHECKS: [],
        C.VERDICT: verdict,
        C.REASONS: [],
    }


def test_counts_durations_and_edition() -> None:
    report = report_frame(
        [
            _row("0", C.VERDICT_KEEP, 5.0, []),
            _row("1", C.VERDICT_FIX, 6.5, [0]),
            _row("2", C.VERDICT_DROP, 7.0, [1]),
            _row(None, C.VERDICT_UNMATCHED, None, [2]),
        ]
    )
    findings = findings_frame(
        [
            {
                C.PAIR_ID: "1",
                C.CHECK: "audio-channels",
                C.SEVERITY: "error",
                C.VALUE: 2.0,
                C.THRESHOLD: 1.0,
                C.FIXABLE: True,
                C.MESSAGE: "m",
            },
            {
                C.PAIR_ID: "2",
                C.CHECK: "text-empty",
                C.SEVERITY: "error",
                C.VALUE: 0.0,
                C.THRESHOLD: None,
                C.FIXABLE: False,
                C.MESSAGE: "m",
            },
        ]
    )
    audit = parse_audit_result(
        b'{"system_audit_result": {"errors": ['
        b'{"audio_name": "1.wav", "error_code": "MSS.20020011"},'
        b'{"audio_name": "2.wav", "error_code": "MSS.20020011"},'
        b'{"audio_name": "9.wav", "error_code": "MSS.20020016"}]}}'
    )
    s = summarise(report, findings, audit, load_profile("basic"))
    assert s["pairs"] == 3
    assert s["verdicts"] == {"keep": 1, "fix": 1, "drop": 1, "unmatched": 1}
    assert s["audit_entries"] == 3 and s["audit_entries_accounted"] == 3
    assert s["audit_error_codes"] == {"MSS.20020011": 2, "MSS.20020016": 1}
    assert s["findings"] == {"audio-channels": 1, "text-empty": 1}
    assert s["findings_by_severity"] == {"error": 2, "warning": 0, "info": 0}
    assert s["duration_total_s"] == 18.5 and s["duration_kept_s"] == 11.5
    assert s["edition"] == {
        "name": "basic",
        "pairs_required": 20,
        "pairs_resubmittable": 2,
        "minimum_met": False,
        "exact_count_met": False,
    }


def test_minimum_met_when_the_resubmittable_pairs_reach_the_edition_count() -> None:
    # Mutation testing (issue 9.9): minimum_met=True was never exercised.
    report = report_frame([_row("0", C.VERDICT_KEEP, 5.0, []), _row("1", C.VERDICT_FIX, 6.0, [])])
    empty = findings_frame([])
    audit = parse_audit_result(b'{"system_audit_result": {"errors": []}}')
    met = summarise(report, empty, audit, load_profile("basic", ["pairs_required=2"]))["edition"]
    assert (met["pairs_resubmittable"], met["minimum_met"], met["exact_count_met"]) == (
        2,
        True,
        True,
    )
    over = summarise(report, empty, audit, load_profile("basic", ["pairs_required=1"]))["edition"]
    assert (over["minimum_met"], over["exact_count_met"]) == (True, False)
