"""A ledger koban cannot use, or a database that refuses: one `Error:` line, exit 1, never a traceback."""

import sqlite3

from conftest import Koban, refused, sqlite_only


@sqlite_only
def test_a_file_that_is_not_a_database_is_one_error_line(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a ledger\n" * 50)
    result = Koban(str(path))("order", "list", ok=False)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"Error: cannot open ledger {path}: file is not a database\n"


@sqlite_only
def test_a_ledger_of_a_newer_schema_is_refused_but_info_still_tells_its_revision(koban):
    koban("customer", "list")
    with sqlite3.connect(koban.db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    result = koban("customer", "list", ok=False)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: the ledger is at schema revision 0099, newer than this koban (")
    assert "upgrade koban" in result.stderr and result.stderr.count("\n") == 1
    info = koban.json("info")
    assert info["schema_version"] == "0099" and info["customers"] == 2
    with sqlite3.connect(koban.db) as conn:  # left alone
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0099",)


def test_a_provisional_reference_too_large_for_any_id_is_not_found(koban):
    refused(
        koban,
        ["invoice", "show", "PROV-99999999999999999999"],
        'invoice "PROV-99999999999999999999" does not exist (see: koban invoice list)',
    )


@sqlite_only
def test_an_unexpected_database_refusal_is_one_error_line_and_changes_nothing(koban):
    with sqlite3.connect(koban.db) as conn:
        conn.execute("CREATE TRIGGER no_more BEFORE INSERT ON customer BEGIN SELECT RAISE(ABORT, 'closed'); END")
    refused(
        koban,
        ["customer", "add", "NEW", "--name", "New SA"],
        "the ledger refused the change (closed); nothing was changed",
    )
