"""The one exception family of koban.

Every foreseeable failure is a KobanError: the CLI prints its message as
`Error: …` on stderr and exits 1. Messages name the offending value and,
where possible, what to do next.
"""


class KobanError(Exception):
    """A refused action or bad input; the ledger is left unchanged."""


class InvalidValue(KobanError):
    """A value typed by the user cannot be used (not a number, out of range…)."""


class NotFound(KobanError):
    """A code or reference names nothing in the ledger."""


def not_found(noun: str, value: str) -> NotFound:
    """`customer "C9" does not exist (see: koban customer list)`."""
    return NotFound(f'{noun} "{value}" does not exist (see: koban {noun} list)')


class AlreadyExists(KobanError):
    """A code or reference is already taken."""


class NotADraft(KobanError):
    """The document is validated (or closed) and can no longer be edited."""


class InvalidState(KobanError):
    """The document's status does not allow this action."""


class OverInvoicing(KobanError):
    """The invoice would bill more than the order (or line) has left."""


class OverCrediting(KobanError):
    """The credit note would credit more than the invoice has left."""


class SequenceOrder(KobanError):
    """Validating would put an invoice date before the previous number's."""


class OverDelivery(KobanError):
    """The delivery would deliver more than the order line has left."""


class InsufficientStock(KobanError):
    """Not enough goods on hand, and the company does not allow negative stock."""


class SchemaTooNew(KobanError):
    """The ledger was upgraded by a newer koban; this one leaves it alone."""
