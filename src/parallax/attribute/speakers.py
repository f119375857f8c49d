"""Speaker resolution: from a source mention ("He", "Mr. Kirby", "the Middle Eastern nation",
"officials", "who") to the canonical entity it names.

No offline coreference model ships in a registry package, so this is our own small resolver. It
reads mentions in text order and keeps a history of who has been talked about:

- a mention that contains a named entity takes the entity's canonical name (a person in an
  apposition wins: "The Foreign Secretary, James Cleverly, said" → James Cleverly);
- a country, capital, demonym or government metonym maps to the country through the gazetteer;
- "who"/"which" take the noun the relative clause hangs on;
- he/she take the nearest earlier person, looking back sentence by sentence, preferring people who
  spoke or were clause subjects in that sentence and skipping people whose known gender disagrees
  (gender comes from honorifics, gendered roles, earlier pronoun links and, as a weak hint, a list
  of common given names, `annotate.names`);
- it/they take the nearest earlier organisation or country that was a subject or spoke;
- a description ("the spokesman", "the envoy", "the nation", "the ministry") takes the nearest
  earlier person whose title contains the noun, or the nearest earlier country or organisation;
- anything else is kept as written ("officials", "a senior diplomat"), with no canonical entity.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from parallax.annotate.entities import is_person_noun
from parallax.annotate.gazetteer import Gazetteer
from parallax.annotate.names import given_name_genders
from parallax.common.doctext import doc_text
from parallax.records import Entity

MALE_PRONOUNS = frozenset({"he", "him", "his", "himself"})
FEMALE_PRONOUNS = frozenset({"she", "her", "hers", "herself"})
NONPERSON_PRONOUNS = frozenset({"it", "its", "itself"})
PLURAL_PRONOUNS = frozenset({"they", "them", "their", "themselves"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})
FIRST_PERSON = frozenset({"i", "we", "me", "us", "you"})
MALE_MARKERS = ("mr.", "mr ", "sir ", "spokesman", "chairman", "congressman", "king ", "prince ", "father ")
FEMALE_MARKERS = ("mrs.", "mrs ", "ms.", "ms ", "miss ", "madam", "spokeswoman", "chairwoman", "congresswoman",
                  "queen ", "princess ", "dame ", "lady ")
COUNTRY_NOUNS = frozenset({"nation", "country", "state", "government", "regime", "republic", "kingdom",
                           "administration", "capital", "power", "ally", "neighbour", "neighbor", "emirate",
                           "embassy", "consulate", "representation", "delegation", "mission", "legation"})
ORGANISATION_NOUNS = frozenset({"ministry", "department", "agency", "company", "firm", "group", "bank",
                                "party", "campaign", "organization", "organisation", "court", "council",
                                "commission", "committee", "office", "army", "military", "police", "union",
                                "newspaper", "network", "lender", "regulator", "authority", "board"})
ENTITY_PRIORITY = {"PERSON": 0, "ORG": 1, "GPE": 2, "NORP": 3, "LOC": 4, "FAC": 5}


@dataclass(slots=True, frozen=True)
class Speaker:
    """A resolved source: canonical name, entity type and country (all None when unknown)."""

    name: str | None
    type: str | None = None
    country: str | None = None


NOBODY = Speaker(None)


class SpeakerResolver:
    """Resolves source mentions of one article, in text order; keeps the article's discourse history."""

    def __init__(self, doc: Doc, entities: list[Entity], gazetteer: Gazetteer) -> None:
        self.doc = doc
        self.entities = entities
        self.gazetteer = gazetteer
        self.sentence_starts = [sentence.start_char for sentence in doc.sents]
        self.entity_starts = [entity.start for entity in entities]
        self._roles: dict[str, list[str]] = {}
        for entity in entities:
            self._roles.setdefault(entity.canonical, []).extend(entity.roles)
        self.spoke_offsets: list[int] = []
        self.genders: dict[str, str] = {}
        self.spoke: list[tuple[int, Speaker]] = []  # (offset, speaker) of every resolved source so far
        for entity in entities:
            if entity.type == "PERSON":
                self._learn_gender(entity.canonical, " ".join([entity.text.lower() + " ", *entity.roles]).lower())

    def _learn_gender(self, name: str, evidence: str) -> None:
        if name in self.genders:
            return
        if any(marker in evidence for marker in FEMALE_MARKERS):
            self.genders[name] = "f"
        elif any(marker in evidence for marker in MALE_MARKERS):
            self.genders[name] = "m"
        elif " " in name and (hint := given_name_genders().get(name.split()[0].lower())):
            self.genders[name] = hint

    def sentence_index(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.sentence_starts, offset) - 1)

    def remember(self, offset: int, speaker: Speaker) -> None:
        if speaker.name:
            index = bisect.bisect_right(self.spoke_offsets, offset)
            self.spoke_offsets.insert(index, offset)
            self.spoke.insert(index, (offset, speaker))

    # -- entry point ---------------------------------------------------------------------------------

    def resolve(self, head: Token, span: tuple[int, int], antecedent: Token | None = None) -> Speaker:
        word = head.lower_ if head.pos_ == "PRON" or not head.text.isupper() else head.text
        if word in RELATIVE_PRONOUNS and antecedent is not None:
            return self.resolve(antecedent, _noun_phrase(antecedent))
        if word in MALE_PRONOUNS or word in FEMALE_PRONOUNS:
            gender = "m" if word in MALE_PRONOUNS else "f"
            found = self._nearest_person(span[0], gender)
            if found.name:
                self.genders.setdefault(found.name, gender)
            return found
        if word in NONPERSON_PRONOUNS or word in PLURAL_PRONOUNS:
            return self._nearest_group(span[0], plural=word in PLURAL_PRONOUNS)
        if word in FIRST_PERSON:
            return NOBODY
        named = self._named(head, span)
        if named is not None:
            return named
        lemma = head.lemma_.lower()
        owner = next((child for child in head.children if child.dep_ == "poss"
                      and child.lower_ in ("its", "their")), None)
        if owner is not None and (lemma in ORGANISATION_NOUNS or lemma in COUNTRY_NOUNS):
            # "Its irrigation ministry said": the ministry speaks for whoever "its" is
            found = self._nearest_group(span[0], plural=owner.lower_ == "their")
            if found.name:
                return found
        if head.pos_ == "NOUN" and any(child.dep_ == "det" and child.lower_ in ("the", "this", "that")
                                       for child in head.children):
            described = self._described(lemma, span[0])
            if described is not None:
                return described
        return NOBODY

    # -- named mentions ------------------------------------------------------------------------------

    def _named(self, head: Token, span: tuple[int, int]) -> Speaker | None:
        phrase_start, phrase_end = _noun_phrase(head)
        best: Entity | None = None
        for entity in self._entities_in(phrase_start, phrase_end):
            if best is None or ENTITY_PRIORITY.get(entity.type, 9) < ENTITY_PRIORITY.get(best.type, 9):
                best = entity
        if (best is None or best.type != "PERSON") and is_person_noun(head):
            # "The company's spokeswoman, Ana Lima," / "Moscow's envoy": a person, never the place or firm
            named = next((child for child in head.children if child.dep_ == "appos" and child.pos_ == "PROPN"
                          and child.text[:1].isupper()), None)
            if named is not None:
                return self._unrecognised_name(named)
            definite = any(child.dep_ in ("det", "poss") and child.lower_ not in ("a", "an", "another", "one")
                           for child in head.children)
            described = self._described(head.lemma_.lower(), span[0]) if definite else None
            if described is not None:
                return described
        text = doc_text(self.doc)[span[0]:span[1]]
        if best is not None and best.type != "PERSON":
            code = self.gazetteer.country_code(text, entity_type=best.type) or (
                self.gazetteer.country_code(best.text, entity_type=best.type) if best.type in ("GPE", "NORP") else None)
            if code:
                return Speaker(self.gazetteer.country_name(code), "GPE", code)
        if best is not None:
            return Speaker(best.canonical, best.type, best.country)
        code = self.gazetteer.country_code(text)
        if code:
            return Speaker(self.gazetteer.country_name(code), "GPE", code)
        if head.pos_ == "PROPN" and head.text[:1].isupper():
            return self._unrecognised_name(head)
        return None

    def _unrecognised_name(self, head: Token) -> Speaker:
        """A proper name the entity recogniser missed: its run of proper nouns, matched by surname to a
        person named elsewhere in the article when possible."""
        first = head
        while first.i > 0 and first.doc[first.i - 1].pos_ == "PROPN" and first.doc[first.i - 1].head == head:
            first = first.doc[first.i - 1]
        name = doc_text(self.doc)[first.idx:head.idx + len(head.text)]
        surname = head.text
        people = {entity.canonical for entity in self.entities
                  if entity.type == "PERSON" and entity.canonical.split()[-1] == surname}
        if len(people) == 1:
            (canonical,) = people
            return Speaker(canonical, "PERSON", None)
        return Speaker(_strip_determiner(name), None, None)

    def _entities_between(self, lo: int, hi: int) -> list[Entity]:
        """Entities starting in [lo, hi), in order."""
        return self.entities[bisect.bisect_left(self.entity_starts, lo):bisect.bisect_left(self.entity_starts, hi)]

    def _entities_in(self, start: int, end: int) -> list[Entity]:
        # a mention that starts before the phrase can still reach into it
        return [entity for entity in self._entities_between(start - 200, end)
                if entity.end > start and entity.type in ENTITY_PRIORITY]

    # -- pronouns and descriptions -------------------------------------------------------------------

    def _candidates_before(self, offset: int, types: tuple[str, ...], window: int = 6) -> list[Speaker]:
        """Entities before `offset`, nearest sentence first; in a sentence, speakers then subjects first."""
        current = self.sentence_index(offset)
        ordered: list[Speaker] = []
        for back in range(window):
            index = current - back
            if index < 0:
                break
            lo = self.sentence_starts[index]
            hi = offset if back == 0 else (self.sentence_starts[index + 1] if index + 1 < len(self.sentence_starts)
                                           else len(doc_text(self.doc)))
            spoke = [speaker for _, speaker in self.spoke[bisect.bisect_left(self.spoke_offsets, lo):
                                                          bisect.bisect_left(self.spoke_offsets, hi)]
                     if speaker.type in types]
            mentions = [entity for entity in self._entities_between(lo, hi) if entity.type in types]
            subjects = [entity for entity in mentions if self._is_subject(entity)]
            others = [entity for entity in mentions if not self._is_subject(entity)]
            for speaker in reversed(spoke):
                ordered.append(speaker)
            for entity in subjects + others:
                ordered.append(Speaker(entity.canonical, entity.type, entity.country))
        return ordered

    def _is_subject(self, entity: Entity) -> bool:
        span = self.doc.char_span(entity.start, entity.end, alignment_mode="expand")
        if span is None:
            return False
        root = span.root
        while root.dep_ in ("compound", "flat", "appos") and root.head.i != root.i:
            root = root.head
        return root.dep_ in ("nsubj", "nsubjpass", "agent")

    def _nearest_person(self, offset: int, gender: str) -> Speaker:
        for candidate in self._candidates_before(offset, ("PERSON",)):
            known = self.genders.get(candidate.name or "")
            if known is None or known == gender:
                return candidate
        return NOBODY

    def _nearest_group(self, offset: int, plural: bool) -> Speaker:
        types = ("ORG", "GPE", "NORP") if plural else ("ORG", "GPE")
        for candidate in self._candidates_before(offset, types, window=4):
            return candidate
        return NOBODY

    def _described(self, lemma: str, offset: int) -> Speaker | None:
        if lemma in COUNTRY_NOUNS:
            for candidate in self._candidates_before(offset, ("GPE", "NORP"), window=8):
                if candidate.country:
                    return Speaker(self.gazetteer.country_name(candidate.country), "GPE", candidate.country)
            return None
        if lemma in ORGANISATION_NOUNS:
            candidates = self._candidates_before(offset, ("ORG",), window=8)
            named_for_it = [candidate for candidate in candidates if lemma in (candidate.name or "").lower()]
            return (named_for_it or candidates or [None])[0]
        people = self._candidates_before(offset, ("PERSON",), window=12)
        for candidate in people:
            roles = self.roles_of(candidate.name)
            if any(lemma in role.lower() for role in roles):
                return candidate
        return None

    def roles_of(self, name: str | None) -> list[str]:
        """Titles and roles seen with the entity of this canonical name."""
        return self._roles.get(name or "", [])


def _noun_phrase(head: Token) -> tuple[int, int]:
    """The mention with its appositions and "of" modifiers ("the president of Brazil"), without relative
    clauses or other prepositional phrases ("officials in Santiago" are not Santiago)."""
    indices = [head.i]
    stack = list(head.children)
    while stack:
        child = stack.pop()
        if child.dep_ in ("relcl", "acl", "advcl", "ccomp", "punct", "cc", "conj"):
            continue
        if child.dep_ == "prep" and (child.lower_ != "of" or not any(grandchild.dep_ == "pobj"
                                                                     for grandchild in child.children)):
            continue  # "powers of supplying Russia" names no Russia
        indices.append(child.i)
        stack.extend(child.children)
    doc = head.doc
    first, last = doc[min(indices)], doc[max(indices)]
    return first.idx, last.idx + len(last.text)


def _strip_determiner(text: str) -> str:
    words = text.split()
    if words and words[0].lower() in ("the", "a", "an"):
        words = words[1:]
    return " ".join(words).removesuffix("'s").removesuffix("’s")
