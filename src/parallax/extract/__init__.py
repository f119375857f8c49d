"""Extract stage: raw documents in, clean articles with metadata out.

HTML goes through the trafilatura-based cascade (`extract.html`), visible-text page dumps through
our line classifier (`extract.textdump`), and already-clean text from record files (news-please
`maintext`, feed summaries) through light normalisation only. Metadata the container carried
(JSON fields, feed items) wins over what the page itself says. An input with no main text left is a
recorded failure, never an empty article.
"""

from __future__ import annotations

from collections.abc import Sequence

from parallax.extract.language import detect_language, load_language_model
from parallax.extract.page import ExtractedPage
from parallax.records import Article, Failure, RawDocument, Record, content_hash

__all__ = ["ExtractedPage", "Extractor", "extract_document"]

STAGE = "extract"
ARTICLE_ID_LENGTH = 16
RECORD_FORMATS = frozenset({"json", "jsonl", "feed"})  # bodies given by a record, not whole pages


def clean_plain_text(text: str) -> ExtractedPage:
    """Text that is already an article body: one paragraph a line, exact repeats dropped."""
    seen: set[str] = set()
    paragraphs: list[str] = []
    removed: list[str] = []
    for line in text.splitlines():
        paragraph = " ".join(line.split())
        if not paragraph:
            continue
        key = paragraph.casefold()
        if key in seen:
            removed.append(paragraph)
            continue
        seen.add(key)
        paragraphs.append(paragraph)
    return ExtractedPage(text="\n\n".join(paragraphs), removed=removed, extractor="plain")


_BLOCK_TAGS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article")


def fragment_text(html: str) -> str:
    """Visible text of an HTML fragment (a feed summary), one line per block element."""
    import lxml.html
    from lxml.etree import ParserError

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ParserError, ValueError):
        return ""
    for element in root.iter("script", "style"):
        element.drop_tree()
    for element in root.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
    return root.text_content()


def extract_document(document: RawDocument) -> Article | Failure:
    """One raw document to an article (or a failure saying why there is none)."""
    try:
        page = _extract_page(document)
    except Exception as error:  # an extractor bug on one page must not stop the batch
        return Failure(document.source, STAGE, f"extraction error: {type(error).__name__}: {error}",
                       document.raw_hash)
    text = page.text.replace("\x00", "").strip()  # NUL is legal in JSON strings, not in PostgreSQL text
    if not text:
        reason = "no main text found (page has no article body)"
        return Failure(document.source, STAGE, reason, document.raw_hash)
    digest = content_hash(text)
    return Article(
        id=digest[:ARTICLE_ID_LENGTH],
        source=document.source,
        raw_hash=document.raw_hash,
        input_format=document.input_format,
        text=text,
        content_hash=digest,
        title=document.title or page.title,
        outlet=document.outlet or page.outlet,
        author=document.author or page.author,
        url=document.url or page.canonical_url,
        canonical_url=page.canonical_url,
        published=document.published or page.published,
        page_date=page.page_date,
        language=detect_language(text, document.language or page.language_hint),
        extractor=page.extractor,
        credits=list(page.credits),
        removed=list(page.removed),
    )


def _extract_page(document: RawDocument) -> ExtractedPage:
    if document.kind == "html":
        from parallax.extract.html import extract_html

        page = extract_html(document.content, url=document.url)
        if not page.text.strip() and document.input_format in RECORD_FORMATS:
            # A feed summary or record body is an HTML fragment, not a page: nothing to strip, keep its text.
            page.text, page.extractor = clean_plain_text(fragment_text(document.content)).text, "fragment"
        return page
    if document.input_format in RECORD_FORMATS:
        return clean_plain_text(document.content)
    from parallax.extract.textdump import extract_text_dump

    return extract_text_dump(document.content)


class Extractor:
    """Pipeline stage: `RawDocument` → `Article` | `Failure`; other records pass through."""

    name = STAGE

    def setup(self) -> None:
        """Load the language model, the text-dump line model and the extractors once per worker."""
        from parallax.extract import html  # noqa: F401  (import cost paid here, not on the first page)
        from parallax.extract.textdump.model import load_model

        load_language_model()
        load_model()

    def process_batch(self, records: Sequence[Record]) -> list[Record]:
        return [extract_document(r) if isinstance(r, RawDocument) else r for r in records]
