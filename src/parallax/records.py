"""Typed records that flow between pipeline stages.

A `RawDocument` is one page as ingested (decoded HTML or plain text, with whatever metadata its
container carried); an `Article` is the cleaned result of extraction; a `Failure` records why one
input could not go further. Records are plain dataclasses so they pickle cheaply between worker
processes and serialise to JSON for the store and the export.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

ContentKind = Literal["html", "text"]


@dataclass(slots=True)
class RawDocument:
    """One page taken from an input, decoded to text but not yet cleaned."""

    source: str  # the path or URL as given, with "#n" for the n-th item of a container (JSONL, WARC, feed)
    kind: ContentKind  # "html" for markup, "text" for a visible-text dump
    content: str
    raw_hash: str  # sha256 of the raw bytes of this item: the idempotence key of the input
    input_format: str  # html, text, json, jsonl, warc, feed
    url: str | None = None
    title: str | None = None
    published: str | None = None
    outlet: str | None = None
    author: str | None = None
    language: str | None = None
    encoding: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Article:
    """A cleaned article with its metadata; the unit every later stage works on."""

    id: str
    source: str
    raw_hash: str
    input_format: str
    text: str
    content_hash: str
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    url: str | None = None
    canonical_url: str | None = None
    published: str | None = None  # publication date (ISO), not the capture/header date
    page_date: str | None = None  # date printed in the site header when the page was captured
    language: str | None = None
    extractor: str = ""
    credits: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # lines dropped as boilerplate, for inspection
    notes: list[str] = field(default_factory=list)
    reprint_of: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Failure:
    """An input that could not be turned into an article, and why."""

    source: str
    stage: str
    reason: str
    raw_hash: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


Record = RawDocument | Article | Failure

_SPACE = re.compile(r"\s+")


def normalise_for_hash(text: str) -> str:
    """Fold Unicode form, case and white space so trivially different copies hash alike."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return _SPACE.sub(" ", text).strip()


def content_hash(text: str) -> str:
    """Hash of the normalised cleaned text: two inputs with the same article body share it."""
    return hashlib.sha256(normalise_for_hash(text).encode("utf-8")).hexdigest()


def bytes_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
