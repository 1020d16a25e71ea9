"""Numbers unique across years: `{year}` or a sequence declared global; patterns change only on empty sequences."""

from conftest import refused
from sqlalchemy import create_engine, text

from koban_cli.db.engine import ledger_url


def invoice_on(koban, day, customer="ACME"):
    ref = koban.json("invoice", "create", "--customer", customer, "--date", day)["ref"]
    koban("invoice", "add-line", ref, "--product", "DAY")
    return koban.json("invoice", "validate", ref, "--date", day)["number"]


def sql(koban, statement):
    engine = create_engine(ledger_url(koban.db))
    with engine.begin() as conn:
        conn.execute(text(statement))
    engine.dispose()


def test_a_pattern_without_year_is_refused_unless_declared_global(koban):
    refused(
        koban,
        ["company", "set", "--number-pattern", "{prefix}-{seq:06d}"],
        'number pattern "{prefix}-{seq:06d}" has no {year}: numbers would come back every year; '
        "add {year}, or declare one sequence for all years with --global-sequence",
    )
    refused(
        koban,
        ["company", "set", "--global-sequence"],
        'number pattern "{prefix}-{year}-{seq:04d}" has {year} but the sequence is global; '
        "remove {year}, or number per year with --yearly-sequence",
    )


def test_a_global_sequence_numbers_across_years_without_collision(koban):
    koban("company", "set", "--number-pattern", "{prefix}-{seq:06d}", "--global-sequence")
    assert [invoice_on(koban, day) for day in ("2025-12-30", "2026-01-05")] == ["FA-000001", "FA-000002"]
    assert koban("verify").stdout == "The ledger is sound: every check passed.\n"


def test_the_pattern_changes_only_on_an_empty_sequence_or_from_a_new_year(koban):
    assert invoice_on(koban, "2025-06-01") == "FA-2025-0001"
    koban("company", "set", "--number-pattern", "{prefix}{year}-{seq:05d}")  # nothing numbered this year yet
    number = invoice_on(koban, "2026-02-01")
    assert number == "FA2026-00001"
    refused(
        koban,
        ["company", "set", "--number-pattern", "{prefix}/{year}/{seq:04d}"],
        f"numbering can change only on an empty sequence or from a new year: {number} is already taken in 2026; "
        "change it on or after 2027-01-01",
    )
    assert koban("verify").stdout == "The ledger is sound: every check passed.\n"


def test_a_legacy_pattern_without_year_stops_with_an_error_then_goes_on_once_declared_global(koban):
    assert invoice_on(koban, "2025-06-01") == "FA-2025-0001"
    sql(koban, "UPDATE company SET number_pattern = '{prefix}-{seq:06d}'")  # as koban 0006 allowed
    ref = koban.json("invoice", "create", "--customer", "ACME", "--date", "2026-01-05")["ref"]
    koban("invoice", "add-line", ref, "--product", "DAY")
    refused(
        koban,
        ["invoice", "validate", ref, "--date", "2026-01-05"],
        'number pattern "{prefix}-{seq:06d}" has no {year}: numbers would come back every year; '
        "add {year}, or declare one sequence for all years with --global-sequence",
    )
    koban("company", "set", "--global-sequence")
    assert koban.json("invoice", "validate", ref, "--date", "2026-01-05")["number"] == "FA-000001"
    assert koban("verify").stdout == "The ledger is sound: every check passed.\n"
