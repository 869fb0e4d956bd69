"""Every output of the demo (run + fix) against the output contract (remediate.contract)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import jsonschema
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from referencing import Registry, Resource
from sample_labels import LABELS, expected_now

from remediate import columns as C
from remediate import contract as K
from remediate.cli import cli
from remediate.report import read_metadata, write_parquet
from remediate.verdict import report_frame


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, sample_dataset: Path) -> tuple[Path, Path]:
    """What `make demo` does: run on the sample dataset, then fix, rename and zip."""
    tmp = tmp_path_factory.mktemp("demo")
    run_dir, dest = tmp / "demo", tmp / "demo-fixed"
    audit = str(sample_dataset / "audit-result.json")
    args = ["run", "--audit-file", audit, "--corpus", str(sample_dataset), "--out", str(run_dir)]
    result = CliRunner().invoke(cli, [*args, "--no-cache"])
    assert result.exit_code == 0, result.output
    args = ["fix", "--run-dir", str(run_dir), "--dest", str(dest), "--rename-for-edition", "--zip"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return run_dir, dest


def _validator(kind: str) -> jsonschema.Draft202012Validator:
    schemas = {k: K.summary_schema(k) for k in K.SUMMARY_SCHEMAS}
    registry: Registry[Any] = Registry().with_resources(
        (s["$id"], Resource.from_contents(s)) for s in schemas.values()
    )
    jsonschema.Draft202012Validator.check_schema(schemas[kind])
    return jsonschema.Draft202012Validator(
        schemas[kind], registry=registry, format_checker=jsonschema.FormatChecker()
    )


def test_every_file_written_is_in_the_contract(demo: tuple[Path, Path]) -> None:
    run_dir, dest = demo
    known = set(K.PARQUET_OUTPUTS) | set(K.CSV_OUTPUTS)
    known |= {K.AUDIT_COPY, K.SUMMARY, K.PACKAGE_ZIP, K.FIX_CORPUS_DIR, K.FIX_MARKER, K.RUN_MARKER}
    written = {p.name for p in run_dir.iterdir()} | {p.name for p in dest.iterdir()}
    assert written <= known
    assert {K.AUDIT_ERRORS, K.FINDINGS, K.MEASUREMENTS, K.REPORT, K.FIXES} <= written


def test_every_parquet_output_has_its_contract_schema_and_metadata(
    demo: tuple[Path, Path],
) -> None:
    run_dir, dest = demo
    files = sorted(run_dir.glob("*.parquet")) + sorted(dest.glob("*.parquet"))
    assert len(files) == 5
    for path in files:
        output = K.PARQUET_OUTPUTS[path.name]
        assert pq.read_schema(path).remove_metadata() == output.schema, path.name
        meta = read_metadata(path)
        assert meta["schema_version"] == K.SCHEMA_VERSION
        assert set(K.PROVENANCE_KEYS) <= set(meta), path.name
        assert meta["edition"] == {"name": "basic"}
        assert meta["command"] == ("fix" if path.parent == dest else "run")
        # the data reads back with the declared pandas dtypes
        df = pd.read_parquet(path)
        assert list(df.columns) == output.columns


def test_measurements_parquet_is_declared_not_inferred(demo: tuple[Path, Path]) -> None:
    schema = pq.read_schema(demo[0] / K.MEASUREMENTS)
    assert schema.field(C.PAIR_ID).type == pa.string()  # inferred was large_string
    assert schema.field(C.TEXT_BOM).type == pa.bool_()
    assert schema.field(C.AUDIO_MTIME_NS).type == pa.int64()
    assert schema.names == [
        *C.PAIR_COLUMNS,
        *C.AUDIO_MEASUREMENTS,
        *C.VOICE_MEASUREMENTS,
        *C.TEXT_MEASUREMENTS,
        *C.ASSESS_DTYPES,
    ]
    assert schema.field(C.VOICE_SIGNATURE).type == pa.list_(pa.float64())
    assert schema.field("snr_out_of_range").type == pa.bool_()


def test_csv_outputs_have_their_contract_header(demo: tuple[Path, Path]) -> None:
    run_dir, dest = demo
    for path, header in [
        (run_dir / K.MANIFEST, C.MANIFEST_COLUMNS),
        (dest / K.MANIFEST, C.FIX_MANIFEST_COLUMNS),
        (dest / K.DROPPED, C.DROPPED_COLUMNS),
    ]:
        with path.open(encoding="utf-8", newline="") as fh:
            assert next(csv.reader(fh)) == header, path


def test_run_summary_validates_and_has_exactly_the_contract_keys(
    demo: tuple[Path, Path],
) -> None:
    summary = json.loads((demo[0] / K.SUMMARY).read_text("utf-8"))
    _validator("run").validate(summary)
    assert set(summary) == {*K.PROVENANCE_KEYS, *K.RUN_SUMMARY_KEYS}
    assert summary["schema_version"] == K.SCHEMA_VERSION
    assert list(summary["edition"]) == list(K.EDITION_KEYS)
    assert summary["edition"]["name"] == "basic" and summary["pairs"] == len(LABELS)


def test_fix_summary_validates_and_shares_the_run_vocabulary(demo: tuple[Path, Path]) -> None:
    run = json.loads((demo[0] / K.SUMMARY).read_text("utf-8"))
    fix = json.loads((demo[1] / K.SUMMARY).read_text("utf-8"))
    _validator("fix").validate(fix)
    assert set(fix) == {*K.PROVENANCE_KEYS, *K.FIX_SUMMARY_KEYS}
    assert fix["schema_version"] == K.SCHEMA_VERSION and fix["command"] == "fix"
    # the same words mean the same things: pairs (int), verdicts, edition, duration_kept_s
    assert fix["pairs"] == run["pairs"] == len(LABELS)
    assert list(fix["edition"]) == list(run["edition"]) == list(K.EDITION_KEYS)
    assert (
        fix["edition"]["pairs_resubmittable"]
        == run["edition"]["pairs_resubmittable"]
        == len([v for v in expected_now().values() if v in ("keep", "fix")])
    )
    assert fix["verdicts"] == {k: run["verdicts"][k] for k in ("keep", "fix", "drop")}


def test_json_schemas_require_exactly_the_contract_keys() -> None:
    run, fix = K.summary_schema("run"), K.summary_schema("fix")
    provenance = run["$defs"]["provenance"]["required"]
    assert provenance == list(K.PROVENANCE_KEYS)
    assert run["required"] == list(K.RUN_SUMMARY_KEYS)
    assert fix["required"] == list(K.FIX_SUMMARY_KEYS)
    assert run["$defs"]["edition"]["required"] == list(K.EDITION_KEYS)
    assert run["$defs"]["provenance"]["properties"]["schema_version"]["const"] == K.SCHEMA_VERSION


def test_a_summary_missing_a_key_or_with_a_wrong_type_fails_validation(
    demo: tuple[Path, Path],
) -> None:
    fix = json.loads((demo[1] / K.SUMMARY).read_text("utf-8"))
    validator = _validator("fix")
    assert validator.is_valid(fix)
    assert not validator.is_valid({k: v for k, v in fix.items() if k != "verdicts"})
    assert not validator.is_valid({**fix, "pairs": {"resubmit": 16}})  # the old vocabulary
    assert not validator.is_valid({**fix, "schema_version": K.SCHEMA_VERSION + 1})


def test_every_dtype_has_one_arrow_type() -> None:
    schema = K.arrow_schema({f"c{i}": dtype for i, dtype in enumerate(C.DTYPES)})
    assert [f.type for f in schema] == [
        pa.string(),
        pa.int64(),
        pa.int64(),
        pa.float64(),
        pa.bool_(),
        pa.bool_(),
        pa.timestamp("us", tz="UTC"),
        pa.list_(pa.string()),
        pa.list_(pa.int64()),
        pa.list_(pa.float64()),
    ]


def test_coerce_gives_the_declared_pandas_dtypes() -> None:
    dtypes = {"s": C.STR, "i": C.INT, "f": C.FLOAT, "b": C.BOOLEAN, "l": C.LIST_STR}
    df = K.frame(
        [
            {"s": "a", "i": 1_700_000_000_123_456_789, "f": "1.5", "b": True, "l": ["x"]},
            {"s": None, "i": None, "f": "n/a", "b": None, "l": []},
        ],
        dtypes,
    )
    assert str(df["s"].dtype) == "str" and pd.isna(df["s"][1])
    assert str(df["i"].dtype) == "Int64" and df["i"][0] == 1_700_000_000_123_456_789  # exact
    assert df["f"].tolist()[0] == 1.5 and pd.isna(df["f"][1])
    assert str(df["b"].dtype) == "boolean" and df["b"][1] is pd.NA
    assert df["l"].tolist() == [["x"], []]


def test_writer_casts_to_the_contract_and_refuses_what_does_not_fit(tmp_path: Path) -> None:
    row = {
        C.PAIR_ID: "1",
        C.AUDIO_NAME: "1.wav",
        C.TEXT_NAME: "1.txt",
        C.DURATION_S: 2.0,
        C.SAMPLERATE: 16000,
        C.CHANNELS: 1,
        C.SUBTYPE: "PCM_16",
        C.AUDIO_SHA256: "0" * 64,
        C.AUDIT_ERROR_CODES: [],
        C.AUDIT_ENTRY_IDS: [],
        C.CHECKS: [],
        C.VERDICT: "keep",
        C.REASONS: [],
    }
    good = write_parquet(report_frame([row]), tmp_path / "r.parquet", K.REPORT_OUTPUT, {})
    assert pq.read_schema(good).field(C.AUDIT_ENTRY_IDS).type == pa.list_(pa.int64())
    bad = report_frame([row])
    bad[C.CHECKS] = ["not a list"]
    with pytest.raises(pa.ArrowException):
        write_parquet(bad, tmp_path / "bad.parquet", K.REPORT_OUTPUT, {})
    assert not (tmp_path / "bad.parquet").exists()
    with pytest.raises(KeyError):
        write_parquet(bad.drop(columns=[C.VERDICT]), tmp_path / "bad.parquet", K.REPORT_OUTPUT, {})
