"""Two audit rounds end to end on the real 127.0.0.1 fake server: batch, fix, resubmit, batch, history.

The fake lists 108 jobs in AUDIT_FAILED over two pages (105 of them unmapped fillers), one
job whose audit result the server refuses, and one job already done. Round 1 runs; the
corpus is then fixed with ``remediate fix`` plus a re-recorded pair; the fake rejects the job
again with a new audit; round 2 runs and ``remediate history`` classifies it; a third run
finds nothing to do.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from batchkit import TEXT, audit, make_corpus, project_file
from click.testing import CliRunner, Result
from fake_metastudio import AK, PROJECT, SK, FakeMetaStudio, error, serve
from wavs import clean_clip, write

from remediate.cli import cli
from remediate.errors import EXIT_JOBS_FAILED, EXIT_NEEDS_PEOPLE, EXIT_NOTHING_TO_DO

pytestmark = pytest.mark.integration

FILLERS = 105


@pytest.fixture
def fake() -> FakeMetaStudio:
    f = FakeMetaStudio()
    f.add_job("job-a", audit=audit(1, 2), reject_times=1, voice_name="anna-1")
    f.add_job("job-b", audit=audit(0), reject_times=2, voice_name="bob")
    f.add_job("job-e", reject_times=1, voice_name="eve")
    f.routes["/job-e/audit-result"] = error(400, "MSS.00000003", "job e is broken")
    for i in range(FILLERS):
        f.add_job(f"filler-{i:03d}", voice_name=f"filler {i}")
    f.add_job("job-done", voice_name="anna-2")
    f.jobs["job-done"]["state"] = "SUCCEED"
    return f


@pytest.fixture
def url(fake: FakeMetaStudio) -> Iterator[str]:
    with serve(fake) as base:
        yield base


def batch(url: str, root: Path, *extra: str) -> Result:
    args = [
        "batch",
        "--config",
        str(root / "remediate.toml"),
        "--endpoint",
        url,
        "--project-id",
        PROJECT,
        "--json",
        *extra,
    ]
    return CliRunner().invoke(cli, args, env={"HUAWEICLOUD_SDK_AK": AK, "HUAWEICLOUD_SDK_SK": SK})


def jobs_of(result: Result) -> dict[str, dict[str, object]]:
    return {j["job_id"]: j for j in json.loads(result.stdout)["jobs"]}


def test_two_rounds_fix_history(url: str, fake: FakeMetaStudio, tmp_path: Path) -> None:
    make_corpus(tmp_path / "corpora" / "anna", 4, clipped=(1,), stereo=(2,))
    make_corpus(tmp_path / "corpora" / "bob", 4, stereo=(0,))
    toml = project_file(
        tmp_path / "remediate.toml",
        '[[jobs]]\nvoice_name = "anna-*"\ncorpus = "corpora/anna"\n\n'
        '[[jobs]]\njob_id = "job-b"\ncorpus = "corpora/bob"\n\n'
        '[[jobs]]\njob_id = "job-e"\ncorpus = "corpora/bob"\n',
    )
    out = tmp_path / "out"

    # --- round 1 ----------------------------------------------------------------------------
    first = batch(url, tmp_path)
    assert first.exit_code == EXIT_JOBS_FAILED, first.stderr
    jobs = jobs_of(first)
    assert len(jobs) == 3 + FILLERS  # both pages of the list, the SUCCEED job left out
    listing = [e["query"] for e in fake.seen if e["path"].endswith("/user/jobs")]
    assert listing == [
        "limit=100&offset=0&state=AUDIT_FAILED",
        "limit=100&offset=100&state=AUDIT_FAILED",
    ]
    a, b, e = jobs["job-a"], jobs["job-b"], jobs["job-e"]
    assert (a["status"], a["round"], a["verdicts"]) == (
        "needs-people",
        1,
        {"keep": 2, "fix": 1, "drop": 1, "unmatched": 1},  # the op log's rejection reason
    )
    assert (b["status"], b["round"]) == ("remediated", 2)
    assert e["status"] == "failed" and "MSS.00000003" in str(e["error"]) and e["exit_code"] == 8
    assert sum(j["status"] == "unmapped" for j in jobs.values()) == FILLERS
    assert (out / "job-a" / "round-1" / "job.json").read_bytes() == json.dumps(
        fake.jobs["job-a"]
    ).encode()
    oplog = json.loads((out / "job-a" / "round-1" / "op-logs.json").read_text())
    assert oplog == {"count": 1, "operations": fake.op_logs["job-a"][:1]}
    assert a["audit_reasons"] == ["audit rejected"] and a["api_calls"] == 3

    # --- people fix the corpus: machine fixes, plus pair 1 recorded again -------------------
    fixed = CliRunner().invoke(
        cli, ["fix", "--run-dir", str(out / "job-a" / "round-1"), "--dest", str(tmp_path / "fixed")]
    )
    assert fixed.exit_code == 0, fixed.stderr
    v2 = tmp_path / "corpora" / "anna-v2"
    shutil.copytree(tmp_path / "fixed" / "corpus", v2)
    assert sorted(p.name for p in v2.glob("*.wav")) == ["audio_0.wav", "audio_2.wav", "audio_3.wav"]
    write(v2 / "audio_1.wav", clean_clip(5.4, seed=77))
    (v2 / "text_1.txt").write_text(TEXT, encoding="utf-8")
    toml.write_text(
        toml.read_text().replace('corpus = "corpora/anna"', 'corpus = "corpora/anna-v2"')
    )
    # ...resubmit; the audit rejects again: pair 2 still, pair 3 now; pair 1 passes
    fake.jobs["job-a"]["reject_times"] = 2
    fake.audits["job-a"] = audit(2, 3, code="MSS.20020019")
    fake.reject("job-a", "second rejection")
    fake.jobs["job-e"]["state"] = "SUCCEED"

    # --- round 2 ----------------------------------------------------------------------------
    second = batch(url, tmp_path)
    assert second.exit_code == EXIT_NEEDS_PEOPLE, second.stderr
    jobs = jobs_of(second)
    a = jobs["job-a"]
    assert (a["round"], a["previous_round"], a["action"]) == (2, 1, "run")
    assert a["audit_reasons"] == ["second rejection"]  # the newest reason in the operation log
    assert a["changes"] == {
        "recurring": 1,
        "new": 1,
        "still-missing": 0,
        "fixed": 1,
        "removed": 0,
        "clean": 1,
    }
    assert jobs["job-b"]["status"] == "unchanged" and "job-e" not in jobs
    assert sorted(p.name for p in (out / "job-a").iterdir()) == ["round-1", "round-2"]

    history = CliRunner().invoke(cli, ["history", "--config", str(toml), "--job-id", "job-a"])
    assert history.exit_code == 0
    lines = history.stdout.splitlines()
    assert lines[0].startswith(
        "RECURRING: 1 pair(s) flagged by the audit again in round 2 after round 1"
    )
    assert lines[0].endswith("the fix did not work: 2 (MSS.20020019)")
    doc = json.loads(
        CliRunner()
        .invoke(cli, ["history", "--config", str(toml), "--job-id", "job-a", "--json"])
        .stdout
    )
    changes = {
        p["history_key"]: (p["verdict_r1"], p["verdict_r2"], p["change"]) for p in doc["pairs"]
    }
    assert changes == {
        "2": ("fix", "drop", "recurring"),
        "3": ("keep", "drop", "new"),
        "1": ("drop", "keep", "fixed"),
        "0": ("keep", "keep", "clean"),
    }

    rows = duckdb.sql(
        f"select job_id, round, count(*) from read_parquet('{out}/history/**/*.parquet', hive_partitioning = true) "
        "group by all order by all"
    ).fetchall()
    # 4 pairs + 1 job-level row (the op log's latest rejection reason) per round
    assert rows == [("job-a", 1, 5), ("job-a", 2, 5), ("job-b", 2, 5)]

    # --- a third run the same day does nothing -----------------------------------------------
    stamp = (out / "job-a" / "round-2" / "round.json").stat().st_mtime_ns
    calls_before = len(fake.seen)
    third = batch(url, tmp_path)
    assert third.exit_code == EXIT_NOTHING_TO_DO
    # two list pages + one audit result per mapped job: nothing else is fetched for a skip
    paths = [e["path"].rsplit("/", 2)[-2:] for e in fake.seen[calls_before:]]
    assert paths == [
        ["user", "jobs"],
        ["user", "jobs"],
        ["job-a", "audit-result"],
        ["job-b", "audit-result"],
    ]
    assert jobs_of(third)["job-a"]["audit_reasons"] == ["second rejection"]  # as recorded
    assert {j["status"] for j in jobs_of(third).values()} == {"unchanged", "unmapped"}
    assert (out / "job-a" / "round-2" / "round.json").stat().st_mtime_ns == stamp
    assert sorted(p.name for p in (out / "job-a").iterdir()) == ["round-1", "round-2"]
