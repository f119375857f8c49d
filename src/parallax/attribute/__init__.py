"""Attribute stage: every quote and reported claim in an article, with its speaker, cue and stance.

Reads `ParsedArticle`s from the annotate stage and returns plain `Article`s with `attributions`
filled (the parse is dropped here), or, with `keep_parse`, the `ParsedArticle` for the events
stage. Per article: find the quotations (`quotes`), read attribution candidates off the parse
(`rules`), widen contents to the quotations they cut, give quotations with no cue of their own to
the cue that introduces them or to the previous speaker (continuation quotes), then resolve each
source mention to a canonical speaker (`speakers`) in text order.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from spacy.tokens import Doc

from parallax.annotate.gazetteer import Gazetteer
from parallax.attribute.quotes import QuoteIndex, QuoteSpan, find_quotes, paragraph_spans
from parallax.attribute.rules import (
    Candidate,
    according_to_candidates,
    clean_segments,
    cue_candidates,
    denial_after_semicolon,
    framing_candidates,
    speaker_colon_candidates,
)
from parallax.attribute.speakers import NOBODY, Speaker, SpeakerResolver
from parallax.common.doctext import doc_text
from parallax.records import Attribution, AttributionKind, Entity, ParsedArticle, Record

__all__ = ["Attributor", "attribute_doc"]

STAGE = "attribute"
MIN_CONTINUATION_WORDS = 4  # shorter cue-less quotations are scare quotes or titles, not speech
MAX_CONTINUATION_SENTENCES = 3


class Attributor:
    """Pipeline stage: ParsedArticle in, Article with attributions out; other records pass through."""

    name = STAGE

    def __init__(self, keep_parse: bool = False) -> None:
        self.keep_parse = keep_parse  # hand ParsedArticles on (to the events stage) instead of Articles
        self._gazetteer: Gazetteer | None = None

    def setup(self) -> None:
        self._gazetteer = Gazetteer.load()

    def process_batch(self, records: Sequence[Record]) -> list[Record]:
        if self._gazetteer is None:
            self.setup()
        assert self._gazetteer is not None
        out: list[Record] = []
        for record in records:
            if not isinstance(record, ParsedArticle):
                out.append(record)
                continue
            article = record.article
            if record.doc is not None:
                try:
                    article.attributions = attribute_doc(record.doc, article.entities, self._gazetteer)
                except Exception as error:  # one odd parse must not stop the batch
                    article.notes.append(f"{STAGE}: failed on this article ({type(error).__name__}: {error})")
            out.append(record if self.keep_parse else article)
        return out


def attribute_doc(doc: Doc, entities: list[Entity], gazetteer: Gazetteer) -> list[Attribution]:
    """All attributions of one parsed article, in text order."""
    text = doc_text(doc)
    quotes = find_quotes(text)
    inside_quote = _tokens_inside(doc, quotes)
    candidates: list[Candidate] = []
    ents = list(doc.ents)
    ent_starts = [entity.start for entity in ents]
    for sentence in doc.sents:
        candidates.extend(cue_candidates(doc, sentence, quotes, inside_quote))
        candidates.extend(according_to_candidates(doc, sentence, inside_quote))
        candidates.extend(denial_after_semicolon(doc, sentence, inside_quote))
        candidates.extend(speaker_colon_candidates(doc, sentence, inside_quote, ents, ent_starts))
        candidates.extend(framing_candidates(doc, sentence, inside_quote))
    silent = [candidate for candidate in candidates if not candidate.content]
    candidates = [candidate for candidate in candidates if candidate.content]
    for candidate in candidates:
        candidate.content = _widen_to_quotes(text, candidate, quotes)
    candidates = _deduplicate(candidates) + silent

    resolver = SpeakerResolver(doc, entities, gazetteer)
    paragraphs = paragraph_spans(text)
    attributions: list[Attribution] = []
    pending = sorted(_uncovered(quotes, candidates), key=lambda quote: quote.start)
    queue = sorted(candidates, key=_position)
    last: Attribution | None = None
    orphans: list[QuoteSpan] = []
    while queue or pending:
        if pending and (not queue or pending[0].start < _position(queue[0])):
            quote = pending.pop(0)
            continued = _signed(text, quote, entities, resolver) or _continuation(text, quote, last, resolver,
                                                                                    paragraphs)
            if continued is not None:
                attributions.append(continued)
                last = continued
            elif not quote.closed:
                orphans.append(quote)
            continue
        candidate = queue.pop(0)
        speaker = resolver.resolve(candidate.source, candidate.source_span, candidate.antecedent) \
            if candidate.source is not None else NOBODY
        if not candidate.content:
            resolver.remember(candidate.source_span[0] if candidate.source_span else 0, speaker)
            continue
        attribution = _make(text, candidate, speaker, quotes)
        resolver.remember(candidate.source_span[0] if candidate.source_span else candidate.start, speaker)
        attributions.append(attribution)
        last = attribution
    attributions.extend(_opened_before_attribution(text, orphans, quotes, attributions, resolver))
    attributions.sort(key=lambda attribution: (attribution.start, attribution.end))
    return attributions


def _opened_before_attribution(text: str, orphans: Sequence[QuoteSpan], quotes: QuoteIndex,
                               attributions: Sequence[Attribution], resolver: SpeakerResolver) -> list[Attribution]:
    """A quotation left open at a paragraph end belongs to whoever speaks the paragraph that reopens it:
    '“…\n\n“…,” she said.'"""
    found = []
    for orphan in orphans:
        following = [quote for quote in quotes.from_offset(orphan.end) if quote.continues_previous][:1]
        if not following or following[0].start - orphan.end > 4:
            continue
        reopened = following[0]
        owner = next((a for a in attributions if a.start <= reopened.inner_start < a.end and a.speaker), None)
        if owner is None:
            continue
        sentence_start = resolver.sentence_starts[resolver.sentence_index(orphan.start)]
        found.append(Attribution(
            content=text[orphan.start:orphan.end], start=orphan.start, end=orphan.end, kind="direct",
            speaker=owner.speaker, speaker_text=owner.speaker_text, speaker_type=owner.speaker_type,
            speaker_country=owner.speaker_country, sentence_start=sentence_start, sentence_end=orphan.end))
    return found


def _position(candidate: Candidate) -> int:
    return candidate.content[0][0] if candidate.content else candidate.cue_start or 0


def _tokens_inside(doc: Doc, quotes: Sequence[QuoteSpan]) -> set[int]:
    inside: set[int] = set()
    for quote in quotes:
        span = doc.char_span(quote.inner_start, quote.inner_end, alignment_mode="contract")
        if span is not None:
            inside.update(range(span.start, span.end))
    return inside


def _widen_to_quotes(text: str, candidate: Candidate, quotes: QuoteIndex) -> list[tuple[int, int]]:
    """Content that cuts a quotation takes all of it, unless the cue or source is inside it."""
    segments = list(candidate.content)
    anchors = [offset for offset in (candidate.cue_start, candidate.source_span[0] if candidate.source_span else None)
               if offset is not None]
    for quote in quotes.near(segments[0][0], segments[-1][1]):
        if any(quote.start <= anchor < quote.end for anchor in anchors):
            continue
        touches = any(start < quote.end and quote.start < end for start, end in segments)
        if touches:
            segments.append((quote.start, quote.end))
    segments.sort()
    merged: list[tuple[int, int]] = []
    for start, end in segments:
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return clean_segments(text, merged)


RULE_ORDER = {"clause": 0, "according-to": 1, "preposition": 2, "infinitive": 3, "parenthetical": 4,
              "statement": 5, "naming": 6, "quoted-object": 7, "object": 8, "quoted-predicate": 9, "quote-after": 10,
              "quote-then-cue": 11, "framing": 12, "dek-denial": 13}


def _deduplicate(candidates: list[Candidate]) -> list[Candidate]:
    """One attribution per content span and source; the more specific rule wins."""
    best: dict[tuple[object, ...], Candidate] = {}
    for candidate in candidates:
        key = (tuple(candidate.content), candidate.source_span)
        kept = best.get(key)
        if kept is None or RULE_ORDER.get(candidate.rule, 9) < RULE_ORDER.get(kept.rule, 9):
            best[key] = candidate
    unique = list(best.values())
    return [candidate for candidate in unique
            if not any(_restates(other, candidate) or _misattached(other, candidate) for other in unique)]


def _misattached(outer: Candidate, inner: Candidate) -> bool:
    """A cue inside someone's reported words whose subject cannot speak ("…that the dam was safe and
    blamed the rain"): the parser hung the cue on the wrong clause."""
    if outer is inner or not inner.extra.get("weak_source") or inner.cue_start is None:
        return False
    return any(start <= inner.cue_start < end for start, end in outer.content)


def _restates(outer: Candidate, inner: Candidate) -> bool:
    """ "X expressed concern about…, describing it as…": a cue inside the content of another cue of the
    same source, with its content inside that content, adds nothing."""
    if outer is inner or outer.source_span != inner.source_span or inner.cue_start is None:
        return False
    inside = any(start <= inner.cue_start < end for start, end in outer.content)
    return inside and outer.start <= inner.start and inner.end <= outer.end


def _uncovered(quotes: Sequence[QuoteSpan], candidates: Sequence[Candidate]) -> list[QuoteSpan]:
    """Quotations no candidate's content touches."""
    segments = sorted(segment for candidate in candidates for segment in candidate.content)
    starts = [start for start, _ in segments]
    reach: list[int] = []  # furthest end among segments[:i + 1]
    for _, end in segments:
        reach.append(max(end, reach[-1]) if reach else end)
    out = []
    for quote in quotes:
        index = bisect.bisect_left(starts, quote.inner_end) - 1
        if index < 0 or reach[index] <= quote.inner_start:
            out.append(quote)
    return out


_WORD = re.compile(r"\w+")


def _kind(text: str, segments: Sequence[tuple[int, int]], quotes: Sequence[QuoteSpan]) -> AttributionKind:
    """Direct when every word is inside quotation marks, mixed when some are, else indirect."""
    words = quoted = 0
    for start, end in segments:
        for match in _WORD.finditer(text, start, end):
            words += 1
            quoted += any(quote.inner_start <= match.start() < quote.inner_end for quote in quotes)
    if words and quoted == words:
        return "direct"
    return "mixed" if quoted else "indirect"


def _make(text: str, candidate: Candidate, speaker: Speaker, quotes: QuoteIndex) -> Attribution:
    start, end = candidate.start, candidate.end
    relevant = quotes.near(start, end)
    source_start, source_end = candidate.source_span or (None, None)
    return Attribution(
        content=text[start:end], start=start, end=end, kind=_kind(text, candidate.content, relevant),
        speaker=speaker.name, speaker_text=text[source_start:source_end] if source_start is not None else None,
        speaker_start=source_start, speaker_end=source_end, speaker_type=speaker.type,
        speaker_country=speaker.country,
        cue=text[candidate.cue_start:candidate.cue_end] if candidate.cue_start is not None else None,
        cue_start=candidate.cue_start, cue_end=candidate.cue_end, stance=candidate.stance,
        segments=list(candidate.content) if len(candidate.content) > 1 else [],
        sentence_start=candidate.sentence[0], sentence_end=candidate.sentence[1],
    )


_SIGNATURE = re.compile(r"\s*[―—–-]{1,2}\s*")


def _signed(text: str, quote: QuoteSpan, entities: Sequence[Entity], resolver: SpeakerResolver) -> Attribution | None:
    """A quotation signed with a dash and a name: '“…” ― Maria Lopez' (vox pops, epigraphs)."""
    match = _SIGNATURE.match(text, quote.end)
    if match is None or match.end() == quote.end:
        return None
    index = bisect.bisect_left(entities, match.end(), key=lambda entity: entity.start)
    signer = entities[index] if index < len(entities) and entities[index].start == match.end() else None
    if signer is None or signer.type not in ("PERSON", "ORG"):
        return None
    sentence_start = resolver.sentence_starts[resolver.sentence_index(quote.start)]
    speaker = Speaker(signer.canonical, signer.type, signer.country)
    resolver.remember(signer.start, speaker)
    return Attribution(
        content=text[quote.start:quote.end], start=quote.start, end=quote.end, kind="direct",
        speaker=signer.canonical, speaker_text=signer.text, speaker_start=signer.start, speaker_end=signer.end,
        speaker_type=signer.type, speaker_country=signer.country, cue=text[match.start():match.end()].strip(),
        cue_start=match.start(), cue_end=match.end(), sentence_start=sentence_start, sentence_end=signer.end,
    )


def _continuation(text: str, quote: QuoteSpan, last: Attribution | None, resolver: SpeakerResolver,
                  paragraphs: Sequence[tuple[int, int]]) -> Attribution | None:
    """A cue-less quotation right after someone spoke continues that speaker."""
    if last is None or (last.speaker is None and last.speaker_text is None):
        return None
    if quote.words(text) < MIN_CONTINUATION_WORDS and not quote.continues_previous:
        return None
    gap = resolver.sentence_index(quote.start) - resolver.sentence_index(last.end)
    if gap > MAX_CONTINUATION_SENTENCES and not quote.continues_previous:
        return None
    if not _starts_sentence(text, quote.start, paragraphs):
        return None
    start, end = quote.start, quote.end
    sentence = resolver.sentence_index(start)
    sentence_start = resolver.sentence_starts[sentence]
    return Attribution(
        content=text[start:end], start=start, end=end, kind="direct", speaker=last.speaker,
        speaker_text=last.speaker_text, speaker_start=None, speaker_end=None, speaker_type=last.speaker_type,
        speaker_country=last.speaker_country, cue=None, stance=None,
        sentence_start=sentence_start, sentence_end=end,
    )


def _starts_sentence(text: str, offset: int, paragraphs: Sequence[tuple[int, int]]) -> bool:
    if any(start == offset for start, _ in paragraphs):
        return True
    before = text[max(0, offset - 3):offset].rstrip()
    return not before or before[-1] in ".!?”\"" or before.endswith(("\n",))
