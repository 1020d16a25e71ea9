"""koban: order-to-cash for small businesses over one local ledger."""

__version__ = "0.1.0"
