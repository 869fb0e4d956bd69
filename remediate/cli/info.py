"""Commands that describe the tool itself: ``checks`` and ``profile``."""

from __future__ import annotations

import json

import click

from remediate.cli.options import EDITION_CHOICES, errors, json_option
from remediate.profiles import DEFAULT_EDITION


@click.command("checks")
@json_option("the list")
def checks_command(as_json: bool) -> None:
    """List every check: code, category, the severities it gives, whether the fix stage
    repairs it, and what it means. With --json, also the profile keys each reads and its
    severity bands.

    Example:

    \b
        remediate checks
        remediate checks --json | jq '.[] | select(.fixable) | .code'
    """
    from remediate.checks import CHECKS, table_rows
    from remediate.checks.registry import TABLE_HEADER
    from remediate.cli.render import table

    if as_json:
        click.echo(json.dumps([c.as_dict() for c in CHECKS.values()], indent=2))
        return
    click.echo(table(TABLE_HEADER, table_rows(), max_width=100))


@click.command("profile")
@click.argument("edition", type=click.Choice(EDITION_CHOICES), default=DEFAULT_EDITION)
def profile_command(edition: str) -> None:
    """Print an edition profile: every threshold, and where each comes from.

    Override any value in a run with --set SECTION.KEY=VALUE.

    Example:

    \b
        remediate profile middle
    """
    from remediate.profiles import profile_text

    with errors():
        click.echo(profile_text(edition), nl=False)
