"""Parsing ShowJobAuditResult responses into the audit-errors frame (remediate.audit)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from remediate import columns as C
from remediate.audit import (
    audit_frame,
    audit_time,
    empty_audit_frame,
    parse_audit_result,
    read_audit_file,
)
from remediate.errors import ApiResponseError, AuditFileError
from remediate.metastudio import models

#: The example response of the API reference (seeds/ShowJobAuditResult.txt), verbatim.
DOCUMENTED_EXAMPLE = b"""{
  "system_audit_result" : {
    "audit_time" : 123,
    "errors" : [ {
      "audio_name" : "audio_0.wav",
      "text_name" : "text_0.txt",
      "error_code" : "MSS.12345678",
      "error_message" : "error description"
    } ]
  },
  "admin_audit_result" : {
    "message" : "message",
    "attachment_name" : "attachment_file_name",
    "attachment_url" : "https://attachment_download_url",
    "audit_time" : 123
  }
}"""

EXPECTED_DTYPES = {
    C.ENTRY_ID: "int64",
    C.JOB_ID: "str",
    C.SOURCE: "str",
    C.AUDIT_TIME: "datetime64[us, UTC]",
    C.AUDIT_TIME_RAW: "Int64",
    C.AUDIO_NAME: "str",
    C.TEXT_NAME: "str",
    C.ERROR_CODE: "str",
    C.ERROR_MESSAGE: "str",
    C.ATTACHMENT_NAME: "str",
}


def parse(doc: Any, **kwargs: Any) -> pd.DataFrame:
    return parse_audit_result(json.dumps(doc).encode("utf-8"), **kwargs)


def error(audio: str = "audio_1.wav", code: str = "MSS.20020011") -> dict[str, Any]:
    return {
        "audio_name": audio,
        "text_name": audio.replace("audio", "text").replace(".wav", ".txt"),
        "error_code": code,
        "error_message": "Audio format error.",
    }


def assert_shape(df: pd.DataFrame) -> None:
    assert list(df.columns) == C.AUDIT_COLUMNS
    assert {c: str(t) for c, t in df.dtypes.items()} == EXPECTED_DTYPES


# --- the sample audit -------------------------------------------------------------


def test_sample_audit_has_eight_system_rows_and_one_admin_row(sample_dataset: Path) -> None:
    data, df = read_audit_file(sample_dataset / "audit-result.json")

    assert data == (sample_dataset / "audit-result.json").read_bytes()
    assert_shape(df)
    assert list(df[C.ENTRY_ID]) == list(range(9))
    assert list(df[C.SOURCE]) == ["system"] * 8 + ["admin"]
    assert list(df[C.ERROR_CODE][:8]) == [
        "MSS.20020011",
        "MSS.20020018",
        "MSS.20020027",
        "MSS.20020015",
        "MSS.20020015",
        "MSS.20020016",
        "MSS.20020011",
        "MSS.20020011",
    ]
    assert df[C.AUDIO_NAME][3] == "corpus\\audio_15.wav"
    assert df[C.AUDIO_NAME][7] == "../../etc/audio_1.wav"
    assert df[C.JOB_ID].isna().all()
    admin = df.iloc[8]
    assert pd.isna(admin[C.AUDIO_NAME]) and pd.isna(admin[C.ERROR_CODE])
    assert admin[C.ERROR_MESSAGE].startswith("第9句有爆音")
    assert admin[C.ATTACHMENT_NAME] == "review-notes.pdf"
    assert df[C.AUDIT_TIME][0] == pd.Timestamp("2025-11-25 06:00:00", tz="UTC")
    assert df[C.AUDIT_TIME][8] == pd.Timestamp("2025-11-25 07:00:00", tz="UTC")
    assert df[C.AUDIT_TIME_RAW][8] == 1764054000


def test_job_id_is_set_on_every_row(sample_dataset: Path) -> None:
    _, df = read_audit_file(sample_dataset / "audit-result.json", job_id="job-123")

    assert list(df[C.JOB_ID].unique()) == ["job-123"]


def test_documented_example_parses() -> None:
    df = parse_audit_result(DOCUMENTED_EXAMPLE)

    assert_shape(df)
    assert len(df) == 2
    system, admin = df.iloc[0], df.iloc[1]
    assert (system[C.SOURCE], system[C.AUDIO_NAME], system[C.TEXT_NAME]) == (
        "system",
        "audio_0.wav",
        "text_0.txt",
    )
    assert (system[C.ERROR_CODE], system[C.ERROR_MESSAGE]) == ("MSS.12345678", "error description")
    assert system[C.AUDIT_TIME] == pd.Timestamp(123, unit="s", tz="UTC")
    assert (admin[C.SOURCE], admin[C.ERROR_MESSAGE], admin[C.ATTACHMENT_NAME]) == (
        "admin",
        "message",
        "attachment_file_name",
    )
    assert admin[C.AUDIT_TIME_RAW] == 123


# --- audit_time ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1764050400, pd.Timestamp("2025-11-25 06:00:00", tz="UTC")),
        (1764050400123, pd.Timestamp("2025-11-25 06:00:00.123", tz="UTC")),
        # The ms/s boundary (1e11), expectations written out so a changed constant fails:
        (99_999_999_999, pd.Timestamp("5138-11-16 09:46:39", tz="UTC")),  # seconds
        (100_000_000_000, pd.Timestamp("1973-03-03 09:46:40", tz="UTC")),  # milliseconds
        (2147483647, pd.Timestamp("2038-01-19 03:14:07", tz="UTC")),
        (0, None),
        (-5, None),
        (None, None),
        (True, None),
        ("1764050400", None),
    ],
)
def test_audit_time_units(raw: Any, expected: pd.Timestamp | None) -> None:
    assert audit_time(raw) == expected


def test_audit_time_seconds_milliseconds_and_zero_in_the_frame() -> None:
    rows = [
        parse({"system_audit_result": {"audit_time": t, "errors": [error()]}})
        for t in (1764050400, 1764050400000, 0)
    ]
    missing = parse({"system_audit_result": {"errors": [error()]}})

    assert rows[0][C.AUDIT_TIME][0] == pd.Timestamp("2025-11-25 06:00", tz="UTC")
    assert rows[1][C.AUDIT_TIME][0] == pd.Timestamp("2025-11-25 06:00", tz="UTC")
    assert rows[1][C.AUDIT_TIME_RAW][0] == 1764050400000
    assert pd.isna(rows[2][C.AUDIT_TIME][0]) and rows[2][C.AUDIT_TIME_RAW][0] == 0
    assert pd.isna(missing[C.AUDIT_TIME][0]) and pd.isna(missing[C.AUDIT_TIME_RAW][0])
    for df in (*rows, missing):
        assert_shape(df)


def test_audit_time_beyond_the_timestamp_range_is_nat() -> None:
    df = parse({"system_audit_result": {"audit_time": 10**17, "errors": [error()]}})

    assert pd.isna(df[C.AUDIT_TIME][0])
    assert df[C.AUDIT_TIME_RAW][0] == 10**17


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity", "1e30"])
def test_non_finite_or_huge_audit_time_is_an_audit_file_error(raw: str) -> None:
    data = f'{{"system_audit_result": {{"audit_time": {raw}, "errors": []}}}}'.encode()

    with pytest.raises(AuditFileError):
        parse_audit_result(data)


def test_audit_time_of_the_wrong_type_is_rejected() -> None:
    with pytest.raises(AuditFileError, match="audit_time should be an integer"):
        parse({"system_audit_result": {"audit_time": "yesterday", "errors": []}})


# --- optional blocks ----------------------------------------------------------------


@pytest.mark.parametrize(
    "doc",
    [
        {},
        {"system_audit_result": None, "admin_audit_result": None},
        {"system_audit_result": {}, "admin_audit_result": {}},
        {"system_audit_result": {"errors": None}},
        {"system_audit_result": {"errors": []}},
        {"system_audit_result": {"audit_time": 0, "errors": []}, "admin_audit_result": {}},
        {"admin_audit_result": {"message": None, "attachment_name": "", "audit_time": 0}},
    ],
)
def test_missing_null_and_empty_blocks_give_no_rows(doc: dict[str, Any]) -> None:
    df = parse(doc)

    assert_shape(df)
    assert len(df) == 0


def test_missing_blocks_keep_the_other_block() -> None:
    only_system = parse({"system_audit_result": {"errors": [error()]}})
    only_admin = parse({"admin_audit_result": {"message": "re-record please"}})

    assert list(only_system[C.SOURCE]) == ["system"]
    assert list(only_admin[C.SOURCE]) == ["admin"]
    assert only_admin[C.ERROR_MESSAGE][0] == "re-record please"


def test_missing_fields_in_an_error_item_are_null() -> None:
    df = parse({"system_audit_result": {"errors": [{"error_code": "MSS.20020016"}, {}]}})

    assert len(df) == 2
    assert df[C.ERROR_CODE][0] == "MSS.20020016"
    assert df[[C.AUDIO_NAME, C.TEXT_NAME, C.ERROR_MESSAGE]].isna().all().all()
    assert df.iloc[1][[C.ERROR_CODE]].isna().all()


def test_unknown_extra_keys_are_ignored() -> None:
    doc = {
        "request_id": "abc",
        "system_audit_result": {"audit_time": 1, "errors": [error() | {"extra": [1]}], "x": {}},
        "admin_audit_result": {"message": "m", "reviewer": {"id": 3}},
    }

    df = parse(doc)

    assert_shape(df)
    assert list(df[C.SOURCE]) == ["system", "admin"]


def test_numeric_names_become_strings() -> None:
    df = parse({"system_audit_result": {"errors": [{"audio_name": 7, "error_code": 20020011}]}})

    assert (df[C.AUDIO_NAME][0], df[C.ERROR_CODE][0]) == ("7", "20020011")


# --- wrong input ---------------------------------------------------------------------


def test_malformed_json_names_line_and_column() -> None:
    data = b'{\n  "system_audit_result": {\n    "errors": [,]\n  }\n}'

    with pytest.raises(AuditFileError) as info:
        parse_audit_result(data, source="broken.json")

    assert info.value.exit_code == 4
    assert "broken.json" in str(info.value)
    assert "line 3, column 16" in str(info.value)


@pytest.mark.parametrize(
    ("doc", "fragment"),
    [
        ([], "got list"),
        ("text", "got str"),
        (None, "got NoneType"),
        ({"system_audit_result": []}, "system_audit_result should be an object, got list"),
        ({"admin_audit_result": "ok"}, "admin_audit_result should be an object, got str"),
        ({"system_audit_result": {"errors": {}}}, "errors should be a list"),
        ({"system_audit_result": {"errors": "none"}}, "errors should be a list"),
        ({"system_audit_result": {"errors": ["audio_1.wav"]}}, "errors[0] should be an object"),
        (
            {"system_audit_result": {"errors": [{"audio_name": {"x": 1}}]}},
            "errors[0].audio_name should be a string, got dict",
        ),
        (
            {"system_audit_result": {"errors": [error(), {"error_code": ["a"]}]}},
            "errors[1].error_code should be a string, got list",
        ),
        ({"admin_audit_result": {"message": True}}, "message should be a string, got bool"),
        ({"status": "ok"}, "no system_audit_result or admin_audit_result"),
    ],
)
def test_wrong_shape_is_an_audit_file_error(doc: Any, fragment: str) -> None:
    with pytest.raises(AuditFileError) as info:
        parse(doc)

    assert fragment in str(info.value)
    assert info.value.exit_code == 4


def test_api_error_body_is_recognised() -> None:
    body = {"error_code": "MSS.00000003", "error_msg": "Invalid job id"}

    with pytest.raises(AuditFileError, match="API error response") as info:
        parse(body)

    assert "MSS.00000003" in str(info.value) and "Invalid job id" in str(info.value)


@pytest.mark.parametrize("data", [b"", b"   \n\t"])
def test_empty_file(data: bytes) -> None:
    with pytest.raises(AuditFileError, match="empty"):
        parse_audit_result(data)


def test_non_utf8_bytes() -> None:
    data = '{"admin_audit_result": {"message": "音频"}}'.encode("gbk")

    with pytest.raises(AuditFileError, match="not UTF-8"):
        parse_audit_result(data)


def test_utf8_bom_is_accepted() -> None:
    data = b"\xef\xbb\xbf" + DOCUMENTED_EXAMPLE

    df = parse_audit_result(data)

    assert len(df) == 2


def test_non_ascii_names_survive() -> None:
    df = parse({"system_audit_result": {"errors": [error("音频_1.wav")]}})

    assert df[C.AUDIO_NAME][0] == "音频_1.wav"


# --- files ---------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AuditFileError, match="not found") as info:
        read_audit_file(tmp_path / "nope.json")

    assert info.value.path == tmp_path / "nope.json"
    assert info.value.exit_code == 4


def test_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(AuditFileError, match="is a directory"):
        read_audit_file(tmp_path)


def test_file_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "audit.json"
    path.write_bytes(b"{nope")

    with pytest.raises(AuditFileError, match="audit.json: not valid JSON"):
        read_audit_file(path)


def test_empty_audit_frame_has_the_contract_shape() -> None:
    df = empty_audit_frame()

    assert_shape(df)
    assert len(df) == 0


def test_deeply_nested_json_is_an_audit_file_error() -> None:
    with pytest.raises(AuditFileError, match="nested too deeply"):
        parse_audit_result(b"[" * 100_000 + b"]" * 100_000)


def test_lone_surrogates_in_any_audit_string_become_replacement_characters() -> None:
    raw = (
        b'{"system_audit_result": {"errors": [{"audio_name": "audio_\\ud800.wav", '
        b'"text_name": "t\\udfff.txt", "error_code": "MSS.\\ud83d", "error_message": "m\\udc00"}]},'
        b' "admin_audit_result": {"message": "\\ud800admin", "attachment_name": "\\udbff.pdf"}}'
    )
    frame = parse_audit_result(raw)
    values = [v for col in frame.columns for v in frame[col] if isinstance(v, str)]
    assert all(v.encode("utf-8") for v in values)  # every string is writable as UTF-8
    assert "audio_\ufffd.wav" in values and "\ufffdadmin" in values and "m\ufffd" in values


# --- one parser for files and the API ------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1700000000", 1700000000),  # an integer in a string, as some gateways send it
        (1500000000.5, 1500000000),  # a float: the fraction is dropped
        (" 1764050400123 ", 1764050400123),
    ],
)
def test_audit_time_edge_cases_read_alike_from_a_file_and_the_api(raw: Any, expected: int) -> None:
    # Before issue 9.3 the file parser took 1500000000.5 and refused "1700000000", the API
    # parser the reverse. Both now go through remediate.metastudio.models.
    doc = {"system_audit_result": {"audit_time": raw, "errors": [error()]}}
    from_file = parse(doc)
    from_api = models.parse_audit_result(json.loads(json.dumps(doc)))

    assert from_api.system_audit_result is not None
    assert from_api.system_audit_result.audit_time == expected
    assert from_file[C.AUDIT_TIME_RAW][0] == expected
    unit = "ms" if expected >= 10**11 else "s"
    assert from_file[C.AUDIT_TIME][0] == pd.Timestamp(expected, unit=unit, tz="UTC")
    assert_shape(from_file)


@pytest.mark.parametrize("raw", ["yesterday", "1.5e9", True, [1], {"t": 1}])
def test_audit_time_that_is_not_a_time_is_refused_by_both(raw: Any) -> None:
    doc = {"admin_audit_result": {"message": "x", "audit_time": raw}}
    with pytest.raises(AuditFileError, match="audit_time should be an integer"):
        parse(doc)
    with pytest.raises(ApiResponseError, match="audit_time should be an integer"):
        models.parse_audit_result(doc)


def test_the_frame_is_built_from_the_typed_models() -> None:
    result = models.AuditResult(
        system_audit_result=models.SystemAuditResult(
            audit_time=1764050400,
            errors=(models.AuditError(audio_name="a.wav", error_code="MSS.20020011"),),
        ),
        admin_audit_result=models.AdminAuditResult(message="note", attachment_name="r.pdf"),
    )
    df = audit_frame(result, job_id="j1")

    assert list(df[C.SOURCE]) == [C.SOURCE_SYSTEM, C.SOURCE_ADMIN]
    assert list(df[C.ENTRY_ID]) == [0, 1] and set(df[C.JOB_ID]) == {"j1"}
    assert df[C.AUDIO_NAME][0] == "a.wav" and df[C.ERROR_CODE][0] == "MSS.20020011"
    assert df[C.ERROR_MESSAGE][1] == "note" and df[C.ATTACHMENT_NAME][1] == "r.pdf"
    assert_shape(df)
