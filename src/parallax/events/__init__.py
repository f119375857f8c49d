"""Events stage: what happened (PLOVER events), when (resolved time expressions) and how much (quantities).

Reads `ParsedArticle`s after the attribute stage (so an event inside reported speech knows who
claims it) and returns plain `Article`s with `events`, `dates` and `quantities`; the parse is dropped
here. Articles without a parse (not English, too short) still get their dates, read with dateparser
in their own language. Time expressions resolve against the article's reference date: the published
date, else the page's header date (`events.dates.reference_date`).
"""

from __future__ import annotations

from collections.abc import Sequence

from parallax.annotate.gazetteer import Gazetteer
from parallax.events.dates import find_dates, reference_date
from parallax.events.extract import extract_events
from parallax.events.lexicon import EventLexicon
from parallax.events.quantities import find_quantities
from parallax.records import Article, ParsedArticle, Record

__all__ = ["EventExtractor", "extract_events"]

STAGE = "events"


class EventExtractor:
    """Pipeline stage: ParsedArticle in, Article with events, dates and quantities out."""

    name = STAGE

    def __init__(self) -> None:
        self._lexicon: EventLexicon | None = None
        self._gazetteer: Gazetteer | None = None

    def setup(self) -> None:
        if self._lexicon is None:
            self._lexicon = EventLexicon.load()
            self._gazetteer = Gazetteer.load()

    def process_batch(self, records: Sequence[Record]) -> list[Record]:
        self.setup()
        assert self._lexicon is not None and self._gazetteer is not None
        out: list[Record] = []
        for record in records:
            if isinstance(record, ParsedArticle):
                out.append(self._annotate(record))
            else:
                out.append(record)
        return out

    def _annotate(self, parsed: ParsedArticle) -> Article:
        assert self._lexicon is not None and self._gazetteer is not None
        article, doc = parsed.article, parsed.doc
        reference, _ = reference_date(article.published, article.page_date)
        try:
            article.dates = find_dates(article.text, reference, doc, article.language or "en")
            if doc is not None:
                article.quantities = find_quantities(doc)
                article.events = extract_events(doc, article.entities, article.attributions, article.dates,
                                                article.quantities, self._lexicon, self._gazetteer)
        except Exception as error:  # one odd article must not stop the batch
            article.notes.append(f"{STAGE}: failed on this article ({type(error).__name__}: {error})")
        return article
