"""CSV imports from real spreadsheets: all rows or none, every error named."""

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import dump

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
