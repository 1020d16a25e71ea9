"""The root command: finds the sub-apps lazily and turns errors into `Error: …`."""

from __future__ import annotations

import copy
import errno
import gc
import importlib
import sys
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from koban_cli import __version__
from koban_cli.cli import demo, imports, maintenance, state
from koban_cli.cli.nouns import NOUNS
from koban_cli.errors import KobanError


class KobanGroup(TyperGroup):
    """Loads a noun's module only when it runs, and reports every foreseeable failure as one line."""

    def list_commands(self, ctx):
        return list(super().list_commands(ctx)) + list(NOUNS)

    def resolve_command(self, ctx, args):
        ctx.meta[_NEXT] = args[1] if len(args) > 1 else None  # the noun's subcommand, if one follows
        return super().resolve_command(ctx, args)

    def get_command(self, ctx, name):
        if name not in NOUNS:
            return super().get_command(ctx, name)
        subcommand = ctx.meta.get(_NEXT) if ctx is not None else None
        command = _noun_command(importlib.import_module(NOUNS[name][0]).app, subcommand)
        command.name = name
        return command

    def format_commands(self, ctx, formatter):
        rows = [
            (name, super(KobanGroup, self).get_command(ctx, name).get_short_help_str(60))
            for name in super().list_commands(ctx)
        ]
        rows += [(name, help_text) for name, (_, help_text) in NOUNS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KobanError as exc:
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(1) from None
        except OSError as exc:
            if exc.errno not in _FILE_FAILURES:
                raise
            from koban_cli.files import cannot_write

            typer.echo(f"Error: {cannot_write(exc.filename or '(unnamed file)', exc)}", err=True)
            raise typer.Exit(1) from None
        except Exception as exc:
            if not _from_the_database(exc):
                raise
            # the transaction was rolled back: nothing changed
            reason = _first_line(getattr(exc, "orig", None) or exc)
            from koban_cli.files import database_failure

            plain = database_failure(reason, _ledger_where())  # a full disk or a read-only ledger, said plainly
            if plain:
                typer.echo(f"Error: {plain}", err=True)
            elif isinstance(exc, _loaded_errors("OperationalError")):  # locked, or another failure of the database
                typer.echo(f"Error: the ledger could not be used: {reason}", err=True)
            else:
                typer.echo(f"Error: the ledger refused the change ({reason}); nothing was changed", err=True)
            raise typer.Exit(1) from None


_NEXT = "koban_cli.subcommand"


def _noun_command(noun: typer.Typer, subcommand: str | None):
    """The noun's group, with only the subcommand about to run when it is one of its commands (building all
    of them, each from its function's signature, is most of the cost of starting `koban invoice pdf`)."""
    group = noun.registered_callback or noun.info.callback or len(noun.registered_commands) > 1
    if not group or noun.registered_groups or noun._add_completion:  # typer's own way, unchanged
        return typer.main.get_command(noun)
    wanted = [info for info in noun.registered_commands if _name(info) == subcommand]
    if not wanted:  # --help, a typo (answered with the names of all), nothing
        return typer.main.get_command(noun)
    one = copy.copy(noun)
    one.registered_commands = wanted
    return typer.main.get_group(one)


def _name(info) -> str:
    return info.name or typer.main.get_command_name(info.callback.__name__)


# A full disk, a read-only file system, missing rights: the user can fix these, so no traceback.
_FILE_FAILURES = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}


def _ledger_where() -> str:
    """The ledger in use, as the user knows it (a file path, or a URL without its password)."""
    opened = state.opened()
    if opened is not None:
        return opened.where
    try:
        from sqlalchemy.engine import make_url

        from koban_cli.db.engine import ledger_url

        url = ledger_url(state.explicit_db())
    except Exception:  # noqa: BLE001 - only for the message; the real error is being reported
        return "in use"
    if url.startswith("sqlite:///"):
        return url.removeprefix("sqlite:///")
    return make_url(url).render_as_string(hide_password=True)


# The database's exception modules and their base class. Only those already loaded are looked at: an error
# cannot come from a module that never ran, and importing them here would slow `koban --help`.
_DATABASE_ERRORS = {"sqlalchemy.exc": "SQLAlchemyError", "sqlite3": "Error", "psycopg": "Error"}


def _loaded_errors(name: str | None = None) -> tuple[type, ...]:
    """The database's exception classes called `name` (default: each module's base class) among loaded modules."""
    modules = [(sys.modules.get(module), base) for module, base in _DATABASE_ERRORS.items()]
    return tuple(getattr(module, name or base) for module, base in modules if module is not None)


def _from_the_database(exc: Exception) -> bool:
    """An error raised by SQLAlchemy or a database driver."""
    return isinstance(exc, _loaded_errors())


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


app = typer.Typer(
    cls=KobanGroup,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_show_locals=False,
    help="Order-to-cash for small businesses: quotes, orders, invoices, contracts, projects, deliveries.",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"koban {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    context: typer.Context,
    db: Annotated[
        Optional[str], typer.Option("--db", metavar="PATH|URL", help="Ledger file or SQLAlchemy URL (else $KOBAN_DB).")
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """koban: one ledger file for quotes, orders, invoicing, contracts, projects and stock.

    Example: koban --db shop.db order list --open
    """
    state.choose(context, db)


app.command("demo")(demo.demo)
app.command("import")(imports.import_)
app.command("verify")(maintenance.verify)
app.command("backup")(maintenance.backup)
app.command("restore")(maintenance.restore)
app.command("info")(maintenance.info)
app.command("anchor")(maintenance.anchor)


def main() -> None:
    """The `koban` process (the console script and `python -m koban_cli`)."""
    # A koban process is short and most of what it allocates lives until it ends (modules, a ledger's rows, a
    # page's boxes): at the cyclic collector's default pace (every 700 allocations) scanning them took about a
    # tenth of a one-invoice print. Collected less often; nothing else changes.
    gc.set_threshold(10_000, 50, 100)
    app(prog_name="koban")
