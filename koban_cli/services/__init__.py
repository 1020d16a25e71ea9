"""Use cases. Each public function taking a `Ledger` is one transaction."""
