"""What the web pages show, computed from records: highlighted article text, the claim matrix with links to
the evidence, disputed pairs, the quote ledger's word differences and the number reconciliation.

Everything here returns plain data (strings, lists, dicts); the templates escape every string they print
(Jinja2 autoescape), so nothing from an article ever reaches the page as markup. Links to the outside
world are kept only for http(s) URLs (`safe_url`).
"""

from __future__ import annotations

import difflib
import heapq
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from parallax.records import Article

CELL_LABELS = {"reports": ("●", "reports"), "contradicts": ("✗", "contradicts"), "omits": ("·", "omits")}
_WORD = re.compile(r"\S+")


def safe_url(url: str | None) -> str | None:
    """The URL when it is an absolute http(s) URL (shown as a link), else None (shown as text, if at all)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def entity_href(name: str) -> str:
    return "/entities/" + quote(name, safe="")


def evidence_href(article_id: str, start: int, end: int) -> str:
    return f"/articles/{quote(article_id, safe='')}?hl={start}-{end}#evidence"


# -- article text ----------------------------------------------------------------------------


@dataclass(slots=True)
class Span:
    """One highlighted stretch of an article's text."""

    start: int
    end: int
    kind: str  # quote | entity | event | date | quantity | evidence
    label: str = ""  # shown as text where the span starts (quotes: the speaker, events: the type)
    title: str = ""  # more detail, on hover
    href: str | None = None  # entities link to their page


@dataclass(slots=True)
class Segment:
    """A run of text covered by the same spans."""

    text: str
    kinds: list[str] = field(default_factory=list)
    labels: list[tuple[str, str]] = field(default_factory=list)  # (kind, label) of spans starting here
    title: str = ""
    href: str | None = None
    anchor: str | None = None


def article_spans(article: Article, names: Mapping[tuple[str, str, str | None], str] | None = None,
                  highlight: tuple[int, int] | None = None) -> list[Span]:
    """The spans to highlight: quotes by speaker, entities, event triggers, dates, quantities, the evidence."""
    names = names or {}
    spans: list[Span] = []
    for attribution in article.attributions:
        speaker = attribution.speaker or attribution.speaker_text or "unknown speaker"
        if attribution.speaker and attribution.speaker_type:
            speaker = names.get((attribution.speaker, attribution.speaker_type, attribution.speaker_country), speaker)
        pieces = attribution.segments or [(attribution.start, attribution.end)]
        for number, (start, end) in enumerate(pieces):
            spans.append(Span(start, end, "quote", f"{speaker}:" if number == 0 else "",
                              f"{attribution.kind} quote by {speaker}" + (f" ({attribution.cue})"
                                                                          if attribution.cue else "")))
    for entity in article.entities:
        name = names.get((entity.canonical, entity.type, entity.country), entity.canonical)
        spans.append(Span(entity.start, entity.end, "entity", "", f"{entity.type}: {name}", entity_href(name)))
    for event in article.events:
        spans.append(Span(event.trigger_start, event.trigger_end, "event", event.type,
                          f"event {event.type} ({event.status})"))
    for date in article.dates:
        spans.append(Span(date.start, date.end, "date", "", f"date: {date.value or 'unresolved'}"))
    for quantity in article.quantities:
        amount = quantity.value if quantity.value is not None else f"{quantity.low}–{quantity.high}"
        spans.append(Span(quantity.start, quantity.end, "quantity", "", f"quantity: {amount} {quantity.unit or ''}"))
    if highlight is not None:
        spans.append(Span(highlight[0], highlight[1], "evidence", "evidence", "the evidence sentence"))
    length = len(article.text)
    return [span for span in spans if 0 <= span.start < span.end <= length]


def segments(text: str, spans: Sequence[Span]) -> list[Segment]:
    """Cut the text at every span boundary; each piece lists the spans covering it (a sweep: near-linear)."""
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    by_start = sorted(range(len(spans)), key=lambda i: (spans[i].start, -spans[i].end))
    active: list[tuple[int, int]] = []  # (end, index) heap
    covering: set[int] = set()
    pending = 0
    out: list[Segment] = []
    for left, right in itertools.pairwise(cuts):
        while active and active[0][0] <= left:
            covering.discard(heapq.heappop(active)[1])
        starting = []
        while pending < len(by_start) and spans[by_start[pending]].start <= left:
            index = by_start[pending]
            heapq.heappush(active, (spans[index].end, index))
            covering.add(index)
            starting.append(index)
            pending += 1
        current = [spans[i] for i in sorted(covering)]
        segment = Segment(text[left:right], sorted({s.kind for s in current}))
        segment.labels = [(spans[i].kind, spans[i].label) for i in starting if spans[i].label]
        segment.title = "; ".join(s.title for s in current if s.title)
        segment.href = next((s.href for s in current if s.href), None)
        if any(spans[i].kind == "evidence" for i in starting):
            segment.anchor = "evidence"
        out.append(segment)
    return out


def parse_highlight(value: str | None, length: int) -> tuple[int, int] | None:
    """`start-end` from the query string, when it names a stretch of the text; None otherwise."""
    match = re.fullmatch(r"(\d{1,9})-(\d{1,9})", value or "")
    if not match:
        return None
    start, end = int(match.group(1)), int(match.group(2))
    return (start, end) if 0 <= start < end <= length else None


# -- story -----------------------------------------------------------------------------------


def outlet_keys(record: Mapping[str, Any]) -> dict[str, str]:
    """article id → the outlet column it counts for in the matrix (a reprint counts for its original's outlet)."""
    own = {a["id"]: a.get("outlet") or a["id"] for a in record["articles"]}
    return {a["id"]: own.get(a.get("reprint_of") or a["id"], own[a["id"]]) for a in record["articles"]}


def matrix_rows(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per claim: its cells in the order of the outlets, each with a symbol, a label and, when the
    outlet reports or contradicts it, a link to the evidence sentence."""
    keys = outlet_keys(record)
    claims = {claim["id"]: claim for claim in record["claims"]}

    def evidence(claim_ids: Sequence[str], outlet: str) -> str | None:
        for claim_id in claim_ids:
            for mention in claims.get(claim_id, {}).get("mentions", []):
                if keys.get(mention["article_id"], mention["article_id"]) == outlet:
                    return evidence_href(mention["article_id"], mention["start"], mention["end"])
        return None

    rows = []
    for claim in record["claims"]:
        cells = []
        for outlet in record["outlets"]:
            state = record["matrix"].get(claim["id"], {}).get(outlet, "omits")
            symbol, label = CELL_LABELS[state]
            href = (evidence([claim["id"]], outlet) if state == "reports"
                    else evidence(claim["disputed_by"], outlet) if state == "contradicts" else None)
            cells.append({"state": state, "symbol": symbol, "label": label, "href": href, "outlet": outlet})
        rows.append({"claim": claim, "cells": cells})
    return rows


def disputed_pairs(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each pair of contradicting claims once, with why."""
    claims = {claim["id"]: claim for claim in record["claims"]}
    pairs = []
    for claim in record["claims"]:
        for other, reason in zip(claim["disputed_by"], claim.get("dispute_reasons", []), strict=False):
            if other in claims and claim["id"] < other:
                pairs.append({"left": claim, "right": claims[other], "reason": reason})
    return pairs


def word_diff(text: str, reference: str) -> list[tuple[str, str]]:
    """The words of `text` against `reference`: ("same", …), ("added", …) words the reference lacks, and
    ("missing", …) reference words this wording leaves out. Compared case- and punctuation-insensitively."""
    own, ref = _WORD.findall(text), _WORD.findall(reference)

    def fold(words: list[str]) -> list[str]:
        return [re.sub(r"\W+", "", word.casefold()) for word in words]

    out: list[tuple[str, str]] = []
    for tag, a1, a2, b1, b2 in difflib.SequenceMatcher(None, fold(own), fold(ref), autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(("same", " ".join(own[a1:a2])))
            continue
        if a2 > a1:
            out.append(("added", " ".join(own[a1:a2])))
        if b2 > b1:
            out.append(("missing", " ".join(ref[b1:b2])))
    return out


def ledger_view(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The quote ledger, speaker by speaker; each wording with its differences from the longest one."""
    speakers = []
    for speaker, entries in record.get("quote_ledger", {}).items():
        shown = []
        for entry in entries:
            reference = max((w["text"] for w in entry["wordings"]), key=len, default="")
            wordings = [{**w, "diff": word_diff(w["text"], reference) if w["wording"] != "same" else
                         [("same", w["text"])]} for w in entry["wordings"]]
            shown.append({**entry, "wordings": wordings})
        speakers.append({"speaker": speaker, "entries": shown})
    return speakers


def _figure(row: Mapping[str, Any]) -> tuple[Any, Any, Any]:
    return row.get("value"), row.get("low"), row.get("high")


def number_view(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Per counted thing, every source's figure, and whether the figures agree."""
    out = []
    for unit, rows in record.get("numbers", {}).items():
        figures = {_figure(row) for row in rows}
        out.append({"unit": unit, "rows": rows, "agree": len(figures) <= 1,
                    "outlets": len({row.get("outlet") for row in rows})})
    return sorted(out, key=lambda item: (item["agree"], -len(item["rows"]), item["unit"]))
