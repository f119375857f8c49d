"""Exports of the store in the shape of the acceptance contract (CONTRACT.md) and as JSONL/CSV.

Owns the export record of an article. The JSON document is `{"articles": [...], "stories": [...]}`;
each article carries the contract's fields (id, source, title, outlet, published, language,
reprint_of, text, entities, attributions, events, quantities, dates) plus our own (url, author,
page_date, credits, extractor, sources; offsets, roles, stance and segments on the annotations).
Entity `canonical` and attribution `speaker` are the store-wide names (`Store.canonical_names`).
Articles are read a page at a time with their annotations, so memory stays bounded. The CSV has
one row per article, with the number of entity mentions and attributions. Fields later stages fill
are present and empty until those stages exist.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from typing import Any, Literal, TextIO

from parallax.records import Article, Attribution, Entity
from parallax.store import NameKey, Store

ExportFormat = Literal["json", "jsonl", "csv"]
CSV_FIELDS = ["id", "source", "title", "outlet", "author", "published", "page_date", "language", "url",
              "reprint_of", "extractor", "credits", "words", "entities", "attributions", "text"]
_PAGE = 500
CanonicalNames = Mapping[NameKey, str]


def store_names(store: Store) -> dict[NameKey, str]:
    """The store-wide canonical names, or none while the module that merges them is not installed."""
    try:
        return store.canonical_names()
    except ModuleNotFoundError as error:
        if error.name and error.name.startswith("parallax.annotate"):
            return {}
        raise


def speaker_name(attribution: Attribution, names: CanonicalNames | None) -> str | None:
    """The store-wide name of the attribution's speaker; the article-level one when none is known."""
    if not names or attribution.speaker is None or attribution.speaker_type is None:
        return attribution.speaker
    key = (attribution.speaker, attribution.speaker_type, attribution.speaker_country)
    return names.get(key, attribution.speaker)


def entity_record(entity: Entity, names: CanonicalNames | None = None) -> dict[str, Any]:
    canonical = entity.canonical
    if names:
        canonical = names.get((entity.canonical, entity.type, entity.country), canonical)
    return {"text": entity.text, "type": entity.type, "canonical": canonical, "country": entity.country,
            "start": entity.start, "end": entity.end, "roles": list(entity.roles)}


def attribution_record(attribution: Attribution, names: CanonicalNames | None = None) -> dict[str, Any]:
    return {
        "speaker": speaker_name(attribution, names),
        "speaker_text": attribution.speaker_text,
        "speaker_type": attribution.speaker_type,
        "speaker_country": attribution.speaker_country,
        "cue": attribution.cue,
        "content": attribution.content,
        "kind": attribution.kind,
        "start": attribution.start,
        "end": attribution.end,
        "stance": attribution.stance,
        "segments": [list(segment) for segment in attribution.segments],
        "speaker_start": attribution.speaker_start,
        "speaker_end": attribution.speaker_end,
        "cue_start": attribution.cue_start,
        "cue_end": attribution.cue_end,
    }


def article_record(article: Article, sources: list[str] | None = None,
                   names: CanonicalNames | None = None) -> dict[str, Any]:
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
        "notes": article.notes,
        "text": article.text,
        "entities": [entity_record(entity, names) for entity in article.entities],
        "attributions": [attribution_record(attribution, names) for attribution in article.attributions],
        "events": [],
        "quantities": [],
        "dates": [],
    }


def iter_article_records(store: Store) -> Iterator[dict[str, Any]]:
    """Every stored article as an export record, read a page at a time with its annotations."""
    names = store_names(store)
    offset = 0
    while page := store.list_articles(limit=_PAGE, offset=offset, with_annotations=True):
        for article in page:
            yield article_record(article, store.sources_of(article.id), names)
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
            writer.writerow({**record, "credits": "; ".join(record["credits"]), "words": len(record["text"].split()),
                             "entities": len(record["entities"]), "attributions": len(record["attributions"])})
    if fmt == "json":
        out.write('\n], "stories": []}\n')
    return count


def export_string(store: Store, fmt: ExportFormat = "json") -> str:
    buffer = io.StringIO()
    write_export(store, buffer, fmt)
    return buffer.getvalue()
