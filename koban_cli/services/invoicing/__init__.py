"""Invoices: drafting, issuing, the life after validation, what is billed, listing and showing, sending."""
