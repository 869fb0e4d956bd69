"""Commands that talk to the MetaStudio API: ``fetch`` and ``jobs`` (``run --job-id`` too).

Credentials are read from the environment here, in the CLI layer, and handed to the
library as Credentials objects whose repr hides them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

from remediate.cli.options import API_OPTION_NAMES, api_options, errors, json_option
from remediate.metastudio.defaults import (
    ENV_AK,
    ENV_AUTH_TOKEN,
    ENV_PROJECT_ID,
    ENV_SECURITY_TOKEN,
    ENV_SK,
    SECRET_ENV_VARS,
)


def credentials_from_env() -> Any:
    """AK/SK (+ security token) or an IAM token from the environment; never echoed."""
    from remediate.errors import CredentialsError
    from remediate.metastudio.auth import AkSkCredentials, TokenCredentials

    ak = os.environ.get(ENV_AK, "").strip()
    sk = os.environ.get(ENV_SK, "").strip()
    token = os.environ.get(ENV_SECURITY_TOKEN, "").strip() or None
    if ak or sk:
        missing = [name for name, value in ((ENV_AK, ak), (ENV_SK, sk)) if not value]
        if missing:
            raise CredentialsError(
                f"{missing[0]} is not set (AK/SK signing needs both {ENV_AK} and {ENV_SK})"
            )
        return AkSkCredentials(ak, sk, token)
    auth_token = os.environ.get(ENV_AUTH_TOKEN, "").strip()
    if auth_token:
        return TokenCredentials(auth_token)
    raise CredentialsError(
        "no MetaStudio credentials in the environment",
        hint=f"set {ENV_AK} and {ENV_SK} (plus {ENV_SECURITY_TOKEN} for temporary keys), "
        f"or {ENV_AUTH_TOKEN}",
    )


def api_client(opts: dict[str, Any]) -> Any:
    """Build the API client from the API options (popped from ``opts``) and the environment."""
    from remediate.errors import ConfigError
    from remediate.metastudio.client import MetaStudioClient
    from remediate.metastudio.settings import ClientSettings, RetryPolicy, endpoint_for

    api = {name: opts.pop(name) for name in API_OPTION_NAMES}
    credentials = credentials_from_env()
    if not api["project_id"]:
        raise ConfigError("no project id", hint=f"pass --project-id or set {ENV_PROJECT_ID}")
    settings = ClientSettings(
        endpoint=api["endpoint"] or endpoint_for(api["region"]),
        project_id=api["project_id"],
        connect_timeout_s=api["connect_timeout"],
        read_timeout_s=api["read_timeout"],
        retry=RetryPolicy(max_attempts=api["max_attempts"], max_total_s=api["max_retry_time"]),
    )
    redact = [os.environ.get(name, "").strip() for name in SECRET_ENV_VARS]
    return MetaStudioClient(settings, credentials, redact=[v for v in redact if v])


@click.command("fetch")
@click.option("--job-id", required=True, help="MetaStudio voice-training job id.")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder for the fetched files (created if missing).",
)
@click.option(
    "--no-attachment", is_flag=True, help="Do not download the manual reviewer's attachment."
)
@json_option("fetch.json")
@api_options
def fetch_command(job_id: str, out: Path, no_attachment: bool, as_json: bool, **opts: Any) -> None:
    """Fetch a job's audit result from MetaStudio and keep it with provenance.

    Writes into --out: audit-result.json (exactly as received), job.json (the job
    detail), audit_errors.parquet, fetch.json (endpoint, job id, time, HTTP status,
    request id) and attachments/ (the reviewer's attachment, if any). Credentials come
    from HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK [/ HUAWEICLOUD_SDK_SECURITY_TOKEN] or
    HUAWEICLOUD_AUTH_TOKEN.

    Example:

    \b
        remediate fetch --job-id 1234abcd --project-id 0a1b2c --out out/job-1234
    """
    from remediate import fetch

    with errors():
        with api_client(opts) as client:
            outcome = fetch.fetch(client, job_id, out, attachment=not no_attachment)
    for warning in outcome.warnings:
        click.echo(f"Warning: {warning}", err=True)
    if as_json:
        click.echo(json.dumps(outcome.provenance, ensure_ascii=False))
        return
    job = outcome.fetched.job
    click.echo(
        f"Job {job_id}: {job.state or '?'} ({job.job_type or '?'}), "
        f"{outcome.provenance['audit']['system_errors']} audit errors; written to {out}",
        err=True,
    )


@click.command("jobs")
@click.option(
    "--state",
    default=None,
    help="Only jobs in these states, comma-separated (AUDIT_FAILED,FAILED).",
)
@json_option("the jobs")
@api_options
def jobs_command(state: str | None, as_json: bool, **opts: Any) -> None:
    """List voice-training jobs (every page), as a table or JSON.

    Example:

    \b
        remediate jobs --state AUDIT_FAILED --project-id 0a1b2c
    """
    from remediate.cli.render import table
    from remediate.fetch import format_time

    with errors():
        with api_client(opts) as client:
            jobs = client.list_jobs(state=state)
    if as_json:
        doc = {"count": len(jobs), "jobs": [job.to_dict() for job in jobs]}
        click.echo(json.dumps(doc, ensure_ascii=False))
        return
    rows = [
        [
            j.job_id,
            j.job_type,
            j.state,
            j.voice_name,
            j.language,
            j.reject_times,
            format_time(j.create_time),
            format_time(j.lastupdate_time),
        ]
        for j in jobs
    ]
    headers = ["job_id", "type", "state", "voice", "lang", "rejected", "created", "updated"]
    click.echo(table(headers, rows, max_width=40))
    click.echo(f"{len(jobs)} job{'s' if len(jobs) != 1 else ''}", err=True)
