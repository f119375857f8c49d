"""Exports of the store in the shape of the acceptance contract (CONTRACT.md) and as JSONL/CSV.

The JSON document is `{"articles": [...], "stories": [...]}`; each article carries the contract's
fields (id, source, title, outlet, published, language, reprint_of, text, entities, attributions,
events, quantities, dates) plus our own (url, author, page_date, credits, extractor, sources).
Fields later stages fill are present and empty until those stages exist.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any, Literal, TextIO

from parallax.records import Article
from parallax.store import Store

ExportFormat = Literal["json", "jsonl", "csv"]
CSV_FIELDS = ["id", "source", "title", "outlet", "author", "published", "page_date", "language", "url",
              "reprint_of", "extractor", "credits", "words", "text"]
_PAGE = 500


def article_record(article: Article, sources: list[str] | None = None) -> dict[str, Any]:
    return {
        "id": article.id,
        "source": article.source,
        "sources": sources or [article.source],
        "url": article.url,
        "canonical_url": article.canonical_url,
        "title": article.title,
        "outlet": article.outlet,
        "author": article.author,
        "published": article.published,
        "page_date": article.page_date,
        "language": article.language,
        "reprint_of": article.reprint_of,
        "extractor": article.extractor,
        "credits": article.credits,
        "text": article.text,
        "entities": [],
        "attributions": [],
        "events": [],
        "quantities": [],
        "dates": [],
    }


def iter_article_records(store: Store) -> Iterator[dict[str, Any]]:
    """Every stored article as an export record, read a page at a time."""
    offset = 0
    while page := store.list_articles(limit=_PAGE, offset=offset):
        for article in page:
            yield article_record(article, store.sources_of(article.id))
        offset += len(page)


def write_export(store: Store, out: TextIO, fmt: ExportFormat = "json") -> int:
    """Write the store to `out`; return the number of articles written."""
    if fmt not in ("json", "jsonl", "csv"):
        raise ValueError(f"unknown export format {fmt!r}")
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore") if fmt == "csv" else None
    if writer:
        writer.writeheader()
    if fmt == "json":
        out.write('{"articles": [')
    count = 0
    for record in iter_article_records(store):
        count += 1
        if fmt == "json":
            out.write(("," if count > 1 else "") + "\n" + json.dumps(record, ensure_ascii=False))
        elif fmt == "jsonl":
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        elif writer:
            writer.writerow({**record, "credits": "; ".join(record["credits"]), "words": len(record["text"].split())})
    if fmt == "json":
        out.write('\n], "stories": []}\n')
    return count


def export_string(store: Store, fmt: ExportFormat = "json") -> str:
    buffer = io.StringIO()
    write_export(store, buffer, fmt)
    return buffer.getvalue()
