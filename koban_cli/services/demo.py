"""A sample ledger that walks the whole cycle, for a new user's first run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal as D

from dateutil.relativedelta import relativedelta

from koban_cli.db.engine import Ledger
from koban_cli.domain.kinds import InvoiceKind
from koban_cli.domain.money import Money
from koban_cli.services import parties, products
from koban_cli.services.contracts import bill_due
from koban_cli.services.contracts import manage as contracts
from koban_cli.services.invoicing import drafts as invoicing
from koban_cli.services.invoicing import editing
from koban_cli.services.invoicing import lifecycle as invoices
from koban_cli.services.invoicing import view as invoice_view
from koban_cli.services.lines import LineInput
from koban_cli.services.operations import projects, purchases, stock
from koban_cli.services.orders import deliveries, quotes
from koban_cli.services.orders import manage as orders
from koban_cli.services.orders import schedule as order_schedule
from koban_cli.services.payments import paying


@dataclass(frozen=True, slots=True)
class DemoMade:
    """The numbers of what the demo story made, in the order it made them."""

    quote: str
    orders: tuple[str, ...]
    invoices: tuple[str, ...]
    credit_notes: tuple[str, ...]
    contracts: tuple[str, ...]
    deliveries: tuple[str, ...]
    projects: tuple[str, ...]


def build(ledger: Ledger, today: dt.date) -> DemoMade:
    """Fill an empty ledger; returns the references of what the story made."""
    day = lambda n: today - dt.timedelta(days=n)  # noqa: E731 - a story told in days before today
    parties.set_company(
        ledger,
        name="Atelier Lumière SARL",
        address="12 rue des Artisans",
        postcode="69002",
        city="Lyon",
        siren="123456782",
        vat_number="FR11123456782",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
        email="contact@atelier-lumiere.example",
        phone="04 78 00 00 00",
        legal_form="SARL",
        capital="10 000 €",
        rcs="RCS Lyon 123 456 789",
        payment_terms_days=30,
        late_penalty_rate=D("12.37"),
    )
    parties.add_customer(
        ledger,
        "ACME",
        name="ACME Industries SAS",
        email="compta@acme.example",
        address="5 avenue de la Gare",
        postcode="75010",
        city="Paris",
        siren="552100554",
        vat_number="FR96552100554",
        payment_terms_days=45,
    )
    parties.add_customer(
        ledger,
        "BISTRO",
        name="Le Petit Bistro",
        email="patron@bistro.example",
        address="3 place du Marché",
        postcode="69001",
        city="Lyon",
        siren="732829320",
    )
    parties.add_supplier(ledger, "ECRANS", "Écrans & Co", "ventes@ecrans.example")
    products.add_product(
        ledger, "CONSEIL", "Journée de conseil", eur("650.00"), D(20), "service", unit="day", cost=eur("300")
    )
    products.add_product(ledger, "DEV", "Développement sur mesure", eur("500.00"), D(20), "service", unit="day")
    products.add_product(
        ledger, "ECRAN", "Écran 27 pouces", eur("249.90"), D(20), "goods", cost=eur("180.00"), alert_below=D(5)
    )
    products.add_product(ledger, "LIVRE", "Manuel utilisateur imprimé", eur("35.00"), D("5.5"), "goods")
    products.add_product(
        ledger, "HEBERG", "Hébergement et maintenance", eur("49.00"), D(20), "subscription", period="monthly"
    )

    quote = quotes.create(ledger, "ACME", day(125), note="Équipement et accompagnement du bureau d'études").number
    for spec in (
        LineInput(text="Phase 1 : matériel"),
        LineInput(product="ECRAN", qty=D(4), discount=D(10), comment="Livrés et installés sur site"),
        LineInput(product="LIVRE", qty=D(10)),
        LineInput(text="Phase 2 : accompagnement"),
        LineInput(product="CONSEIL", qty=D(5)),
        LineInput(product="HEBERG", qty=D(1), comment="Premier mois, avec la commande ; la suite par abonnement"),
    ):
        quotes.add_line(ledger, quote, spec)
    quotes.send(ledger, quote)
    accepted = day(115)
    order = quotes.accept(ledger, quote, accepted).number
    made = []
    deposit = invoicing.deposit(ledger, order, accepted, percent=D(30)).ref
    made.append(invoices.validate(ledger, deposit, day(114)).number)
    paying.pay(ledger, made[-1], _gross(ledger, made[-1]), day(100), "virement")
    # The order bills the first month; the contract bills the months after it.
    contract = contracts.create(ledger, accepted + relativedelta(months=1), from_order=order, auto=True).number
    made += [row.invoice for row in bill_due.bill_due(ledger, day(80)).periods]
    made += [row.invoice for row in bill_due.bill_due(ledger, day(50)).periods]
    project = projects.create(ledger, accepted, from_order=order, name="Bureau d'études ACME").number
    projects.add_task(ledger, project, "Installer les écrans", due=day(60), assignee="Marie", hours=D(6))
    projects.add_task(
        ledger, project, "Former l'équipe", due=today + relativedelta(days=10), assignee="Paul", hours=D(14)
    )
    projects.set_rate(ledger, "Marie", eur("42.00"))
    projects.log_time(ledger, project, D("5.5"), day(60), who="Marie", task=1, note="Installation")
    projects.done(ledger, project, 1, day(60))
    projects.log_time(ledger, project, D(7), day(30), rate=eur("55.00"), who="Paul", task=2)
    purchase = purchases.create(
        ledger, project, "ECRANS", day(118), product="ECRAN", qty=D(4), cost=eur("180.00"), supplier_ref="ECR-88121"
    ).number
    purchases.receive(ledger, purchase, day(112))
    stock.move_in(ledger, "ECRAN", D(6), day(118), cost=eur("180.00"), note="Stock de départ")
    stock.move_in(ledger, "LIVRE", D(40), day(118), note="Imprimeur")
    shipped = deliveries.create(ledger, order, day(31), picks={2: D(2), 3: D(10)}).ref
    delivery = deliveries.validate(ledger, shipped, day(31)).number
    partial = invoicing.partial(ledger, order, day(30), picks={2: D(2), 5: D(3)}).ref
    made.append(invoices.validate(ledger, partial, day(30)).number)
    other = orders.create(ledger, "BISTRO", day(40), customer_ref="BC-2026-17").number
    orders.add_line(ledger, other, LineInput(product="DEV", qty=D(8)))
    orders.add_line(ledger, other, LineInput(description="Formation de l'équipe", price=eur("400.00"), vat=D(20)))
    orders.validate(ledger, other)
    order_schedule.schedule(ledger, other, day(20), percent=D(40), label="Livraison du module 1")
    order_schedule.schedule(ledger, other, day(10), amount=eur("1200.00"), label="Recette du module 2")
    order_schedule.schedule(
        ledger,
        other,
        today + relativedelta(months=2),
        kind=InvoiceKind.BALANCE,
        amount=eur("1440.00"),
        label="Solde après formation",
    )
    (progress,) = [made.ref for made in order_schedule.from_plan(ledger, other, day(20))]
    progress_number = invoices.validate(ledger, progress, day(20)).number
    made.append(progress_number)
    made += [row.invoice for row in bill_due.bill_due(ledger, day(20)).periods]
    final = invoicing.balance(ledger, order, day(5)).ref
    made.append(invoices.validate(ledger, final, day(5)).number)
    correction = invoices.credit(ledger, progress_number, day(3), amount=eur("100.00"), reason="Geste commercial").ref
    credit_note = invoices.validate(ledger, correction, day(3)).number

    standalone = invoicing.create(ledger, "BISTRO", today).ref
    editing.add_line(ledger, standalone, LineInput(product="CONSEIL", qty=D("0.5")))
    made.append(invoices.validate(ledger, standalone, today).number)
    return DemoMade(
        quote=quote,
        orders=(order, other),
        invoices=tuple(made),
        credit_notes=(credit_note,),
        contracts=(contract,),
        deliveries=(delivery,),
        projects=(project,),
    )


def documents(ledger: Ledger, made: DemoMade) -> list[dict]:
    """The context of every document the story made, ready to render."""
    from koban_cli.services import documents as contexts

    return (
        [contexts.quote_context(ledger, made.quote)]
        + [contexts.order_context(ledger, number) for number in made.orders]
        + [contexts.invoice_context(ledger, number) for number in made.invoices + made.credit_notes]
        + [contexts.contract_context(ledger, number) for number in made.contracts]
        + [contexts.delivery_context(ledger, number) for number in made.deliveries]
    )


def eur(text: str) -> Money:
    """An amount the demo types, as the option's parser gives it."""
    return Money(D(text))


def _gross(ledger: Ledger, number: str) -> Money:
    return invoice_view.show(ledger, number, dt.date.today()).gross
