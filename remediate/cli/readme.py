"""The README's reference tables, generated from the code (``make readme``; ``cog --check``
in the tests fails when the README drifts).

Each function returns one Markdown table: the commands with their first help line, the
options of a command exactly as ``--help`` shows them, and the exit codes. The check table
comes from the check registry (:func:`remediate.checks.markdown_table`).
"""

from __future__ import annotations

import click

from remediate.errors import EXIT_CODES


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _group() -> click.Group:
    from remediate.cli import cli

    return cli


def commands_table() -> str:
    """Every command with the first line of its help, in ``remediate --help`` order."""
    group = _group()
    ctx = click.Context(group, info_name="remediate")
    rows = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        rows.append([f"`remediate {name}`", _cell(command.get_short_help_str(limit=200))])
    return _table(["command", "what it does"], rows)


def options_table(command_name: str, *, skip: tuple[str, ...] = ()) -> str:
    """The options of one command as ``--help`` shows them (``--help`` itself left out).

    ``skip`` names parameters (their Python names) to leave out, e.g. the API options that
    have their own table.
    """
    group = _group()
    parent = click.Context(group, info_name="remediate")
    command = group.get_command(parent, command_name)
    if command is None:
        raise KeyError(command_name)
    ctx = click.Context(command, info_name=command_name, parent=parent)
    rows = []
    for param in command.get_params(ctx):
        if param.name in skip or param.name == "help" or "--help" in getattr(param, "opts", ()):
            continue
        record = param.get_help_record(ctx)
        if record is None:
            continue
        spelling, text = record
        rows.append([f"`{_cell(spelling)}`", _cell(text)])
    return _table(["option", "meaning"], rows)


def exit_codes_table() -> str:
    """Every exit code and what it means (also the epilog of ``remediate --help``)."""
    return _table(["code", "meaning"], [[str(c), _cell(t)] for c, t in sorted(EXIT_CODES.items())])
