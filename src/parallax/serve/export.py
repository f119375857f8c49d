"""Exports of the store in the shape of the acceptance contract (CONTRACT.md), as JSONL/CSV, and
its events as a GDELT-style table.

Owns the export record of an article and of an event. The JSON document is
`{"articles": [...], "stories": [...]}`; each article carries the contract's fields (id, source,
title, outlet, published, language, reprint_of, text, entities, attributions, events, quantities,
dates) plus our own (url, author, page_date, credits, extractor, sources; offsets, roles, stance and
segments on the annotations; every field of `Event`, `Quantity` and `DateMention`). Entity
`canonical` and attribution `speaker` are the store-wide names (`Store.canonical_names`); so are an
event's `actor`, `target` and `according_to`, looked up by `EventNames` (events carry no entity
type, see there). Articles are read a page at a time with their annotations, so memory stays
bounded. The CSV has one row per article, with the number of entity mentions, attributions, events,
quantities and dates. Stories are the stories stage's records as stored (`stories.story`).

`events-csv` writes one row per event, with columns named after GDELT 2.0's event table where one
applies (GDELT 2.0 Event Codebook), then our own:

- GlobalEventID: `<article id>:<position of the event in the article>` (stable across exports).
- Day, MonthYear, Year: YYYYMMDD, YYYYMM, YYYY of the event's own date when it names a day, else of
  the article's publication date (GDELT dates events by the report too); empty when neither is
  known. EventDate keeps the event's own value as resolved ("2022-12", "2022-W49", ranges).
- Actor1Name, Actor1CountryCode, Actor1Type1Code: the actor's store-wide canonical name, its
  country as ISO 3166-1 alpha-3 (GDELT uses CAMEO country codes, which are alpha-3 for most
  countries) and its sector (GOV, MIL, REB, BUS, MED, CVL, IGO: CAMEO actor type codes).
  Actor2*: the same for the target.
- EventCode: the CAMEO code the lexicon matched; EventBaseCode its first three digits, EventRootCode
  its first two; QuadClass from the root as GDELT does (1 verbal cooperation 01-05, 2 material
  cooperation 06-08, 3 verbal conflict 09-13, 4 material conflict 14-20); empty without a code.
- NumMentions, NumSources, NumArticles: 1 (one row per event mention; no cross-article merging).
- ActionGeo_FullName, ActionGeo_CountryCode: the event's location and its ISO alpha-3 country
  (GDELT uses FIPS 10-4 here; we keep one country code system throughout).
- SOURCEURL: the article's URL, else its canonical URL, else the source it was read from.
- Our own: PLOVERType, PLOVERMode, PLOVERContext, Status, AccordingTo, Negated (1/0), Modality, EventDate,
  Quantities ("19 individuals; 3 vessels": the quantity texts), ArticleID, Sentence (the evidence
  sentence, white space folded). GDELT's Goldstein scale, tone, geo coordinates and the *Geo_* of
  each actor have no counterpart and are left out.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TextIO

from parallax.records import Article, Attribution, DateMention, Entity, Event, Quantity
from parallax.store import NameKey, Store

ExportFormat = Literal["json", "jsonl", "csv", "events-csv"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("json", "jsonl", "csv", "events-csv")
CSV_FIELDS = ["id", "source", "title", "outlet", "author", "published", "page_date", "language", "url",
              "reprint_of", "extractor", "credits", "words", "entities", "attributions", "events", "quantities",
              "dates", "text"]
EVENT_CSV_FIELDS = ["GlobalEventID", "Day", "MonthYear", "Year",
                    "Actor1Name", "Actor1CountryCode", "Actor1Type1Code",
                    "Actor2Name", "Actor2CountryCode", "Actor2Type1Code",
                    "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
                    "PLOVERType", "PLOVERMode", "PLOVERContext", "Status", "AccordingTo", "Negated", "Modality",
                    "EventDate", "Quantities", "NumMentions", "NumSources", "NumArticles",
                    "ActionGeo_FullName", "ActionGeo_CountryCode", "SOURCEURL", "ArticleID", "Sentence"]
_PAGE = 500
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
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


@dataclass(slots=True)
class EventNames:
    """Store-wide names for event parties, which carry a name and a country but no entity type.

    The store-wide mapping is keyed (canonical, type, country). A party maps through it only when
    the name is among the mapped canonicals and every key that fits maps to one and the same name:
    the keys with its country when there are any (or, with no country, all keys of the name), else
    all keys of the name. When the fitting keys disagree (two types of "Georgia" mapped apart) or
    none exists, the party keeps its article-level name.
    """

    by_country: dict[tuple[str, str | None], set[str]] = field(default_factory=dict)
    by_name: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, names: CanonicalNames | None) -> EventNames:
        index = cls()
        for (canonical, _type, country), name in (names or {}).items():
            index.by_country.setdefault((canonical, country), set()).add(name)
            index.by_name.setdefault(canonical, set()).add(name)
        return index

    def get(self, name: str | None, country: str | None = None) -> str | None:
        if name is None:
            return None
        found = (self.by_country.get((name, country)) if country else None) or self.by_name.get(name)
        return next(iter(found)) if found and len(found) == 1 else name


def quantity_record(quantity: Quantity) -> dict[str, Any]:
    return {"value": quantity.value, "unit": quantity.unit, "text": quantity.text, "start": quantity.start,
            "end": quantity.end, "qualifier": quantity.qualifier, "approximate": quantity.approximate,
            "low": quantity.low, "high": quantity.high, "kind": quantity.kind}


def date_record(date: DateMention) -> dict[str, Any]:
    return {"text": date.text, "value": date.value, "start": date.start, "end": date.end,
            "granularity": date.granularity, "reference": date.reference, "relation": date.relation}


def event_record(event: Event, parties: EventNames | None = None) -> dict[str, Any]:
    """The export shape of an event: the contract's fields first, then the rest of `Event`'s."""
    parties = parties or EventNames()
    return {
        "type": event.type,
        "actor": parties.get(event.actor, event.actor_country),
        "actor_country": event.actor_country,
        "target": parties.get(event.target, event.target_country),
        "target_country": event.target_country,
        "date": event.date,
        "status": event.status,
        "according_to": parties.get(event.according_to),
        "quantities": [quantity_record(quantity) for quantity in event.quantities],
        "text": event.text,
        "start": event.start,
        "end": event.end,
        "mode": event.mode,
        "context": event.context,
        "cameo": event.cameo,
        "trigger": event.trigger,
        "trigger_start": event.trigger_start,
        "trigger_end": event.trigger_end,
        "actor_text": event.actor_text,
        "actor_sector": event.actor_sector,
        "target_text": event.target_text,
        "target_sector": event.target_sector,
        "location": event.location,
        "location_country": event.location_country,
        "date_text": event.date_text,
        "negated": event.negated,
        "modality": event.modality,
    }


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
                   names: CanonicalNames | None = None, parties: EventNames | None = None) -> dict[str, Any]:
    """The export record of an article; `parties` is `EventNames.build(names)`, built here when not given."""
    if parties is None:
        parties = EventNames.build(names)
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
        "events": [event_record(event, parties) for event in article.events],
        "quantities": [quantity_record(quantity) for quantity in article.quantities],
        "dates": [date_record(date) for date in article.dates],
    }


def _iter_annotated(store: Store) -> Iterator[Article]:
    offset = 0
    while page := store.list_articles(limit=_PAGE, offset=offset, with_annotations=True):
        yield from page
        offset += len(page)


def iter_article_records(store: Store) -> Iterator[dict[str, Any]]:
    """Every stored article as an export record, read a page at a time with its annotations."""
    names = store_names(store)
    parties = EventNames.build(names)
    for article in _iter_annotated(store):
        yield article_record(article, store.sources_of(article.id), names, parties)


def _gdelt_day(event: Event, article: Article) -> str:
    for value in (event.date, article.published):
        match = _DAY.match(value or "")
        if match:
            return "".join(match.groups())
    return ""


def _cameo_parts(code: str | None) -> tuple[str, str, str, str]:
    """(EventCode, EventBaseCode, EventRootCode, QuadClass) of a CAMEO code; empty strings without one."""
    if not code or not code[:2].isdigit():
        return code or "", "", "", ""
    root = int(code[:2])
    quad = 1 if root <= 5 else 2 if root <= 8 else 3 if root <= 13 else 4
    return code, code[:3], code[:2], str(quad)


def event_row(article: Article, position: int, event: Event, parties: EventNames | None = None) -> dict[str, str]:
    """One row of the GDELT-style events table (see the module docstring for the columns)."""
    parties = parties or EventNames()
    day = _gdelt_day(event, article)
    code, base, root, quad = _cameo_parts(event.cameo)
    return {
        "GlobalEventID": f"{article.id}:{position}",
        "Day": day, "MonthYear": day[:6], "Year": day[:4],
        "Actor1Name": parties.get(event.actor, event.actor_country) or "",
        "Actor1CountryCode": event.actor_country or "",
        "Actor1Type1Code": event.actor_sector or "",
        "Actor2Name": parties.get(event.target, event.target_country) or "",
        "Actor2CountryCode": event.target_country or "",
        "Actor2Type1Code": event.target_sector or "",
        "EventCode": code, "EventBaseCode": base, "EventRootCode": root, "QuadClass": quad,
        "PLOVERType": event.type,
        "PLOVERMode": event.mode or "",
        "PLOVERContext": event.context or "",
        "Status": event.status,
        "AccordingTo": parties.get(event.according_to) or "",
        "Negated": "1" if event.negated else "0",
        "Modality": event.modality or "",
        "EventDate": event.date or "",
        "Quantities": "; ".join(quantity.text for quantity in event.quantities),
        "NumMentions": "1", "NumSources": "1", "NumArticles": "1",
        "ActionGeo_FullName": event.location or "",
        "ActionGeo_CountryCode": event.location_country or "",
        "SOURCEURL": article.url or article.canonical_url or article.source,
        "ArticleID": article.id,
        "Sentence": " ".join(event.text.split()),
    }


def write_events_csv(store: Store, out: TextIO) -> int:
    """Write every stored event as one GDELT-style CSV row; return the number of events written."""
    parties = EventNames.build(store_names(store))
    writer = csv.DictWriter(out, fieldnames=EVENT_CSV_FIELDS)
    writer.writeheader()
    count = 0
    for article in _iter_annotated(store):
        for position, event in enumerate(article.events):
            writer.writerow(event_row(article, position, event, parties))
            count += 1
    return count


def write_export(store: Store, out: TextIO, fmt: ExportFormat = "json") -> int:
    """Write the store to `out`; return the number of articles written (of events, for events-csv)."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    if fmt == "events-csv":
        return write_events_csv(store, out)
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
                             **{name: len(record[name])
                                for name in ("entities", "attributions", "events", "quantities", "dates")}})
    if fmt == "json":
        out.write('\n], "stories": [')
        for number, story in enumerate(iter_story_records(store)):
            out.write(("," if number else "") + "\n" + json.dumps(story, ensure_ascii=False))
        out.write("\n]}\n")
    return count


def iter_story_records(store: Store) -> Iterator[dict[str, Any]]:
    """Every story record as stored (contract fields id, title, article_ids, claims with id, summary,
    speaker, status, mentions with article_id and text, disputed_by; and our own: articles, outlets,
    matrix, timeline, quote_ledger, numbers, dates)."""
    yield from store.stories.iter_stories()


def export_string(store: Store, fmt: ExportFormat = "json") -> str:
    buffer = io.StringIO()
    write_export(store, buffer, fmt)
    return buffer.getvalue()
