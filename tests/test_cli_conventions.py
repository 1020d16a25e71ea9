"""Conventions every command follows: help with an example, fast start, layered imports."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from koban_cli.cli.app import app
from koban_cli.cli.reference import commands as all_commands

PACKAGE = Path(__file__).parents[1] / "koban_cli"


def test_every_command_has_help_with_an_example():
    root = typer.main.get_command(app)
    missing = [name for name, command in all_commands(root) if "Example:" not in (command.help or "")]
    assert missing == []


def imported_by(args: list[str]) -> list[str]:
    """Which heavy libraries a real `koban …` process imported."""
    code = (
        "import sys; from koban_cli.cli.app import app\n"
        f"try: app({args!r}, prog_name='koban')\n"
        "except SystemExit: pass\n"
        "print(sorted(m for m in ('sqlmodel', 'sqlalchemy', 'sqlalchemy.orm', 'pydantic', 'weasyprint', 'alembic',"
        " 'babel', 'facturx')"
        " if m in sys.modules), file=sys.stderr)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PACKAGE.parent)
    return eval(run.stderr.strip().splitlines()[-1])  # noqa: S307 - our own printed list


def test_help_imports_no_database_or_pdf_library():
    assert imported_by(["--help"]) == []


@pytest.mark.slow  # fresh processes
def test_list_commands_import_no_pdf_library(tmp_path):
    db = str(tmp_path / "ledger.db")
    for args in (["order", "list", "--open"], ["invoice", "list", "--format", "json"], ["stock", "show"]):
        assert "weasyprint" not in imported_by(["--db", db, *args]), args


@pytest.mark.slow  # fresh processes
def test_remaining_to_invoice_report_starts_without_orm_or_pydantic(tmp_path):
    """Cron and scripts run it all day: SQLAlchemy Core only, and no parameter validation through pydantic."""
    db = str(tmp_path / "ledger.db")
    imported_by(["--db", db, "order", "list"])  # creates the ledger
    assert imported_by(["--db", db, "order", "list", "--open", "--format", "json"]) == ["sqlalchemy"]
    assert imported_by(["--db", db, "invoice", "list", "--format", "json"]) == ["sqlalchemy"]
    assert imported_by(["--db", db, "contract", "list", "--format", "json"]) == ["sqlalchemy"]
    assert imported_by(["--db", db, "contract", "renewals", "--format", "json"]) == ["sqlalchemy"]
    assert imported_by(["--db", db, "info", "--format", "json"]) == ["sqlalchemy"]


def test_domain_imports_no_framework():
    forbidden = {"sqlmodel", "sqlalchemy", "typer", "rich", "jinja2", "weasyprint"}
    for path in (PACKAGE / "domain").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for name in names:
                assert name.split(".")[0] not in forbidden, f"{path.name} imports {name}"


def test_python_dash_m_runs_the_same_cli():
    out = subprocess.run(
        [sys.executable, "-m", "koban_cli", "--version"], capture_output=True, text=True, check=True, cwd=PACKAGE.parent
    ).stdout
    assert out.startswith("koban ")


def test_the_readme_command_reference_is_the_generated_one():
    from koban_cli.cli.reference import reference

    readme = (PACKAGE.parent / "README.md").read_text()
    assert readme.endswith(reference())


def test_every_list_command_prints_its_csv_header_even_when_it_lists_nothing(tmp_path):
    from typer.testing import CliRunner


    db, runner = str(tmp_path / "ledger.db"), CliRunner()
    for args in (
        ["customer", "list"],
        ["supplier", "list"],
        ["product", "list"],
        ["quote", "list"],
        ["order", "list", "--open"],
        ["invoice", "list"],
        ["contract", "list"],
        ["contract", "renewals"],
        ["contract", "bill-due", "--dry-run"],
        ["delivery", "list"],
        ["stock", "show"],
        ["stock", "moves"],
        ["project", "list"],
        ["purchase", "list"],
    ):
        result = runner.invoke(app, ["--db", db, *args, "--format", "csv"])
        lines = result.stdout.splitlines()
        assert (result.exit_code, len(lines)) == (0, 1) and "," in lines[0], args
        json_result = runner.invoke(app, ["--db", db, *args, "--format", "json"])
        assert json_result.stdout.strip() == "[]", args
