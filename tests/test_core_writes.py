"""Write commands that run on SQLAlchemy Core over the generated tables: their processes never import the ORM."""

import pytest
from startup import ORM, imported


@pytest.mark.slow  # fresh processes
def test_recording_a_payment_starts_without_orm_or_pydantic(koban):
    ref = koban.json("invoice", "create", "--customer", "ACME")["ref"]
    koban("invoice", "add-line", ref, "--product", "DAY")
    number = koban.json("invoice", "validate", ref)["number"]
    modules = imported(koban.db, "invoice", "pay", number, "--amount", "10.00", "--format", "json")
    assert "sqlalchemy" in modules
    assert not ORM & modules, sorted(ORM & modules)
    assert koban.json("invoice", "show", number)["paid"] == "10.00"
