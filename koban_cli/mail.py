"""Sending documents by email through SMTP.

Settings come from the config file (`$KOBAN_CONFIG`, else koban/config.toml
in the user config folder, section [smtp]) and are overridden by
`KOBAN_SMTP_HOST`, `_PORT`, `_USER`, `_SECURITY` (starttls, ssl or none) and
`_FROM`. The password is read from `KOBAN_SMTP_PASSWORD` only, never from a
file.
"""

from __future__ import annotations

import ipaddress
import os
import smtplib
import socket
import ssl
import sys
import tomllib
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from koban_cli.errors import InvalidValue


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = None
    security: str = "starttls"


def config_path() -> Path:
    if os.environ.get("KOBAN_CONFIG"):
        return Path(os.environ["KOBAN_CONFIG"])
    from platformdirs import user_config_dir

    return Path(user_config_dir("koban", appauthor=False)) / "config.toml"


def settings() -> SmtpSettings | None:
    """The SMTP settings, or None when email is not configured."""
    path = config_path()
    values: dict = {}
    if path.is_file():
        try:
            values = tomllib.loads(path.read_text()).get("smtp", {})
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InvalidValue(f"config file {path} is not valid TOML: {exc}") from None
    for key in ("host", "port", "user", "security", "from"):
        if os.environ.get(f"KOBAN_SMTP_{key.upper()}"):
            values[key] = os.environ[f"KOBAN_SMTP_{key.upper()}"]
    if not values.get("host"):
        return None
    security = values.get("security", "starttls")
    if security not in ("starttls", "ssl", "none"):
        raise InvalidValue(f'SMTP security "{security}" is not one of starttls, ssl, none')
    try:
        port = int(values.get("port") or (465 if security == "ssl" else 587))
    except ValueError:
        raise InvalidValue(f'SMTP port "{values.get("port")}" is not a number') from None
    sender = values.get("from") or values.get("user")
    if not sender:
        raise InvalidValue("SMTP needs a sender: set from = … in [smtp] or KOBAN_SMTP_FROM")
    config = SmtpSettings(
        values["host"], port, sender, values.get("user"), os.environ.get("KOBAN_SMTP_PASSWORD"), security
    )
    warn_if_in_clear(config)  # here, read once per command, rather than once per message sent
    return config


def message(sender: str, to: str, subject: str, body: str, attachment: bytes, filename: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, to, subject
    mail.set_content(body)
    mail.add_attachment(attachment, maintype="application", subtype="pdf", filename=filename)
    return mail


def is_local(host: str) -> bool:
    """localhost, 127.0.0.0/8 or ::1 (a name counts only when every address it resolves to is loopback)."""
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return False
    return bool(addresses) and all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses)


def warn_if_in_clear(config: SmtpSettings) -> None:
    """One stderr line: `security = none` over the network shows the login and the mail to anyone on the way."""
    if config.security != "none" or is_local(config.host):
        return
    what = "the SMTP login and the mail travel" if config.user else "the mail travels"
    print(
        f"Warning: SMTP security is none: {what} in clear to {config.host}; set security = starttls or ssl",
        file=sys.stderr,
    )


def send(config: SmtpSettings, mail: EmailMessage) -> None:
    """Send one message; raises OSError or smtplib.SMTPException on failure."""
    context = ssl.create_default_context()
    if config.security == "ssl":
        client = smtplib.SMTP_SSL(config.host, config.port, timeout=30, context=context)
    else:
        client = smtplib.SMTP(config.host, config.port, timeout=30)
    with client:
        if config.security == "starttls":
            client.starttls(context=context)
        if config.user and config.password:
            client.login(config.user, config.password)
        client.send_message(mail)
