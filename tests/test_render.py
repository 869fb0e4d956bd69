"""Terminal rendering: aligned tables, and a summary that stays readable on big corpora."""

from __future__ import annotations

from typing import Any

from remediate import columns as C
from remediate.cli.render import MAX_ATTENTION_ROWS, run_summary, table


def test_table_aligns_and_cuts_long_cells() -> None:
    text = table(["a", "bb"], [["x", "y" * 10], ["longer", None], ["toolong!", "z"]], max_width=6)
    lines = text.splitlines()
    assert lines[0] == "a       bb"
    assert lines[1] == "------  ------"
    assert lines[2] == "x       yyyyy…"
    assert lines[3] == "longer"  # trailing blanks stripped, None shown empty
    assert lines[4] == "toolo…  z"


def _row(i: int, verdict: str) -> dict[str, Any]:
    return {
        C.PAIR_ID: str(i),
        C.AUDIO_NAME: f"audio_{i}.wav",
        C.TEXT_NAME: f"text_{i}.txt",
        C.VERDICT: verdict,
        C.REASONS: [f"reason {i}"],
    }


def test_summary_lists_pairs_needing_attention_up_to_a_limit() -> None:
    rows = [_row(i, C.VERDICT_DROP) for i in range(MAX_ATTENTION_ROWS + 7)]
    rows.append(_row(999, C.VERDICT_KEEP))
    summary = {"verdicts": {"drop": MAX_ATTENTION_ROWS + 7, "keep": 1}, "pairs": len(rows)}
    text = run_summary(summary, rows)
    assert f"audio_{MAX_ATTENTION_ROWS - 1}.wav" in text
    assert f"audio_{MAX_ATTENTION_ROWS}.wav" not in text
    assert "... and 7 more (all in report.parquet)" in text
    assert "audio_999.wav" not in text  # keep pairs are not listed


def test_summary_suggests_the_fix_command_when_there_is_something_to_resubmit() -> None:
    rows = [_row(1, C.VERDICT_FIX)]
    summary = {
        "verdicts": {"fix": 1},
        "pairs": 1,
        "outputs": {"report": "out/job 7/report.parquet"},
    }
    text = run_summary(summary, rows)
    assert (
        "Next: remediate fix --run-dir 'out/job 7' --dest 'out/job 7-fixed' "
        "--rename-for-edition --zip" in text
    )
    summary["verdicts"] = {"drop": 1}
    assert "Next:" not in run_summary(summary, [_row(1, C.VERDICT_DROP)])
