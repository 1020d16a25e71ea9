"""Pure business rules on plain values: no database, no CLI, no rendering."""
