"""Hostile files and places get nowhere: sandboxed templates, private files, no silent overwrite,
logos that are images, a full disk or a read-only ledger said plainly, SMTP in clear said aloud."""

import errno
import os
import socket
import stat

import pytest
from conftest import Koban, refused, sqlite_only

from koban_cli.db import engine as db_engine
from koban_cli.db.engine import Ledger, ledger_url
from koban_cli.domain.images import image_kind
from koban_cli.files import cannot_write
from koban_cli.render.html import template_dir

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16
SVG = b'<?xml version="1.0"?>\n<!-- logo -->\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def loose_umask():
    """The usual 022: without koban's care, new files would be 0644 (readable by every account)."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.fixture
def quote(koban):
    return koban.json("quote", "create", "--customer", "ACME")["number"]


@pytest.fixture
def invoice(koban):
    ref = koban.json("invoice", "create", "--customer", "ACME")["ref"]
    koban("invoice", "add-line", ref, "--product", "DAY")
    return koban.json("invoice", "validate", ref, "--date", "2026-11-27")["number"]


# 1. Custom templates run in Jinja's sandbox


@pytest.mark.parametrize(
    "payload",
    [
        '{{ cycler.__init__.__globals__.os.popen("id").read() }}',
        '{{ cycler.__init__.__globals__.os.popen("touch {marker}").read() }}',
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    ],
)
def test_a_custom_template_cannot_reach_python_or_the_shell(koban, quote, tmp_path, payload):
    marker = tmp_path / "the-shell-ran"
    own = tmp_path / "my-templates"
    own.mkdir()
    (own / "quote.html").write_text(payload.replace("{marker}", str(marker)))
    koban("company", "set", "--template-dir", str(own))
    unsafe = "'type' object" if "cycler" in payload else "'str' object"
    attribute = "__init__" if "cycler" in payload else "__class__"
    out = tmp_path / "de.pdf"
    refused(
        koban,
        ["quote", "pdf", quote, "-o", str(out)],
        f"the template {own / 'quote.html'} cannot be rendered: "
        f"access to attribute '{attribute}' of {unsafe} is unsafe.",
    )
    assert not marker.exists() and not out.exists()


def test_a_broken_custom_template_is_one_error_line_naming_it(koban, quote, tmp_path):
    own = tmp_path / "my-templates"
    own.mkdir()
    (own / "quote.html").write_text("<p>\n{% for line in %}\n")
    koban("company", "set", "--template-dir", str(own))
    refused(
        koban,
        ["quote", "pdf", quote, "-o", str(tmp_path / "de.pdf")],
        f"the template {own / 'quote.html'} line 2 cannot be rendered: "
        "Expected an expression, got 'end of statement block'",
    )


@pytest.mark.parametrize(
    "text, reason",
    [("<p>{{ 1 / 0 }}</p>", "division by zero"), (b"<p>\xff\xfe</p>", "can't decode byte 0xff")],
)
def test_a_custom_template_failing_as_it_renders_is_one_error_line_naming_it(koban, quote, tmp_path, text, reason):
    own = tmp_path / "my-templates"
    own.mkdir()
    target = own / "quote.html"
    target.write_bytes(text) if isinstance(text, bytes) else target.write_text(text)
    koban("company", "set", "--template-dir", str(own))
    result = koban("quote", "pdf", quote, "-o", str(tmp_path / "de.pdf"), ok=False)
    assert result.exit_code == 1 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: the template ") and "quote.html" in line and reason in line, line


def test_a_custom_template_testing_an_amount_as_text_is_refused_not_printed_wrong(koban, quote, tmp_path):
    """Templates receive Money, not text: an older template's `!= "0.00"` would always be true."""
    own = tmp_path / "my-templates"
    own.mkdir()
    (own / "quote.html").write_text('{% if doc.net != "0.00" %}<p>{{ doc.net|money }}</p>{% endif %}')
    koban("company", "set", "--template-dir", str(own))
    refused(
        koban,
        ["quote", "pdf", quote, "-o", str(tmp_path / "de.pdf")],
        f"the template {own / 'quote.html'} cannot be rendered: "
        'Money is not text: test it as a value (e.g. "if amount"), not against "0.00"',
    )


def test_a_custom_template_built_on_the_shipped_ones_renders_in_the_sandbox(koban, quote, tmp_path):
    from pypdf import PdfReader

    own = tmp_path / "my-templates"
    own.mkdir()
    shipped = (template_dir() / "quote.html").read_text()
    (own / "quote.html").write_text(shipped.replace("{% block mentions %}", "{% block mentions %}<p>Sur mesure</p>"))
    koban("company", "set", "--template-dir", str(own))
    out = tmp_path / "de.pdf"
    koban("quote", "pdf", quote, "-o", str(out))
    text = " ".join(page.extract_text() for page in PdfReader(str(out)).pages)
    assert quote in text and "Sur mesure" in text


# 2. Files koban creates are private (0600)


@sqlite_only
def test_a_new_ledger_and_its_wal_and_shm_files_are_readable_by_their_owner_only(tmp_path, loose_umask):
    path = tmp_path / "new.db"
    Koban(str(path))("customer", "add", "ZED", "--name", "Zed")
    assert mode(path) == 0o600
    ledger = Ledger(ledger_url(str(path)))  # while it is open, SQLite keeps its -wal and -shm beside it
    try:
        with ledger.write() as session:
            session.exec(db_engine.text("UPDATE customer SET name = 'Zed SA' WHERE code = 'ZED'"))
        for suffix in ("-wal", "-shm"):
            assert mode(f"{path}{suffix}") == 0o600, suffix
    finally:
        ledger.close()


@sqlite_only
def test_backups_their_anchor_and_the_invoice_archive_are_private(koban, invoice, tmp_path, loose_umask):
    koban("invoice", "pdf", invoice, "-o", str(tmp_path / "fa.pdf"))  # archives the original beside the ledger
    archive = tmp_path / "ledger.db.archive"
    assert mode(archive) == 0o700 and [mode(f) for f in archive.iterdir()] == [0o600]
    copy = tmp_path / "copy.db"
    koban("backup", str(copy))
    copied = tmp_path / "copy.db.archive"
    assert mode(copy) == 0o600 and mode(tmp_path / "copy.db.anchor.json") == 0o600
    assert mode(copied) == 0o700 and [mode(f) for f in copied.iterdir()] == [0o600]
    older = tmp_path / "older.db"
    older.write_bytes(b"")
    older.chmod(0o644)
    koban("backup", str(older), "--force")
    assert mode(older) == 0o600 and mode(tmp_path / "older.db.anchor.json") == 0o600


@sqlite_only
def test_a_restored_ledger_is_private(koban, invoice, tmp_path, loose_umask):
    koban("invoice", "pdf", invoice, "-o", str(tmp_path / "fa.pdf"))  # archives the original beside the ledger
    copy = tmp_path / "copy.db"
    koban("backup", str(copy))
    restored = tmp_path / "restored.db"
    Koban(str(restored))("restore", str(copy))
    assert mode(restored) == 0o600
    assert [mode(f) for f in (tmp_path / "restored.db.archive").iterdir()] == [0o600]


def test_an_anchor_file_is_private(koban, invoice, tmp_path, loose_umask):
    path = tmp_path / "anchor.json"
    koban("anchor", "-o", str(path))
    assert mode(path) == 0o600


# 3. -o never overwrites without --force


def test_pdf_output_refuses_an_existing_file_without_force(koban, quote, invoice, tmp_path):
    order = koban.json("order", "create", "--customer", "ACME")["number"]
    existing = tmp_path / "mine.pdf"
    existing.write_bytes(b"my own document")
    for args in (["quote", "pdf", quote], ["order", "pdf", order], ["invoice", "pdf", invoice]):
        refused(koban, [*args, "-o", str(existing)], f'"{existing}" exists; use --force to overwrite it')
        assert existing.read_bytes() == b"my own document"
    koban("quote", "pdf", quote, "-o", str(existing), "--force")
    assert existing.read_bytes().startswith(b"%PDF")


def test_pdf_default_name_is_not_overwritten_either(koban, quote, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / f"{quote}.pdf").write_bytes(b"kept")
    refused(koban, ["quote", "pdf", quote], f'"{quote}.pdf" exists; use --force to overwrite it')
    assert (tmp_path / f"{quote}.pdf").read_bytes() == b"kept"


def test_anchor_and_fec_output_refuse_an_existing_file_without_force(koban, invoice, tmp_path):
    existing = tmp_path / "kept.txt"
    existing.write_text("kept")
    refused(koban, ["anchor", "-o", str(existing)], f'"{existing}" exists; use --force to overwrite it')
    refused(
        koban,
        ["export", "fec", "--year", "2026", "-o", str(existing)],
        f'"{existing}" exists; use --force to overwrite it',
    )
    assert existing.read_text() == "kept"
    koban("anchor", "-o", str(existing), "--force")
    assert '"format"' in existing.read_text() and mode(existing) == 0o600


# 4. A logo is a PNG, JPEG or SVG image, by its bytes


@pytest.mark.parametrize("data", [PNG, JPEG, SVG, b"\xef\xbb\xbf<svg:svg xmlns:svg='http://www.w3.org/2000/svg'/>"])
def test_png_jpeg_and_svg_logos_are_accepted(koban, tmp_path, data):
    logo = tmp_path / "logo.img"
    logo.write_bytes(data)
    koban("company", "set", "--logo", str(logo))
    assert koban.json("company", "show")["logo"] == str(logo)


def test_a_logo_that_is_not_an_image_is_refused(koban, tmp_path):
    refused(koban, ["company", "set", "--logo", "/etc/passwd"], '--logo "/etc/passwd" is not a PNG, JPEG or SVG image')
    fake = tmp_path / "logo.png"
    fake.write_text("#!/bin/sh\nrm -rf /\n")
    refused(koban, ["company", "set", "--logo", str(fake)], f'--logo "{fake}" is not a PNG, JPEG or SVG image')


def test_an_svg_with_its_own_entities_or_another_root_is_not_a_logo():
    bomb = b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">]><svg>&a;</svg>'
    assert image_kind(bomb) is None
    assert image_kind(b"<html><svg/></html>") is None
    assert image_kind(b"GIF89a") is None
    assert image_kind(b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd">\n<svg/>') == "svg"


# 5. A full disk and a read-only ledger are said plainly


@sqlite_only
def test_a_read_only_ledger_says_so_in_one_line(koban):
    # A ledger SQLite opens read-only (the URI form), so the database itself answers "attempt to write a
    # readonly database": the same error as a file without write permission, which root cannot be denied.
    read_only = Koban(f"sqlite:///file:{koban.db}?mode=ro&uri=true")
    assert read_only.json("customer", "list")  # reading still works
    refused(
        read_only,
        ["customer", "add", "ZED", "--name", "Zed"],
        f"the ledger file:{koban.db} is read-only: check the rights of the file and its folder, "
        "or that its disk is mounted read-write (nothing changed)",
    )


@sqlite_only
def test_a_full_disk_under_the_ledger_says_so_in_one_line(koban, monkeypatch, tmp_path):
    # SQLite stops a database at max_page_count with SQLITE_FULL, the error it gives for a full disk
    # ("database or disk is full"): the ledger may not grow by one page, as on a disk with no room left.
    setup = db_engine._sqlite_setup

    def no_room_left(engine):
        setup(engine)

        @db_engine.event.listens_for(engine, "connect")
        def full(dbapi_connection, _record):
            pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    monkeypatch.setattr(db_engine, "_sqlite_setup", no_room_left)
    rows = "\n".join(f"C{n:05d};Client {n} {'x' * 80}" for n in range(3000))
    (tmp_path / "customers.csv").write_text(f"code;name\n{rows}\n")
    refused(
        koban,
        ["import", "customers", str(tmp_path / "customers.csv")],
        f"the disk is full: the ledger {koban.db} could not grow; free some space and try again (nothing changed)",
    )


def test_a_full_disk_under_an_output_file_says_so_in_one_line(koban, quote):
    # /dev/full answers every write with ENOSPC, as a full disk does.
    refused(
        koban,
        ["quote", "pdf", quote, "-o", "/dev/full", "--force"],
        'the disk is full: cannot write "/dev/full"; free some space and try again',
    )


def test_read_only_places_and_missing_rights_are_plain_sentences():
    # Root ignores permissions and a read-only mount needs privileges, so the operating system's errors are
    # built here as the kernel reports them (errno and strerror) and given to the translation.
    path = "/srv/koban/FA-2026-0001.pdf"
    assert str(cannot_write(path, OSError(errno.EROFS, os.strerror(errno.EROFS)))) == (
        f'"{path}" is on a read-only file system; write it somewhere else'
    )
    assert str(cannot_write(path, PermissionError(errno.EACCES, os.strerror(errno.EACCES)))) == (
        f'"{path}" is read-only for you (permission denied); check its rights and its folder\'s'
    )


def test_an_unexpected_read_only_file_system_error_is_one_line_without_traceback(koban, monkeypatch):
    # Simulated: the service raises the OSError a read-only mount gives, to check the root's last net.
    from koban_cli.services.ledger import info as ledger_info

    def read_only(_ledger, _check=False):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), "/srv/koban/ledger.db")

    monkeypatch.setattr(ledger_info, "info", read_only)
    result = koban("info", ok=False)
    assert (result.exit_code, result.stderr) == (
        1,
        'Error: "/srv/koban/ledger.db" is on a read-only file system; write it somewhere else\n',
    )


# 6. SMTP without encryption to another machine is said aloud, and the mail still goes


def machine_address() -> str | None:
    """This machine's address on its network (not loopback), if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.254", 9))  # no packet is sent: this only picks the outgoing interface
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") else address


@pytest.fixture
def remote_smtp(monkeypatch, tmp_path):
    from aiosmtpd.controller import Controller

    address = machine_address()
    if address is None:
        pytest.skip("this machine has no network address other than loopback")
    with socket.socket() as sock:
        sock.bind((address, 0))
        port = sock.getsockname()[1]
    inbox = []

    class Inbox:
        async def handle_DATA(self, server, session, envelope):
            inbox.append(envelope)
            return "250 OK"

    controller = Controller(Inbox(), hostname=address, port=port)
    controller.start()
    monkeypatch.setenv("KOBAN_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("KOBAN_SMTP_HOST", address)
    monkeypatch.setenv("KOBAN_SMTP_PORT", str(port))
    monkeypatch.setenv("KOBAN_SMTP_SECURITY", "none")
    monkeypatch.setenv("KOBAN_SMTP_FROM", "factures@atelier.example")
    yield address, inbox
    controller.stop()


def test_smtp_in_clear_to_another_machine_warns_once_and_still_sends(koban, invoice, remote_smtp, monkeypatch):
    address, inbox = remote_smtp
    monkeypatch.setenv("KOBAN_SMTP_USER", "factures")
    koban("customer", "edit", "ACME", "--email", "compta@acme.example")
    result = koban("invoice", "send", invoice)
    assert result.stderr == (
        f"Warning: SMTP security is none: the SMTP login and the mail travel in clear to {address}; "
        "set security = starttls or ssl\n"
    )
    assert len(inbox) == 1


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.8.9.10", "::1", "[::1]"])
def test_smtp_in_clear_to_this_machine_is_quiet(host):
    from koban_cli.mail import is_local

    assert is_local(host)
    assert not is_local("192.0.2.2") and not is_local("smtp.example.com")
