"""Bad input as a new user types it: one clear `Error:` line, exit 1, ledger untouched."""

import pytest
from conftest import refused


@pytest.fixture
def order(koban):
    number = koban.json("order", "create", "--customer", "ACME", "--date", "2026-01-05")["number"]
    koban("order", "add-line", number, "--product", "DAY", "--qty", "2")
    koban("order", "validate", number)
    return number


@pytest.mark.parametrize(
    "args, message",
    [
        (["quote", "create", "--customer", "NOPE"], 'customer "NOPE" does not exist (see: koban customer list)'),
        (
            ["quote", "create", "--customer", "ACME", "--date", "2026-13-01"],
            '--date "2026-13-01" is not a date (use YYYY-MM-DD or "today")',
        ),
        (["order", "show", "CO-2026-0099"], 'order "CO-2026-0099" does not exist (see: koban order list)'),
        (["invoice", "show", "FA-2026-0099"], 'invoice "FA-2026-0099" does not exist (see: koban invoice list)'),
        (
            ["customer", "add", "ACME", "--name", "Again"],
            'customer "ACME" already exists (use: koban customer edit ACME …)',
        ),
        (
            ["customer", "add", "NEW", "--name", "X", "--siren", "12"],
            'SIREN "12" must be 9 digits (or a 14-digit SIRET)',
        ),
        (["product", "add", "P1", "--name", "X", "--price", "-5", "--vat", "20"], '--price "-5" is negative'),
        (
            ["product", "add", "P1", "--name", "X", "--price", "5", "--vat", "20", "--kind", "gadget"],
            'kind "gadget" is not one of goods, service, subscription',
        ),
    ],
)
def test_master_data_errors_name_the_value(koban, args, message):
    refused(koban, args, message)


def test_line_errors_name_the_option_and_value(koban):
    quote = koban.json("quote", "create", "--customer", "ACME")["number"]
    refused(
        koban,
        ["quote", "add-line", quote, "--product", "NOPE"],
        'product "NOPE" does not exist (see: koban product list)',
    )
    refused(koban, ["quote", "add-line", quote, "--product", "DAY", "--qty", "abc"], '--qty "abc" is not a number')
    refused(koban, ["quote", "add-line", quote, "--product", "DAY", "--qty", "-2"], '--qty "-2" must be more than zero')
    refused(
        koban, ["quote", "add-line", quote, "--product", "DAY", "--qty", "1e9999"], '--qty "1e9999" is not a number'
    )
    refused(
        koban,
        ["quote", "add-line", quote, "--product", "DAY", "--discount", "120"],
        '--discount "120" must be between 0 and 100',
    )
    refused(
        koban,
        ["quote", "add-line", quote, "--description", "Audit", "--price", "10"],
        "a free line needs --vat (or use --product REF, or --text for a comment)",
    )
    refused(koban, ["quote", "remove-line", quote, "3"], f"{quote} has no line 3 (it has 0)")


def test_a_quote_is_accepted_once_and_never_when_refused_or_expired(koban):
    quote = koban.json("quote", "create", "--customer", "ACME", "--date", "2026-01-05", "--valid-until", "2026-01-31")[
        "number"
    ]
    koban("quote", "add-line", quote, "--product", "DAY")
    refused(
        koban,
        ["quote", "accept", quote, "--date", "2026-02-01"],
        f"{quote} expired on 2026-01-31; if it was accepted in time, use --date YYYY-MM-DD",
    )
    koban("quote", "accept", quote, "--date", "2026-01-20")
    refused(koban, ["quote", "accept", quote], f"{quote} is accepted; only a draft or sent quote can be accepted")
    other = koban.json("quote", "create", "--customer", "ACME")["number"]
    koban("quote", "refuse", other)
    refused(koban, ["quote", "accept", other], f"{other} is refused; only a draft or sent quote can be accepted")


def test_validated_order_lines_are_locked_and_a_cancelled_order_cannot_be_invoiced(koban, order):
    refused(
        koban,
        ["order", "add-line", order, "--product", "DAY"],
        f"{order} is validated: its lines, prices and quantities are locked",
    )
    koban("order", "cancel", order)
    refused(
        koban, ["invoice", "deposit", order, "--percent", "30"], f"{order} is cancelled; nothing can be invoiced on it"
    )


def test_over_invoicing_is_refused_with_the_amounts(koban, order):
    koban("invoice", "deposit", order, "--percent", "30")
    refused(
        koban,
        ["invoice", "partial", order, "--percent", "80"],
        f"{order}: 1040.00 more would invoice 1430.00, above the order's net 1300.00 (910.00 left, drafts included)",
    )
    refused(koban, ["invoice", "partial", order, "--line", "1=3"], f"line 1 of {order}: 3 asked, 2 left to invoice")
    refused(
        koban,
        ["invoice", "partial", order, "--percent", "10", "--amount", "5"],
        "give exactly one of --percent, --amount, --line",
    )


def test_validated_invoices_are_never_deleted_and_numbers_follow_dates(koban, order):
    ref = koban.json("invoice", "deposit", order, "--amount", "100")["ref"]
    koban("invoice", "validate", ref, "--date", "2026-02-10")
    refused(
        koban,
        ["invoice", "delete", "FA-2026-0001"],
        "FA-2026-0001 is validated and can never be deleted; correct it with a credit note "
        "(koban invoice credit FA-2026-0001)",
    )
    later = koban.json("invoice", "deposit", order, "--amount", "100")["ref"]
    refused(
        koban,
        ["invoice", "validate", later, "--date", "2026-02-09"],
        "date 2026-02-09 is before 2026-02-10, the date of FA-2026-0001; numbers follow dates: "
        "use --date 2026-02-10 or later",
    )
    refused(
        koban,
        ["invoice", "pay", "FA-2026-0001", "--amount", "500"],
        "500.00 is more than the 120.00 left to pay on FA-2026-0001",
    )
    refused(
        koban,
        ["invoice", "credit", "FA-2026-0001", "--amount", "101"],
        "FA-2026-0001 has 100.00 left to credit, 101.00 asked",
    )
    refused(
        koban,
        ["invoice", "add-line", "FA-2026-0001", "--product", "DAY"],
        "FA-2026-0001 is validated; correct it with a credit note (koban invoice credit FA-2026-0001)",
    )


def test_usage_errors_exit_2(koban):
    result = koban("invoice", "deposit", ok=False)
    assert result.exit_code == 2


def test_a_share_of_zero_percent_is_refused_in_a_correct_sentence(koban, order):
    refused(koban, ["invoice", "deposit", order, "--percent", "0"], '--percent "0" must be more than 0 and at most 100')
    refused(
        koban, ["invoice", "deposit", order, "--percent", "120"], '--percent "120" must be more than 0 and at most 100'
    )


def test_codes_in_any_alphabet_are_accepted_and_spaces_are_not(koban):
    koban("customer", "add", "ŒUF", "--name", "La Maison de l'Œuf")
    koban("supplier", "add", "ÇA-VA", "--name", "Ça va SARL")
    koban("product", "add", "ÉCRAN-27", "--name", "Écran", "--price", "249.90", "--vat", "20")
    koban("customer", "add", "E\u0301TE", "--name", "Été")  # typed with a combining accent: stored as "ÉTE"
    assert koban.json("customer", "show", "ŒUF")["name"] == "La Maison de l'Œuf"
    assert koban.json("product", "show", "ÉCRAN-27")["price"] == "249.90"
    assert [s["code"] for s in koban.json("supplier", "list")] == ["ÇA-VA"]
    assert koban.json("customer", "show", "\u00c9TE")["name"] == "Été"
    refused(
        koban,
        ["customer", "add", "ŒUF FRAIS", "--name", "X"],
        'customer code "ŒUF FRAIS" must be 1 to 35 letters, digits or . _ - / + (no spaces)',
    )
