"""The event lexicon: which verbs and nouns name a PLOVER event, given their complements.

The data is `events/data/event_lexicon.json`, built by `scripts/build_event_lexicon.py` from the
PETRARCH2 verb dictionary (MIT), the CAMEO→PLOVER table and the PLOVER ontology (CC BY-SA 4.0), plus a
small hand-written supplement; that script's docstring says how the PETRARCH2 patterns are read and
what is kept and dropped. This module only loads the JSON (once per process) and answers look-ups:

- `EventLexicon.verb(lemma, particle=…, prepositions=…, object_lemma=…)`: every entry of the verb (its
  PETRARCH2 default, the patterns of its synonym block, the supplement) whose constraints all hold is a
  candidate; the one with the most constraints matched wins (a bare preposition does not count), then
  the supplement over PETRARCH2 patterns over PETRARCH2 defaults, then the exact phrase over a head-only
  match, then more bare prepositions, then a pattern written for this very verb, then dictionary order.
  Where the supplement says what the bare verb means, patterns written for another verb of its PETRARCH2
  block may not change its event type.
  A winning entry without a PLOVER type (speech verbs, CAMEO 01 statements, "---" patterns such as
  "deny responsibility") means "no event": `None`.
- Constraints: a particle or preposition word (satisfied by the particle or any preposition, since
  parsers confuse the two), an object head lemma or set, the object of a preposition (only checked
  when `prep_objects` is given; without it such patterns do not match), the modifiers of an object
  phrase ("{ARMS SHIPMENT}": checked when `object_modifiers` is given; otherwise the pattern matches
  on its head, ranked below an exact one), and a subject head (only when `subject_lemma` is given).
- `noun(lemma, of_object=…, modifier=…)`: the hand-written nominal events ("accusation", "the
  delivery of drones", "drone strike", "hunger strike").
- `mode_for(plover, lemma)` / `context_for(plover, lemma)`: a PLOVER mode or context from the
  material involved (what is given, mobilised, released; for ASSAULT the weapon used, never the target).

Modes and contexts are PLOVER 0.8's exact names. PLOVER gives AID no modes: "military", "economic"
aid is a *context* (`LexiconHit.context`), never a mode.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

DATA_PACKAGE = "parallax"
DATA_PATH = ("events", "data", "event_lexicon.json")
SOURCE_RANK = {"supplement": 0, "noun": 0, "petrarch2-pattern": 1, "petrarch2-verb": 2}
INSTRUMENT_PREPOSITIONS = ("with", "by", "using")

_IRREGULAR_NOUNS = {
    "people": "people", "police": "police", "media": "media", "data": "data", "criteria": "criterion",
    "children": "child", "feet": "foot", "knives": "knife", "lives": "life", "thieves": "thief",
    "women": "woman", "men": "man", "personnel": "personnel", "aircraft": "aircraft", "news": "news",
}
_KEEP_FINAL_S = ("ss", "us", "is", "ws", "as", "os")


@functools.lru_cache(maxsize=65536)  # pure, and asked for the same few thousand words over and over
def normalize_noun(word: str) -> str:
    """A noun as the lexicon stores it: lower case, the last word singular ("Arms" → "arm", "gunmen" → "gunman").

    Crude on purpose: the build script applies the same function to PETRARCH2's upper-case surface
    forms and the look-ups apply it to spaCy lemmas, so both sides agree even where English does not.
    """
    text = " ".join(word.strip().lower().replace("_", " ").split())
    if not text:
        return text
    head, _, last = text.rpartition(" ")
    last = _singular(last)
    return f"{head} {last}" if head else last


def _singular(word: str) -> str:
    if word in _IRREGULAR_NOUNS:
        return _IRREGULAR_NOUNS[word]
    if word.endswith("men") and len(word) > 4:
        return word[:-3] + "man"
    if len(word) <= 3 or not word.endswith("s"):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes", "zzes")):
        return word[:-2]
    if word.endswith(_KEEP_FINAL_S):
        return word
    return word[:-1]


@dataclass(frozen=True, slots=True)
class LexiconHit:
    """What a verb or noun names: a PLOVER type with mode, context and the CAMEO code it came from."""

    plover: str  # one of the 16 PLOVER types
    mode: str | None
    cameo: str | None
    source: str  # "petrarch2-verb", "petrarch2-pattern", "supplement", "noun"
    context: str | None = None  # a PLOVER context ("military" for military aid)
    subject_is_target: bool = False  # PETRARCH2 ":code" patterns: the subject undergoes the event ("receive aid")
    pattern: str | None = None  # the PETRARCH2 pattern or supplement note that matched


@dataclass(frozen=True, slots=True)
class _Prep:
    words: frozenset[str]  # alternatives: "BY/WITH"
    objects: frozenset[str] | None  # the object of the preposition, or any


@dataclass(frozen=True, slots=True)
class _Entry:
    """One compiled lexicon entry: what it names and the complements it requires."""

    plover: str | None
    mode: str | None
    context: str | None
    cameo: str | None
    source: str
    particle: str | None
    preps: tuple[_Prep, ...]
    objects: frozenset[str] | None
    object_mods: tuple[frozenset[str], ...]
    subjects: frozenset[str] | None
    modifiers: frozenset[str] | None
    subject_is_target: bool
    pattern: str | None
    own: bool  # a pattern written for this very verb (PETRARCH2's comment column)
    order: int


@dataclass(frozen=True, slots=True)
class _Query:
    words: frozenset[str]  # particle and prepositions
    object: str | None
    prep_objects: Mapping[str, str] | None
    object_mods: frozenset[str] | None
    subject: str | None
    modifier: str | None


class EventLexicon:
    """Verb and noun look-ups over the shipped lexicon (see the module docstring for the rules)."""

    types: frozenset[str]

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data
        plover = data["plover"]
        self.types = frozenset(plover["types"])
        self.modes: dict[str, tuple[str, ...]] = {name: tuple(modes) for name, modes in plover["modes"].items()}
        self.contexts: frozenset[str] = frozenset(plover["contexts"])
        self._sets: dict[str, frozenset[str]] = {name: frozenset(words) for name, words in data["sets"].items()}
        self._mode_words: dict[str, dict[str, str]] = {
            plover_type: {word: mode for mode, words in by_mode.items() for word in words}
            for plover_type, by_mode in data["modes_by_object"]["modes"].items()}
        self._context_words: dict[str, str] = {
            word: context for context, words in data["contexts_by_object"]["contexts"].items() for word in words}
        self._context_types = frozenset(data["contexts_by_object"]["types"])
        self._instrument_verbs = frozenset(data["modes_by_object"]["instrument_verbs"])
        self._verb_cache: dict[str, tuple[_Entry, ...]] = {}
        self._noun_cache: dict[str, tuple[_Entry, ...]] = {}

    @classmethod
    def load(cls) -> EventLexicon:
        """The shipped lexicon, loaded once per process."""
        return _shipped_lexicon()

    # -- look-ups ------------------------------------------------------------------------------------

    def verb(self, lemma: str, *, particle: str | None = None, prepositions: Sequence[str] = (),
             object_lemma: str | None = None, prep_objects: Mapping[str, str] | None = None,
             object_modifiers: Sequence[str] | None = None, subject_lemma: str | None = None) -> LexiconHit | None:
        """Best entry for a verb with its complements: a pattern whose constraints all match wins over the
        verb's default; None when the verb names no PLOVER event (e.g. 'say').

        `prep_objects` maps a preposition to the lemma of its object ({"of": "crime"}); `object_modifiers`
        are the compound/adjective lemmas of the object ("arms" in "arms shipment"); both optional.
        """
        entries = self._verb_entries(lemma.strip().lower())
        if not entries:
            return None
        words = {word.lower() for word in prepositions}
        if particle:
            words.add(particle.lower())
        query = _Query(
            words=frozenset(words),
            object=normalize_noun(object_lemma) if object_lemma else None,
            prep_objects=({prep.lower(): normalize_noun(obj) for prep, obj in prep_objects.items()}
                          if prep_objects is not None else None),
            object_mods=(frozenset(normalize_noun(word) for word in object_modifiers)
                         if object_modifiers is not None else None),
            subject=normalize_noun(subject_lemma) if subject_lemma else None,
            modifier=None)
        best = self._best(entries, query)
        if best is None or best.plover is None:
            return None
        if best.plover == "ASSAULT":
            instruments = [query.prep_objects.get(prep) for prep in INSTRUMENT_PREPOSITIONS] \
                if query.prep_objects else []
            materials = [*instruments, query.subject]
            if lemma.strip().lower() in self._instrument_verbs:  # "fired missiles": the object is the weapon
                materials.insert(0, query.object)
        else:
            materials = [query.object]
            if query.prep_objects:
                materials += [query.prep_objects.get(prep) for prep in INSTRUMENT_PREPOSITIONS]
        return self._hit(best, materials)

    def noun(self, lemma: str, *, of_object: str | None = None, modifier: str | None = None) -> LexiconHit | None:
        """The event a noun names ("accusation", "sanction", "the delivery of drones"), or None.

        `of_object` is the lemma of the noun's "of" object ("drones" in "delivery of drones");
        `modifier` a compound or adjective before it ("drone" in "drone strike", "hunger" in "hunger strike").
        """
        entries = self._noun_entries(normalize_noun(lemma))
        if not entries:
            return None
        query = _Query(words=frozenset(), object=normalize_noun(of_object) if of_object else None,
                       prep_objects=None, object_mods=None, subject=None,
                       modifier=normalize_noun(modifier) if modifier else None)
        best = self._best(entries, query)
        if best is None or best.plover is None:
            return None
        materials = [query.modifier] if best.plover == "ASSAULT" else [query.object, query.modifier]
        return self._hit(best, materials)

    def mode_for(self, plover: str, object_lemma: str | None) -> str | None:
        """The PLOVER mode that the material of an event implies: MOBILIZE + "tank" → "weapons",
        RETREAT + "prisoner" → "release", ASSAULT + "drone" → "drone" (for ASSAULT pass the weapon used,
        not the target). None for types without modes (AID: see `context_for`) or unknown words."""
        if not object_lemma:
            return None
        return self._mode_words.get(plover, {}).get(normalize_noun(object_lemma))

    def context_for(self, plover: str, object_lemma: str | None) -> str | None:
        """The PLOVER context that what is given, traded or asked for implies: AID + "drone" → "military",
        AID + "loan" → "economic". Only for the exchange types (AID, COOPERATE, SANCTION, …)."""
        if not object_lemma or plover not in self._context_types:
            return None
        return self._context_words.get(normalize_noun(object_lemma))

    def cameo(self, code: str) -> LexiconHit | None:
        """The PLOVER reading of a CAMEO code (with this lexicon's corrections), or None when PLOVER drops it."""
        row = self._data["cameo"].get(code.strip())
        if row is None or row.get("plover") is None:
            return None
        return LexiconHit(plover=row["plover"], mode=row.get("mode"), cameo=code.strip(), source="petrarch2-verb",
                          context=row.get("context"))

    # -- matching ------------------------------------------------------------------------------------

    def _best(self, entries: Iterable[_Entry], query: _Query) -> _Entry | None:
        best: _Entry | None = None
        best_key: tuple[int, ...] | None = None
        for entry in entries:
            score = _match(entry, query)
            if score is None:
                continue
            strong, weak, unverified = score
            key = (-strong, SOURCE_RANK[entry.source], unverified, -weak, 0 if entry.own else 1, entry.order)
            if best_key is None or key < best_key:
                best, best_key = entry, key
        return best

    def _hit(self, entry: _Entry, materials: Sequence[str | None]) -> LexiconHit:
        plover = entry.plover
        assert plover is not None
        mode, context = entry.mode, entry.context
        if plover == "ASSAULT":
            # The weapon named in the sentence beats the code's guess ("(WITH &WEAPON)" is coded 194).
            mode = next((found for material in materials if (found := self.mode_for(plover, material))), mode)
        for material in materials:
            if mode is None:
                mode = self.mode_for(plover, material)
            if context is None:
                context = self.context_for(plover, material)
        return LexiconHit(plover=plover, mode=mode, cameo=entry.cameo, source=entry.source, context=context,
                          subject_is_target=entry.subject_is_target, pattern=entry.pattern)

    def _verb_entries(self, lemma: str) -> tuple[_Entry, ...]:
        cached = self._verb_cache.get(lemma)
        if cached is not None:
            return cached
        entries: list[_Entry] = []
        order = 0
        supplement = self._data["supplement"].get(lemma, ())
        for raw in supplement:
            entries.append(self._compile(raw, "supplement", order))
            order += 1
        # Where the supplement says what the bare verb means, a pattern written for another verb of the
        # PETRARCH2 block may not change the event type ("convicted of a crime" is no reading of "accuse").
        curated = {raw.get("plover") for raw in supplement if not _constrained(raw)}
        patterns = self._data["verb_patterns"]
        for raw in self._data["verbs"].get(lemma, ()):
            base = self._compile(raw, "petrarch2-verb", order)
            order += 1
            entries.append(base)
            for pattern in patterns.get(raw["block"], ()):
                own = lemma in pattern.get("verbs", (lemma,))
                if curated and not own and pattern.get("plover") is not None and pattern["plover"] not in curated:
                    continue
                merged = _merge(raw, pattern)
                if merged is None:
                    continue
                entries.append(self._compile(merged, "petrarch2-pattern", order, own=own))
                order += 1
        result = tuple(entries)
        self._verb_cache[lemma] = result
        return result

    def _noun_entries(self, lemma: str) -> tuple[_Entry, ...]:
        cached = self._noun_cache.get(lemma)
        if cached is None:
            cached = tuple(self._compile(raw, "noun", order) for order, raw in
                           enumerate(self._data["nouns"].get(lemma, ())))
            self._noun_cache[lemma] = cached
        return cached

    def _compile(self, raw: Mapping[str, Any], source: str, order: int, *, own: bool = False) -> _Entry:
        preps = tuple(_Prep(words=frozenset(prep["prep"]),
                            objects=self._expand(prep["objects"]) if prep.get("objects") else None)
                      for prep in raw.get("preps", ()))
        return _Entry(
            plover=raw.get("plover"), mode=raw.get("mode"), context=raw.get("context"), cameo=raw.get("cameo"),
            source=source, particle=raw.get("particle"), preps=preps,
            objects=self._expand(raw["objects"]) if raw.get("objects") else None,
            object_mods=tuple(self._expand(slot) for slot in raw.get("object_mods", ())),
            subjects=self._expand(raw["subjects"]) if raw.get("subjects") else None,
            modifiers=self._expand(raw["modifiers"]) if raw.get("modifiers") else None,
            subject_is_target=bool(raw.get("subject_is_target", False)),
            pattern=raw.get("pattern") or raw.get("note"), own=own, order=order)

    def _expand(self, words: Iterable[str]) -> frozenset[str]:
        """Words with set names ("&WEAPON" from PETRARCH2, "@weapons" of ours) replaced by their members."""
        out: set[str] = set()
        for word in words:
            if word[:1] in "&@":
                out |= self._sets.get(word, frozenset())
            else:
                out.add(word)
        return frozenset(out)


def _constrained(raw: Mapping[str, Any]) -> bool:
    return any(raw.get(key) for key in ("particle", "preps", "objects", "subjects", "modifiers"))


def _merge(verb: Mapping[str, Any], pattern: Mapping[str, Any]) -> dict[str, Any] | None:
    """A block pattern applied to one verb entry: the verb's own complements ("CARRY OUT") plus the
    pattern's; None when they clash (two different particles or two objects)."""
    merged = dict(pattern)
    if verb.get("particle"):
        if pattern.get("particle") and pattern["particle"] != verb["particle"]:
            return None
        merged["particle"] = verb["particle"]
    if verb.get("objects"):
        if pattern.get("objects"):
            return None
        merged["objects"] = verb["objects"]
    if verb.get("preps"):
        merged["preps"] = [*verb["preps"], *pattern.get("preps", ())]
    return merged


def _match(entry: _Entry, query: _Query) -> tuple[int, int, int] | None:
    """(strong constraints met, bare prepositions met, modifiers that could not be checked) when nothing
    contradicts, else None. A bare preposition ("(TO)") is weak evidence: almost any verb has one."""
    verified = weak = unverified = 0
    if entry.particle is not None:
        if entry.particle not in query.words:
            return None
        verified += 1
    for prep in entry.preps:
        present = prep.words & query.words
        if not present:
            return None
        weak += 1
        if prep.objects is not None:
            if query.prep_objects is None:
                return None
            if not any(query.prep_objects.get(word) in prep.objects for word in present):
                return None
            verified += 1
    if entry.objects is not None:
        if query.object not in entry.objects:
            return None
        verified += 1
        for slot in entry.object_mods:
            if query.object_mods is None:
                unverified += 1
            elif slot & query.object_mods:
                verified += 1
            else:
                return None
    if entry.subjects is not None:
        if query.subject not in entry.subjects:
            return None
        verified += 1
    if entry.modifiers is not None:
        if query.modifier not in entry.modifiers:
            return None
        verified += 1
    return verified, weak, unverified


@functools.cache
def load_data() -> dict[str, Any]:
    """The lexicon JSON as shipped inside the package (parsed once per process)."""
    resource = resources.files(DATA_PACKAGE)
    for part in DATA_PATH:
        resource = resource / part
    with resource.open("r", encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


@functools.cache
def _shipped_lexicon() -> EventLexicon:
    return EventLexicon(load_data())
