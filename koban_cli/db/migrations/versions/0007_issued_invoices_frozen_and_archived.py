"""issued invoices: snapshot, chain versions, per-sequence patterns, archive, protected payments

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28

- invoice.snapshot: what a validated invoice prints (seller, buyer, terms,
  mentions, language). Invoices validated before this revision get a snapshot
  taken HERE, from the company and customers as they are at migration time
  (marked "frozen": "migration 0007"); their chain links keep version 1
  (chain_version NULL), so `verify` re-checks them exactly as they were made.
- invoice.chain_version: how each link was computed (see domain/integrity.py).
- number_sequence.pattern/prefix: the pattern each sequence started with.
- company.global_sequence.
- invoice_archive: the issued Factur-X file of each validated invoice.
- SQLite: triggers refuse any UPDATE or DELETE of a payment or an archived
  file; `invoice_validated_update` becomes `invoice_issued_update`, which also
  refuses a change of the snapshot or the chain version.

Self-contained on purpose: it imports nothing from koban, so it stays what it
was whatever later code does.
"""

import json
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

DEFAULT_PATTERN = "{prefix}-{year}-{seq:04d}"
DEFAULT_PREFIXES = {
    "quote": "DE",
    "order": "CO",
    "invoice": "FA",
    "credit_note": "AV",
    "delivery": "BL",
    "contract": "AB",
    "project": "AF",
    "purchase": "CF",
}
SELLER = (
    "name", "address", "postcode", "city", "country", "siren", "vat_number", "iban", "bic", "email", "phone",
    "legal_form", "capital", "rcs", "logo", "payment_terms_days", "late_penalty_rate", "vat_exempt", "template_dir",
)  # fmt: skip
BUYER = ("code", "name", "email", "address", "postcode", "city", "country", "siren", "vat_number", "payment_terms_days")

_MESSAGE = "validated invoices are immutable; correct them with a credit note"
_PAYMENTS = "payments are never changed or deleted; record a refund or a credit note instead"
_ARCHIVE = "archived invoice files are never changed or deleted"
_WATCHED = (
    "number", "kind", "date", "due_date", "customer_id", "order_id", "credited_invoice_id", "contract_id",
    "net", "tax", "gross", "status", "chain_index", "chain_hash", "note", "chain_version", "snapshot",
)  # fmt: skip
_CHANGED = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in _WATCHED)
TRIGGERS = {
    "invoice_issued_update": "CREATE TRIGGER invoice_issued_update BEFORE UPDATE ON invoice "
    f"WHEN OLD.status = 'validated' AND ({_CHANGED}) BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END",
    "payment_update": "CREATE TRIGGER payment_update BEFORE UPDATE ON payment "
    f"BEGIN SELECT RAISE(ABORT, '{_PAYMENTS}'); END",
    "payment_delete": "CREATE TRIGGER payment_delete BEFORE DELETE ON payment "
    f"BEGIN SELECT RAISE(ABORT, '{_PAYMENTS}'); END",
    "invoice_archive_update": "CREATE TRIGGER invoice_archive_update BEFORE UPDATE ON invoice_archive "
    f"BEGIN SELECT RAISE(ABORT, '{_ARCHIVE}'); END",
    "invoice_archive_delete": "CREATE TRIGGER invoice_archive_delete BEFORE DELETE ON invoice_archive "
    f"BEGIN SELECT RAISE(ABORT, '{_ARCHIVE}'); END",
}


def _rate(hundredths):
    if hundredths is None:
        return None
    text = f"{Decimal(int(hundredths)).scaleb(-2):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _snapshots(bind) -> None:
    company = bind.execute(sa.text("SELECT * FROM company WHERE id = 1")).mappings().first()
    seller = {key: (company[key] if company else None) for key in SELLER}
    if company is None:
        seller |= {"country": "FR", "payment_terms_days": 30, "vat_exempt": False}
        seller |= {
            k: "" for k, v in seller.items() if v is None and k not in ("logo", "template_dir", "late_penalty_rate")
        }
    seller["late_penalty_rate"] = _rate(seller["late_penalty_rate"])
    seller["vat_exempt"] = bool(seller["vat_exempt"])
    customers = {
        row["id"]: {key: row[key] for key in BUYER}
        for row in bind.execute(sa.text("SELECT * FROM customer")).mappings()
    }
    rows = bind.execute(sa.text("SELECT id, customer_id FROM invoice WHERE status = 'validated'")).all()
    for invoice_id, customer_id in rows:
        snapshot = {"frozen": "migration 0007", "seller": seller, "buyer": customers[customer_id], "lang": "fr"}
        bind.execute(
            sa.text("UPDATE invoice SET snapshot = :s WHERE id = :id"),
            {"s": json.dumps(snapshot, ensure_ascii=False, sort_keys=True), "id": invoice_id},
        )


def _sequence_patterns(bind) -> None:
    company = bind.execute(sa.text("SELECT number_pattern, prefixes FROM company WHERE id = 1")).first()
    pattern = company[0] if company else DEFAULT_PATTERN
    prefixes = DEFAULT_PREFIXES | json.loads((company[1] if company else None) or "{}")
    for kind, prefix in prefixes.items():
        bind.execute(
            sa.text("UPDATE number_sequence SET pattern = :p, prefix = :x WHERE kind = :k"),
            {"p": pattern, "x": prefix, "k": kind},
        )


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    op.add_column("company", sa.Column("global_sequence", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("number_sequence", sa.Column("pattern", sa.String(), nullable=True))
    op.add_column("number_sequence", sa.Column("prefix", sa.String(), nullable=True))
    op.add_column("invoice", sa.Column("chain_version", sa.Integer(), nullable=True))
    op.add_column("invoice", sa.Column("snapshot", sa.Text(), nullable=True))
    op.create_table(
        "invoice_archive",
        sa.Column("invoice_id", sa.Integer(), sa.ForeignKey("invoice.id"), primary_key=True, autoincrement=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("lang", sa.String(), nullable=False),
        sa.Column("file", sa.String(), nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("archived_at", sa.DateTime(), nullable=False),
    )
    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS invoice_validated_update")
    _snapshots(bind)
    _sequence_patterns(bind)
    if sqlite:
        for sql in TRIGGERS.values():
            op.execute(sql)


def downgrade() -> None:
    bind = op.get_bind()
    kept = []
    if bind.dialect.name == "sqlite":  # batch mode rebuilds tables, which their triggers would not survive
        kept = bind.execute(sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
        for name, _ in kept:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("invoice_archive")
    with op.batch_alter_table("invoice") as batch_op:
        batch_op.drop_column("snapshot")
        batch_op.drop_column("chain_version")
    with op.batch_alter_table("number_sequence") as batch_op:
        batch_op.drop_column("prefix")
        batch_op.drop_column("pattern")
    with op.batch_alter_table("company") as batch_op:
        batch_op.drop_column("global_sequence")
    for name, sql in kept:
        if name not in TRIGGERS:
            op.execute(sql)
    if kept:  # what 0006 installed: the invoice trigger without the columns this revision added
        watched = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in _WATCHED[:-2])
        op.execute(
            "CREATE TRIGGER invoice_validated_update BEFORE UPDATE ON invoice "
            f"WHEN OLD.status = 'validated' AND ({watched}) BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END"
        )
