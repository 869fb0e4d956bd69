"""Terminal rendering: aligned tables, and a summary that stays readable on big corpora."""

from __future__ import annotations

from typing import Any

from remediate import columns as C
from remediate.cli.render import MAX_ATTENTION_ROWS, cell_width, cut, run_summary, table


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


def test_cell_width_counts_cjk_as_two_and_marks_as_none() -> None:
    assert cell_width("abc") == 3
    assert cell_width("录音文件") == 8
    assert cell_width("ｆｕｌｌ") == 8  # fullwidth forms
    assert cell_width("e\u0301") == 1  # e + combining acute
    assert cut("录音文件名称", 7) == "录音文…"  # 6 cells + the ellipsis
    assert cell_width(cut("录音文件名称", 7)) <= 7
    assert cut("short", 7) == "short"


def test_table_fits_the_terminal_width_and_aligns_cjk() -> None:
    rows = [
        ["1", "audio_1.wav", "a long English reason " * 10],
        ["2", "录音_2.wav", "中文的原因说明，" * 20],
    ]
    for width in (60, 100, 160):
        lines = table(["pair", "file", "reason"], rows, max_width=None, width=width).splitlines()
        assert all(cell_width(line) <= width for line in lines), width
        # the reason column starts at the same cell on every line
        starts = {
            cell_width(line[: line.index(key)])
            for line, key in zip(lines[2:], ["a ", "中"], strict=True)
        }
        assert len(starts) == 1
    wide = table(["pair", "file", "reason"], rows, max_width=None, width=1000)
    assert "a long English reason " * 9 in wide  # nothing cut when it fits


def test_summary_reasons_use_the_whole_width_not_80_characters() -> None:
    reason = "audio-clipping: " + "x" * 140
    rows = [{**_row(1, C.VERDICT_DROP), C.REASONS: [reason]}]
    summary = {"verdicts": {"drop": 1}, "pairs": 1}
    assert reason in run_summary(summary, rows, width=200)
    narrow = run_summary(summary, rows, width=70)
    assert reason not in narrow and "audio-clipping: xxx" in narrow
    assert all(cell_width(line) <= 70 for line in narrow.splitlines() if "audio_1" in line)
    assert reason in run_summary(summary, rows, width=None)  # a log: whole, up to the cap


def test_summary_lists_kept_pairs_that_need_review_with_a_review_column() -> None:
    rows = [_row(1, C.VERDICT_KEEP), _row(2, C.VERDICT_KEEP), _row(3, C.VERDICT_DROP)]
    rows[0][C.NEEDS_REVIEW] = True
    rows[1][C.NEEDS_REVIEW] = False
    summary = {"verdicts": {"keep": 2, "drop": 1}, "pairs": 3, "needs_review": 1}
    lines = run_summary(summary, rows).splitlines()
    header = next(line for line in lines if line.startswith("pair "))
    assert header.split() == ["pair", "verdict", "review", "file", "first", "reason"]
    assert next(line for line in lines if line.startswith("1 ")).split()[:3] == [
        "1",
        "keep",
        "yes",
    ]
    assert not any(line.startswith("2 ") for line in lines)  # a plain keep is not listed
    assert next(line for line in lines if line.startswith("3 ")).split()[:3] == [
        "3",
        "drop",
        "audio_3.wav",
    ]
    assert "1 verdicts need review" in "\n".join(lines)
