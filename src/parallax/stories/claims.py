"""Claims of a story: what its articles report, aligned across outlets and languages, with a status.

Our own alignment, on the records of the earlier stages and multilingual sentence embeddings:

1. Candidates, per article: every attribution with some content (speaker, cue stance, offsets); every
   event told in the writer's own voice (asserted or reported: an event inside reported speech is already
   its attribution); for an article the NLP stages could not parse (not English), its sentences.
2. Alignment, best pairs first: the pair of candidates from two articles that matches best joins their
   groups, unless the groups already share an article (one article reports a claim once). A pair matches when
   - both have the same known speaker and their contents are close (cosine ≥ `same_speaker`): the same
     quote in other words or another language;
   - or they are events of the same type between the same countries and close (≥ `same_event`);
   - or, whoever speaks, they say the same thing (≥ `same_content`; ≥ `cross_language` between an
     unparsed sentence and anything).
3. Status: `corroborated` when two or more independent outlets report it (a reprint counts with its
   original, not as a second source), else `single-source`; `disputed` when `contradict` finds a claim
   that contradicts it (then `disputed_by` names it).

The summary is the sentence of the claim's most central mention: extracted, never generated.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from parallax.records import Article, Claim, ClaimMention
from parallax.stories.contradict import dispute_statuses, find_contradictions
from parallax.stories.features import Embedder, split_sentences

MIN_WORDS = 4
MAX_FOREIGN_SENTENCES = 80
PAIR_FLOOR = 0.3  # pairs below this cosine (content and sentence) are never one claim: not scored at all


@dataclass(slots=True, frozen=True)
class ClaimSettings:
    same_speaker: float = 0.66
    same_event: float = 0.55
    same_content: float = 0.78
    cross_language: float = 0.72
    second_claim: float = 0.80  # a candidate already placed also joins another claim only above this


@dataclass(slots=True)
class _Draft:
    mentions: list[ClaimMention] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)  # rows of the candidates' vectors


def most_common(values: Sequence[str]) -> str | None:
    """The most frequent value, ties going to the one seen first (never to a set's hash order, which differs
    between processes)."""
    return Counter(values).most_common(1)[0][0] if values else None


def candidates_of(article: Article, names: Mapping[str, str] | None = None) -> list[ClaimMention]:
    """What one article reports, as claim mentions (not yet aligned)."""
    names = names or {}
    found: list[ClaimMention] = []
    base = {"article_id": article.id, "outlet": article.outlet, "published": article.published,
            "language": article.language}
    for attribution in article.attributions:
        content = attribution.content.strip()
        if len(content.split()) < MIN_WORDS:
            continue
        speaker = names.get(attribution.speaker, attribution.speaker) if attribution.speaker else None
        quantities = [q for q in article.quantities if attribution.start <= q.start < attribution.end]
        # what the quote says happened: its first event's parties ("Russia is providing support" → RUS, IRN)
        inside = next((e for e in article.events if attribution.start <= e.trigger_start < attribution.end
                       and (e.actor_country or e.target_country)), None)
        sentence = article.text[attribution.sentence_start:attribution.sentence_end].strip() \
            if attribution.sentence_end > attribution.sentence_start else None
        found.append(ClaimMention(text=content, start=attribution.start, end=attribution.end, kind="attribution",
                                  sentence=sentence,
                                  speaker=speaker, speaker_text=attribution.speaker_text,
                                  speaker_country=attribution.speaker_country, stance=attribution.stance,
                                  event_type=inside.type if inside else None,
                                  actor_country=inside.actor_country if inside else None,
                                  target_country=inside.target_country if inside else None,
                                  quantities=quantities, **base))
    covered = [(a.start, a.end) for a in article.attributions]
    seen_sentences: set[int] = set()
    for event in article.events:
        if event.status not in ("asserted", "reported") or event.start in seen_sentences:
            continue
        if any(start <= event.trigger_start < end for start, end in covered):
            continue
        seen_sentences.add(event.start)
        found.append(ClaimMention(text=event.text, start=event.start, end=event.end, kind="event", sentence=event.text,
                                  speaker=None, negated=event.negated, event_type=event.type,
                                  actor_country=event.actor_country, target_country=event.target_country,
                                  quantities=list(event.quantities), **base))
    if not article.attributions and not article.events:
        found.extend(_sentences(article, base))
    return found


def _sentences(article: Article, base: dict) -> list[ClaimMention]:
    """An unparsed article (another language): its sentences, with their offsets."""
    out = []
    position = 0
    for sentence in split_sentences(article.text)[:MAX_FOREIGN_SENTENCES]:
        start = article.text.find(sentence, position)
        if start < 0:
            continue
        position = start + len(sentence)
        if len(sentence.split()) >= 6:
            quantities = [q for q in article.quantities if start <= q.start < position]
            out.append(ClaimMention(text=sentence, start=start, end=position, kind="sentence", sentence=sentence,
                                    quantities=quantities, **base))
    return out


def build_claims(articles: Sequence[Article], embedder: Embedder, *, reprint_of: Mapping[str, str] | None = None,
                 names: Mapping[str, str] | None = None, settings: ClaimSettings | None = None,
                 story_id: str = "") -> list[Claim]:
    """The claims of one story's articles, aligned, with statuses and disputes."""
    settings = settings or ClaimSettings()
    reprint_of = reprint_of or {}
    ordered = sorted(articles, key=lambda a: (a.published or "9999", a.id))
    candidates = [mention for article in ordered for mention in candidates_of(article, names)]
    if not candidates:
        return []
    texts = [mention.text for mention in candidates]
    if len({mention.article_id for mention in candidates}) > 1:
        # whole sentences too: an unparsed article's sentence is compared with the other side's sentence (one
        # call, so that a mention whose text is its sentence is encoded once)
        both = embedder.embed(texts + [mention.sentence or mention.text for mention in candidates])
        vectors, sentence_vectors = both[:len(texts)], both[len(texts):]
    else:  # one article: alignment pairs mentions of different articles only, so sentences are never compared
        vectors = sentence_vectors = embedder.embed(texts)
    drafts = _align(candidates, vectors, sentence_vectors, settings)
    claims, claim_vectors = [], {}
    outlet_of = {article.id: article.outlet or article.id for article in articles}
    for draft in drafts:
        central = _central(draft.rows, vectors)
        summary_mention = draft.mentions[central]
        claim_id = _claim_id(story_id, summary_mention)
        speakers = [m.speaker for m in draft.mentions if m.speaker]
        independent = sorted({outlet_of.get(reprint_of.get(m.article_id, m.article_id), m.article_id)
                              for m in draft.mentions})
        claims.append(Claim(id=claim_id, summary=summary_mention.sentence or summary_mention.text,
                            speaker=most_common(speakers),
                            status="corroborated" if len(independent) >= 2 else "single-source",
                            mentions=draft.mentions, outlets=independent))
        mean = vectors[draft.rows].mean(axis=0)
        claim_vectors[claims[-1].id] = mean / (np.linalg.norm(mean) or 1.0)
    dispute_statuses(claims, find_contradictions(claims, claim_vectors))
    return claims


def _align(candidates: Sequence[ClaimMention], vectors: np.ndarray, sentence_vectors: np.ndarray,
           settings: ClaimSettings) -> list[_Draft]:
    """Best pairs first: two groups join when a pair across them scores highest among what is left and
    they share no article (one article reports a claim once)."""
    content, sentences = vectors @ vectors.T, sentence_vectors @ sentence_vectors.T
    articles = [mention.article_id for mention in candidates]
    pairs = []
    rows, columns = np.nonzero(np.triu(np.maximum(content, sentences) >= PAIR_FLOOR, k=1))
    for row, column in zip(rows.tolist(), columns.tolist(), strict=True):
        if articles[row] == articles[column]:
            continue
        score = _match(candidates[row], candidates[column], float(content[row, column]),
                       float(sentences[row, column]), settings)
        if score > 0:
            pairs.append((score, row, column))
    group = list(range(len(candidates)))
    members: dict[int, list[int]] = {index: [index] for index in group}
    reporting: dict[int, set[str]] = {index: {articles[index]} for index in group}

    def root(index: int) -> int:
        while group[index] != index:
            group[index] = group[group[index]]
            index = group[index]
        return index

    ranked = sorted(pairs, key=lambda pair: (-pair[0], pair[1], pair[2]))
    for _score, row, column in ranked:
        first, second = root(row), root(column)
        if first == second or reporting[first] & reporting[second]:
            continue
        group[second] = first
        members[first].extend(members.pop(second))
        reporting[first] |= reporting.pop(second)
    # A long quote can carry two claims ("offers unprecedented support that is transforming the relationship
    # into a full defence partnership"): a group with no mention from an article also takes that article's
    # best-matching candidate, even one already placed in another group.
    also: dict[int, dict[str, int]] = {}
    for score, row, column in ranked:
        if score < settings.second_claim:
            break
        for mine, theirs in ((row, column), (column, row)):
            home = root(mine)
            if articles[theirs] not in reporting[home] and articles[theirs] not in also.setdefault(home, {}):
                also[home][articles[theirs]] = theirs
    drafts = []
    for home, rows_of_group in sorted(members.items(), key=lambda item: min(item[1])):
        ordered = sorted(rows_of_group) + sorted(also.get(home, {}).values())
        drafts.append(_Draft([candidates[row] for row in ordered], ordered))
    return drafts


def _match(mention: ClaimMention, other: ClaimMention, cosine: float, sentence_cosine: float,
           settings: ClaimSettings) -> float:
    """How well two mentions make one claim (0: they do not).

    One side's claim, worded by two outlets, shares its rare words more than its embedding shows ("is
    providing unprecedented military support" / "is offering an unprecedented level of military and
    technical support": cosine 0.45): for the same speaker, or two speakers of the same country (the
    spokesman and "the United States"), the score is the cosine plus half the share of common content
    words (`_content_overlap`)."""
    if mention.kind == "sentence" or other.kind == "sentence":
        return sentence_cosine if sentence_cosine >= settings.cross_language else 0.0
    if mention.kind == other.kind == "attribution" and _same_side(mention, other):
        score = cosine + 0.5 * _content_overlap(mention.text, other.text)
        return score if score >= settings.same_speaker else 0.0
    if mention.speaker and other.speaker:
        return cosine if cosine >= settings.same_content + 0.08 else 0.0  # two sides: only near-identical
    if mention.kind == other.kind == "event" and mention.event_type == other.event_type \
            and (mention.actor_country, mention.target_country) == (other.actor_country, other.target_country):
        return cosine if cosine >= settings.same_event else 0.0
    return cosine if cosine >= settings.same_content else 0.0


def _same_side(mention: ClaimMention, other: ClaimMention) -> bool:
    if mention.speaker and other.speaker and mention.speaker.casefold() == other.speaker.casefold():
        return True
    return bool(mention.speaker_country) and mention.speaker_country == other.speaker_country


_CONTENT_WORD = re.compile(r"(?<![\w'’])([a-zà-ÿ][a-zà-ÿ'’-]{2,})", re.UNICODE)
_FUNCTION_WORDS = frozenset({
    "the", "and", "that", "this", "these", "those", "with", "from", "into", "onto", "over", "under", "about",
    "after", "before", "while", "would", "could", "should", "will", "shall", "might", "must", "have", "has", "had",
    "been", "being", "were", "was", "are", "its", "their", "his", "her", "our", "your", "they", "them", "him", "she",
    "he", "it", "not", "but", "for", "than", "then", "there", "here", "which", "who", "whom", "whose", "what",
    "when", "where", "why", "how", "also", "said", "says", "say", "told", "according", "any", "all", "some", "more",
    "most", "such", "very", "just", "only", "even", "still", "does", "did", "doing", "can", "may"
})


def _content_words(text: str) -> set[str]:
    """Lower-case words of three letters or more, not function words; names (capitalised) left out, as
    they are shared by every claim of a story."""
    return {word.rstrip("s") for word in _CONTENT_WORD.findall(text) if word not in _FUNCTION_WORDS}


def _content_overlap(text: str, other: str) -> float:
    mine, theirs = _content_words(text), _content_words(other)
    if not mine or not theirs:
        return 0.0
    return len(mine & theirs) / min(len(mine), len(theirs))


def _central(rows: Sequence[int], vectors: np.ndarray) -> int:
    if len(rows) <= 2:
        return 0
    block = vectors[list(rows)]
    return int(np.argmax((block @ block.T).sum(axis=1)))


def _claim_id(story_id: str, mention: ClaimMention) -> str:
    """Stable across rebuilds of the same story: from the story and the central mention's place."""
    key = f"{story_id}|{mention.article_id}|{mention.start}|{mention.end}"
    return "k" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]
