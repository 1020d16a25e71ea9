"""Printing one invoice loads what rendering needs: no network client, no ORM, one XSD check."""

from __future__ import annotations

import pytest
from startup import import_chains

NETWORK_CLIENTS = ("requests", "urllib3", "httpx", "aiohttp")


def validated_invoice(koban) -> str:
    draft = koban.json("invoice", "create", "--customer", "ACME")["ref"]
    koban("invoice", "add-line", draft, "--product", "DAY", "--qty", "2")
    return koban.json("invoice", "validate", draft, "--date", "2026-11-27")["number"]


@pytest.mark.slow  # among the slowest (PDFs, the official rules): the full suite runs it, the quick tier not
def test_the_first_print_of_an_invoice_imports_no_network_client(koban, tmp_path):
    number = validated_invoice(koban)
    for output in ("first.pdf", "again.pdf"):  # the first print renders and archives; the next reads the archive
        imported = import_chains(koban.db, "invoice", "pdf", number, "-o", str(tmp_path / output))
        assert [name for name in imported if name.split(".")[0] in NETWORK_CLIENTS] == [], output
        # the standard library's HTTP client comes only with WeasyPrint's own URL fetcher (urllib.request)
        if "http.client" in imported:
            assert imported["http.client"][-1] == "weasyprint", imported["http.client"]


@pytest.mark.slow  # fresh processes
def test_printing_an_invoice_starts_without_orm_or_pydantic(koban, tmp_path):
    number = validated_invoice(koban)
    for output in ("first.pdf", "again.pdf"):
        imported = import_chains(koban.db, "invoice", "pdf", number, "-o", str(tmp_path / output))
        assert [m for m in ("sqlmodel", "pydantic", "koban_cli.db.models") if m in imported] == [], output
        # a validated invoice prints from what it froze: no order view, no invoice list
        unneeded = ("koban_cli.services.orders.view", "koban_cli.services.invoicing.listing")
        assert [m for m in unneeded if m in imported] == [], output


def test_the_xml_of_an_invoice_is_schema_checked_once_on_its_first_print(koban, tmp_path, monkeypatch):
    from lxml import etree

    from koban_cli.render import facturx

    checks, real = [], facturx._schema()

    class Schema:
        def assertValid(self, tree):  # noqa: N802 - lxml's name
            checks.append(tree)
            real.assertValid(tree)

    def no_other_schema(*args, **kwargs):
        raise AssertionError("an XSD was loaded outside render/facturx.py")

    monkeypatch.setattr(facturx, "_schema", Schema)
    monkeypatch.setattr(etree, "XMLSchema", no_other_schema)
    number = validated_invoice(koban)
    koban("invoice", "pdf", number, "-o", str(tmp_path / "first.pdf"))
    assert len(checks) == 1
    koban("invoice", "pdf", number, "-o", str(tmp_path / "again.pdf"))  # the archived original: not rendered again
    assert len(checks) == 1


def test_a_subcommand_is_built_alone_and_help_still_lists_them_all(koban, monkeypatch, tmp_path):
    """`koban invoice pdf` builds the pdf command only (each command costs the reading of its signature)."""
    import typer.main

    from koban_cli.cli.invoices import app as invoices

    built, real = [], typer.main.get_command_from_info

    def recorded(command_info, **kwargs):
        command = real(command_info, **kwargs)
        built.append(command.name)
        return command

    monkeypatch.setattr(typer.main, "get_command_from_info", recorded)
    number = validated_invoice(koban)
    invoice_commands = {
        info.name or typer.main.get_command_name(info.callback.__name__) for info in invoices.registered_commands
    }
    built.clear()
    koban("invoice", "pdf", number, "-o", str(tmp_path / "first.pdf"))
    assert [name for name in built if name in invoice_commands] == ["pdf"]
    built.clear()
    listed = koban("invoice", "--help").output
    assert set(built) >= invoice_commands and len(invoice_commands) > 10
    assert all(f"  {name} " in listed for name in invoice_commands)
    assert "'pdf'" in koban("invoice", "pdff", ok=False).output  # a typo is answered with the close names
