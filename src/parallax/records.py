"""Typed records that flow between pipeline stages.

A `RawDocument` is one page as ingested (decoded HTML or plain text, with whatever metadata its
container carried); an `Article` is the cleaned result of extraction, which later stages enrich
with `Entity` mentions, `Attribution`s, `Event`s, `DateMention`s and `Quantity`s (offsets always
index `Article.text`); a `ParsedArticle` carries an article with its linguistic parse between the
NLP stages (annotate → attribute → events); a `Failure` records why one input could not go further.
Records are plain dataclasses so they pickle cheaply between worker processes and serialise to JSON
for the store and the export.
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
class Entity:
    """One mention of a named entity, with the canonical name its article-level cluster resolved to."""

    text: str  # the mention as written: "Mr. Kirby"
    type: str  # PERSON, ORG, GPE (countries, cities, states), LOC, NORP (nationalities), FAC
    canonical: str  # one name for every mention of the same entity: "John Kirby"
    start: int
    end: int
    country: str | None = None  # ISO 3166-1 alpha-3 of the country it is, or belongs to / speaks for
    roles: list[str] = field(default_factory=list)  # titles and roles seen with it
    cluster: int = 0  # mentions of one entity within an article share a cluster number

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


AttributionKind = Literal["direct", "indirect", "mixed"]
Stance = Literal["deny", "admit", "accuse", "demand", "warn"]


@dataclass(slots=True)
class Attribution:
    """Who said what: a source (speaker), a cue and the content attributed, as offsets into the text."""

    content: str
    start: int  # content offsets in Article.text, end-exclusive
    end: int
    kind: AttributionKind
    speaker: str | None = None  # canonical name of the source, None when unknown
    speaker_text: str | None = None  # the source mention as written: "He", "The Middle Eastern nation"
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_type: str | None = None  # PERSON, ORG, GPE, NORP, or None for common nouns ("officials")
    speaker_country: str | None = None
    cue: str | None = None  # "said", "told reporters", "according to"; None for continuation quotes
    cue_start: int | None = None
    cue_end: int | None = None
    stance: Stance | None = None  # what the cue does to the content: deny, admit, accuse, demand, warn
    segments: list[tuple[int, int]] = field(default_factory=list)  # content pieces when it is discontinuous
    sentence_start: int = 0  # the sentence(s) the attribution was read from: the evidence
    sentence_end: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class DateMention:
    """A time expression in the text, resolved against the article's reference date when possible."""

    text: str
    start: int
    end: int
    value: str | None  # ISO "2022-12-09", "2022-12", "2022", week "2022-W49", range "START/END"; None: unknown
    granularity: str | None = None  # day, week, month, season, quarter, year, decade, range
    reference: str | None = None  # the ISO date it was resolved against
    relation: str | None = None  # how: absolute, relative (last week), anchored (this Friday, the 9th), duration

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Quantity:
    """A number with what it counts: "more than 1.5 million people" → 1500000 people, qualifier "more than"."""

    text: str
    start: int
    end: int
    value: float | None  # None for vague amounts ("hundreds of drones") unless a bound is known
    unit: str | None = None  # what is counted or measured: "people", "drones", "percent", "USD", "km"
    qualifier: str | None = None  # "more than", "about", "at least", "up to", "nearly"
    approximate: bool = False
    low: float | None = None  # ranges and vague amounts: "between 10 and 15", "hundreds" → 200..999
    high: float | None = None
    kind: str = "count"  # count, percent, money, measure, ordinal-free number

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


EventStatus = Literal["asserted", "claimed", "denied", "admitted", "reported"]


@dataclass(slots=True)
class Event:
    """Who did what to whom, when and where, PLOVER-coded, with the sentence as evidence."""

    type: str  # a PLOVER event type: ACCUSE, AID, SANCTION, ASSAULT, …
    text: str  # the evidence sentence
    start: int  # sentence offsets in Article.text
    end: int
    trigger: str  # the verb or noun that names the event
    trigger_start: int
    trigger_end: int
    mode: str | None = None  # PLOVER mode of the type: "aerial" for ASSAULT, "discontinue" for SANCTION
    context: str | None = None  # PLOVER context: "military", "economic", "humanitarian", …
    cameo: str | None = None  # the CAMEO code the lexicon matched
    actor: str | None = None  # canonical name
    actor_text: str | None = None
    actor_country: str | None = None  # ISO 3166-1 alpha-3
    actor_sector: str | None = None  # GOV, MIL, REB, BUS, MED, CVL, IGO, …
    target: str | None = None
    target_text: str | None = None
    target_country: str | None = None
    target_sector: str | None = None
    location: str | None = None
    location_country: str | None = None
    date: str | None = None  # ISO value of the event's own date, when the sentence gives one
    date_text: str | None = None
    status: EventStatus = "asserted"
    according_to: str | None = None  # speaker when the event is reported speech
    negated: bool = False
    modality: str | None = None  # future, intention, possibility, obligation, condition, request: not (yet) done
    quantities: list[Quantity] = field(default_factory=list)

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
    entities: list[Entity] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class ParsedArticle:
    """An article with its spaCy `Doc`, handed from the annotate stage to the attribute stage.

    The parse stays inside one worker: the attribute stage returns the plain `Article`, so no
    parse is pickled back to the main process or written to the store.
    """

    article: Article
    doc: Any = None  # spacy.tokens.Doc; None when the article was not parsed (not English, empty)


@dataclass(slots=True)
class Failure:
    """An input that could not be turned into an article, and why."""

    source: str
    stage: str
    reason: str
    raw_hash: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


ClaimStatus = Literal["corroborated", "single-source", "disputed"]


@dataclass(slots=True)
class ClaimMention:
    """One place a source reports a claim: the evidence text with its offsets in that article."""

    article_id: str
    text: str  # the attributed content, or the event's sentence, or (unparsed languages) the sentence
    start: int
    end: int
    kind: str  # "attribution", "event" or "sentence"
    sentence: str | None = None  # the whole sentence(s) the mention was read from
    outlet: str | None = None
    published: str | None = None
    language: str | None = None
    speaker: str | None = None  # canonical name of who says it, when known
    speaker_text: str | None = None
    speaker_country: str | None = None
    stance: str | None = None  # the attribution's cue stance: deny, admit, accuse, demand, warn
    negated: bool = False
    event_type: str | None = None  # PLOVER type when the mention is an event
    actor_country: str | None = None
    target_country: str | None = None
    quantities: list[Quantity] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Claim:
    """What a story's sources report, aligned across articles and languages, with its status."""

    id: str
    summary: str  # an extracted sentence, never generated text
    speaker: str | None
    status: ClaimStatus
    mentions: list[ClaimMention] = field(default_factory=list)
    disputed_by: list[str] = field(default_factory=list)  # ids of the claims that contradict it
    dispute_reasons: list[str] = field(default_factory=list)  # one line per contradiction: why
    outlets: list[str] = field(default_factory=list)  # independent outlets reporting it (reprints folded)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Contradiction:
    """Two claims that cannot both hold, and why (the rule that found it)."""

    claim_id: str
    other_id: str
    reason: str


Record = RawDocument | Article | ParsedArticle | Failure

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
