"""Opening a ledger: the URL, SQLite pragmas, transactions, automatic migration."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from koban_cli.errors import KobanError, SchemaTooNew

if TYPE_CHECKING:
    from sqlmodel import Session

# Every migration in db/migrations/versions, oldest first: a ledger at a revision not listed here was
# upgraded by a newer koban, and this one must not touch it.
KNOWN_REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010", "0011", "0012")
SCHEMA_HEAD = KNOWN_REVISIONS[-1]


def default_ledger_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("koban", appauthor=False)) / "koban.db"


def ledger_url(db: str | None) -> str:
    """`--db`, else `KOBAN_DB`, else the user data directory; a path or a SQLAlchemy URL."""
    target = db or os.environ.get("KOBAN_DB") or str(default_ledger_path())
    if "://" in target:
        return target
    path = Path(target).expanduser().resolve()
    if not path.parent.is_dir():
        if db or os.environ.get("KOBAN_DB"):
            raise KobanError(f'cannot open ledger "{target}": folder {path.parent} does not exist')
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # koban's own data folder: private
    return f"sqlite:///{path}"


def _create_file(engine: Engine) -> None:
    """A new ledger file is private (0600, and so its -wal and -shm): it holds customer data and the IBAN."""
    database = engine.url.database
    if database and database != ":memory:" and not engine.url.query.get("uri"):  # a read-only URI creates nothing
        from koban_cli.files import create_private_sqlite

        create_private_sqlite(Path(database))


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event decide how a transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # A writer takes the write lock up front: two processes numbering
        # invoices queue on the lock instead of failing mid-transaction.
        immediate = connection.get_execution_options().get("koban_write")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Ledger:
    """One ledger file (or database URL) and its transactions."""

    def __init__(self, url: str, migrate: bool = True):
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        connect_args = {"timeout": 30} if self.is_sqlite else {}
        self.engine = create_engine(url, connect_args=connect_args)
        if self.is_sqlite:
            _create_file(self.engine)
            _sqlite_setup(self.engine)
        self._writer = self.engine.execution_options(koban_write=True)
        if not migrate:
            return
        try:
            ensure_schema(self.engine)
        except DBAPIError as exc:  # not a database, unreadable, or refused by the server
            from koban_cli.files import database_failure

            self.engine.dispose()
            reason = _first_line(exc.orig)  # a full disk or a read-only ledger is said plainly
            raise KobanError(
                database_failure(reason, self.where) or f"cannot open ledger {self.where}: {reason}"
            ) from None
        except SchemaTooNew:
            self.engine.dispose()
            raise

    @property
    def where(self) -> str:
        """The file path, or the URL without its password."""
        if self.is_sqlite:
            return str(self.engine.url.database)
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: everything in the block is written, or nothing."""
        from sqlmodel import Session

        with Session(self._writer, expire_on_commit=False) as session:
            with session.begin():
                yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        from sqlmodel import Session

        with Session(self.engine) as session:
            yield session

    @contextmanager
    def read_core(self) -> Iterator[Connection]:
        """A plain SQLAlchemy Core connection, for reports that must not pay for the ORM's import. A read
        runs each statement once per process: caching the compiled SQL would cost more than it saves."""
        with self.engine.connect() as connection:
            yield connection.execution_options(compiled_cache=None)

    @contextmanager
    def write_core(self) -> Iterator[Connection]:
        """One Core transaction, all or nothing (BEGIN IMMEDIATE on SQLite), for writes that must not pay
        for the ORM's import."""
        with self._writer.begin() as connection:
            yield connection

    def close(self) -> None:
        self.engine.dispose()


def schema_version(engine: Engine) -> str | None:
    with engine.connect() as conn:
        try:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except OperationalError:
            return None
        except Exception:  # other backends raise their own "no such table"
            return None


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def ensure_schema(engine: Engine) -> None:
    """Create or upgrade the schema; Alembic is imported only when needed.

    SQLite migrations rebuild tables (batch mode), so foreign keys are off
    while they run and checked once they are done. A ledger of a newer
    revision is left alone: an older koban would not know how to keep it sound.
    """
    version = schema_version(engine)
    if version == SCHEMA_HEAD:
        return
    if version is not None and version not in KNOWN_REVISIONS:
        raise SchemaTooNew(
            f"the ledger is at schema revision {version}, newer than this koban ({SCHEMA_HEAD}); "
            "upgrade koban to use it (koban info still describes it)"
        )
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.connect() as connection:
        raw = connection.connection.driver_connection if engine.dialect.name == "sqlite" else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
            if raw is not None and raw.execute("PRAGMA foreign_key_check").fetchall():
                raise KobanError("the schema upgrade left broken references; restore your backup")
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")
