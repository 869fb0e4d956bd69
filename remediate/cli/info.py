"""Commands that describe the tool itself: ``checks`` and ``profile``."""

from __future__ import annotations

import json

import click

from remediate.cli.options import EDITION_CHOICES, errors, json_option


@click.command("checks")
@json_option("the list")
def checks_command(as_json: bool) -> None:
    """List every check code with its usual severity and whether the fix stage repairs it.

    Example:

    \b
        remediate checks
    """
    from remediate.checks import CHECKS
    from remediate.cli.render import table

    if as_json:
        click.echo(json.dumps([vars(c) for c in CHECKS.values()], indent=2))
        return
    rows = [
        [c.code, c.severity, "yes" if c.fixable else "no", c.description] for c in CHECKS.values()
    ]
    click.echo(table(["check", "severity", "fixable", "meaning"], rows, max_width=100))


@click.command("profile")
@click.argument("edition", type=click.Choice(EDITION_CHOICES), default="basic")
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
