"""Conventions every command follows: help with an example, fast start, layered imports."""

import ast
import subprocess
import sys
from pathlib import Path

import typer

from koban_cli.cli.app import app
from koban_cli.cli.reference import commands as all_commands

PACKAGE = Path(__file__).parents[1] / "koban_cli"


def test_every_command_has_help_with_an_example():
    root = typer.main.get_command(app)
    missing = [name for name, command in all_commands(root) if "Example:" not in (command.help or "")]
    assert missing == []


def test_help_and_list_modules_import_no_database_or_pdf_library():
    code = ("import sys; from typer.main import get_command; from koban_cli.cli.app import app; "
            "get_command(app); print(sorted(m for m in ('sqlmodel', 'sqlalchemy', 'weasyprint', 'alembic') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_domain_imports_no_framework():
    forbidden = {"sqlmodel", "sqlalchemy", "typer", "rich", "jinja2", "weasyprint"}
    for path in (PACKAGE / "domain").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for name in names:
                assert name.split(".")[0] not in forbidden, f"{path.name} imports {name}"


def test_python_dash_m_runs_the_same_cli():
    out = subprocess.run([sys.executable, "-m", "koban_cli", "--version"], capture_output=True, text=True,
                         check=True, cwd=PACKAGE.parent).stdout
    assert out.startswith("koban ")


def test_the_readme_command_reference_is_the_generated_one():
    from koban_cli.cli.reference import reference

    readme = (PACKAGE.parent / "README.md").read_text()
    assert readme.endswith(reference())
