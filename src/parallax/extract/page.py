"""The result of extracting one page, whatever the extractor (HTML or text dump)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class ExtractedPage:
    """Main text and metadata found in one page by an extractor."""

    text: str
    title: str | None = None
    author: str | None = None
    outlet: str | None = None
    canonical_url: str | None = None
    published: str | None = None  # ISO date of publication
    page_date: str | None = None  # date shown in a site header at capture time (not publication)
    language_hint: str | None = None  # declared by the page (html lang), checked later by detection
    credits: list[str] = field(default_factory=list)  # "With information from AFP", "Source: …"
    removed: list[str] = field(default_factory=list)  # lines dropped as boilerplate
    extractor: str = ""
