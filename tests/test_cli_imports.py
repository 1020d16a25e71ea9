"""CSV imports from real spreadsheets: all rows or none, every error named."""

import json
from pathlib import Path

import pytest
from conftest import dump
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES = Path(__file__).parents[1] / "examples"


def imported(koban, kind, path, *options, ok=True):
    return koban("import", kind, str(path), *options, "--format", "json", ok=ok)


def test_every_example_file_imports(koban):
    for kind, name in (
        ("customers", "clients"),
        ("products", "produits"),
        ("orders", "commandes"),
        ("contracts", "abonnements"),
        ("stock", "inventaire"),
    ):
        options = ("--update",) if kind in ("customers", "products") else ()
        result = json.loads(imported(koban, kind, EXAMPLES / f"{name}.csv", *options).stdout)
        assert result["errors"] == [] and result["created"] + result["updated"] > 0, kind
    koban("project", "create", "--from-order", "CO-2026-0001")
    assert json.loads(imported(koban, "time", EXAMPLES / "temps.csv").stdout)["created"] == 2
    order = koban.json("order", "show", "CO-2026-0001")
    assert (order["status"], order["net"], order["customer_ref"]) == ("validated", "2224.64", "PO-7781")
    assert koban.json("stock", "show", "ECRAN")[0]["on_hand"] == "12"
    assert koban.json("customer", "show", "ACME")["name"] == "ACME Industries SAS"  # from Windows-1252


def test_a_file_with_three_bad_rows_imports_nothing_and_names_all_three(koban, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "ref;name;price;vat\nOK1;Fine;10,00;20\nBAD1;Wrong price;abc;20\nOK2;Fine;5;20\n"
        "BAD2;Wrong VAT;5;150\n;No ref;5;20\n",
        encoding="utf-8",
    )
    before = dump(koban.db)
    result = imported(koban, "products", path, ok=False)
    assert result.exit_code == 1
    assert json.loads(result.stdout)["errors"] == [
        {"line": 3, "column": "price", "message": '"abc" is not a number'},
        {"line": 5, "column": "vat", "message": 'VAT rate "150" must be between 0 and 100'},
        {"line": 6, "column": "ref", "message": "is empty"},
    ]
    assert result.stderr.splitlines()[0] == 'Error: line 3, column "price": "abc" is not a number'
    assert dump(koban.db) == before


def test_reimporting_orders_changes_nothing_and_update_changes_prices(koban, tmp_path):
    imported(koban, "customers", EXAMPLES / "clients.csv", "--update")
    imported(koban, "products", EXAMPLES / "produits.csv", "--update")
    imported(koban, "orders", EXAMPLES / "commandes.csv")
    before = dump(koban.db)
    again = imported(koban, "orders", EXAMPLES / "commandes.csv", ok=False)
    assert json.loads(again.stdout)["errors"][0]["message"] == '"WEB-1001" was already imported as CO-2026-0001'
    assert dump(koban.db) == before
    prices = tmp_path / "prices.csv"
    prices.write_text('ref,name,price,vat\nECRAN,Écran 27 pouces,"259,90",20\n')
    refused = imported(koban, "products", prices, ok=False)
    assert json.loads(refused.stdout)["errors"][0]["message"] == 'product "ECRAN" already exists (use --update)'
    dry = json.loads(imported(koban, "products", prices, "--update", "--dry-run").stdout)
    assert (dry["created"], dry["updated"]) == (0, 1) and koban.json("product", "show", "ECRAN")["price"] == "249.90"
    imported(koban, "products", prices, "--update")
    assert koban.json("product", "show", "ECRAN")["price"] == "259.90"
    assert koban.json("product", "show", "ECRAN")["cost"] == "180.00"  # what the file does not say is kept


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "the file is not a CSV text file (it holds binary data)"),
        (b"hello world\n", 'line 1, column "ref": missing column (expected in the header: ref,qty)'),
    ],
)
def test_what_is_not_a_csv_gets_a_clear_error(koban, tmp_path, content, message):
    path = tmp_path / "file.csv"
    path.write_bytes(content)
    result = koban("import", "stock", str(path), ok=False)
    assert (result.exit_code, result.stderr.splitlines()[0]) == (1, f"Error: {message}")


def test_a_missing_file_and_the_template(koban, tmp_path):
    missing = koban("import", "orders", str(tmp_path / "nope.csv"), ok=False)
    assert missing.stderr == f'Error: cannot read "{tmp_path / "nope.csv"}": No such file or directory\n'
    assert (
        koban("import", "orders", "--template").stdout.strip()
        == "order_key,customer,product,description,qty,unit_price,discount,vat,date,customer_ref"
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.one_of(
        st.binary(max_size=300),
        st.lists(
            st.lists(
                st.sampled_from(
                    ["ECRAN", "x", "1,5", "-2", "", "20", "ref", "qty", ";", '"', "oui", "2026-13-01", "1e9", "é"]
                ),
                max_size=6,
            ),
            max_size=6,
        ).map(lambda rows: "\n".join(";".join(r) for r in rows).encode()),
    )
)
@pytest.mark.slow  # random files
def test_garbage_never_gives_a_traceback_or_a_partial_import(koban, tmp_path, data):
    path = tmp_path / "garbage.csv"
    path.write_bytes(data)
    for kind in ("products", "stock"):
        before = dump(koban.db)
        result = koban("import", kind, str(path), ok=False)
        assert result.exit_code in (0, 1), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        if result.exit_code == 1:
            assert result.stderr.startswith("Error: ") and dump(koban.db) == before


def write(tmp_path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def errors(result) -> list[tuple]:
    return [(e["line"], e["column"], e["message"]) for e in json.loads(result.stdout)["errors"]]


def test_a_price_list_of_ref_and_price_updates_prices_and_nothing_else(koban, tmp_path):
    koban("product", "edit", "SCREEN", "--cost", "180.00")
    before = koban.json("product", "show", "SCREEN")
    prices = write(tmp_path, "prices.csv", "ref;price\nSCREEN;259,90\nBOOK;36\n")
    assert json.loads(imported(koban, "products", prices, "--update").stdout) == {
        "created": 0,
        "updated": 2,
        "errors": [],
    }
    assert koban.json("product", "show", "SCREEN") == before | {"price": "259.90"}
    assert koban.json("product", "show", "BOOK")["price"] == "36.00"


def test_an_update_file_of_codes_and_cities_changes_only_the_cities(koban, tmp_path):
    koban("customer", "edit", "ACME", "--email", "compta@acme.example")
    before = koban.json("customer", "show", "ACME")
    cities = write(tmp_path, "villes.csv", "code;ville\nACME;Lyon\nBOB;\n")
    imported(koban, "customers", cities, "--update")
    assert koban.json("customer", "show", "ACME") == before | {"city": "Lyon"}
    assert koban.json("customer", "show", "BOB")["city"] is None  # an empty cell keeps what is stored


def test_a_new_row_in_an_update_file_names_every_required_column_it_lacks(koban, tmp_path):
    prices = write(tmp_path, "prices.csv", "ref;price;name\nSCREEN;259,90;\nNEW;10;\nNEWER;12;Gadget\n")
    before = dump(koban.db)
    result = imported(koban, "products", prices, "--update", ok=False)
    assert errors(result) == [
        (3, "name", 'is empty, and creating product "NEW" needs it'),
        (3, "vat", 'product "NEW" does not exist, and creating it needs this column'),
        (4, "vat", 'product "NEWER" does not exist, and creating it needs this column'),
    ]
    assert dump(koban.db) == before
    no_key = write(tmp_path, "villes.csv", "ville\nLyon\n")
    assert errors(imported(koban, "customers", no_key, "--update", ok=False)) == [
        (1, "code", "missing column (expected in the header: " + imports_template("customers") + ")")
    ]


def imports_template(kind: str) -> str:
    from koban_cli.services.imports import template

    return template(kind)


def test_a_product_counted_twice_in_one_stock_file_is_an_error_naming_both_lines(koban, tmp_path):
    counts = write(tmp_path, "inventaire.csv", "ref;qty\nSCREEN;10\nBOOK;3\nSCREEN;7\n")
    before = dump(koban.db)
    result = imported(koban, "stock", counts, ok=False)
    assert errors(result) == [(4, "ref", '"SCREEN" is already on line 2')]
    assert result.stderr.splitlines()[-1] == "Error: nothing was imported (1 problem)"
    assert dump(koban.db) == before


def test_a_bad_date_does_not_hide_an_unknown_customer_on_the_same_row(koban, tmp_path):
    orders = write(
        tmp_path,
        "commandes.csv",
        "order_key;customer;product;qty;date\nK1;NOPE;SCREEN;abc;2026-13-01\nK2;ACME;GONE;2;2026-01-05\n",
    )
    result = imported(koban, "orders", orders, ok=False)
    assert errors(result) == [
        (2, "qty", '"abc" is not a number'),
        (2, "date", '"2026-13-01" is not a date (YYYY-MM-DD, DD/MM/YYYY or a spreadsheet date number like 45658)'),
        (2, "customer", 'customer "NOPE" does not exist'),
        (3, "product", 'product "GONE" does not exist'),
    ]
    assert result.stderr.splitlines()[-1] == "Error: nothing was imported (4 problems)"


def test_a_contract_row_lists_its_notice_period_and_mode_problems_in_one_run(koban, tmp_path):
    contracts = write(
        tmp_path,
        "abonnements.csv",
        "customer;product;start;every;mode;notice_days\nACME;HOST;2026-12-01;weekly;sometimes;400\n",
    )
    before = dump(koban.db)
    assert errors(imported(koban, "contracts", contracts, ok=False)) == [
        (2, "notice_days", '"400" must be a whole number from 0 to 365'),
        (2, "every", 'period "weekly" is not one of monthly, quarterly, semiannual, yearly'),
        (2, "mode", '"sometimes" is not auto or manual'),
    ]
    assert dump(koban.db) == before


def test_spreadsheet_day_numbers_are_read_as_dates(koban, tmp_path):
    orders = write(
        tmp_path, "commandes.csv", "order_key;customer;product;date\nK1;ACME;DAY;45658\nK2;BOB;DAY;46353,5\n"
    )
    imported(koban, "orders", orders)
    first, second = koban.json("order", "show", "CO-2025-0001"), koban.json("order", "show", "CO-2026-0001")
    assert (first["customer"], first["date"], second["customer"], second["date"]) == (
        "ACME",
        "2025-01-01",
        "BOB",
        "2026-11-27",
    )


def test_a_code_in_any_alphabet_is_imported(koban, tmp_path):
    customers = write(tmp_path, "clients.csv", "code;nom\nŒUF;La Maison de l'Œuf\nMÜLLER;Müller GmbH\nA B;Espace\n")
    assert errors(imported(koban, "customers", customers, ok=False)) == [
        (4, "code", 'customer code "A B" must be 1 to 35 letters, digits or . _ - / + (no spaces)')
    ]
    customers.write_text("code;nom\nŒUF;La Maison de l'Œuf\nMÜLLER;Müller GmbH\n", encoding="utf-8")
    imported(koban, "customers", customers)
    assert koban.json("customer", "show", "ŒUF")["name"] == "La Maison de l'Œuf"
