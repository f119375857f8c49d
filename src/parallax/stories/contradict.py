"""Contradictions between the claims of one story: which pairs cannot both hold, and why.

This module owns `find_contradictions`, which compares every unordered pair of a story's claims and returns
a `parallax.records.Contradiction` for each pair that cannot both hold, and `dispute_statuses`, which marks
both claims of each such pair as disputed. No natural-language-inference model is available offline, so
the decision is made by rules over the claims' mentions (stance, negation, speakers, countries, quantities)
and their sentence embeddings (L2-normalised, so cosine is the dot product). The rules, tried in this order;
the first that fires gives the pair its reason:

1. Denial ("denial: B rejects what A says"). Claim B has a denying mention: stance "deny" (unless its sentence
   refuses something rather than denies a statement: "deny the boats access"), or text that denies ("denied
   that …", "denies any breach", "rejects the claims/accusations/allegations/reports/findings", "dismissed
   them as lies", and the commonest denial verbs of Spanish, Portuguese, French, German and Italian) or
   asserts not needing or not receiving something ("needs no help from anyone", "has not received any
   payment"). The denier must be another speaker than A's (see "Speakers"); a narrated denial ("Haraka
   Capital rejected the accusations") does not answer claims whose speaker it names. Claim A must assert:
   no mention of it denies, and not all of its mentions are negated (two denials agree). The two must be
   about the same thing: cosine >= `same_threshold`; or cosine >= `topic_threshold` and A points at the
   denier (it names the denier by a name that is not a country, says the denier's country acted (a mention's
   actor country), or accuses (stance "accuse") and names the denier's country), A's speaker not standing
   for the denier's own country; or, without vectors, a shared country or capitalised name. In one story
   nearly every claim is on the topic (cosines of 0.45–0.65 between unrelated claims of one story are
   common), so the topic cosine alone is not enough. An anaphoric denial ("X rejected the claims",
   "dismissed the accusations as lies": a denial with at most one content word of its own) also disputes,
   at any cosine, a claim that some person or body said (not "according to figures") that names X's side:
   a country of X (the mention's actor country, the country X's name or title stands for) or a capitalised
   word of X's name, in the claim's text or its actor/target countries; claims whose own speaker stands for
   one of X's countries are X's side and are left alone. A denial never disputes a claim of its own speaker
   (that is rule 2's business).
2. Reversal ("reversal: X first denied, then admitted"). The same speaker (canonical name, case-insensitive,
   or, when only one side has a canonical name, the same written form: "the president" of CSAV) denies in
   one claim and admits (stance "admit" or "admitted/acknowledged/conceded/confessed") in the other, and the
   claims are related: cosine >= `topic_threshold`, a shared quantity unit or country, or a content word the
   denying and the admitting mention share ("no negligence" … "insisting there was no negligence": one
   speaker's denial and admission in one story often embed far apart). The order comes from the mentions'
   publication dates when both are known.
3. Negation ("negation: X says not"). Cosine >= `same_threshold`, and one claim is negated in all its
   mentions (`mention.negated`, a denial as in rule 1, or a negator: not, no, never, n't, none, nobody,
   nothing, neither, nor, without, cannot, deny/denies/denied) while the other is negated in none. "No more/fewer
   than", "not only" and "confirm or deny" do not count. A double negation through an antonym ("prices did
   not rise" vs "prices fell") is agreement, not a contradiction.
4. Antonymous predicates ("opposites: 'rose' vs 'fell'"). Cosine >= `same_threshold`, and a word of one
   claim and a word of the other form a pair of `ANTONYMS` (word forms reduced by suffix stripping and a few
   irregular forms), neither text holding a negator and neither claim holding both words.
5. Conflicting numbers ("numbers differ: 'a small number of drones' vs 'hundreds of drones'"). Two amounts
   of the same unit (lower-cased, singularised: "drones" = "drone", "people" = "person") in claims that are
   related: cosine >= `topic_threshold`, or, when a vector is missing, a shared content word besides the
   unit. Below a cosine of `NUMBER_SAME_THING` the two amounts must also share a content word near them
   (four words before, six after: "18% *in 2024*" and "a *cut* of about 42%" count different things), and
   amounts whose words between number and unit differ ("11 Chilean vessels", "23 Peruvian vessels") never
   conflict. Amounts are intervals: an exact value [v, v]; "about"/approximate widens it by 10% each side;
   "nearly"/"almost" is [0.9v, v]; "more than"/"at least" is [v, ∞); "up to"/"fewer than" is [0, v]; ranges
   and vague amounts keep their bounds. Two intervals conflict when the gap between them exceeds 10% of the
   larger value (so 12 vs 14 conflicts, "at least 12" vs 14 and 100 vs 105 do not). Vague phrases the
   quantity finder left without bounds, or did not find at all, are read here from `VAGUE_AMOUNTS` ("a small
   number"/"a few"/"several"/"a handful" 1–9, "dozens" 24–99, "hundreds" 200–999, "thousands" 2,000–9,999,
   …). "many"/"a large number" conflict only with amounts below 10; "many more" claims more than whatever
   the other side counts, so it conflicts with every amount that has an upper bound. A unit is in conflict
   only when every amount of it in one claim conflicts with every amount of it in the other.

Speakers: a claim's voices are its mentions' (speaker, speaker_text), with the claim's speaker standing in
for a mention without one, and for a narrated sentence without either the name it opens with when a speech
verb follows ("Chile denies any breach" speaks for Chile). Two voices are the same when their canonical
names match (case-insensitive) or a written form matches the other's name or written form ("Kirby" = "John
Kirby"); different when both canonical names are known and differ, or when the written forms differ (a
voice with nothing known differs from a named one); unknown when neither voice knows anything or a written
form is a bare pronoun.

Two claims are never compared when a mention of one and a mention of the other read overlapping words of one
article (an attribution and the event inside it, or a mis-split quote): the same words cannot contradict
themselves.

Vectors may be missing for some claims: then the cosine conditions cannot hold and rules 3 and 4 do not
fire for that pair; rules 1, 2 and 5 fall back on countries, names, units and shared words as stated.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from typing import Literal

import numpy as np

from parallax.annotate.gazetteer import Gazetteer
from parallax.events.lexicon import normalize_noun
from parallax.events.quantities import unit_tables
from parallax.records import Claim, ClaimMention, Contradiction, Quantity

__all__ = ["ANTONYMS", "VAGUE_AMOUNTS", "dispute_statuses", "find_contradictions"]

# Amounts of one unit in claims less alike than this must also share a word besides the unit to conflict.
NUMBER_SAME_THING = 0.6
_COMMON_COUNTED = frozenset({"more", "than", "least", "about", "some", "around", "nearly", "over", "total"})
# Exact amounts further apart than this share of the larger one conflict.
NUMBER_TOLERANCE = 0.10
# An anaphoric denial has at most this many content words of its own.
_ANAPHORIC_MAX_WORDS = 1

ANTONYMS: tuple[tuple[str, str], ...] = (
    ("increase", "decrease"),
    ("rise", "fall"),
    ("raise", "lower"),
    ("win", "lose"),
    ("accept", "reject"),
    ("confirm", "deny"),
    ("support", "oppose"),
    ("approve", "reject"),
    ("open", "close"),
    ("arrive", "leave"),
    ("arrive", "depart"),
    ("start", "stop"),
    ("guilty", "innocent"),
    ("alive", "dead"),
    ("before", "after"),
    ("legal", "illegal"),
    ("true", "false"),
    ("allow", "ban"),
)

# Vague amounts as a scale: phrase → (low, high, relation). A relation marks amounts that only say "more":
# "many" (more than a handful) and "many more" (more than what the other side counts).
VAGUE_AMOUNTS: dict[str, tuple[float | None, float | None, str | None]] = {
    "a small number": (1, 9, None),
    "a handful": (1, 9, None),
    "a couple": (1, 9, None),
    "a few": (1, 9, None),
    "several": (1, 9, None),
    "few": (0, 9, None),
    "dozens": (24, 99, None),
    "scores": (40, 99, None),
    "several hundred": (200, 999, None),
    "a few hundred": (200, 999, None),
    "hundreds": (200, 999, None),
    "several thousand": (2_000, 9_999, None),
    "a few thousand": (2_000, 9_999, None),
    "thousands": (2_000, 9_999, None),
    "tens of thousands": (20_000, 99_999, None),
    "hundreds of thousands": (200_000, 999_999, None),
    "millions": (2_000_000, 9_999_999, None),
    "many": (None, None, "many"),
    "numerous": (None, None, "many"),
    "a large number": (None, None, "many"),
    "large numbers": (None, None, "many"),
    "many more": (None, None, "many more"),
    "far more": (None, None, "many more"),
}
_SMALL_LIMIT = 10.0  # "many" conflicts with amounts whose upper bound is below this

_IRREGULAR_FORMS: dict[str, str] = {
    "rose": "rise", "risen": "rise", "fell": "fall", "fallen": "fall", "won": "win", "lost": "lose",
    "left": "leave", "died": "dead", "dies": "dead", "die": "dead", "untrue": "false",
}
_ANTONYM_OF: dict[str, frozenset[str]] = {}
for _first, _second in ANTONYMS:
    _ANTONYM_OF[_first] = _ANTONYM_OF.get(_first, frozenset()) | {_second}
    _ANTONYM_OF[_second] = _ANTONYM_OF.get(_second, frozenset()) | {_first}



def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_STOPWORDS = _word_set(
    """a an the and or but nor if then than that this these those there here of in on at to for from by with
    about as into onto over under after before between during through against among within without up down out
    off again further once all any both each few more most other some such only own same so too very just also
    is are was were be been being am has have had having do does did doing will would shall should can could
    may might must i me my we our us you your he him his she her it its they them their what which who whom
    whose when where why how not no never said says say told tell telling according added adding stated
    statement spokesman spokeswoman spokesperson official officials mr mrs ms dr one two three yet still
    however while because since until even though although mostly almost per via new last next week"""
)
_DETERMINERS = frozenset({"of", "the", "these", "those", "its", "their", "his", "her", "our", "such", "other"})
_GENERIC_NAMES = _STOPWORDS | _word_set(
    """ministry minister government authority authorities company port union office department council police
    army president prime spokesman spokeswoman officials official agency committee court state national federal
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
    september october november december it he she they we i you the a an in on at but and or as after before
    when while this that these those his her their our its there ltd inc plc llc co corp corporation group holdings
    capital bank international limited partners global"""
)
_PRONOUNS = frozenset({"he", "she", "it", "they", "we", "i", "you", "him", "her", "them", "us", "one"})
_DENIAL_VOCABULARY = _word_set(
    """reject rejects rejected rejecting rejection deny denies denied denying denial dismiss dismisses dismissed
    dismissing refute refutes refuted refuting rebut rebuts rebutted rebuff rebuffed repudiate repudiated dispute
    disputes disputed contradict contradicts contradicted claim
    claims accusation accusations allegation allegations report reports charge charges assertion assertions
    suggestion suggestions lie lies false baseless unfounded groundless fabricated fabrication fabrications
    nonsense absurd propaganda fake slander ridiculous totally completely categorically entirely strongly firmly
    flatly outright western media"""
)

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
_CAPITALISED = re.compile(r"\b[A-Z][A-Za-z'’\-]*")
_POSSESSIVE = re.compile(r"['’]s?$")
_FOREIGN_ARTICLES = frozenset({"el", "la", "los", "las", "le", "les", "il", "lo", "o", "os", "as", "der", "die", "das"})
_SPEECH_VERB = re.compile(
    r"\b(?:den(?:y|ies|ied|ying)|reject\w*|dismiss\w*|refut\w*|admit\w*|acknowledg\w*|conced\w*|confess\w*"
    r"|sa(?:y|ys|id)|insist\w*)\b",
    re.IGNORECASE,
)
_SUBJECT_REACH = 80  # characters after the opening name in which its speech verb must come
_OPENING_NAME = re.compile(r"\W*([A-Z][\w'’.\-]*(?:\s+[A-Z][\w'’.\-]*)*)")
_NOT_NEGATION = re.compile(
    r"\bno\s+(?:fewer|less|more)\s+than\b|\bnot\s+only\b|\bno\.\s*\d"
    r"|\b(?:neither\s+)?(?:confirm|comment)\w*\s+(?:or|nor)\s+den(?:y|ied|ies)\b",
    re.IGNORECASE,
)
_NEGATOR = re.compile(
    r"\b(?:not|never|no|none|nobody|nothing|neither|nor|without|cannot)\b|n['’]t\b", re.IGNORECASE
)
_DENY_WORD = re.compile(r"\bden(?:y|ies|ied|ying)\b", re.IGNORECASE)
_CLAIM_NOUN = r"(?:claims?|accusations?|allegations?|reports?|charges?|assertions?|suggestions?|findings)"
_DISMISSIVE = r"(?:lies|false|baseless|unfounded|groundless|fabricat\w*|nonsense|absurd|propaganda|fake|untrue)"
_DENIAL_TEXT = re.compile(
    # "denies any breach", "denied the accusations", "denied that…" — not "deny the boats access"
    r"\bden(?:y|ies|ied|ying)\s+(?:any|all|that|having|it|this|wrongdoing|responsibility|involvement|negligence"
    rf"|(?:the|these|those|such)\s+(?:[\w'’\-]+\s+){{0,3}}?{_CLAIM_NOUN})\b"
    rf"|\b(?:reject|dismiss|refut|rebut|rebuff|repudiat|disput|contradict)\w*[\"”’]?\s+(?:[\w'’\-]+\s+){{0,4}}?"
    rf"{_CLAIM_NOUN}\b"
    rf"|\b(?:reject|dismiss)\w*[\"”’]?\s+(?:[\w'’\-]+\s+){{0,4}}?as\s+(?:\w+\s+){{0,2}}?{_DISMISSIVE}\b"
    r"|\b(?:needs?|needed|requires?|required|receives?|received|wants?|wanted|asked\s+for|requested|got)\s+no\b"
    r"|\b(?:does|did|do|has|have|had|is|was|were|are)\s*(?:not|n['’]t|never)\s+"
    r"(?:need|requir|receiv|ask|request|want|get|got|been\s+(?:paid|given|sent|offered))\w*"
    r"|\bnever\s+(?:needed|received|asked|requested|got|wanted)\b"
    # the commonest denial verbs of the other languages in the corpus (es, pt, fr, de, it): "negó que", "negou"
    r"|\b(?:negó|niega|niegan|negaron|negou|negaram|rechazó|rechazaron|rejeitou|rejeitaram|desmintió|desmentiu"
    r"|dément|démenti|démentent|rejette|rejettent|bestreitet|bestreiten|bestritt|dementiert\w*|smentisce"
    r"|smentito|respinge|respinto)\b",
    re.IGNORECASE,
)
_CLAIM_REFERENCE = re.compile(
    rf"(?:\b(?:the|these|those|such|its|their|his|her|our|all)\s+)?(?:[\w'’\-]+\s+){{0,3}}?{_CLAIM_NOUN}\b"
    rf"|\bas\s+(?:\w+\s+){{0,2}}?{_DISMISSIVE}\b",
    re.IGNORECASE,
)
# "admitted that…", "acknowledged having…", not the attributive "the 11 acknowledged by Lima"
_ADMISSION_TEXT = re.compile(r"\b(?:admit|acknowledg|conced|confess)\w*\b(?!\s+by\b)", re.IGNORECASE)
# "deny Peruvian vessels access", "denied him entry": refusing something, not denying a statement
_REFUSAL = re.compile(
    r"\bden(?:y|ies|ied|ying)\s+(?:[\w'’\-]+\s+){0,5}?(?:access|entry|permission|permits?|visas?|landing|passage"
    r"|rights?|services?|requests?|bail|licen[cs]es?)\b",
    re.IGNORECASE,
)
# speakers that are documents, not people: a denial answers people, not "figures in the annual report"
_DOCUMENT_SOURCES = frozenset({"figures", "data", "estimates", "statistics", "records", "documents", "filings",
                               "results", "industry estimates", "official figures", "official data"})
_VAGUE_PHRASE = re.compile(
    r"\b(?P<phrase>" + "|".join(re.escape(p) for p in sorted(VAGUE_AMOUNTS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
_IRREGULAR_PLURALS: dict[str, str] = {
    "people": "person", "persons": "person", "men": "man", "women": "woman", "children": "child",
    "%": "percent", "per cent": "percent", "pct": "percent", "percentage": "percent", "mice": "mouse",
}
_COUNT_SYNONYMS: dict[str, str] = unit_tables()["count_noun_synonyms"]
_PLURAL_ALWAYS = frozenset({"people", "children", "men", "women", "police", "staff", "crew", "personnel"})

Relation = Literal["same", "different", "unknown"]


_UNITS_TABLE = unit_tables()  # the quantity finder's word lists: qualifiers, number and scale words
_QUALIFIER_KIND: dict[str, str] = {
    "more than": "low", "over": "low", "at least": "low", "up to": "high", "fewer than": "high",
    "less than": "high", "nearly": "approx_high", "almost": "approx_high", "about": "approx", "around": "approx",
} | {key.lower(): str(value) for key, value in _UNITS_TABLE.get("qualifiers", {}).items()}
# words of an amount that say how many, not what: numbers, scales, qualifiers, the vague phrases
_AMOUNT_WORDS = frozenset(
    {word for phrase in (*_QUALIFIER_KIND, *VAGUE_AMOUNTS) for word in phrase.split()}
    | set(_UNITS_TABLE.get("number_words", {})) | set(_UNITS_TABLE.get("scale_words", {}))
    | {"of", "some", "estimated", "total", "totalling", "roughly", "odd", "plus", "dozen"}
)
_CONTEXT_WORDS_BEFORE = 4
_CONTEXT_WORDS_AFTER = 6


# -- records of this module ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Voice:
    name: str | None  # canonical speaker, case-folded
    text: str | None  # the speaker as written, case-folded


@dataclass(frozen=True, slots=True)
class _Amount:
    unit: str
    low: float
    high: float  # math.inf when open above
    relation: str | None  # "many", "many more" or None
    text: str
    context: frozenset[str] = frozenset()  # content words around the amount in its text: what it counts
    modifiers: frozenset[str] = frozenset()  # words between the number and the unit: "Chilean" in "11 Chilean vessels"


@dataclass(slots=True)
class _Mention:
    text: str
    voice: _Voice
    display: str | None
    published: str | None
    denial: bool
    admission: bool
    negated: bool  # any negation, deny words and stance included
    hard_negated: bool  # a negator proper (not, no, never, …) or the mention's own flag
    anaphoric: bool
    side_countries: frozenset[str]
    side_names: frozenset[str]
    lemmas: dict[str, str]  # antonym-table lemma → the word as written
    article_id: str = ""
    span: tuple[int, int] = (0, 0)  # offsets of the mention's words in its article
    speakerless: bool = False  # no speaker known: a narrated sentence or event, its subject named in the text
    document_source: bool = False  # "according to figures …": a document, not a person, speaks
    state_countries: frozenset[str] = frozenset()  # countries the speaker (or narrated subject) itself names
    proper_names: frozenset[str] = frozenset()  # side names that are not country names or demonyms


@dataclass(slots=True)
class _View:
    claim: Claim
    mentions: list[_Mention]
    voices: list[_Voice]
    display: str | None
    countries: frozenset[str]
    speaker_countries: frozenset[str]
    names: frozenset[str]
    content: frozenset[str]
    amounts: list[_Amount]
    lemmas: frozenset[str]
    speaker_words: frozenset[str] = frozenset()  # words of the speakers' names and written forms
    actor_countries: frozenset[str] = frozenset()  # the mentions' actor countries: who is said to act
    accuses: bool = False  # some mention's cue accuses


# -- public API ------------------------------------------------------------------------------------------


def find_contradictions(claims: Sequence[Claim], vectors: Mapping[str, np.ndarray], *, topic_threshold: float = 0.45,
                        same_threshold: float = 0.70) -> list[Contradiction]:
    """Pairs of claims of one story that cannot both hold. `vectors` maps claim id → L2-normalised sentence
    embedding of the claim (multilingual Universal Sentence Encoder, 512 floats; cosine = dot product: same
    meaning in other words ≈ 0.8, related topic ≈ 0.4–0.6, unrelated ≈ 0.0–0.1). Each unordered pair once,
    with the first rule that fires as `reason` (a short English phrase a user reads, e.g.
    "denial: Vassily Nebenzia rejects what John Kirby says", "numbers differ: 'a small number of drones' vs
    'hundreds of drones'", "reversal: Iran first denied, then admitted", "negation: one says not")."""
    gazetteer = Gazetteer.load()
    ordered = sorted({claim.id: claim for claim in claims}.values(), key=lambda claim: claim.id)
    views = [_view(claim, gazetteer) for claim in ordered]
    unit_vectors = {claim.id: _unit(vectors.get(claim.id)) for claim in ordered}
    found: list[Contradiction] = []
    for i, first in enumerate(views):
        for second in views[i + 1:]:
            if _same_words(first, second):
                continue  # two readings of the same words (an attribution and the event in it) agree
            similarity = _cosine(unit_vectors[first.claim.id], unit_vectors[second.claim.id])
            reason = (
                _denial(first, second, similarity, topic_threshold, same_threshold)
                or _denial(second, first, similarity, topic_threshold, same_threshold)
                or _reversal(first, second, similarity, topic_threshold)
                or _negation(first, second, similarity, same_threshold)
                or _opposites(first, second, similarity, same_threshold)
                or _numbers(first, second, similarity, topic_threshold)
            )
            if reason is not None:
                found.append(Contradiction(first.claim.id, second.claim.id, reason))
    found.sort(key=lambda item: (item.claim_id, item.other_id))
    return found


def dispute_statuses(claims: Sequence[Claim], contradictions: Iterable[Contradiction]) -> None:
    """Mark both claims of every contradiction "disputed": the other claim's id goes to `disputed_by` (once)
    and, with it, the reason to `dispute_reasons`, so the two lists stay parallel. Unknown ids are skipped."""
    by_id = {claim.id: claim for claim in claims}
    for contradiction in contradictions:
        for own, other in ((contradiction.claim_id, contradiction.other_id),
                           (contradiction.other_id, contradiction.claim_id)):
            claim = by_id.get(own)
            if claim is None or other not in by_id:
                continue
            claim.status = "disputed"
            if other not in claim.disputed_by:
                claim.disputed_by.append(other)
                claim.dispute_reasons.append(contradiction.reason)


# -- rules -----------------------------------------------------------------------------------------------


def _denial(target: _View, denier: _View, similarity: float | None, topic_threshold: float,
            same_threshold: float) -> str | None:
    """Rule 1: a mention of `denier` rejects what `target` says."""
    if any(m.denial for m in target.mentions) or all(m.hard_negated for m in target.mentions):
        return None  # two denials, or a denial and a negative statement, agree
    same = similarity is not None and similarity >= same_threshold
    topical = similarity is not None and similarity >= topic_threshold
    # a country both speakers stand for says nothing about the topic: only other shared countries count
    countries = (target.countries & denier.countries) - (target.speaker_countries & denier.speaker_countries)
    shared = bool(countries or target.names & denier.names)
    # without a vector, shared names are all there is to go on
    loosely_related = shared and similarity is None
    answers_someone = target.display is not None and not all(m.document_source for m in target.mentions)
    for mention in denier.mentions:
        if not mention.denial or _relation_to(mention.voice, target.voices) != "different":
            continue
        if mention.speakerless and target.speaker_words & mention.side_names:
            continue  # "Haraka Capital rejected the accusations" does not answer Haraka Capital
        if (
            same
            or loosely_related
            or (topical and _points_at(target, mention))
            # an anaphoric denial ("rejected the claims") answers what someone said, not the writer's narration
            or (mention.anaphoric and answers_someone and _names_side(target, mention))
        ):
            who = mention.display or denier.display or "a source"
            if target.display:
                return f"denial: {who} rejects what {target.display} says"
            return f"denial: {who} rejects the report"
    return None


def _points_at(target: _View, denial: _Mention) -> bool:
    """Whether `target` is about the denier: it names the denier (not merely the denier's country), says the
    denier's country did something (actor country), or accuses and names that country. In one story every
    claim is on the topic, so a cosine below `same_threshold` alone does not make a claim what a denial
    answers."""
    if target.speaker_countries & denial.state_countries:
        return False  # spoken from the denier's own side
    if target.names & denial.proper_names or target.actor_countries & denial.side_countries:
        return True
    return target.accuses and bool(target.countries & denial.side_countries)


def _names_side(target: _View, denial: _Mention) -> bool:
    """Whether `target` speaks of the denier's side without standing on it (anaphoric denials)."""
    if target.speaker_countries & denial.state_countries:
        return False
    return bool(target.countries & denial.side_countries or target.names & denial.side_names)


def _same_words(first: _View, second: _View) -> bool:
    """Whether a mention of one claim and a mention of the other read overlapping words of one article."""
    for one in first.mentions:
        for other in second.mentions:
            if (one.article_id and one.article_id == other.article_id and one.span[0] < one.span[1]
                    and other.span[0] < other.span[1] and one.span[0] < other.span[1] and other.span[0] < one.span[1]):
                return True
    return False


def _reversal(first: _View, second: _View, similarity: float | None, topic_threshold: float) -> str | None:
    """Rule 2: one speaker denies in one claim and admits in the other."""
    related = (
        (similarity is not None and similarity >= topic_threshold)
        or bool({a.unit for a in first.amounts} & {a.unit for a in second.amounts})
        or bool(first.countries & second.countries)
    )
    for denying, admitting in ((first, second), (second, first)):
        for denial in denying.mentions:
            if not denial.denial:
                continue
            for admission in admitting.mentions:
                if not admission.admission or admission.denial:
                    continue
                # one of the two must be a named speaker; the other may be its written form ("the president"
                # of "CSAV" denied, then "the president" admitted)
                if not (denial.voice.name or admission.voice.name):
                    continue
                if _relation(denial.voice, admission.voice) == "same" and (
                    related or _shared_words(denial, admission, denying.speaker_words | admitting.speaker_words)
                ):
                    named = denial if denial.voice.name else admission
                    who = named.display or denying.display or "the same source"
                    if denial.published and admission.published and denial.published != admission.published:
                        if denial.published < admission.published:
                            return f"reversal: {who} first denied, then admitted"
                        return f"reversal: {who} first admitted, then denied"
                    return f"reversal: {who} both denied and admitted"
    return None


def _shared_words(one: _Mention, other: _Mention, leave_out: frozenset[str]) -> bool:
    """Whether two mentions share a content word that is not a speaker's name: "no negligence" and "insisting
    there was no negligence" do, "neglected the structure" and "an inspection was never carried out" do not."""
    return bool((_content_words(one.text) & _content_words(other.text)) - leave_out - _GENERIC_NAMES)


def _negation(first: _View, second: _View, similarity: float | None, same_threshold: float) -> str | None:
    """Rule 3: the same statement, negated in one claim only."""
    if similarity is None or similarity < same_threshold:
        return None
    for negative, positive in ((first, second), (second, first)):
        if all(m.negated for m in negative.mentions) and not any(m.negated for m in positive.mentions):
            hard = all(m.hard_negated for m in negative.mentions)
            if hard and _antonym_pair(negative, positive, require_plain=False) is not None:
                return None  # "did not rise" vs "fell": a double negation agrees
            who = negative.display or "one"
            return f"negation: {who} says not"
    return None


def _opposites(first: _View, second: _View, similarity: float | None, same_threshold: float) -> str | None:
    """Rule 4: the same statement with antonymous predicates."""
    if similarity is None or similarity < same_threshold:
        return None
    pair = _antonym_pair(first, second, require_plain=True)
    if pair is None:
        return None
    return f"opposites: '{pair[0]}' vs '{pair[1]}'"


def _antonym_pair(first: _View, second: _View, *, require_plain: bool) -> tuple[str, str] | None:
    for one in first.mentions:
        if require_plain and one.hard_negated:
            continue
        for other in second.mentions:
            if require_plain and other.hard_negated:
                continue
            for lemma, written in one.lemmas.items():
                if lemma in second.lemmas:
                    continue
                for opposite in _ANTONYM_OF.get(lemma, frozenset()):
                    if opposite in other.lemmas and opposite not in first.lemmas:
                        return written, other.lemmas[opposite]
    return None


def _numbers(first: _View, second: _View, similarity: float | None, topic_threshold: float) -> str | None:
    """Rule 5: amounts of the same unit that cannot both be right."""
    if not first.amounts or not second.amounts:
        return None
    if similarity is not None and similarity < topic_threshold:
        return None
    for unit in sorted({a.unit for a in first.amounts} & {a.unit for a in second.amounts}):
        if similarity is None and not (first.content & second.content) - {unit}:
            continue
        ours = [a for a in first.amounts if a.unit == unit]
        theirs = [a for a in second.amounts if a.unit == unit]
        if any(a.modifiers and b.modifiers and not a.modifiers & b.modifiers for a in ours for b in theirs):
            continue  # "11 Chilean vessels" and "23 Peruvian vessels" count different vessels
        if similarity is not None and similarity < NUMBER_SAME_THING and not any(
            (a.context & b.context) - {unit} - _COMMON_COUNTED for a in ours for b in theirs
        ):
            continue  # "2,000 people evacuated" and "23 people dead" count different people
        if all(_amounts_conflict(a, b) for a in ours for b in theirs):
            return f"numbers differ: '{ours[0].text}' vs '{theirs[0].text}'"
    return None


def _amounts_conflict(first: _Amount, second: _Amount) -> bool:
    for one, other in ((first, second), (second, first)):
        if one.relation == "many more" and other.relation is None and math.isfinite(other.high):
            return True
        if one.relation == "many" and other.relation is None and other.high < _SMALL_LIMIT:
            return True
    if first.relation is not None or second.relation is not None:
        return False
    for lower, upper in ((first, second), (second, first)):
        if lower.low > upper.high and lower.low - upper.high > NUMBER_TOLERANCE * lower.low:
            return True
    return False


# -- building the views ----------------------------------------------------------------------------------


def _view(claim: Claim, gazetteer: Gazetteer) -> _View:
    raw = claim.mentions or [ClaimMention(article_id="", text=claim.summary, start=0, end=0, kind="sentence",
                                          speaker=claim.speaker)]
    mentions = [_mention(m, claim, gazetteer) for m in raw]
    voices = [m.voice for m in mentions]
    texts = [claim.summary, *(m.text for m in raw)]
    countries: set[str] = set()
    for m in raw:
        countries.update(code for code in (m.actor_country, m.target_country) if code)
    for text in texts:
        countries |= _countries_in(text, gazetteer)
    speaker_countries: set[str] = set()
    for name in {claim.speaker, *(m.speaker for m in raw), *(m.speaker_text for m in raw)}:
        if name:
            speaker_countries |= _speaker_countries(name, gazetteer)
    display = claim.speaker or next((m.display for m in mentions if m.display), None)
    return _View(
        claim=claim,
        mentions=mentions,
        voices=voices,
        display=display,
        countries=frozenset(countries),
        speaker_countries=frozenset(speaker_countries),
        names=frozenset(name for text in texts for name in _names_in(text)),
        content=frozenset(word for text in texts for word in _content_words(text)),
        amounts=_amounts(raw, texts),
        lemmas=frozenset(lemma for m in mentions for lemma in m.lemmas),
        speaker_words=frozenset(word for voice in voices for form in (voice.name, voice.text) if form
                                for word in form.split() if word not in _GENERIC_NAMES),
        actor_countries=frozenset(m.actor_country for m in raw if m.actor_country),
        accuses=any(m.stance == "accuse" for m in raw),
    )


def _mention(mention: ClaimMention, claim: Claim, gazetteer: Gazetteer) -> _Mention:
    text = mention.text or ""
    unnamed = not mention.speaker_text or _fold(mention.speaker_text) in _PRONOUNS
    speaker = mention.speaker or (claim.speaker if unnamed else None)
    # a narrated sentence ("Mwangi did acknowledge…") speaks for the name it opens with
    voice = _Voice(_fold(speaker), _fold(mention.speaker_text or (None if speaker else _subject(text))))
    plain = _NOT_NEGATION.sub(" ", text)
    hard = mention.negated or bool(_NEGATOR.search(plain))
    refusal = bool(_REFUSAL.search(mention.sentence or text))  # "deny the boats access" is no denial
    denial = (mention.stance == "deny" and not refusal) or bool(_DENIAL_TEXT.search(plain))
    admission = mention.stance == "admit" or (mention.stance is None and bool(_ADMISSION_TEXT.search(text)))
    speaker_words = {w.lower() for name in (speaker, mention.speaker_text) if name for w in _WORD.findall(name)}
    anaphoric = denial and _is_anaphoric(text, speaker_words)
    if speaker or mention.speaker_text:
        side_countries = {c for name in (speaker, mention.speaker_text) if name
                          for c in _speaker_countries(name, gazetteer)}
        if mention.speaker_country:  # the attribution stage's country of the speaker ("Nebenzia" → RUS)
            side_countries.add(mention.speaker_country)
        side_names = {n for name in (speaker, mention.speaker_text) if name for n in _names_in(name)}
    else:  # a sentence or event without a speaker: its subject, named in the text, is the denier
        side_countries = set(_countries_in(text, gazetteer))
        side_names = set(_names_in(text))
    state_countries = frozenset(side_countries)
    if mention.actor_country:
        side_countries.add(mention.actor_country)
    proper_names = {name for name in side_names if not _is_country_word(name, gazetteer)}
    lemmas: dict[str, str] = {}
    for word in _WORD.findall(text):
        lemma = _lemma(word)
        if lemma in _ANTONYM_OF:
            lemmas.setdefault(lemma, word)
    return _Mention(
        text=text,
        voice=voice,
        display=mention.speaker or mention.speaker_text or claim.speaker or _subject(text),
        published=mention.published,
        denial=denial,
        admission=admission,
        negated=hard or denial or bool(_DENY_WORD.search(plain)),
        hard_negated=hard,
        anaphoric=anaphoric,
        side_countries=frozenset(side_countries),
        side_names=frozenset(side_names),
        lemmas=lemmas,
        article_id=mention.article_id,
        span=(mention.start, mention.end),
        speakerless=not speaker and not mention.speaker_text,
        document_source=not speaker and _fold(mention.speaker_text) in _DOCUMENT_SOURCES,
        state_countries=state_countries,
        proper_names=frozenset(proper_names),
    )


def _subject(text: str) -> str | None:
    """The name a narrated sentence opens with when a speech verb follows soon: who speaks in it ("Chile denies
    any breach" → "Chile", "Mwangi did, however, acknowledge…" → "Mwangi"); None for other openings."""
    match = _OPENING_NAME.match(text)
    if match is None:
        return None
    first = match.group(1).split()[0].lower()
    if first in _GENERIC_NAMES or first in _FOREIGN_ARTICLES or first.endswith(("ing", "ed")):
        return None  # "The …", "El Gobierno …", "Asked whether …", "Speaking to reporters …"
    if not _SPEECH_VERB.search(text, match.end(), match.end() + _SUBJECT_REACH):
        return None
    return _POSSESSIVE.sub("", match.group(1)).strip() or None


def _is_anaphoric(text: str, speaker_words: set[str]) -> bool:
    """A denial that only points at what others said: "X rejected the claims", "dismissed it as lies"."""
    referring = bool(_CLAIM_REFERENCE.search(text))
    rest = _CLAIM_REFERENCE.sub(" ", text)
    own = [
        word for word in _WORD.findall(rest)
        if not word[0].isupper()
        and (low := _POSSESSIVE.sub("", word.lower())) not in _STOPWORDS
        and low not in _DENIAL_VOCABULARY
        and low not in speaker_words
        and len(low) > 2
    ]
    return not own or (referring and len(own) <= _ANAPHORIC_MAX_WORDS)


def _amounts(mentions: Sequence[ClaimMention], texts: Sequence[str]) -> list[_Amount]:
    """A claim's amounts: its mentions' quantities, and vague phrases in its texts the finder left out."""
    found: dict[tuple[str, float, float, str | None], _Amount] = {}
    quantities = [q for m in mentions for q in m.quantities]
    for mention in mentions:
        for quantity in mention.quantities:
            amount = _from_quantity(quantity)
            if amount is not None:
                amount = replace(amount, context=_context(quantity.text, [mention.text, mention.sentence or ""]),
                                 modifiers=_modifiers(quantity.text, amount.unit))
                found.setdefault((amount.unit, amount.low, amount.high, amount.relation), amount)
    for text in texts:
        for phrase, amount in _vague_in(text):
            head = phrase.split()[-1]  # "number", "hundreds", "more"
            covered = any(counted_unit(q.unit or "") == amount.unit and head in q.text.lower() for q in quantities)
            if not covered:
                amount = replace(amount, context=_context(amount.text, [text]),
                                 modifiers=_modifiers(amount.text, amount.unit))
                found.setdefault((amount.unit, amount.low, amount.high, amount.relation), amount)
    return list(found.values())


def _context(written: str, texts: Sequence[str]) -> frozenset[str]:
    """Content words near `written` in the first text holding it (all of the first text when none does)."""
    for text in texts:
        at = text.lower().find(written.lower()) if written else -1
        if at >= 0:
            before = _WORD.findall(text[:at])[-_CONTEXT_WORDS_BEFORE:]
            after = _WORD.findall(text[at + len(written):])[:_CONTEXT_WORDS_AFTER]
            return frozenset(_content_words(" ".join(before + after)) - _AMOUNT_WORDS)
    return frozenset(_content_words(texts[0]) - _AMOUNT_WORDS) if texts else frozenset()


def _modifiers(written: str, unit: str) -> frozenset[str]:
    """Words of an amount that narrow what it counts: "11 Chilean vessels" → {"chilean"}."""
    words = set()
    for word in _WORD.findall(written):
        low = _POSSESSIVE.sub("", word.lower())
        if low in _AMOUNT_WORDS or low in _STOPWORDS or counted_unit(low) == unit:
            continue
        if all(part in _AMOUNT_WORDS for part in low.split("-")):  # "twenty-three"
            continue
        words.add(low)
    return frozenset(words)


def _from_quantity(quantity: Quantity) -> _Amount | None:
    if not quantity.unit:
        return None
    unit = counted_unit(quantity.unit)
    if quantity.value is None and quantity.low is None and quantity.high is None:
        match = _VAGUE_PHRASE.search(quantity.text)
        if match is None:
            return None
        low, high, relation = VAGUE_AMOUNTS[match.group("phrase").lower()]
        return _Amount(unit, float(low or 0.0), math.inf if high is None else float(high), relation, quantity.text)
    derived_low, derived_high = 0.0, math.inf
    value = quantity.value
    if value is not None:
        kind = _QUALIFIER_KIND.get((quantity.qualifier or "").lower())
        if kind == "low":
            derived_low = value
        elif kind == "high":
            derived_high = value
        elif kind == "approx_high":
            derived_low, derived_high = value * (1 - NUMBER_TOLERANCE), value
        elif kind == "approx" or quantity.approximate:
            derived_low, derived_high = value * (1 - NUMBER_TOLERANCE), value * (1 + NUMBER_TOLERANCE)
        else:
            derived_low = derived_high = value
    low = quantity.low if quantity.low is not None else derived_low
    high = quantity.high if quantity.high is not None else derived_high
    return _Amount(unit, float(low), float(high), None, quantity.text)


def _vague_in(text: str) -> list[tuple[str, _Amount]]:
    """Vague amounts written in `text` with what they count: "hundreds of attack drones" → drone 200..999."""
    amounts: list[tuple[str, _Amount]] = []
    for match in _VAGUE_PHRASE.finditer(text):
        phrase = match.group("phrase").lower()
        low, high, relation = VAGUE_AMOUNTS[phrase]
        candidates: list[tuple[str, int]] = []
        for word_match in islice(_WORD.finditer(text, match.end()), 5):
            word = word_match.group().lower()
            between = text[match.end():word_match.start()]
            if any(mark in between for mark in ",.;:!?()"):
                break
            if word in _DETERMINERS and not candidates:
                continue
            if word in _STOPWORDS:
                break
            candidates.append((word, word_match.end()))
            if len(candidates) == 3:
                break
        if not candidates:
            continue
        word, end = next(((w, e) for w, e in candidates if _looks_plural(w)), candidates[0])
        amount = _Amount(counted_unit(word), float(low or 0.0), math.inf if high is None else float(high), relation,
                         text[match.start():end])
        amounts.append((phrase, amount))
    return amounts


# -- words, names, countries, speakers -------------------------------------------------------------------


def _fold(text: str | None) -> str | None:
    if text is None:
        return None
    folded = " ".join(text.casefold().split())
    return folded.removeprefix("the ") or None


def _relation(first: _Voice, second: _Voice) -> Relation:
    if first.name and second.name:
        return "same" if first.name == second.name else "different"
    one = {form for form in (first.name, first.text) if form}
    other = {form for form in (second.name, second.text) if form}
    if not one and not other:
        return "unknown"
    if one & other:
        return "same"
    for forms, name in ((one, second.name), (other, first.name)):
        if name and any(set(form.split()) <= set(name.split()) for form in forms):
            return "same"  # "kirby" written for "john kirby"
    if (first.name is None and first.text in _PRONOUNS) or (second.name is None and second.text in _PRONOUNS):
        return "unknown"
    return "different"


def _relation_to(voice: _Voice, voices: Sequence[_Voice]) -> Relation:
    relations = {_relation(voice, other) for other in voices}
    if "same" in relations:
        return "same"
    return "different" if "different" in relations else "unknown"


def _names_in(text: str) -> set[str]:
    """Capitalised words that name someone or something ("Haldor", "Brenmark"), generic words left out."""
    names: set[str] = set()
    for word in _CAPITALISED.findall(text):
        low = _POSSESSIVE.sub("", word.lower())
        if len(low) > 1 and low not in _GENERIC_NAMES:
            names.add(low)
    return names


def _countries_in(text: str, gazetteer: Gazetteer) -> set[str]:
    """Countries named in `text` by name, demonym, capital or seat of government (capitalised n-grams)."""
    words = _WORD.findall(text)
    codes: set[str] = set()
    index = 0
    while index < len(words):
        if not words[index][0].isupper():
            index += 1
            continue
        step = 1
        for size in range(min(3, len(words) - index), 0, -1):
            hit = gazetteer.lookup(" ".join(words[index:index + size]))
            if hit is not None and hit.kind in ("country", "capital"):
                codes.add(hit.code)
                step = size
                break
        index += step
    return codes


def _is_country_word(word: str, gazetteer: Gazetteer) -> bool:
    """Whether a (lower-cased) name word is a country, demonym or capital: "chile", "chilean", "oslo"."""
    hit = gazetteer.lookup(word.title())
    return hit is not None and hit.kind in ("country", "capital")


def _speaker_countries(name: str, gazetteer: Gazetteer) -> set[str]:
    """The country a speaker stands for: "the Norwegian ministry" → NOR, "Oslo" → NOR."""
    codes: set[str] = set()
    code = gazetteer.country_code(name)
    if code:
        codes.add(code)
    first = gazetteer.first_country(name)
    if first:
        codes.add(first)
    return codes


def _content_words(text: str) -> set[str]:
    words: set[str] = set()
    for word in _WORD.findall(text):
        low = _POSSESSIVE.sub("", word.lower())
        if len(low) > 2 and low not in _STOPWORDS and low not in VAGUE_AMOUNTS:
            words.add(counted_unit(low))
    return words


@functools.lru_cache(maxsize=65536)  # pure, and asked for every word of every claim at each rebuild
def counted_unit(word: str) -> str:
    """The one name of what a unit counts: lower-cased, singular, synonyms folded ("Drones" → "drone",
    "people" → "person", "boats" → "vessel"; units count people as persons where the event lexicon keeps
    "people"; the singular is the lexicon's own rule, the synonyms are units.json's `count_noun_synonyms`)."""
    word = " ".join(word.lower().split())
    if word in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[word]
    last = normalize_noun(word).rsplit(" ", 1)[-1]
    last = _IRREGULAR_PLURALS.get(last, last)
    return _COUNT_SYNONYMS.get(last, last)


def _looks_plural(word: str) -> bool:
    return word in _PLURAL_ALWAYS or (word.endswith("s") and not word.endswith(("ss", "us", "is")))


@functools.lru_cache(maxsize=65536)
def _lemma(word: str) -> str:
    """The antonym-table entry a word form belongs to, by suffix stripping ("stopped" → "stop"), else the word."""
    low = word.lower()
    if low in _IRREGULAR_FORMS:
        return _IRREGULAR_FORMS[low]
    if low in _ANTONYM_OF:
        return low
    for suffix in ("ing", "ies", "ied", "ed", "es", "ly", "s", "d"):
        if not low.endswith(suffix) or len(low) - len(suffix) < 2:
            continue
        stem = low[: -len(suffix)]
        candidates = [stem, stem + "e"]
        if suffix in ("ies", "ied"):
            candidates.insert(0, stem + "y")
        if len(stem) > 2 and stem[-1] == stem[-2]:
            candidates.append(stem[:-1])
        for candidate in candidates:
            if candidate in _ANTONYM_OF:
                return candidate
    return low


# -- vectors ---------------------------------------------------------------------------------------------


def _unit(vector: np.ndarray | Sequence[float] | None) -> np.ndarray | None:
    if vector is None:
        return None
    array = np.asarray(vector, dtype=np.float64).ravel()
    norm = float(np.linalg.norm(array))
    if array.size == 0 or not math.isfinite(norm) or norm == 0.0:
        return None
    return array / norm


def _cosine(first: np.ndarray | None, second: np.ndarray | None) -> float | None:
    if first is None or second is None or first.shape != second.shape:
        return None
    return float(np.dot(first, second))
