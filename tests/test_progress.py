"""Progress that tells the truth: labelled bars and stage messages from run, scan and fix,
drawn on a terminal only."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from remediate import cli, pipeline
from remediate.cli.progress import Progress
from remediate.config import Config
from remediate.fix import command as fixes
from remediate.progress import Reporter, labelled, stage


class Recorder:
    """A Reporter that remembers every bar update and stage, in order."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str, int, int]] = []

    def __call__(self, done: int, total: int) -> None:
        self.events.append(("bar", "", done, total))

    def labelled(self, label: str) -> Callable[[int, int], None]:
        return lambda done, total: self.events.append(("bar", label, done, total))

    @contextmanager
    def stage(self, label: str) -> Iterator[None]:
        self.events.append(("start", label, 0, 0))
        yield
        self.events.append(("end", label, 0, 0))

    def bars(self, label: str) -> list[tuple[int, int]]:
        return [(d, t) for kind, name, d, t in self.events if kind == "bar" and name == label]

    def stages(self) -> list[str]:
        return [name for kind, name, _, _ in self.events if kind == "start"]


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_helpers_pass_plain_callbacks_through() -> None:
    seen: list[tuple[int, int]] = []

    def plain(done: int, total: int) -> None:
        seen.append((done, total))

    assert labelled(plain, "x") is plain and labelled(None, "x") is None
    with stage(plain, "quiet"):
        pass
    assert isinstance(Recorder(), Reporter) and not isinstance(plain, Reporter)
    assert seen == []


def test_run_reports_a_bytes_bar_then_each_later_stage(
    tmp_path: Path, sample_dataset: Path
) -> None:
    rec = Recorder()
    result = pipeline.run(
        Config(
            corpus=sample_dataset,
            out=tmp_path / "out",
            audit_file=sample_dataset / "audit-result.json",
            cache_dir=None,
        ),
        progress=rec,
    )
    audio_bytes = sum(p.stat().st_size for p in sample_dataset.glob("*.wav"))
    bar = rec.bars("Decoding audio")
    assert bar[0] == (0, audio_bytes) and bar[-1] == (audio_bytes, audio_bytes)
    assert len(bar) == 1 + len(list(sample_dataset.glob("*.wav")))  # texts are not steps
    checking = f"Checking {result.summary['pairs']} pairs"
    assert rec.stages() == [
        "Listing the corpus",
        checking,
        "Matching the audit and deciding verdicts",
        f"Writing the outputs into {tmp_path / 'out'}",
    ]
    # stages come after the bar has finished, in order, each closed
    first_stage = next(i for i, e in enumerate(rec.events) if e[1] == checking)
    last_bar = max(i for i, e in enumerate(rec.events) if e[0] == "bar")
    assert last_bar < first_stage
    assert [e[1] for e in rec.events if e[0] == "end"] == rec.stages()


def test_fix_reports_planning_fixing_rechecking_zipping(
    tmp_path: Path, sample_dataset: Path
) -> None:
    out = tmp_path / "run"
    pipeline.run(
        Config(
            corpus=sample_dataset,
            out=out,
            audit_file=sample_dataset / "audit-result.json",
            cache_dir=None,
        )
    )
    rec = Recorder()
    result = fixes.fix(
        fixes.FixOptions(run_dir=out, dest=tmp_path / "fixed", make_zip=True, jobs=1), rec
    )
    verdicts = result.summary["verdicts"]
    written = verdicts["keep"] + verdicts["fix"]
    assert rec.stages()[0] == "Planning the fixes"
    assert rec.bars("Fixing") == [(n, written) for n in range(1, written + 1)]
    recheck = rec.bars("Re-checking")
    fixed_bytes = sum(p.stat().st_size for p in (tmp_path / "fixed" / "corpus").glob("*.wav"))
    assert recheck[0] == (0, fixed_bytes) and recheck[-1] == (fixed_bytes, fixed_bytes)
    assert rec.bars("Zipping")[-1] == (2 * written, 2 * written)
    rechecked = len(list((tmp_path / "fixed" / "corpus").glob("*.wav")))
    assert f"Checking {rechecked} pairs" in rec.stages()  # the re-check's own stages


def test_terminal_progress_draws_labelled_bars_and_slow_stages_only() -> None:
    out = Tty()
    progress = Progress("Decoding audio", stream=out, delay_s=0.0)
    progress(0, 100)
    progress(100, 100)
    progress.labelled("Fixing")(1, 2)
    progress.labelled("Fixing")(2, 2)
    announced = threading.Event()
    with progress.stage("Checking 9 pairs"):
        while "Checking 9 pairs…" not in out.getvalue():
            announced.wait(0.01)
    text = out.getvalue()
    assert "Decoding audio" in text and "Fixing" in text and "100%" in text
    assert "Checking 9 pairs… done in " in text
    quick = Tty()
    with Progress(stream=quick, delay_s=60.0).stage("Writing"):
        pass
    assert quick.getvalue() == ""  # under the delay: nothing printed


def test_no_terminal_no_output() -> None:
    out = io.StringIO()
    progress = Progress("Decoding audio", stream=out, delay_s=0.0)
    progress(1, 2)
    with progress.stage("Checking"):
        pass
    progress.close()
    assert out.getvalue() == ""


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory, sample_dataset: Path) -> Path:
    out = tmp_path_factory.mktemp("progress") / "run"
    pipeline.run(
        Config(
            corpus=sample_dataset,
            out=out,
            audit_file=sample_dataset / "audit-result.json",
            cache_dir=None,
        )
    )
    return out


def test_dry_run_ends_with_totals_per_action(run_dir: Path, tmp_path: Path) -> None:
    args = ["fix", "--run-dir", str(run_dir), "--dest", str(tmp_path / "d"), "--dry-run"]
    text = CliRunner().invoke(cli.cli, args).stderr
    as_json = CliRunner().invoke(cli.cli, [*args, "--json"]).stdout
    import json

    summary = json.loads(as_json)
    lines = text.strip().splitlines()
    assert lines[-1] == "Dry run: nothing was written."
    actions = ", ".join(f"{a} {n}" for a, n in summary["actions"].items())
    assert lines[-2] == f"Actions: {actions}."
    planned, drop, fix = (
        summary["pairs_planned"],
        summary["pairs_to_drop"],
        summary["pairs_to_fix"],
    )
    assert lines[-3] == (
        f"Totals: {planned} pairs planned: {fix} to fix, {planned - fix - drop} "
        f"to copy as they are, {drop} to drop."
    )
    verdicts = json.loads((run_dir / "summary.json").read_text())["verdicts"]
    assert (planned, fix, drop) == (
        verdicts["keep"] + verdicts["fix"] + verdicts["drop"],
        verdicts["fix"],
        verdicts["drop"],
    )
