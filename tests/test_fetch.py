"""Fetching a job: files written byte for byte, provenance, attachment, run --job-id, SDK parity."""

from __future__ import annotations

import decimal
import json
import random
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest
from fake_metastudio import AK, AUDIT, PROJECT, SK, FakeMetaStudio, Reply, audit_bytes, error

from remediate import fetch
from remediate.audit import parse_audit_result
from remediate.config import Config
from remediate.errors import ApiRequestError, ApiResponseError, ConfigError
from remediate.metastudio import client as api
from remediate.metastudio import models

DATA = Path(__file__).resolve().parent / "data" / "metastudio"
FIXTURES = sorted(DATA.glob("audit_*.json"))


def client_for(fake: FakeMetaStudio) -> api.MetaStudioClient:
    return api.MetaStudioClient(
        api.ClientSettings(
            endpoint="https://metastudio.cn-north-4.myhuaweicloud.com", project_id=PROJECT
        ),
        api.AkSkCredentials(AK, SK),
        transport=fake.transport(),
        sleep=lambda s: None,
        rng=random.Random(1),
    )


def with_attachment(url: str = "https://obs.example.com/files/review.pdf") -> bytes:
    doc: dict[str, Any] = json.loads(json.dumps(AUDIT))
    doc["admin_audit_result"]["attachment_url"] = url
    return audit_bytes(doc)


def test_fetch_writes_everything(tmp_path: Path) -> None:
    fake = FakeMetaStudio()
    fake.add_job("job-7", "MIDDLE", audit=with_attachment())
    fake.files["review.pdf"] = b"%PDF review"
    out = tmp_path / "out"
    with client_for(fake) as client:
        outcome = fetch.fetch(client, "job-7", out)
    assert (out / "audit-result.json").read_bytes() == fake.audits["job-7"]
    assert (out / "job.json").read_bytes() == json.dumps(fake.jobs["job-7"]).encode()
    # the attachment name "../../etc/review notes.pdf" is stripped of its path
    assert (out / "attachments" / "review notes.pdf").read_bytes() == b"%PDF review"
    assert outcome.attachment == out / "attachments" / "review notes.pdf"
    doc = json.loads((out / "fetch.json").read_text("utf-8"))
    assert doc == outcome.provenance
    assert doc["endpoint"] == "https://metastudio.cn-north-4.myhuaweicloud.com"
    assert doc["job_id"] == "job-7" and doc["http_status"] == 200
    assert doc["request_id"] == "req-0002"
    assert doc["calls"]["ShowVoiceTrainingJob"]["request_id"] == "req-0001"
    assert doc["job"]["job_type"] == "MIDDLE" and doc["audit"]["system_errors"] == 2
    assert doc["attachment"]["status"] == "downloaded" and doc["attachment"]["bytes"] == 11
    assert "obs.example.com" not in json.dumps(doc)  # the pre-signed URL is not repeated
    table = pq.read_table(out / "audit_errors.parquet").to_pandas()
    expected = parse_audit_result(fake.audits["job-7"], job_id="job-7")
    # the audit's own rows, then the operation log's latest rejection reason (job-level)
    assert table["error_code"].tolist()[:3] == expected["error_code"].tolist()
    assert table["job_id"].tolist() == ["job-7"] * 4
    assert table["source"].tolist() == ["system", "system", "admin", "oplog-admin"]
    assert table["error_message"].iloc[-1] == "audit rejected"
    assert table["entry_id"].tolist() == [0, 1, 2, 3]
    # the operation log and the tenant's limits, each one response body byte for byte
    oplog = json.dumps({"count": 1, "operations": fake.op_logs["job-7"]}).encode()
    assert (out / "op-logs.json").read_bytes() == oplog
    assert (out / "tenant-duration-cfg.json").read_bytes() == json.dumps(fake.tenant_cfg).encode()
    assert doc["calls"]["ListJobOperationLog"] == {"pages": 1, "operations": 1, "bytes": len(oplog)}
    assert doc["calls"]["ShowTenantDurationCfg"]["http_status"] == 200
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "attachments",
        "audit-result.json",
        "audit_errors.parquet",
        "fetch.json",
        "job.json",
        "op-logs.json",
        "tenant-duration-cfg.json",
    ]


def test_fetch_goes_on_without_the_operation_log_and_the_tenant_limits(tmp_path: Path) -> None:
    fake = FakeMetaStudio()
    fake.add_job("job-7")
    fake.routes["/job-7/op-logs"] = Reply(403, b'{"error_code": "MSS.000000004"}')
    fake.tenant_cfg = None
    with client_for(fake) as client:
        outcome = fetch.fetch(client, "job-7", tmp_path)
    assert [w.split(":")[0] for w in outcome.warnings] == [
        "operation log not read",
        "tenant duration limits not read",
    ]
    assert not (tmp_path / "op-logs.json").exists()
    assert (tmp_path / "audit-result.json").read_bytes() == fake.audits["job-7"]


def test_failed_attachment_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    fake = FakeMetaStudio()
    fake.add_job("job-7", audit=with_attachment("http://obs.example.com/files/x.pdf"))
    with client_for(fake) as client:
        outcome = fetch.fetch(client, "job-7", tmp_path)
    assert outcome.attachment is None and len(outcome.warnings) == 1
    assert "non-https" in outcome.warnings[0]
    assert outcome.provenance["attachment"]["status"] == "failed"
    assert (tmp_path / "audit-result.json").exists() and not (tmp_path / "attachments").exists()
    fake.add_job("job-8", audit=with_attachment("https://obs.example.com/files/missing"))
    with client_for(fake) as client:
        outcome = fetch.fetch(client, "job-8", tmp_path / "b")
    assert outcome.provenance["attachment"]["status"] == "failed"
    assert "HTTP 404" in outcome.provenance["attachment"]["error"]


def test_no_attachment_option(tmp_path: Path) -> None:
    fake = FakeMetaStudio()
    fake.add_job("job-7", audit=with_attachment())
    with client_for(fake) as client:
        outcome = fetch.fetch(client, "job-7", tmp_path, attachment=False)
    assert outcome.provenance["attachment"] == {"status": "skipped"}
    assert all("/files/" not in e["path"] for e in fake.seen)


def test_wrongly_shaped_audit_is_an_api_response_error(tmp_path: Path) -> None:
    fake = FakeMetaStudio()
    fake.add_job("job-7", audit=b'{"error_code": "MSS.1", "error_msg": "x"}')
    with client_for(fake) as client, pytest.raises(ApiResponseError) as info:
        fetch.fetch(client, "job-7", tmp_path)
    assert info.value.exit_code == 10 and info.value.request_id == "req-0002"
    assert not (tmp_path / "audit-result.json").exists()


def test_unknown_job_is_a_request_error(tmp_path: Path) -> None:
    with (
        client_for(FakeMetaStudio()) as client,
        pytest.raises(ApiRequestError, match="MSS.00000003"),
    ):
        fetch.fetch(client, "nope", tmp_path)


def _run_config(corpus: Path, out: Path, edition: str = "basic") -> Config:
    return Config(corpus=corpus, out=out, edition=edition, jobs=1, cache_dir=None)


@pytest.mark.parametrize(
    ("job_type", "given", "expected"),
    [
        ("MIDDLE", False, "middle"),
        ("MIDDLE", True, "basic"),
        ("THIRD_PARTY", False, "advance"),
        ("NEW_KIND", False, "basic"),
    ],
)
def test_run_job_edition_from_job_type(
    sample_dataset: Path, tmp_path: Path, job_type: str, given: bool, expected: str
) -> None:
    fake = FakeMetaStudio()
    fake.add_job("job-9", job_type)
    out = tmp_path / "run"
    with client_for(fake) as client:
        result, outcome = fetch.run_job(
            client, _run_config(sample_dataset, out), "job-9", edition_given=given
        )
    assert result.config.edition == expected and result.config.job_id == "job-9"
    assert result.config.language == "CN"  # from the job: English transcripts are flagged
    flagged = result.findings[result.findings["check"] == "text-language"]
    assert set(flagged["pair_id"]) == {"27"}  # the one English pair; the others are Mandarin
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["edition"]["name"] == expected
    assert (
        summary["audit_source"]
        == "MetaStudio https://metastudio.cn-north-4.myhuaweicloud.com job job-9"
    )
    assert (out / "audit-result.json").read_bytes() == fake.audits["job-9"]
    assert (out / "job.json").exists() and (out / "fetch.json").exists()
    assert outcome.provenance["job"]["job_type"] == job_type
    # the operation log: kept byte for byte, its rejection reason a job-level report row
    assert (out / "op-logs.json").read_bytes() == json.dumps(
        {"count": 1, "operations": fake.op_logs["job-9"]}
    ).encode()
    assert (out / "tenant-duration-cfg.json").is_file()
    unmatched = result.report[result.report["verdict"] == "unmatched"]
    assert "audit rejected" in list(unmatched["reasons"].iloc[-1])[0]


def test_run_job_refuses_out_inside_corpus_before_writing(sample_copy: Path) -> None:
    fake = FakeMetaStudio()
    fake.add_job("job-9")
    before = sorted(p.name for p in sample_copy.iterdir())
    with client_for(fake) as client, pytest.raises(ConfigError):
        fetch.run_job(
            client, _run_config(sample_copy, sample_copy / "out"), "job-9", edition_given=False
        )
    assert sorted(p.name for p in sample_copy.iterdir()) == before


def test_format_time() -> None:
    assert fetch.format_time(1764050400) == "2025-11-25 06:00"
    assert fetch.format_time(1764050400000) == "2025-11-25 06:00"
    assert fetch.format_time(None) == "" and fetch.format_time(0) == ""


# --- parity with the official SDK's deserializer ----------------------------------------


def _sdk(text: str) -> Any:
    from huaweicloudsdkmetastudio.v1 import MetaStudioClient

    return MetaStudioClient()._deserialize(
        json.loads(text, parse_float=decimal.Decimal), "ShowJobAuditResultResponse"
    )


def _none(value: Any) -> Any:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_parsed_audit_equals_official_sdk(path: Path) -> None:
    text = path.read_text("utf-8")
    sdk = _sdk(text)
    ours = models.parse_audit_result(json.loads(text))
    if sdk.system_audit_result is None:
        assert ours.system_audit_result is None
    else:
        assert ours.system_audit_result is not None
        assert ours.system_audit_result.audit_time == sdk.system_audit_result.audit_time
        sdk_errors = sdk.system_audit_result.errors
        if sdk_errors is None:
            assert ours.system_audit_result.errors is None
        else:
            assert [
                (e.audio_name, e.text_name, e.error_code, e.error_message) for e in sdk_errors
            ] == [(e.audio_name, e.text_name, e.error_code, e.error_message) for e in ours.errors]
    if sdk.admin_audit_result is None:
        assert ours.admin_audit_result is None
    else:
        a, b = sdk.admin_audit_result, ours.admin_audit_result
        assert b is not None
        assert (a.message, a.attachment_name, a.attachment_url, a.audit_time) == (
            b.message,
            b.attachment_name,
            b.attachment_url,
            b.audit_time,
        )
    # and the audit-errors frame the run uses holds the same system errors
    frame = parse_audit_result(path.read_bytes())
    system = frame[frame["source"] == "system"]
    rows = [
        tuple(_none(r[c]) for c in ("audio_name", "text_name", "error_code", "error_message"))
        for _, r in system.iterrows()
    ]
    assert rows == [(e.audio_name, e.text_name, e.error_code, e.error_message) for e in ours.errors]


def test_parity_covers_the_interesting_cases() -> None:
    names = {p.stem for p in FIXTURES}
    assert {"audit_full", "audit_empty", "audit_admin_only", "audit_empty_errors"} <= names
    sdk = _sdk((DATA / "audit_full.json").read_text("utf-8"))
    assert sdk.system_audit_result.errors[3].audio_name == "17"  # coerced like ours


def test_error_in_fetch_is_scrubbed(tmp_path: Path) -> None:
    fake = FakeMetaStudio()
    fake.faults.append(error(403, "MSS.000000004", f"denied for {AK}"))
    with client_for(fake) as client, pytest.raises(Exception) as info:
        fetch.fetch(client, "job-1", tmp_path)
    assert AK not in str(info.value) and info.value.exit_code == 7  # type: ignore[attr-defined]
