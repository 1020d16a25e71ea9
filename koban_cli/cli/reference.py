"""The README's command reference, generated from the commands' own help.

python -m koban_cli.cli.reference
"""

from __future__ import annotations

import typer

HEADER = "| Command | What it does | Example |\n| --- | --- | --- |\n"


def commands(group, path=()):
    """Every leaf command, loading lazy groups as they come."""
    for name in group.list_commands(None):
        command = group.get_command(None, name)
        if hasattr(command, "list_commands"):
            yield from commands(command, path + (name,))
        else:
            yield " ".join(path + (name,)), command


def reference() -> str:
    from koban_cli.cli.app import app

    rows = []
    for name, command in commands(typer.main.get_command(app)):
        lines = [line.strip() for line in (command.help or "").splitlines() if line.strip()]
        example = next((line for line in lines if line.startswith("Example:")), "").removeprefix("Example: ")
        rows.append(f"| `{name}` | {lines[0]} | `{example}` |\n")
    return HEADER + "".join(rows)


if __name__ == "__main__":
    print(reference(), end="")
