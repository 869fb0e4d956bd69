"""remediate batch on saved files: rounds, idempotence, failures kept apart, summary (remediate.batch)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pyarrow.parquet as pq
import pytest
from batchkit import audit, make_corpus, project_file
from wavs import clean_clip, write

from remediate import batch as B
from remediate import columns as C
from remediate import contract as K
from remediate import history as H
from remediate.errors import (
    EXIT_JOBS_FAILED,
    EXIT_NEEDS_PEOPLE,
    EXIT_NOTHING_TO_DO,
    EXIT_OK,
    LockedError,
)
from remediate.lock import hold
from remediate.project import load_project
from remediate.report import read_metadata
from remediate.sources import OfflineSource


def job_json(
    job_id: str, reject_times: int | None, state: str = "AUDIT_FAILED", **extra: object
) -> bytes:
    doc = {
        "job_id": job_id,
        "job_type": "BASIC",
        "state": state,
        "language": "CN",
        "reject_times": reject_times,
        **extra,
    }
    return json.dumps(doc).encode()


def save_job(offline: Path, job_id: str, audit_bytes: bytes, job: bytes | None = None) -> Path:
    folder = offline / job_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "audit-result.json").write_bytes(audit_bytes)
    if job is not None:
        (folder / "job.json").write_bytes(job)
    return folder


@pytest.fixture
def setup(tmp_path: Path) -> Path:
    """Two mapped jobs (one clean after fixes, one needing people), one unmapped, one done."""
    make_corpus(tmp_path / "corpora" / "good", 4, stereo=(1,))
    make_corpus(tmp_path / "corpora" / "bad", 4, clipped=(2,))
    offline = tmp_path / "offline"
    save_job(offline, "good", audit(1), job_json("good", 3, voice_name="v-good"))
    save_job(offline, "bad", audit(2), job_json("bad", None, voice_name="v-bad"))
    save_job(offline, "stranger", audit(0), job_json("stranger", 1, voice_name="x"))
    save_job(offline, "done", audit(0), job_json("done", 1, state="SUCCEED", voice_name="v-done"))
    project_file(
        tmp_path / "remediate.toml",
        '[[jobs]]\njob_id = "good"\ncorpus = "corpora/good"\n\n'
        '[[jobs]]\nvoice_name = "v-*"\ncorpus = "corpora/bad"\n',
    )
    return tmp_path


def batch(root: Path, **kw: bool) -> B.BatchResult:
    project = load_project(root / "remediate.toml")
    return B.run_batch(project, OfflineSource(root / "offline"), **kw)


def by_id(result: B.BatchResult) -> dict[str, dict[str, object]]:
    return {j["job_id"]: j for j in result.summary["jobs"]}


def test_first_run_rounds_statuses_summary(setup: Path) -> None:
    result = batch(setup)
    jobs = by_id(result)
    assert set(jobs) == {"bad", "good", "stranger"}  # "done" is not AUDIT_FAILED
    good, bad, stranger = jobs["good"], jobs["bad"], jobs["stranger"]
    assert (good["status"], good["round"], good["verdicts"]) == (
        B.REMEDIATED,
        3,  # the job's reject_times
        {"keep": 3, "fix": 1, "drop": 0, "unmatched": 0},
    )
    assert good["pairs_needed"] == 0 and good["changes"] is None
    assert (bad["status"], bad["round"]) == (B.NEEDS_PEOPLE, 1)  # no reject_times: next free
    assert bad["verdicts"] == {"keep": 3, "fix": 0, "drop": 1, "unmatched": 0}
    assert bad["pairs_needed"] == 1 and bad["mapping"] == "voice_name=v-*"
    assert stranger["status"] == B.UNMAPPED and stranger["round"] is None
    assert result.exit_code == EXIT_NEEDS_PEOPLE
    assert result.summary["counts"][B.UNMAPPED] == 1
    out = setup / "out"
    assert result.path == out / B.BATCH_SUMMARY
    assert json.loads(result.path.read_text()) == result.summary
    round_dir = out / "good" / "round-3"
    for name in (
        "report.parquet",
        "summary.json",
        "manifest.csv",
        "job.json",
        "round.json",
        "audit-result.json",
    ):
        assert (round_dir / name).is_file(), name
    doc = json.loads((round_dir / B.ROUND_FILE).read_text())
    assert doc["audit_sha256"] == __import__("hashlib").sha256(audit(1)).hexdigest()
    assert (round_dir / "job.json").read_bytes() == job_json("good", 3, voice_name="v-good")
    assert H.rounds(H.read_history(out / H.HISTORY_DIR, "good")) == [3]
    assert not (out / B.LOCK_FILE).exists()


def test_outputs_follow_the_contract(setup: Path) -> None:
    result = batch(setup)
    summary = json.loads((setup / "out" / K.BATCH_SUMMARY).read_text("utf-8"))
    schema = K.summary_schema("batch")
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    validator.validate(summary)
    assert list(summary) == [*K.METADATA_KEYS, *K.BATCH_SUMMARY_KEYS]
    assert (summary["command"], summary["schema_version"]) == ("batch", K.SCHEMA_VERSION)
    assert all(list(job) == list(K.BATCH_JOB_KEYS) for job in summary["jobs"])
    assert list(B.JobOutcome.__dataclass_fields__) == list(K.BATCH_JOB_KEYS)
    assert not validator.is_valid({**summary, "exit_code": 15})
    round_doc = json.loads((setup / "out" / "good" / "round-3" / K.ROUND_FILE).read_text("utf-8"))
    assert list(round_doc) == [*K.METADATA_KEYS, *K.ROUND_KEYS]
    part = setup / "out" / K.HISTORY_DIR / "job_id=good" / "round=3" / K.HISTORY_PART
    assert pq.read_schema(part).remove_metadata() == K.HISTORY_OUTPUT.schema
    meta = read_metadata(part)
    assert (meta["schema_version"], meta["command"], meta["round"]) == (
        K.SCHEMA_VERSION,
        "batch",
        3,
    )
    written = {p.name for p in (setup / "out" / "good" / "round-3").iterdir()}
    known = set(K.PARQUET_OUTPUTS) | set(K.CSV_OUTPUTS)
    known |= {K.AUDIT_COPY, K.SUMMARY, K.JOB_FILE, K.OPLOG_FILE, K.ROUND_FILE, K.RUN_MARKER}
    assert written <= known and K.ROUND_FILE in written
    assert result.exit_code == EXIT_NEEDS_PEOPLE


def test_second_run_unchanged_does_no_work(setup: Path) -> None:
    first = batch(setup)
    stamp = (setup / "out" / "good" / "round-3" / "report.parquet").stat().st_mtime_ns
    second = batch(setup)
    assert second.exit_code == EXIT_NOTHING_TO_DO
    jobs = by_id(second)
    assert jobs["good"]["status"] == B.UNCHANGED and jobs["bad"]["status"] == B.UNCHANGED
    assert jobs["good"]["verdicts"] == by_id(first)["good"]["verdicts"]  # as recorded
    assert (setup / "out" / "good" / "round-3" / "report.parquet").stat().st_mtime_ns == stamp
    assert sorted(p.name for p in (setup / "out" / "good").iterdir()) == ["round-3"]
    assert len(H.read_history(setup / "out" / H.HISTORY_DIR)) == len(
        H.read_history(setup / "out" / H.HISTORY_DIR)
    )


def test_new_audit_makes_a_new_round_and_compares(setup: Path) -> None:
    batch(setup)
    # the job was resubmitted and rejected again: the audit now flags 0 and 1 again
    save_job(setup / "offline", "good", audit(0, 1), job_json("good", 4, voice_name="v-good"))
    result = batch(setup)
    good = by_id(result)["good"]
    assert (good["round"], good["action"], good["previous_round"]) == (4, "run", 3)
    assert good["changes"] == {
        "recurring": 1,
        "new": 1,
        "still-missing": 0,
        "fixed": 0,
        "removed": 0,
        "clean": 2,
    }
    assert by_id(result)["bad"]["status"] == B.UNCHANGED
    assert H.rounds(H.read_history(setup / "out" / H.HISTORY_DIR, "good")) == [3, 4]


def test_changed_corpus_same_audit_reruns_the_round_in_place(setup: Path) -> None:
    batch(setup)
    bad = setup / "corpora" / "bad"
    write(bad / "audio_2.wav", clean_clip(5.2, seed=42))  # re-recorded
    result = batch(setup)
    job = by_id(result)["bad"]
    assert (job["round"], job["action"]) == (1, "rerun")
    # the audit still flags it and nothing local explains that: a person must look
    assert job["status"] == B.NEEDS_PEOPLE
    assert sorted(p.name for p in (setup / "out" / "bad").iterdir()) == ["round-1"]
    history = H.read_history(setup / "out" / H.HISTORY_DIR, "bad")
    assert H.rounds(history) == [1] and len(history) == 4
    checks = history.set_index(C.HISTORY_KEY).loc["2", "checks"]
    assert "audio-clipping" not in list(checks)  # the replaced partition holds the new scan
    assert result.exit_code == EXIT_NEEDS_PEOPLE


def test_changed_settings_rerun(setup: Path) -> None:
    batch(setup)
    toml = setup / "remediate.toml"
    toml.write_text(
        toml.read_text().replace('set = ["pairs_required=4"]', 'set = ["pairs_required=5"]')
    )
    jobs = by_id(batch(setup))
    assert jobs["good"]["action"] == "rerun" and jobs["good"]["pairs_needed"] == 1


def test_one_failing_job_does_not_stop_the_others(setup: Path) -> None:
    (setup / "offline" / "bad" / "audit-result.json").write_text("{not json")
    shutil.rmtree(setup / "corpora" / "good")
    make_corpus(setup / "corpora" / "third", 4)
    save_job(setup / "offline", "third", audit(), job_json("third", 1))
    toml = setup / "remediate.toml"
    toml.write_text(toml.read_text() + '\n[[jobs]]\njob_id = "third"\ncorpus = "corpora/third"\n')
    result = batch(setup)
    jobs = by_id(result)
    assert jobs["bad"]["status"] == B.FAILED and jobs["bad"]["exit_code"] == 4
    assert "not valid JSON" in str(jobs["bad"]["error"])
    assert jobs["good"]["status"] == B.FAILED and jobs["good"]["exit_code"] == 5
    assert "does not exist" in str(jobs["good"]["error"])
    assert not (setup / "out" / "bad").exists()  # nothing half-written for the failed job
    assert jobs["third"]["status"] == B.REMEDIATED
    assert result.exit_code == EXIT_JOBS_FAILED
    assert json.loads((setup / "out" / B.BATCH_SUMMARY).read_text())["counts"]["failed"] == 2


def test_dry_run_writes_nothing(setup: Path) -> None:
    result = batch(setup, dry_run=True)
    assert result.path is None and result.exit_code == EXIT_OK
    jobs = by_id(result)
    assert (jobs["good"]["status"], jobs["good"]["round"]) == (B.WOULD_RUN, 3)
    assert not (setup / "out").exists()


def test_unsafe_job_id_fails_that_job(setup: Path) -> None:
    save_job(setup / "offline", "history", audit(), job_json("history", 1, voice_name="v-h"))
    jobs = by_id(batch(setup))
    assert jobs["history"]["status"] == B.FAILED and "not safe" in str(jobs["history"]["error"])


def test_lock_held_by_a_live_batch(setup: Path) -> None:
    (setup / "out").mkdir()
    with hold(setup / "out" / B.LOCK_FILE, "remediate batch"), pytest.raises(LockedError):
        batch(setup)
    assert not (setup / "out" / B.BATCH_SUMMARY).exists()


@pytest.mark.parametrize(
    ("done", "reject", "key", "sha", "expected"),
    [
        ({}, None, "k", "s", ("run", 1)),
        ({}, 3, "k", "s", ("run", 3)),
        ({2: {"key": "k", "audit_sha256": "s"}}, 5, "k", "s", ("unchanged", 2)),
        ({2: {"key": "old", "audit_sha256": "s"}}, 5, "k", "s", ("rerun", 2)),
        ({2: {"key": "old", "audit_sha256": "old"}}, 5, "k", "s", ("run", 5)),
        ({2: {"key": "old", "audit_sha256": "old"}}, 2, "k", "s", ("run", 3)),
        (
            {1: {"key": "k", "audit_sha256": "s"}, 4: {"key": "x", "audit_sha256": "y"}},
            None,
            "k",
            "s",
            ("run", 5),
        ),
    ],
)
def test_choose_round(
    done: dict[int, dict[str, str]],
    reject: int | None,
    key: str,
    sha: str,
    expected: tuple[str, int],
) -> None:
    assert B.choose_round(done, reject, key, sha) == expected


def test_corpus_fingerprint_follows_names_sizes_mtimes(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "c", 2)
    first = B.corpus_fingerprint(corpus)
    assert B.corpus_fingerprint(corpus) == first
    (corpus / "text_0.txt").write_text("changed", encoding="utf-8")
    assert B.corpus_fingerprint(corpus) != first


def test_defaults_fix_writes_each_rounds_package(setup: Path) -> None:
    import zipfile

    before = by_id(batch(setup))  # rounds run without fix first: no packages
    assert before["good"]["package"] is None
    toml = setup / "remediate.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("[defaults]\n", "[defaults]\nfix = true\n"),
        encoding="utf-8",
    )
    result = batch(setup)  # turning fix on runs the rounds again, with their packages
    jobs = by_id(result)
    assert jobs["good"]["action"] == "rerun"
    good = setup / "out" / "good" / "round-3-fixed"
    assert jobs["good"]["package"] == str(good / K.PACKAGE_ZIP)
    with zipfile.ZipFile(good / K.PACKAGE_ZIP) as zf:  # the stereo pair downmixed, all four kept
        assert sorted(zf.namelist()) == [f"{i}.{e}" for i in range(4) for e in ("txt", "wav")]
    fixed = json.loads((good / K.SUMMARY).read_text(encoding="utf-8"))
    assert fixed["actions"].get("downmix") == 1
    assert jobs["bad"]["package"] is not None  # the clipped pair dropped, the rest packaged
    assert jobs["stranger"]["package"] is None  # not mapped: nothing run, nothing fixed
    schema = json.loads(
        (Path(B.__file__).parent / "schemas" / "batch-summary.schema.json").read_text()
    )
    jsonschema.validate(result.summary, schema)
    # an unchanged second batch keeps reporting the package of the round it did not redo
    again = by_id(batch(setup))
    assert again["good"]["action"] == "unchanged"
    assert again["good"]["package"] == str(good / K.PACKAGE_ZIP)
