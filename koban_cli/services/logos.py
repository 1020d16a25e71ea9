"""The company logo must be an image WeasyPrint can print: PNG, JPEG or SVG, judged by its bytes."""

from __future__ import annotations

from koban_cli.domain.images import image_kind
from koban_cli.errors import InvalidValue

HEAD = 64 * 1024  # enough for any SVG prolog a drawing program writes before <svg>


def check_logo(path: str) -> str:
    """`path` unchanged when it holds a PNG, JPEG or SVG image; refused otherwise (e.g. /etc/passwd)."""
    try:
        with open(path, "rb") as image:
            head = image.read(HEAD)
    except OSError as exc:
        raise InvalidValue(f'--logo "{path}" cannot be read: {exc.strerror}') from None
    if image_kind(head) is None:
        raise InvalidValue(f'--logo "{path}" is not a PNG, JPEG or SVG image')
    return path
