"""Exact decimals in SQLite: scaled integers, never floats.

Money is stored in cents, quantities in thousandths, rates in hundredths of a
percent. Integers keep SUM() exact in SQL, so reports aggregate in the
database without losing a cent.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.types import BigInteger, DateTime, TypeDecorator


class Scaled(TypeDecorator):
    impl = BigInteger
    cache_ok = True

    def __init__(self, places: int):
        super().__init__()
        self.places = places
        self._factor = 10**places
        self._read: dict = {}  # stored integer -> its Decimal (immutable, so shared)

    def process_bind_param(self, value, dialect):
        return self.stored(value)

    def stored(self, value):
        """The integer a value is stored as (None stays None): what binding it does, callable without
        SQLAlchemy per value (a bulk import converts its rows with it, services/imports/kinds.py)."""
        if value is None:
            return None
        if type(value) is int and -_EXACT < value < _EXACT:  # a whole number: no decimals to check
            return value * self._factor
        # Decimal(value) of a Decimal is the same value: the copy is skipped
        scaled = (value if type(value) is Decimal else Decimal(value)).scaleb(self.places)
        integer = int(scaled)
        if integer != scaled:
            raise ValueError(f"{value} has more than {self.places} decimals")
        return integer

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        read = self._read.get(value)  # columns repeat values (prices, quantities, rates): each made once
        if read is None:
            read = Decimal(int(value)).scaleb(-self.places)
            if len(self._read) >= 4096:
                self._read.clear()
            self._read[value] = read
        return read


_EXACT = 10**18  # below this, a whole number scaled is exact in any decimal context (28 digits by default)


MoneyColumn = Scaled(2)
QuantityColumn = Scaled(3)
RateColumn = Scaled(2)


class UTCMoment(TypeDecorator):
    """A moment as the models store it (SQLModel's UTCDateTime), for Core reads: aware, in UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else value.astimezone(dt.timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=dt.timezone.utc) if value.utcoffset() is None else value.astimezone(dt.timezone.utc)
