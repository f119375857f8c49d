"""Turning the bytes of a page into text: BOM, declared charset, then statistical detection.

Declared charsets are checked, not trusted: a page that says utf-8 but is cp1251 is decoded by
detection. charset-normalizer does the detection; this module only orders the evidence.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
# Highest share of "chaos" (mess) charset-normalizer may report before we call a decode a guess.
_MAX_CHAOS = 0.2


class EncodingError(ValueError):
    """The bytes could not be decoded to text with any confidence."""


def charset_from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return match.group(1) if match else None


def declared_charset(data: bytes) -> str | None:
    """The charset a document declares in its first bytes (HTML meta or XML declaration)."""
    head = data[:4096]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return match.group(1).decode("ascii", "replace") if match else None


def _python_codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    # Browsers read latin-1 labels as windows-1252 (WHATWG encoding standard); so do we.
    return "cp1252" if codec in ("latin-1", "iso8859-1") else codec


def _best_guess(data: bytes) -> charset_normalizer.CharsetMatch | None:
    """charset-normalizer's best match; among equally clean ones prefer windows-1252.

    Short Western pages decode without "chaos" in a dozen single-byte codecs (DOS and Mac ones
    included) and the coherence score is noise at that size; windows-1252 is the web's default
    legacy encoding (WHATWG), so it wins those ties.
    """
    matches = list(charset_normalizer.from_bytes(data[:200_000]))
    if not matches:
        return None
    least_chaos = min(m.chaos for m in matches)
    cleanest = [m for m in matches if m.chaos == least_chaos]
    for match in cleanest:
        if match.encoding == "cp1252":
            return match
    return cleanest[0]


def decode_bytes(data: bytes, header_charset: str | None = None) -> tuple[str, str]:
    """Decode page bytes; return (text, encoding used). Raise EncodingError when nothing fits."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec), codec
    if not data:
        return "", "utf-8"
    candidates = [_python_codec(header_charset), _python_codec(declared_charset(data)), "utf-8"]
    for codec in dict.fromkeys(c for c in candidates if c):
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    best = _best_guess(data)
    if best is None or best.chaos > _MAX_CHAOS:
        declared = header_charset or declared_charset(data)
        hint = f" (declared {declared!r})" if declared else ""
        raise EncodingError(f"cannot determine the text encoding{hint}")
    return data.decode(best.encoding, errors="replace"), best.encoding
