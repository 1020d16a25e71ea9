"""What kind of image a logo file holds, judged by its bytes (a name ending in .png proves nothing)."""

from __future__ import annotations

import re

PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff"

# An SVG is XML whose first element is <svg> (any prefix, SVG namespace or none). The XML declaration,
# comments, processing instructions and a DOCTYPE may come first; an internal DTD subset ([...]) is not
# accepted: it is where entity bombs and external entities live, and no logo needs one.
_PROLOG = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?(?:(?:<!--.*?-->|<\?[^>]*\?>|<!DOCTYPE\s+svg[^>\[]*>)\s*)*",
    re.DOTALL | re.IGNORECASE,
)
_SVG_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?svg[\s>/]")


def image_kind(data: bytes) -> str | None:
    """ "png", "jpeg" or "svg" when `data` starts like one, else None."""
    if data.startswith(PNG):
        return "png"
    if data.startswith(JPEG):
        return "jpeg"
    prolog = _PROLOG.match(data)
    if _SVG_ROOT.match(data, prolog.end() if prolog else 0):
        return "svg"
    return None
