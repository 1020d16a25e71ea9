"""Looking after the ledger: verify, backup and restore, copy between databases, anchor, seal, the archive."""
