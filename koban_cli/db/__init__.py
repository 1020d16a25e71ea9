"""The ledger: SQLModel tables, the engine and its pragmas, migrations."""
