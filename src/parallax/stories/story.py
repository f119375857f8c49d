"""The story record: what a reader of one story needs, built from its articles and their aligned claims.

- title: the title of the most central article (closest on average to the others);
- articles: id, title, outlet, date, language, and the original when it is a reprint;
- claims with their status (`claims`), and the claim matrix: for each claim and each outlet, whether the
  outlet `reports` it, `contradicts` it (reports a claim that disputes it) or `omits` it;
- a timeline of the events told in the writers' own voice, by resolved date;
- a quote ledger: per speaker, each claim with every outlet's wording, flagged `same`, `truncated` (one
  wording inside another) or `altered`;
- number reconciliation: per counted thing (the unit), each source's figure, with the claim it belongs to.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from parallax.records import Article, Claim
from parallax.stories.claims import most_common
from parallax.stories.contradict import counted_unit

_FOLD = re.compile(r"[^\w]+", re.UNICODE)


def central_title(articles: Sequence[Article], vectors: Mapping[str, np.ndarray]) -> str | None:
    """The title of the article closest on average to the others, among those in the story's main language."""
    languages = [a.language for a in articles if a.language]
    main = most_common(languages)
    titled = [a for a in articles if a.title and a.id in vectors and (main is None or a.language == main)]
    if not titled:
        return next((a.title for a in articles if a.title), None)
    if len(titled) <= 2:
        return min(titled, key=lambda a: (a.published or "9999", a.id)).title
    block = np.stack([vectors[a.id] for a in titled])
    return titled[int(np.argmax((block @ block.T).sum(axis=1)))].title


def story_record(story_id: str, articles: Sequence[Article], claims: Sequence[Claim],
                 vectors: Mapping[str, np.ndarray], reprint_of: Mapping[str, str]) -> dict[str, Any]:
    """The whole story as plain data (JSON-ready): what the store keeps and the export and CLI show."""
    ordered = sorted(articles, key=lambda a: (a.published or a.page_date or "9999", a.id))
    dates = sorted(d for a in ordered for d in (a.published or a.page_date,) if d)
    outlets = _outlets(ordered, reprint_of)
    return {
        "id": story_id,
        "title": central_title(ordered, vectors),
        "article_ids": [a.id for a in ordered],
        "articles": [{"id": a.id, "title": a.title, "outlet": a.outlet, "published": a.published or a.page_date,
                      "language": a.language, "reprint_of": reprint_of.get(a.id)} for a in ordered],
        "outlets": outlets,
        "first_date": dates[0] if dates else None,
        "last_date": dates[-1] if dates else None,
        "claims": [claim.to_dict() for claim in claims],
        "matrix": claim_matrix(claims, outlets, ordered, reprint_of),
        "timeline": timeline(ordered),
        "quote_ledger": quote_ledger(claims),
        "numbers": numbers(claims),
    }


def _outlet(article: Article) -> str:
    return article.outlet or article.id


def _outlets(articles: Sequence[Article], reprint_of: Mapping[str, str]) -> list[str]:
    seen: list[str] = []
    for article in articles:
        if reprint_of.get(article.id):
            continue
        if _outlet(article) not in seen:
            seen.append(_outlet(article))
    return seen


def claim_matrix(claims: Sequence[Claim], outlets: Sequence[str], articles: Sequence[Article],
                 reprint_of: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """claim id → outlet → reports | contradicts | omits (a reprint's mention counts for its original's outlet)."""
    outlet_of = {a.id: _outlet(a) for a in articles}
    reporting: dict[str, set[str]] = {}
    for claim in claims:
        reporting[claim.id] = {outlet_of.get(reprint_of.get(m.article_id, m.article_id), m.article_id)
                               for m in claim.mentions}
    matrix = {}
    for claim in claims:
        against = set().union(*(reporting.get(other, set()) for other in claim.disputed_by)) \
            if claim.disputed_by else set()
        row = {}
        for outlet in outlets:
            if outlet in reporting[claim.id]:
                row[outlet] = "reports"
            elif outlet in against:
                row[outlet] = "contradicts"
            else:
                row[outlet] = "omits"
        matrix[claim.id] = row
    return matrix


def timeline(articles: Sequence[Article]) -> list[dict[str, Any]]:
    """Events told in the writers' own voice, by resolved date (undated last), one per sentence and type."""
    entries = []
    seen = set()
    for article in articles:
        for event in article.events:
            if event.status not in ("asserted", "reported") or event.negated:
                continue
            key = (article.id, event.start, event.type)
            if key in seen:
                continue
            seen.add(key)
            entries.append({"date": event.date, "type": event.type, "actor": event.actor,
                            "actor_country": event.actor_country, "target": event.target,
                            "target_country": event.target_country, "article_id": article.id,
                            "outlet": article.outlet, "text": event.text, "start": event.start, "end": event.end})
    return sorted(entries, key=lambda e: (e["date"] or "9999", e["outlet"] or "", e["start"]))


def _folded(text: str) -> str:
    return " ".join(_FOLD.sub(" ", text.casefold()).split())


def quote_ledger(claims: Sequence[Claim]) -> dict[str, list[dict[str, Any]]]:
    """speaker → their claims, each with every outlet's wording and how it compares with the longest."""
    ledger: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for claim in claims:
        quoted = [m for m in claim.mentions if m.kind == "attribution"]
        if not claim.speaker or not quoted:
            continue
        longest = max(quoted, key=lambda m: len(m.text))
        wordings = []
        for mention in quoted:
            own, full = _folded(mention.text), _folded(longest.text)
            flag = "same" if own == full else "truncated" if own in full else "altered"
            wordings.append({"article_id": mention.article_id, "outlet": mention.outlet, "text": mention.text,
                             "start": mention.start, "end": mention.end, "language": mention.language,
                             "wording": flag})
        ledger[claim.speaker].append({"claim_id": claim.id, "summary": claim.summary, "wordings": wordings})
    return dict(ledger)


def numbers(claims: Sequence[Claim]) -> dict[str, list[dict[str, Any]]]:
    """unit → every source's figure for it, with the claim it is part of."""
    table: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for claim in claims:
        for mention in claim.mentions:
            for quantity in mention.quantities:
                if not quantity.unit or quantity.kind == "ordinal":
                    continue
                table[counted_unit(quantity.unit)].append({
                    "claim_id": claim.id, "article_id": mention.article_id, "outlet": mention.outlet,
                    "text": quantity.text, "value": quantity.value, "low": quantity.low, "high": quantity.high,
                    "qualifier": quantity.qualifier, "speaker": mention.speaker})
    return dict(table)
