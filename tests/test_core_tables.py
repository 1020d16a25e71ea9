"""The Core views of db/tables.py name real columns of the models, stored the same way."""

from sqlalchemy import BigInteger, Boolean, Date, DateTime
from sqlmodel import SQLModel

from koban_cli.db import models  # noqa: F401  (declares the tables)
from koban_cli.db.tables import ALL
from koban_cli.db.types import Scaled


def test_every_core_column_is_a_model_column_stored_the_same_way():
    for view in ALL:
        model = SQLModel.metadata.tables[view.name]
        for col in view.columns:
            assert col.name in model.columns, f"{view.name}.{col.name} is not in the models"
            cents = isinstance(model.columns[col.name].type, Scaled)
            assert isinstance(col.type, BigInteger) == cents, f"{view.name}.{col.name}: cents on one side only"
            stored = model.columns[col.name].type
            stored = getattr(stored, "impl", stored)  # a TypeDecorator (SQLModel's UTCDateTime) stores its impl
            for kind in (Date, DateTime, Boolean):
                same = isinstance(col.type, kind) == isinstance(stored, kind)
                assert same, f"{view.name}.{col.name}: a {kind.__name__} on one side only"
