"""Typed results of the MetaStudio voice-training API: pure parsing, no HTTP.

Frozen dataclasses for ShowJobAuditResult, ShowVoiceTrainingJob and ListVoiceTrainingJob
responses, tolerant of unknown fields and of absent blocks (every model attribute is
optional in the official SDK). A body of the wrong shape is an ApiResponseError
(field access and JSON decoding: :mod:`remediate.metastudio.reader`).
:mod:`remediate.metastudio.client` fetches; this module only reads what was fetched.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from remediate.errors import ApiResponseError
from remediate.metastudio.reader import JsonReader, item_reader


@dataclass(frozen=True)
class AuditError:
    """One entry of ``system_audit_result.errors``."""

    audio_name: str | None = None
    text_name: str | None = None
    error_code: str | None = None
    error_message: str | None = None


@dataclass(frozen=True)
class SystemAuditResult:
    """The automatic review: time (raw, unit undocumented) and per-file errors."""

    audit_time: int | None = None
    errors: tuple[AuditError, ...] | None = None


@dataclass(frozen=True)
class AdminAuditResult:
    """The manual review: note, attachment (a pre-signed storage URL) and time."""

    message: str | None = None
    attachment_name: str | None = None
    attachment_url: str | None = field(default=None, repr=False)  # pre-signed: keep out of logs
    audit_time: int | None = None


@dataclass(frozen=True)
class AuditResult:
    """ShowJobAuditResult; either block may be absent (None), as in the official SDK."""

    system_audit_result: SystemAuditResult | None = None
    admin_audit_result: AdminAuditResult | None = None

    @property
    def errors(self) -> tuple[AuditError, ...]:
        """The system errors, empty when the block or the list is absent."""
        if self.system_audit_result is None or self.system_audit_result.errors is None:
            return ()
        return self.system_audit_result.errors

    @property
    def attachment_url(self) -> str | None:
        """The manual reviewer's attachment URL, if any."""
        admin = self.admin_audit_result
        return admin.attachment_url if admin and admin.attachment_url else None


#: The dimensions of ``AssessResult`` (SDK ``assess_result.py``), in the SDK's order.
ASSESS_DIMENSIONS = ("speed", "sound", "snr", "reverb", "dnsmos_ovrl", "dnsmos_bak")


@dataclass(frozen=True)
class AssessProperty:
    """One dimension of the platform's quality assessment (``AssessProperty``): the expected
    range and actual value as the platform writes them (strings), its advice in Chinese and
    English, and ``status`` (an int flagging out-of-range; its coding is undocumented)."""

    expected: str | None = None
    actual: str | None = None
    suggestion: str | None = None
    suggestion_en: str | None = None
    status: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True)
class AssessResult:
    """``assess_result`` of VOICE_ASSESS and of training jobs: one property per dimension
    (None where the platform sent none) and the overall ``suggestion``."""

    dimensions: tuple[tuple[str, AssessProperty | None], ...] = ()
    suggestion: str | None = None

    def get(self, name: str) -> AssessProperty | None:
        return dict(self.dimensions).get(name)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            name: prop.to_dict() if prop is not None else None for name, prop in self.dimensions
        }
        out["suggestion"] = self.suggestion
        return out


@dataclass(frozen=True)
class TrainingJob:
    """``TrainingJobInfo`` (docs/metastudio-api.md §4): the fields remediate uses; others are ignored."""

    job_id: str | None = None
    job_type: str | None = None
    state: str | None = None
    voice_name: str | None = None
    language: str | None = None
    sex: str | None = None
    reject_times: int | None = None
    asset_id: str | None = None
    job_failed_code: str | None = None
    job_failed_reason: str | None = None
    create_time: int | None = None
    lastupdate_time: int | None = None
    create_type: str | None = None
    tag: str | None = None
    batch_name: str | None = None
    app_user_id: str | None = None
    is_remake: bool | None = None
    assess_result: AssessResult | None = None

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (for JSON output)."""
        out = {name: getattr(self, name) for name in self.__dataclass_fields__}
        out["assess_result"] = self.assess_result.to_dict() if self.assess_result else None
        return out


@dataclass(frozen=True)
class ApiResponse:
    """One successful response: the exact body bytes and safe provenance."""

    operation: str
    status_code: int
    request_id: str | None
    url: str = field(repr=False)
    content: bytes = field(repr=False)
    received_at: str = ""


@dataclass(frozen=True)
class AuditResultResponse:
    """ShowJobAuditResult: parsed, plus the raw bytes exactly as received."""

    result: AuditResult
    response: ApiResponse


@dataclass(frozen=True)
class JobResponse:
    """ShowVoiceTrainingJob: parsed, plus the raw bytes exactly as received."""

    job: TrainingJob
    response: ApiResponse


@dataclass(frozen=True)
class Operation:
    """One entry of ListJobOperationLog ``operations[]`` (docs/metastudio-api.md §4, §13: the audit trail).

    ``external_info`` carries the free-text reasons an audit may give outside
    ``errors[]``: ``algorithm_failure_reason`` (SDK 3.1.160) and
    ``admin_audit_failure_reason`` (3.1.165).
    """

    action: str | None = None
    operation_time: int | None = None
    algorithm_failure_reason: str | None = None
    admin_audit_failure_reason: str | None = None
    review_id_list: tuple[str, ...] = ()


@dataclass(frozen=True)
class OperationLog:
    """ListJobOperationLog, every page: parsed operations, the decoded items as received, and
    each page's body bytes exactly as received."""

    job_id: str
    count: int | None
    operations: tuple[Operation, ...]
    raw: tuple[dict[str, Any], ...] = field(repr=False)
    pages: tuple[bytes, ...] = field(default=(), repr=False)

    def to_json_bytes(self) -> bytes:
        """The log for op-logs.json: the response body byte for byte when it came in one page
        (up to 100 operations); several pages are joined into one document of the same shape
        (``count``, ``operations``), the operations as received."""
        if len(self.pages) == 1:
            return self.pages[0]
        doc = {"count": self.count, "operations": list(self.raw)}
        return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


#: ShowTenantDurationCfg fields, integer seconds (docs/metastudio-api.md §12). Whether they bound each
#: clip or the whole recording is not documented.
TENANT_DURATION_EDITIONS = ("basic", "middle", "advance", "flexus", "cmww", "ljzn")


@dataclass(frozen=True)
class DurationBounds:
    """One edition's ``{edition}_min``, ``_max``, ``_advice_value`` in seconds (any may be
    absent)."""

    min_s: int | None = None
    max_s: int | None = None
    advice_s: int | None = None


@dataclass(frozen=True)
class TenantDurationCfg:
    """ShowTenantDurationCfg: the tenant's own duration bounds per edition."""

    tenant_id: str | None
    editions: Mapping[str, DurationBounds]
    short_assess_min: int | None = None
    short_assess_max: int | None = None
    response: ApiResponse | None = field(default=None, repr=False, compare=False)

    def bounds(self, edition: str) -> DurationBounds | None:
        """The bounds of an edition (``basic``...), None when the API gave none of them."""
        found = self.editions.get(edition.lower())
        if found is None or found == DurationBounds():
            return None
        return found


def parse_tenant_duration_cfg(
    doc: Mapping[str, Any], operation: str = "ShowTenantDurationCfg"
) -> TenantDurationCfg:
    """Typed tenant duration bounds from a decoded JSON object; unknown keys are ignored."""
    r = JsonReader(doc, "", operation)
    editions = {
        e: DurationBounds(
            r.integer(f"{e}_min"), r.integer(f"{e}_max"), r.integer(f"{e}_advice_value")
        )
        for e in TENANT_DURATION_EDITIONS
    }
    return TenantDurationCfg(
        tenant_id=r.text("tenant_id"),
        editions=editions,
        short_assess_min=r.integer("short_assess_min"),
        short_assess_max=r.integer("short_assess_max"),
    )


def parse_operation(doc: Mapping[str, Any], operation: str = "ListJobOperationLog") -> Operation:
    """Typed operation from a decoded ``operations[]`` item; unknown keys are ignored."""
    r = JsonReader(doc, "", operation)
    info = r.obj("external_info")
    reviews = info.array("review_id_list") if info is not None else None
    return Operation(
        action=r.text("action"),
        operation_time=r.integer("operation_time"),
        algorithm_failure_reason=info.text("algorithm_failure_reason") if info else None,
        admin_audit_failure_reason=info.text("admin_audit_failure_reason") if info else None,
        review_id_list=tuple(str(x) for x in reviews or ()),
    )


#: The blocks of a ShowJobAuditResult body (either may be absent).
AUDIT_BLOCKS = ("system_audit_result", "admin_audit_result")


def parse_audit_result(
    doc: Mapping[str, Any], operation: str = "ShowJobAuditResult"
) -> AuditResult:
    """Typed audit result from a decoded JSON object; unknown keys are ignored.

    The one parser of audit results: :mod:`remediate.audit` builds its frame from this,
    so a file and an API response follow the same rules. Raises ApiResponseError for an
    API error body, a non-empty object with neither block, or a field of the wrong type.
    """
    if not any(key in doc for key in AUDIT_BLOCKS):
        if "error_code" in doc and "error_msg" in doc:
            raise ApiResponseError(
                f"{operation}: this is an API error response ({doc.get('error_code')}: "
                f"{doc.get('error_msg')}), not an audit result"
            )
        if doc:
            raise ApiResponseError(
                f"{operation}: no system_audit_result or admin_audit_result in the document",
                hint="pass the body of GET .../jobs/{job_id}/audit-result",
            )
    top = JsonReader(doc, "", operation)
    system: SystemAuditResult | None = None
    sys_block = top.obj("system_audit_result")
    if sys_block is not None:
        raw_errors = sys_block.array("errors")
        errors: tuple[AuditError, ...] | None = None
        if raw_errors is not None:
            items = []
            for i, raw in enumerate(raw_errors):
                r = item_reader(raw, f"system_audit_result.errors[{i}]", operation)
                items.append(
                    AuditError(
                        audio_name=r.text("audio_name"),
                        text_name=r.text("text_name"),
                        error_code=r.text("error_code"),
                        error_message=r.text("error_message"),
                    )
                )
            errors = tuple(items)
        system = SystemAuditResult(audit_time=sys_block.epoch("audit_time"), errors=errors)
    admin: AdminAuditResult | None = None
    admin_block = top.obj("admin_audit_result")
    if admin_block is not None:
        admin = AdminAuditResult(
            message=admin_block.text("message"),
            attachment_name=admin_block.text("attachment_name"),
            attachment_url=admin_block.text("attachment_url"),
            audit_time=admin_block.epoch("audit_time"),
        )
    return AuditResult(system_audit_result=system, admin_audit_result=admin)


def parse_job(doc: Mapping[str, Any], operation: str = "ShowVoiceTrainingJob") -> TrainingJob:
    """Typed job from a decoded ``TrainingJobInfo`` object; unknown keys are ignored."""
    r = JsonReader(doc, "", operation)
    return TrainingJob(
        job_id=r.text("job_id"),
        job_type=r.text("job_type"),
        state=r.text("state"),
        voice_name=r.text("voice_name"),
        language=r.text("language"),
        sex=r.text("sex"),
        reject_times=r.integer("reject_times"),
        asset_id=r.text("asset_id"),
        job_failed_code=r.text("job_failed_code"),
        job_failed_reason=r.text("job_failed_reason"),
        create_time=r.integer("create_time"),
        lastupdate_time=r.integer("lastupdate_time"),
        create_type=r.text("create_type"),
        tag=r.text("tag"),
        batch_name=r.text("batch_name"),
        app_user_id=r.text("app_user_id"),
        is_remake=r.boolean("is_remake"),
        assess_result=parse_assess_result(r.obj("assess_result")),
    )


def parse_assess_result(block: JsonReader | None) -> AssessResult | None:
    """Typed ``assess_result`` (None when absent); unknown dimensions are ignored."""
    if block is None:
        return None
    dimensions: list[tuple[str, AssessProperty | None]] = []
    for name in ASSESS_DIMENSIONS:
        prop = block.obj(name)
        dimensions.append(
            (
                name,
                None
                if prop is None
                else AssessProperty(
                    expected=prop.text("expected"),
                    actual=prop.text("actual"),
                    suggestion=prop.text("suggestion"),
                    suggestion_en=prop.text("suggestion_en"),
                    status=prop.integer("status"),
                ),
            )
        )
    return AssessResult(dimensions=tuple(dimensions), suggestion=block.text("suggestion"))
