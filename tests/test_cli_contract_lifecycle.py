"""Contracts from start to end: renewals counted from the start, clean endings, drafts that can be undone."""

import datetime as dt
from decimal import Decimal as D

import pytest
from conftest import refused


@pytest.fixture
def order(koban):
    number = koban.json("order", "create", "--customer", "ACME", "--date", "2026-01-10")["number"]
    koban("order", "add-line", number, "--product", "HOST", "--qty", "2")
    koban("order", "add-line", number, "--product", "DAY")
    koban("order", "validate", number)
    return number


def contract(koban, *args, start="2026-01-01"):
    number = koban.json("contract", "create", "--customer", "ACME", "--start", start, *args)["number"]
    koban("contract", "add-line", number, "--product", "HOST")
    return number


def test_deleting_a_manual_bill_due_draft_makes_its_period_due_again(koban):
    number = contract(koban, "--manual")
    (row,) = koban.json("contract", "bill-due", "--as-of", "2026-01-01")
    koban("invoice", "delete", row["invoice"])
    (again,) = koban.json("contract", "bill-due", "--as-of", "2026-01-01")
    assert (again["contract"], again["period_start"]) == (number, "2026-01-01")


def test_deleting_a_from_plan_draft_makes_its_entry_due_again(koban, order):
    koban("order", "schedule", order, "--date", "2026-02-01", "--amount", "100", "--kind", "deposit")
    (drafted,) = koban.json("invoice", "from-plan", order, "--as-of", "2026-02-01")
    koban("invoice", "delete", drafted["ref"])
    assert koban.json("order", "schedule", order, "--list")[0]["invoice"] is None
    assert len(koban.json("invoice", "from-plan", order, "--as-of", "2026-02-01")) == 1


def test_from_plan_drafts_every_due_entry_or_none(koban, order):
    koban("order", "schedule", order, "--date", "2026-02-01", "--percent", "30", "--kind", "deposit")
    koban("order", "schedule", order, "--date", "2026-02-02", "--percent", "70", "--kind", "balance")
    result = koban("invoice", "from-plan", order, "--as-of", "2026-03-01", ok=False)
    assert result.exit_code == 1 and "nothing was drafted" in result.stderr
    assert koban.json("invoice", "list", "--order", order) == []
    assert all(entry["invoice"] is None for entry in koban.json("order", "schedule", order, "--list"))


def test_a_monthly_engagement_from_the_31st_renews_on_period_ends(koban):
    number = contract(koban, "--months", "1", start="2027-01-31")
    ends = [koban.json("contract", "show", number, "--as-of", f"2027-0{m}-01")["end"] for m in range(2, 7)]
    assert ends == ["2027-02-27", "2027-03-30", "2027-04-29", "2027-05-30", "2027-06-29"]
    (renewal,) = koban.json("contract", "renewals", "--as-of", "2027-05-01", "--within", "30")
    assert renewal["end"] == "2027-05-30"


def test_terminating_only_ever_shortens_a_contract(koban):
    number = contract(koban, "--no-renew", "--months", "6")  # ends 2026-06-30
    refused(
        koban,
        ["contract", "terminate", number, "--on", "2026-09-30", "--as-of", "2026-01-01", "--force"],
        f"{number} already ends on 2026-06-30; terminating only ever shortens a contract",
    )


def test_ending_inside_a_period_billed_in_advance_drafts_the_credit_for_the_unused_days(koban):
    number = contract(koban, "--auto", "--every", "quarterly")
    (row,) = koban.json("contract", "bill-due", "--as-of", "2026-01-01")  # 147.00 for January to March
    result = koban.json("contract", "terminate", number, "--on", "2026-01-31", "--as-of", "2026-01-02", "--force")
    credit = koban.json("invoice", "show", result["credit_note"])
    (line,) = credit["lines"]
    assert (credit["kind"], credit["credits"], line["qty"]) == ("credit_note", row["invoice"], "1")
    assert line["net"] == str((D("147.00") * 59 / 90).quantize(D("0.01")))  # February and March, 59 of 90 days
    assert "résiliation au 31/01/2026 : 59/90 jours non consommés" in line["description"]
    assert koban.json("contract", "bill-due", "--as-of", "2026-06-01") == []


def test_a_termination_not_yet_passed_can_be_undone(koban):
    number = contract(koban)
    koban("contract", "terminate", number, "--on", "2026-06-30", "--as-of", "2026-01-01", "--force")
    koban("contract", "terminate", number, "--undo", "--as-of", "2026-03-01")
    assert koban.json("contract", "show", number, "--as-of", "2026-03-01")["status"] == "active"
    koban("contract", "terminate", number, "--on", "2026-02-28", "--as-of", "2026-01-01", "--force")
    refused(
        koban,
        ["contract", "terminate", number, "--undo", "--as-of", "2026-03-01"],
        f"{number} ended on 2026-02-28; a termination that has passed stays",
    )


def test_lines_change_for_future_periods_and_a_contract_made_by_mistake_is_cancelled(koban):
    number = contract(koban, "--auto")
    koban("contract", "add-line", number, "--product", "DAY", "--qty", "2")
    koban("contract", "set-line", number, "1", "--qty", "3", "--price", "40")
    koban("contract", "remove-line", number, "2")
    lines = koban.json("contract", "show", number, "--as-of", "2026-01-01")["lines"]
    assert [(l["product"], l["qty"], l["unit_price"], l["net"]) for l in lines] == [("HOST", "3", "40.00", "120.00")]
    other = contract(koban)
    koban("contract", "cancel", other)
    assert koban.json("contract", "show", other, "--as-of", "2026-03-01")["status"] == "cancelled"
    assert [row["contract"] for row in koban.json("contract", "bill-due", "--as-of", "2026-01-01")] == [number]
    refused(
        koban,
        ["contract", "cancel", number],
        f"{number} has billed the period starting 2026-01-01; terminate it instead (koban contract terminate)",
    )


def test_reprice_lowers_a_price_too(koban):
    number = contract(koban, "--auto")
    koban("contract", "reprice", number, "--percent", "-5", "--from", "2026-02-01")
    rows = koban.json("contract", "bill-due", "--as-of", "2026-02-01")
    assert [r["net"] for r in rows] == ["49.00", "46.55"]


def test_a_typed_price_is_per_billing_period_of_the_contract(koban):
    number = koban.json(
        "contract", "create", "--customer", "ACME", "--start", "2026-01-01", "--every", "yearly", "--auto"
    )["number"]
    koban("contract", "add-line", number, "--description", "Support", "--price", "100", "--vat", "20")
    (row,) = koban.json("contract", "bill-due", "--as-of", "2026-01-01")
    assert row["net"] == "100.00"


def test_a_yearly_price_billed_monthly_sums_to_the_price(koban):
    koban(
        "product",
        "add",
        "LIC",
        "--name",
        "Licence",
        "--price",
        "1000",
        "--vat",
        "20",
        "--kind",
        "subscription",
        "--period",
        "yearly",
    )
    number = koban.json(
        "contract",
        "create",
        "--customer",
        "ACME",
        "--start",
        "2025-01-01",
        "--every",
        "monthly",
        "--months",
        "12",
        "--no-renew",
        "--auto",
    )["number"]
    koban("contract", "add-line", number, "--product", "LIC")
    rows = koban.json("contract", "bill-due", "--as-of", "2025-12-01")
    assert len(rows) == 12 and sum(D(r["net"]) for r in rows) == D("1000.00")


def test_one_active_contract_per_order_and_its_lines_leave_the_order(koban, order):
    first = koban.json("contract", "create", "--from-order", order, "--start", "2026-02-01")["number"]
    refused(
        koban,
        ["contract", "create", "--from-order", order],
        f"{order} already has active contract {first} billing its subscription lines; use --force to make a second one",
    )
    view = koban.json("order", "show", order)
    assert (view["remaining"], view["lines_remaining"]) == ("650.00", "650.00")  # the day of consulting only
    assert [r["remaining"] for r in koban.json("order", "list") if r["number"] == order] == ["650.00"]
    koban("invoice", "validate", koban.json("invoice", "balance", order)["ref"], "--date", "2026-01-20")
    assert koban.json("order", "show", order)["status"] == "invoiced"
    refused(koban, ["order", "cancel", order], f"{order} has active contract {first}; terminate or cancel it first")


def test_goods_are_refused_on_contracts(koban):
    number = koban.json("contract", "create", "--customer", "ACME")["number"]
    refused(
        koban,
        ["contract", "add-line", number, "--product", "SCREEN"],
        "SCREEN is goods, delivered from stock; a contract bills services and subscriptions",
    )


def test_dry_run_and_real_run_report_a_contract_without_lines_alike(koban):
    number = koban.json("contract", "create", "--customer", "ACME", "--start", "2026-01-01")["number"]
    dry = koban("contract", "bill-due", "--as-of", "2026-01-01", "--dry-run", "--format", "json", ok=False)
    real = koban("contract", "bill-due", "--as-of", "2026-01-01", "--format", "json", ok=False)
    expected = f"Error: {number}: {number} has no line to bill (koban contract add-line {number} …)\n"
    assert (dry.exit_code, dry.stdout.strip(), dry.stderr) == (real.exit_code, real.stdout.strip(), real.stderr)
    assert (real.exit_code, real.stderr) == (1, expected)


def test_contract_show_gives_the_next_period_as_it_will_be_billed(koban):
    number = contract(koban, "--auto")
    koban("contract", "terminate", number, "--on", "2026-01-15", "--as-of", "2026-01-01", "--force")
    view = koban.json("contract", "show", number, "--as-of", "2026-01-01")
    assert (view["next_period_start"], view["next_period_end"], view["next_period_net"]) == (
        "2026-01-01",
        "2026-01-15",
        "23.71",
    )
    table = koban("contract", "show", number, "--as-of", "2026-01-01").stdout
    assert "renew: yes" in table and "True" not in table and "{" not in table


def test_the_forecast_shows_periods_due_and_not_billed_in_the_current_period(koban):
    number = contract(koban, "--auto", start="2026-10-01")
    result = koban.json("invoice", "forecast", "--as-of", "2026-11-27")
    assert result["periods"][0] == {"period": "2026-11", "orders": "0.00", "contracts": "98.00", "total": "98.00"}
    assert [(row["contract"], row["date"]) for row in result["late"]] == [
        (number, "2026-10-01"),
        (number, "2026-11-01"),
    ]


def test_invoice_send_refuses_a_missing_invoice_and_a_draft(koban):
    refused(
        koban, ["invoice", "send", "FA-2099-0001"], 'invoice "FA-2099-0001" does not exist (see: koban invoice list)'
    )
    ref = koban.json("invoice", "create", "--customer", "ACME")["ref"]
    refused(koban, ["invoice", "send", ref], f"{ref} is a draft; validate it before sending it")


def test_bill_due_send_without_email_settings_validates_and_says_so(koban, monkeypatch, tmp_path):
    monkeypatch.setenv("KOBAN_CONFIG", str(tmp_path / "none.toml"))
    for name in ("KOBAN_SMTP_HOST", "KOBAN_SMTP_FROM"):
        monkeypatch.delenv(name, raising=False)
    contract(koban, "--auto")
    result = koban("contract", "bill-due", "--as-of", "2026-01-01", "--send", ok=False)
    assert result.exit_code == 1 and "email is not configured" in result.stderr
    (invoice,) = koban.json("invoice", "list")
    assert (invoice["status"], invoice["sent_at"]) == ("validated", None)


def test_a_project_without_an_order_counts_its_invoices_and_a_purchase_can_be_cancelled(koban):
    project = koban.json("project", "create", "--customer", "ACME", "--name", "Audit", "--budget", "5000")["number"]
    ref = koban.json("invoice", "create", "--project", project)["ref"]
    koban("invoice", "add-line", ref, "--product", "DAY", "--qty", "2")
    koban("invoice", "validate", ref, "--date", "2026-11-02")
    assert koban.json("project", "show", project)["invoiced"] == "1300.00"
    credit = koban.json("invoice", "credit", "FA-2026-0001", "--amount", "650", "--date", "2026-11-03")["ref"]
    assert koban.json("invoice", "show", credit)["project"] == project
    koban("invoice", "validate", credit, "--date", "2026-11-03")
    assert koban.json("project", "show", project)["invoiced"] == "650.00"
    koban("supplier", "add", "SUP", "--name", "Fournisseur")
    purchase = koban.json("project", "purchase", project, "--supplier", "SUP", "--amount", "300")["number"]
    koban("purchase", "cancel", purchase)
    assert koban.json("project", "show", project)["purchase_cost"] == "0.00"
    refused(koban, ["purchase", "receive", purchase], f"{purchase} is cancelled; only an ordered purchase is received")


def test_bill_due_never_dates_invoices_after_today_but_dry_run_looks_ahead(koban):
    contract(koban, "--auto")
    refused(
        koban,
        ["contract", "bill-due", "--as-of", "2999-01-01"],
        f"--as-of 2999-01-01 is after today ({dt.date.today()}): bill-due dates its invoices on it; "
        "use --dry-run to look ahead",
    )
    assert koban.json("contract", "bill-due", "--as-of", "2027-03-01", "--dry-run")[0]["status"] == "planned"
