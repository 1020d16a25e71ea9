"""Jinja2 documents: autoescaped, formatted with Babel for the document's language."""

from __future__ import annotations

import contextlib
from functools import lru_cache, partial
from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemBytecodeCache, FileSystemLoader, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

from koban_cli.domain.kinds import Status
from koban_cli.errors import KobanError
from koban_cli.render import cache, formatting, labels, mentions
from koban_cli.render.labels import LABELS


def template_dir() -> Path:
    """The shipped templates: inside the installed package, or the checkout's templates/ folder."""
    package = Path(__file__).resolve().parents[1]
    installed = package / "templates"
    return installed if (installed / "base.html").is_file() else package.parent / "templates"


def environment(lang: str, own_templates: str | None = None) -> SandboxedEnvironment:
    """Sandboxed: a company's own templates (a path stored in a shared ledger) must not reach Python or the shell."""
    folders = [FileSystemLoader(own_templates)] if own_templates else []
    env = SandboxedEnvironment(
        loader=ChoiceLoader(folders + [FileSystemLoader(str(template_dir()))]),
        autoescape=select_autoescape(["html"], default=True),
        bytecode_cache=_compiled(),
    )
    env.filters["money"] = partial(formatting.money, lang=lang)
    env.filters["number"] = partial(formatting.number, lang=lang)
    env.filters["date"] = partial(formatting.date, lang=lang)
    env.filters["identifier"] = mentions.identifier
    return env


class _Compiled(FileSystemBytecodeCache):
    """Templates compiled by an earlier run (compiling one takes longer than rendering it), checked against
    the template's source; a cache folder that cannot be read or written is done without."""

    def load_bytecode(self, bucket) -> None:
        with contextlib.suppress(OSError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


@lru_cache(maxsize=1)
def _compiled() -> _Compiled:
    folder = cache.folder() / "templates"
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return _Compiled(str(folder))


def render_html(context: dict, lang: str = "fr") -> str:
    company = context["company"]
    env = environment(lang, company.get("template_dir"))
    stylesheet = env.loader.get_source(env, "style.css")[0]
    doc = context.get("doc")  # a letter has none: its reminder and invoice instead
    title = labels.title(context, lang)
    logo = Path(company["logo"]).resolve().as_uri() if company.get("logo") else None
    name = f"{context['kind']}.html"
    try:
        return env.get_template(name).render(
            **(context | {"title": title, "ref": context.get("ref") or reference(doc)}),
            lang=lang,
            L=LABELS[lang],
            draft=getattr(doc, "status", None) == Status.DRAFT,
            stylesheet=stylesheet,
            logo=logo,
            **_reform(context, lang),
        )
    except KobanError:
        raise
    except Exception as exc:  # noqa: BLE001 - a company's template broken, failing, reaching outside the
        raise refused(exc, company.get("template_dir"), name) from None  # sandbox or testing a value as text


def reference(doc) -> str | None:
    """What names a document: its number, else its provisional reference."""
    return getattr(doc, "number", None) or getattr(doc, "ref", None)


def _reform(context: dict, lang: str) -> dict:
    """What the e-invoicing reform makes a page state: regimes' mentions, countries, delivery address, terms."""
    facts = context.get("facts")
    delivery = (facts or {}).get("delivery")
    days = context["customer"].get("payment_terms_days")  # the terms a draft gets at validation
    return {
        "delivery": delivery,
        "seller_country": mentions.foreign_country(context["company"].get("country"), lang),
        "buyer_country": mentions.foreign_country(context["customer"].get("country"), lang),
        "delivery_country": mentions.foreign_country(delivery["country"], lang) if delivery else None,
        "regime_mentions": mentions.regime_mentions(context, lang) if context["kind"] == "invoice" else [],
        "payment_terms_days": context["company"].get("payment_terms_days", 30) if days is None else days,
    }


def refused(exc: Exception, own_templates: str | None, name: str) -> KobanError:
    """A failing template as one error naming it (and its line, when known)."""
    own = Path(own_templates) / name if own_templates else None
    where = getattr(exc, "filename", None) or (str(own) if own and own.is_file() else name)
    line = f" line {exc.lineno}" if getattr(exc, "lineno", None) else ""
    reason = (str(getattr(exc, "message", None) or exc).strip().splitlines() or [type(exc).__name__])[0]
    return KobanError(f"the template {where}{line} cannot be rendered: {reason}")
