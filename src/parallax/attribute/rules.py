"""Attribution candidates from the dependency parse: cue, source mention and content spans.

Our own rules over spaCy's parse (no library covers indirect speech). One cue verb can yield one
attribution; its content is, in order of preference:

1. a clausal complement — "X said (that) Y", "Y, X said", "“Y,” said X";
2. a prepositional or infinitival complement the cue licenses — "admitted to sending", "accused
   Iran of supplying", "urged Iran to reverse course";
3. the clause the cue interrupts or follows as a parenthetical — "Y, he added, Z";
4. an object holding a quotation — "expressed concern about a “large-scale association”";
5. the quotation after a colon or comma — "issued the following statement: “…”".

"According to X, Y" gives source X and content Y. Headline and dek forms "Y; X denies" give the
clause before the semicolon. The source mention is the subject of the cue (inherited through
"and"-coordination and "…, adding that" participles), the agent of a passive cue, or the antecedent
of "who" in "X, who told reporters…". Quotations left without a cue are handled by the caller.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from parallax.annotate.entities import is_person_noun
from parallax.attribute.cues import (
    AUDIENCE_NOUNS,
    CLAUSE_ONLY,
    CUE_VERBS,
    GROUP_SOURCES,
    INFINITIVE_CUES,
    NAMING_VERBS,
    NON_SOURCES,
    OBJECT_CUES,
    PREPOSITIONS,
    STATEMENT_NOUNS,
    STATEMENT_VERBS,
    stance_of,
)
from parallax.attribute.quotes import QuoteIndex, QuoteSpan
from parallax.common.doctext import doc_text
from parallax.records import Stance

SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
CLAUSE_DEPS = frozenset({"ccomp"})
TRIM_CHARS = " \t\n\r,;:.—–-\"“”«»'‘’()"
EDGE_PUNCT = frozenset(",;:—–-(")


@dataclass(slots=True)
class Candidate:
    """One attribution found in the parse, before its speaker is resolved."""

    content: list[tuple[int, int]]
    cue_start: int | None
    cue_end: int | None
    cue_lemma: str | None
    source: Token | None  # head token of the source mention
    source_span: tuple[int, int] | None
    sentence: tuple[int, int]
    rule: str
    stance: Stance | None = None
    antecedent: Token | None = None  # for "who"/"which": the noun the relative clause hangs on
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def start(self) -> int:
        return self.content[0][0]

    @property
    def end(self) -> int:
        return self.content[-1][1]


def token_segments(doc: Doc, indices: Iterable[int]) -> list[tuple[int, int]]:
    """Character segments covering the given tokens, joined across gaps that are only punctuation."""
    ordered = sorted(set(indices))
    segments: list[tuple[int, int]] = []
    previous = -2
    for i in ordered:
        token = doc[i]
        start, end = token.idx, token.idx + len(token.text)
        if segments and i == previous + 1:
            segments[-1] = (segments[-1][0], end)
        else:
            segments.append((start, end))
        previous = i
    return segments


_TRAILING_CONJUNCTIONS = (" and", " but", " or", " while", " as")


def trim_segment(text: str, start: int, end: int) -> tuple[int, int]:
    """A segment without edge white space, separators or a dangling conjunction, keeping quote marks."""
    while True:
        while start < end and (text[start].isspace() or text[start] in EDGE_PUNCT):
            start += 1
        while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:—–-("):
            end -= 1
        dangling = next((word for word in _TRAILING_CONJUNCTIONS if text.endswith(word, start, end)), None)
        if dangling is None:
            return start, end
        end -= len(dangling)


def clean_segments(text: str, segments: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for start, end in segments:
        start, end = trim_segment(text, start, end)
        if end > start and any(char.isalnum() for char in text[start:end]):
            out.append((start, end))
    return out


def subtree_indices(token: Token, exclude: set[int] | None = None) -> set[int]:
    """Token indices of a subtree, leaving out the subtrees rooted at `exclude`."""
    excluded = exclude or set()
    keep: set[int] = set()
    stack = [token]
    while stack:
        current = stack.pop()
        if current.i in excluded:
            continue
        keep.add(current.i)
        stack.extend(current.children)
    return keep


def mention_span(token: Token) -> tuple[int, int]:
    """The source mention as written: the head noun with its determiners, modifiers and compounds."""
    left = token
    for child in token.lefts:
        if child.dep_ in ("compound", "amod", "det", "poss", "nmod", "nummod", "quantmod", "flat", "case",
                          "punct") and child.i < left.i:
            left = child.left_edge if child.dep_ != "punct" else left
            break
    right = token
    for child in token.rights:
        if child.dep_ in ("compound", "flat") and child.i == right.i + 1:
            right = child
    start = left.idx
    while left.i < token.i and (left.is_punct or left.is_space):
        left = left.doc[left.i + 1]
        start = left.idx
    return start, right.idx + len(right.text)


def resolve_subject(verb: Token, depth: int = 0) -> tuple[Token | None, Token | None]:
    """(source head, antecedent) for a cue verb; antecedent is set for relative pronouns."""
    if depth > 4:
        return None, None
    for child in verb.children:
        if child.dep_ in SUBJECT_DEPS:
            if child.lower_ in ("who", "which", "that") and verb.dep_ == "relcl":
                return child, verb.head
            if child.lower_ in NON_SOURCES or child.pos_ in ("SCONJ",):
                return None, None
            return _past_dateline(child, verb), None
    for child in verb.children:
        if child.dep_ == "agent":
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    return grandchild, None
    for child in verb.children:
        if child.dep_ == "nsubjpass" and verb.lemma_.lower() == "quote":  # "X was quoted as saying"
            return child, None
    if any(child.dep_ in ("nsubjpass", "expl") for child in verb.children):
        return None, None
    if verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.lower_ == "as":  # "quoted as saying"
        return resolve_subject(verb.head.head, depth + 1)
    if verb.dep_ == "conj" or (verb.dep_ in ("advcl", "xcomp", "conj", "pcomp") and verb.tag_ in ("VBG", "VB")):
        return resolve_subject(verb.head, depth + 1)
    return None, None


def _past_dateline(subject: Token, verb: Token) -> Token:
    """ "NAIROBI — Haraka Capital said": the parser takes the dateline city for the subject; the
    speaker is the noun phrase after the dash."""
    doc = subject.doc
    if not (subject.text.isupper() and len(subject.text) > 2 and subject.i + 1 < len(doc)
            and doc[subject.i + 1].text in ("—", "–", "-", "--")):
        return subject
    for child in verb.children:
        if child.dep_ in SUBJECT_DEPS and child.i > subject.i:
            return child
    for child in subject.children:
        if child.dep_ == "appos" and child.i > subject.i:
            return child
    following = doc[subject.i + 2] if subject.i + 2 < len(doc) else None
    while following is not None and following.head.i != following.i and following.head.i > following.i \
            and following.dep_ in ("compound", "amod", "det", "flat", "poss", "case"):
        following = following.head
    return following if following is not None and following.pos_ in ("PROPN", "NOUN") else subject


def can_be_source(token: Token) -> bool:
    """Whether a subject can speak or hold a view: a name, a pronoun, a person, a group, a document or
    data — not "the dam" or "the structure", which a misattached clause can make the subject of a cue."""
    if token.pos_ in ("PROPN", "PRON", "NUM", "DET") or token.ent_type_ or not token.text[:1].islower():
        return True
    lemma = token.lemma_.lower()
    return lemma in GROUP_SOURCES or token.lower_ in GROUP_SOURCES or is_person_noun(token)


def _cue_extent(verb: Token) -> tuple[int, int, str]:
    """Character span and text of the cue: the verb with its particle and audience ("told reporters")."""
    start, end = verb.idx, verb.idx + len(verb.text)
    for child in verb.children:
        if child.dep_ == "prt" and child.i == verb.i + 1:
            end = child.idx + len(child.text)
        if child.dep_ in ("dobj", "dative") and child.lemma_.lower() in AUDIENCE_NOUNS and child.i <= verb.i + 2:
            end = max(end, child.idx + len(child.text))
    for child in verb.lefts:
        if child.dep_ in ("aux", "neg") and child.i >= verb.i - 2:
            start = min(start, child.idx)
    return start, end, doc_text(verb.doc)[start:end]


def _content_from_complement(verb: Token, lemma: str, source: Token | None) -> tuple[set[int], str] | None:
    source_tokens = subtree_indices(source) if source is not None else set()
    for child in verb.children:
        if child.dep_ in CLAUSE_DEPS and child.i not in source_tokens:
            return subtree_indices(child, exclude=_narration(child)), "clause"
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ in PREPOSITIONS.get(lemma, ()):
            objects = [grandchild for grandchild in child.children if grandchild.dep_ in ("pcomp", "pobj")
                       and grandchild.ent_type_ not in ("DATE", "TIME")]
            if objects:
                indices = subtree_indices(objects[0]) | {child.i}
                for other in verb.children:  # "called on both countries to show restraint"
                    if other.dep_ == "xcomp" and other.i > child.i:
                        indices |= subtree_indices(other)
                return indices, "preposition"
        if child.dep_ == "xcomp" and lemma in INFINITIVE_CUES:
            indices = subtree_indices(child)
            for other in verb.children:
                if other.dep_ in ("dobj", "dative") and other.i < child.i \
                        and other.lemma_.lower() not in AUDIENCE_NOUNS:
                    indices |= subtree_indices(other)
            return indices, "infinitive"
    return None


CONTRAST_MARKS = frozenset({"while", "whereas", "although", "though", "but"})


def _narration(clause: Token) -> set[int]:
    """Participle clauses the writer hangs on reported speech after a comma ("…, drawing an angry
    response from Egypt") and the cue's own time phrase: narration, not part of what was said."""
    doc = clause.doc
    narration = {child.i for child in clause.children
                 if child.dep_ == "advcl" and child.tag_ == "VBG" and child.i > clause.i
                 and doc[child.left_edge.i - 1].text == ","}
    # "…, while Chile said they were illegal": a contrasting clause with its own speaker
    narration |= {child.i for child in clause.children
                  if child.dep_ == "advcl" and child.i > clause.i
                  and any(mark.dep_ == "mark" and mark.lower_ in CONTRAST_MARKS for mark in child.children)
                  and any(subject.dep_ in SUBJECT_DEPS for subject in child.children)}
    # "said on Monday it had…": the parser hangs the cue's time phrase on the reported clause
    subject = next((child.i for child in clause.children if child.dep_ in ("nsubj", "nsubjpass")), clause.i)
    narration |= {child.i for child in clause.children if child.dep_ == "prep" and child.i < subject
                  and any(grandchild.ent_type_ in ("DATE", "TIME") for grandchild in child.children)}
    return narration


def _content_from_host(verb: Token) -> tuple[set[int], str] | None:
    """ "Y, he added." / "Y, officials said, Z": the clause the cue is a parenthetical of."""
    if verb.dep_ == "parataxis" and verb.head.pos_ in ("VERB", "AUX", "NOUN", "PROPN", "ADJ"):
        return subtree_indices(verb.head, exclude={verb.i}), "parenthetical"
    return None


def _quote_in(quotes: QuoteIndex, start: int, end: int) -> QuoteSpan | None:
    for quote in quotes.near(start, end):
        if quote.inner_start >= start and quote.inner_end <= end:
            return quote
    return None


def _content_from_object(verb: Token, quotes: QuoteIndex) -> tuple[set[int], str] | None:
    lemma = verb.lemma_.lower()
    objects = [child for child in verb.children if child.dep_ == "dobj"]
    if lemma in NAMING_VERBS and objects:
        predicates = [child for child in verb.children if child.dep_ in ("oprd", "xcomp", "ccomp")
                      and child.i > objects[0].i]
        if predicates:
            return subtree_indices(objects[0]) | subtree_indices(predicates[0]), "naming"
    for child in objects:
        start = child.left_edge.idx
        end = child.right_edge.idx + len(child.right_edge.text)
        if _quote_in(quotes, start, end) is not None and child.lemma_.lower() not in STATEMENT_NOUNS:
            return subtree_indices(child), "quoted-object"
    if lemma in OBJECT_CUES and objects and objects[0].lemma_.lower() not in STATEMENT_NOUNS \
            and objects[0].pos_ in ("NOUN", "PROPN") \
            and (len(list(objects[0].subtree)) >= 2 or stance_of(lemma) in ("deny", "admit", "accuse")):
        return subtree_indices(objects[0]), "object"
    return None


def _content_from_quoted_predicate(verb: Token, quotes: QuoteIndex) -> tuple[set[int], str] | None:
    """A quotation somewhere in what follows the cue: "expressed, on Friday, concern about a “…”"."""
    right = {i for i in subtree_indices(verb) if i > verb.i}
    if not right:
        return None
    doc = verb.doc
    start = doc[min(right)].idx
    end = doc[max(right)].idx + len(doc[max(right)].text)
    if _quote_in(quotes, start, end) is None:
        return None
    return right, "quoted-predicate"


def _keep_quotes_in(content: tuple[set[int], str], predicate: tuple[set[int], str] | None, doc: Doc,
                    quotes: QuoteIndex) -> tuple[set[int], str]:
    """A quotation in what follows the cue belongs to the content: if the complement leaves one out,
    the whole predicate is the content."""
    if predicate is None:
        return content
    inside = {i for i in content[0]}
    lo, hi = min(inside), max(inside)
    start, end = doc[lo].idx, doc[hi].idx + len(doc[hi].text)
    pred_lo, pred_hi = min(predicate[0]), max(predicate[0])
    pred_start, pred_end = doc[pred_lo].idx, doc[pred_hi].idx + len(doc[pred_hi].text)
    for quote in quotes.near(pred_start, pred_end):
        in_predicate = pred_start <= quote.inner_start and quote.inner_end <= pred_end
        in_content = start < quote.inner_end and quote.inner_start < end
        if in_predicate and not in_content and quote.inner_end <= start:
            return predicate
    return content


MAX_SOURCE_TOKENS = 12  # '“…,” Ethiopia's water minister, Habtamu Itefa, told…' fits; a new clause does not


def _quote_then_cue(doc: Doc, verb: Token, quotes: QuoteIndex, sentence: Span) -> list[Candidate]:
    """ '“…,” SOURCE told reporters' when the parser took a word inside the quotation for the subject:
    the source is the noun phrase between the closing mark and the cue, the content the quotation."""
    before = [quote for quote in quotes.near(max(0, verb.idx - 200), verb.idx)
              if quote.closed and quote.end <= verb.idx]
    if not before:
        return []
    quote = before[-1]
    between = [token for token in doc[max(0, verb.i - MAX_SOURCE_TOKENS - 2):verb.i] if token.idx >= quote.end]
    words = [token for token in between if not token.is_punct]
    if not words or len(words) > MAX_SOURCE_TOKENS or any(token.pos_ in ("VERB", "AUX") for token in words):
        return []
    people = [entity for entity in doc.ents if entity.label_ == "PERSON" and entity.start >= between[0].i
              and entity.end <= verb.i] if len(words) > 1 else []
    inside = {token.i for token in between}
    heads = [token for token in words if token.pos_ in ("PROPN", "NOUN", "PRON") and token.head.i not in inside]
    source = people[0].root if people else (heads[0] if heads else None)
    if source is None or not can_be_source(source):
        return []
    cue_start, cue_end, _ = _cue_extent(verb)
    span = (people[0].start_char, people[0].end_char) if people else mention_span(source)
    return [Candidate(content=[(quote.start, quote.end)], cue_start=cue_start, cue_end=cue_end,
                      cue_lemma=verb.lemma_.lower(), source=source, source_span=span,
                      sentence=(sentence.start_char, sentence.end_char), rule="quote-then-cue")]


def _quote_after(verb: Token, quotes: QuoteIndex, sentence_end: int) -> QuoteSpan | None:
    """The quotation a cue introduces with a colon or comma: 'She said: “…”'."""
    text = doc_text(verb.doc)
    position = verb.idx + len(verb.text)
    for quote in quotes.from_offset(position):
        if quote.start > sentence_end + 400:
            continue
        between = text[position:quote.start]
        stripped = between.strip()
        if stripped.endswith((":", ",")) and len(between) < 200 and "\n\n" not in between:
            return quote
        if not stripped:
            return quote
        break
    return None


def cue_candidates(doc: Doc, sentence: Span, quotes: QuoteIndex,
                   inside_quote: set[int]) -> list[Candidate]:
    """Attributions whose cue is a verb in this sentence."""
    found: list[Candidate] = []
    for token in sentence:
        if token.i in inside_quote or token.pos_ not in ("VERB", "AUX"):
            continue
        lemma = token.lemma_.lower()
        if lemma in STATEMENT_VERBS and any(child.dep_ == "dobj" and child.lemma_.lower() in STATEMENT_NOUNS
                                            for child in token.children):
            found.extend(_statement_candidate(doc, token, sentence, quotes))
            continue
        if lemma not in CUE_VERBS and lemma not in PREPOSITIONS and lemma not in OBJECT_CUES \
                and lemma not in NAMING_VERBS:
            continue
        if token.pos_ == "AUX" and lemma not in CUE_VERBS:
            continue
        source, antecedent = resolve_subject(token)
        if source is None or source.i in inside_quote:
            found.extend(_quote_then_cue(doc, token, quotes, sentence))
            continue
        content = _content_from_complement(token, lemma, source)
        if content is None and lemma not in CUE_VERBS:
            content = _content_from_object(token, quotes)
            if content is None:
                continue
        if content is not None and lemma in CUE_VERBS:
            content = _keep_quotes_in(content, _content_from_quoted_predicate(token, quotes), doc, quotes)
        if content is None:
            content = _content_from_host(token)
        if content is None:
            content = _content_from_object(token, quotes) or _content_from_quoted_predicate(token, quotes)
        if content is None:
            quote = _quote_after(token, quotes, sentence.end_char)
            if quote is not None:
                indices, rule = set(), "quote-after"
                segments = [(quote.start, quote.end)]
            else:
                found.append(_silent(token, source, antecedent, sentence))
                continue
        else:
            indices, rule = content
            if lemma in CLAUSE_ONLY and rule not in ("clause", "parenthetical", "naming"):
                continue
            if source.lower_ == "it" and rule not in ("clause", "parenthetical"):
                continue  # "it described a relationship": too weak a source for a bare object
            source_tokens = subtree_indices(source)
            indices -= source_tokens
            indices.discard(token.i)
            indices = _without_according_phrase(doc, sentence, indices)
            segments = token_segments(doc, indices)
        segments = clean_segments(doc_text(doc), segments)
        if not segments:
            continue
        cue_start, cue_end, _ = _cue_extent(token)
        negated = any(child.dep_ == "neg" for child in token.children)
        stance = stance_of(lemma, negated)
        if lemma in NAMING_VERBS and rule not in ("preposition", "infinitive"):
            stance = None  # "called the move a violation" names; "called for talks" demands
        found.append(Candidate(
            content=segments, cue_start=cue_start, cue_end=cue_end, cue_lemma=lemma, source=source,
            source_span=mention_span(source), sentence=(sentence.start_char, sentence.end_char), rule=rule,
            stance=stance, antecedent=antecedent, extra={"weak_source": not can_be_source(source)},
        ))
    return found


def _silent(verb: Token, source: Token, antecedent: Token | None, sentence: Span) -> Candidate:
    """A cue with a source but no content ("rejected the claims"): not an attribution, but its source
    has spoken, which later pronouns and continuation quotes need to know."""
    cue_start, cue_end, _ = _cue_extent(verb)
    return Candidate(content=[], cue_start=cue_start, cue_end=cue_end, cue_lemma=verb.lemma_.lower(), source=source,
                     source_span=mention_span(source), sentence=(sentence.start_char, sentence.end_char),
                     rule="silent", antecedent=antecedent)


def _statement_candidate(doc: Doc, verb: Token, sentence: Span, quotes: QuoteIndex) -> list[Candidate]:
    """ "X issued the following statement: “…”" — cue is the verb and its statement noun."""
    source, antecedent = resolve_subject(verb)
    if source is None:
        return []
    quote = _quote_after(verb, quotes, sentence.end_char)
    if quote is None:
        return [_silent(verb, source, antecedent, sentence)]
    statement = next(child for child in verb.children if child.dep_ == "dobj")
    cue_end = statement.idx + len(statement.text)
    return [Candidate(content=[(quote.start, quote.end)], cue_start=verb.idx, cue_end=cue_end,
                      cue_lemma=verb.lemma_.lower(), source=source, source_span=mention_span(source),
                      sentence=(sentence.start_char, sentence.end_char), rule="statement", antecedent=antecedent)]


def according_to_candidates(doc: Doc, sentence: Span, inside_quote: set[int]) -> list[Candidate]:
    """'According to X, Y' and 'Y, according to X'."""
    found: list[Candidate] = []
    for token in sentence:
        if token.lower_ != "according" or token.i in inside_quote:
            continue
        to = next((child for child in token.children if child.lower_ == "to"), None)
        if to is None and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
            to = doc[token.i + 1]
        if to is None:
            continue
        source = next((child for child in to.children if child.dep_ == "pobj"), None)
        if source is None:
            continue
        segments = clean_segments(doc_text(doc), _around_phrase(doc, sentence, token, source))
        if not segments:
            continue
        found.append(Candidate(
            content=segments, cue_start=token.idx, cue_end=to.idx + len(to.text), cue_lemma="according to",
            source=source, source_span=mention_span(source), sentence=(sentence.start_char, sentence.end_char),
            rule="according-to",
        ))
    return found


VIEW_NOUNS = frozenset({"view", "opinion", "words", "assessment", "understanding", "analysis", "evaluation",
                        "estimate", "estimation", "judgment", "judgement", "reading", "perspective", "eyes"})


def framing_candidates(doc: Doc, sentence: Span, inside_quote: set[int]) -> list[Candidate]:
    """Opinion framings that open a sentence: "For the deputy Carla Rojas, the decision is improvised"
    (common in translations from Romance languages) and "In the view of X, Y" / "In X's view, Y"."""
    first = sentence[0] if len(sentence) else None
    if first is None or first.i in inside_quote or first.lower_ not in ("for", "in"):
        return []
    comma = next((token for token in sentence[1:16] if token.text == ","), None)
    if comma is None or comma.i >= sentence.end - 3:
        return []
    phrase = doc[first.i + 1:comma.i]
    if first.lower_ == "for":
        people = [token for token in phrase if token.ent_type_ in ("PERSON", "ORG", "NORP") and token.pos_ == "PROPN"]
        if not people or phrase.root.pos_ not in ("PROPN", "NOUN") or not (
                phrase.root.ent_type_ in ("PERSON", "ORG", "NORP") or is_person_noun(phrase.root)):
            return []
        source = phrase.root
    else:
        view = next((token for token in phrase if token.lemma_.lower() in VIEW_NOUNS), None)
        if view is None:
            return []
        owner = next((child for child in view.children if child.dep_ == "poss"), None)
        of = next((child for child in view.children if child.lower_ == "of"), None)
        owner = owner or next((child for child in (of.children if of is not None else []) if child.dep_ == "pobj"),
                              None)
        if owner is None or owner.pos_ not in ("PROPN", "NOUN", "PRON"):
            return []
        source = owner
    segments = clean_segments(doc_text(doc), [(comma.idx + 1, sentence.end_char)])
    if not segments:
        return []
    return [Candidate(content=segments, cue_start=first.idx, cue_end=first.idx + len(first.text),
                      cue_lemma=first.lower_, source=source, source_span=mention_span(source),
                      sentence=(sentence.start_char, sentence.end_char), rule="framing")]


def _according_phrase_end(doc: Doc, sentence: Span, first: Token, source: Token) -> int:
    """End of "according to X": the comma after X when there is one, else X's last token."""
    for i in range(source.i, min(sentence.end, source.i + 12)):
        if doc[i].text in (",", ";", ":"):
            return doc[i].idx
    return source.idx + len(source.text)


def _without_according_phrase(doc: Doc, sentence: Span, indices: set[int]) -> set[int]:
    """Content read off a cue leaves out an "according to X," phrase: that is another attribution."""
    for token in sentence:
        if token.lower_ == "according" and token.i in indices and token.i + 1 < len(doc) \
                and doc[token.i + 1].lower_ == "to":
            stop = next((t.i for t in doc[token.i:min(sentence.end, token.i + 14)] if t.text in (",", ";", ":")),
                        token.i + 2)
            indices = indices - set(range(token.i, stop + 1))
    return indices


def _around_phrase(doc: Doc, sentence: Span, first: Token, source: Token) -> list[tuple[int, int]]:
    """The sentence's clause on the other side of an "according to X" phrase, up to a semicolon."""
    phrase_end = _according_phrase_end(doc, sentence, first, source)
    text = doc_text(doc)
    if first.idx - sentence.start_char <= 2:  # "According to X, Y."
        end = sentence.end_char
        semicolon = text.find(";", phrase_end, end)
        return [(phrase_end, semicolon if semicolon >= 0 else end)]
    start = sentence.start_char  # "Y, according to X." / "Y, according to X, Z."
    semicolon = text.rfind(";", start, first.idx)
    return [(semicolon + 1 if semicolon >= 0 else start, first.idx), (phrase_end, sentence.end_char)]


def denial_after_semicolon(doc: Doc, sentence: Span, inside_quote: set[int]) -> list[Candidate]:
    """Dek style 'Y; X denies' — the cue has no complement, the claim is the clause before."""
    found: list[Candidate] = []
    for token in sentence:
        if token.pos_ != "VERB" or token.i in inside_quote or stance_of(token.lemma_) is None:
            continue
        if any(child.dep_ in ("ccomp", "dobj", "xcomp", "prep") for child in token.children):
            continue
        separators = [t for t in sentence if t.i < token.i and t.text in (";", ":")]
        if not separators:
            continue
        separator = separators[-1]
        source, _ = resolve_subject(token)
        if source is not None and source.i > separator.i:
            start = sentence.start_char
            according = next((t for t in sentence if t.lower_ == "according" and t.i < separator.i), None)
            if according is not None and according.i == sentence.start:
                comma = next((t for t in sentence if t.text == "," and t.i > according.i), None)
                start = comma.idx + 1 if comma is not None and comma.i < separator.i else start
            segments = clean_segments(doc_text(doc), [(start, separator.idx)])
            if not segments:
                continue
            found.append(Candidate(
                content=segments, cue_start=token.idx, cue_end=token.idx + len(token.text), cue_lemma=token.lemma_,
                source=source, source_span=mention_span(source), sentence=(sentence.start_char, sentence.end_char),
                rule="dek-denial", stance=stance_of(token.lemma_),
            ))
    return found


LABEL_WORDS = frozenset({"update", "updated", "watch", "photo", "photos", "video", "editor", "note", "breaking",
                         "exclusive", "opinion", "analysis", "read", "listen", "related", "source", "credit",
                         "image", "caption", "live", "q", "a", "question", "answer", "warning", "correction",
                         "clarification", "disclaimer", "advertisement", "sponsored", "tags", "topics", "more",
                         "see", "also", "subscribe", "follow", "share", "comments", "latest", "summary", "timeline"})


def speaker_colon_candidates(doc: Doc, sentence: Span, inside_quote: set[int], ents: Sequence[Span],
                             ent_starts: Sequence[int]) -> list[Candidate]:
    """Headline and interview style 'Maria Lopez: The port will reopen' — a name, a colon, the claim.

    The name is an entity or up to three capitalised nouns opening the sentence, never a page label
    ("Update:", "Watch:"); `ents` are the doc's entities with their token starts (`Span.ents` scans the
    whole doc)."""
    index = bisect.bisect_left(ent_starts, sentence.start)
    entity = ents[index] if index < len(ents) and ents[index].start <= sentence.start + 1 else None
    if entity is not None and entity.label_ in ("PERSON", "ORG", "NORP", "GPE"):
        name_start, colon = entity.start, entity.end
    else:
        colon = sentence.start
        while colon < min(sentence.end, sentence.start + 3) and doc[colon].pos_ in ("PROPN", "NOUN") \
                and doc[colon].text[:1].isupper():
            colon += 1
        name_start = sentence.start
    if colon == name_start or colon >= sentence.end - 4 or doc[colon].text != ":" or name_start in inside_quote:
        return []
    if any(token.lower_ in LABEL_WORDS for token in doc[name_start:colon]):
        return []
    segments = clean_segments(doc_text(doc), [(doc[colon].idx + 1, sentence.end_char)])
    if not segments:
        return []
    source = doc[name_start:colon].root
    return [Candidate(content=segments, cue_start=doc[colon].idx, cue_end=doc[colon].idx + 1, cue_lemma=":",
                      source=source, source_span=(doc[name_start].idx, doc[colon - 1].idx + len(doc[colon - 1].text)),
                      sentence=(sentence.start_char, sentence.end_char), rule="speaker-colon")]
