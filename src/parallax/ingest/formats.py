"""Recognising what an input is from its first bytes, not from its file name.

Extensions lie (".html" files that are JSON, feeds saved as ".txt", gzip without ".gz"), so every
input is sniffed: gzip magic, WARC version line, JSON or JSON Lines, RSS/Atom/RDF feeds, HTML,
known binary formats, and finally plain text dumps.
"""

from __future__ import annotations

import json
import re
from typing import Literal

InputFormat = Literal["empty", "binary", "warc", "json", "jsonl", "feed", "html", "text"]

GZIP_MAGIC = b"\x1f\x8b"
_BINARY_MAGIC = {
    b"%PDF": "PDF",
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"PK\x03\x04": "ZIP archive",
    b"\x7fELF": "executable",
    b"BZh": "bzip2 archive",
    b"\xfd7zXZ": "xz archive",
    b"SQLite format 3": "SQLite database",
}
_FEED_ROOT = re.compile(rb"<(rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)[\s>]", re.IGNORECASE | re.DOTALL)
_HTML_TAG = re.compile(rb"<(p|div|article|section|span|a|h[1-6]|br|meta|title|script|table|li)[\s>/]",
                       re.IGNORECASE)
_UTF_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def binary_kind(head: bytes) -> str | None:
    """Name of a binary format the bytes start with, or None when they may be text."""
    for magic, name in _BINARY_MAGIC.items():
        if head.startswith(magic):
            return name
    if head.startswith(_UTF_BOMS):
        return None
    sample = head[:8192]
    if b"\x00" in sample:
        return "binary data"
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13, 27))
    if sample and controls / len(sample) > 0.05:
        return "binary data"
    return None


def sniff_format(head: bytes) -> InputFormat:
    """Classify decompressed leading bytes (64 KiB is plenty) of one input."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        return "empty"
    if stripped.startswith(b"WARC/"):
        return "warc"
    if binary_kind(head):
        return "binary"
    if stripped[:1] == b"[":
        return "json"
    if stripped[:1] == b"{":
        first_line, _newline, rest = stripped.partition(b"\n")
        if not rest.strip():
            return "json"  # one object on one line: JSON and JSON Lines read alike
        try:
            json.loads(first_line)
        except ValueError:
            return "json"
        return "jsonl"
    if _HTML_START.match(stripped):
        return "html"
    if stripped.startswith(b"<?xml") or stripped[:1] == b"<":
        if _FEED_ROOT.search(stripped[:4096]):
            return "feed"
        if stripped.startswith(b"<?xml") and re.search(rb"<html[\s>]", stripped[:4096], re.IGNORECASE):
            return "html"
    if len(_HTML_TAG.findall(stripped[:65536])) >= 3:
        return "html"
    return "text"
