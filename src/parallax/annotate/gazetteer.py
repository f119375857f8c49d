"""Country gazetteer: which country a name, place, people or seat of government stands for.

Owns the mapping from surface text to ISO 3166-1 alpha-3 codes and the English name used as the
canonical name of each country. The tables live in `data/gazetteer.json` (hand-built) and are
completed at load time with pycountry's names:

- names and aliases: "United States", "the US", "U.S.", "America", "Britain", "Ivory Coast";
- capitals and seats of government of every UN member (plus Taiwan, Kosovo, Palestine): "Moscow";
- demonyms, adjectives and plurals: "Ukrainian", "Iranians", "Britons";
- metonyms, seats of executive power that stand for the country: "the White House", "the Kremlin";
- institutions, with their own canonical name and a country: "the Pentagon", "Congress", "IRGC";
- places (cities, states, regions) with a known country: "Odessa", "Gaza", "California";
- non-state groups, parties, movements, outlets and NGOs (`data/groups.json`) with their country and
  sector: "Hamas" → PSE/REB, "Xinhua" → CHN/MED, "Amnesty International" → none/NGO;
- phrases whose head is a government or institution noun and whose modifier is one of the above:
  "the US government", "Tehran's government", "Iranian foreign ministry", "the government of Iran";
- last, for a mention spaCy typed as a place (GPE, LOC) that none of the above knows: the world's
  towns and provinces (`world_places`: GeoNames cities and ISO 3166-2 subdivisions).

Lookups fold case, accents, dots ("U.S." = "US"), a leading "the" and a trailing possessive.
Decisions worth knowing:

- "US" only matches when written in capitals ("US"/"U.S."), so the pronoun "us" never does; other
  all-capital aliases and acronyms ("UK", "DRC", "CIA", "WHO") are matched in capitals only too.
- Names in the `ambiguous` table are also person names or common words ("Jordan", "Chad", "Georgia",
  "Victoria", "Sofia", "French"): they map only when the caller says spaCy typed the mention GPE,
  LOC, NORP, ORG or FAC. A PERSON mention maps only through a country name or a demonym (spaCy
  sometimes types "Russia" PERSON), never through a capital ("Washington"), place or metonym.
  "Georgia" is the country whenever it maps: the US state is not told apart (a known weakness).
- "Congo" alone is the Democratic Republic of the Congo (AP style); "Korean" alone is South Korea;
  "Congress" alone is the US Congress (India's Congress party is not told apart).
- Canonical country names: pycountry's common name, else its name, overridden for the awkward
  ones: "Russia", "Iran", "South Korea", "North Korea", "Syria", "Vietnam", "Taiwan", "Turkey" (not
  "Türkiye": English-language news mostly still writes Turkey), "Ivory Coast", "Czech Republic".
- Former names map to the successor state, as news archives need: Zaire → COD, Kampuchea → KHM,
  Soviet Union → RUS, Yugoslavia → SRB, Czechoslovakia → CZE, East and West Germany → DEU.
- Kosovo has no ISO code; it gets the user-assigned "XKX" used by the EU and the IMF.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

import pycountry

from parallax.annotate.world_places import world_places

HitKind = Literal["country", "capital", "place", "institution"]
GEO_TYPES = frozenset({"GPE", "LOC", "NORP", "ORG", "FAC"})
PLACE_TYPES = frozenset({"GPE", "LOC"})

# where an entry came from; decides what a lookup may use it for
_NAME, _CAPITAL, _DEMONYM, _METONYM, _INSTITUTION, _PLACE = "name", "capital", "demonym", "metonym", "inst", "place"
_PERSON_SOURCES = frozenset({_NAME, _DEMONYM})  # a mistyped "Russia" PERSON still maps; "Washington" does not
_MODIFIER_SOURCES = frozenset({_NAME, _CAPITAL, _DEMONYM, _METONYM})
_SCAN_SOURCES = frozenset({_NAME, _CAPITAL, _DEMONYM, _METONYM, _INSTITUTION})
_OBJECT_PREPOSITIONS = frozenset({"to", "for", "in", "on", "at", "toward", "towards", "against", "with", "into",
                                  "over", "about"})
_AFTER_OBJECT = frozenset({"and", "or", "to", "for", "in", "on", "at", "of", "from", "with"})
_TITLE_LOWER = frozenset({"of", "the", "and", "for", "on", "in"})

_FOLD = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "–": "-", "—": "-", "‐": "-"})
_EDGES = re.compile(r"^\W+|\W+$")
_US_CAPITALS = re.compile(r"\bU\.?S\b")
_SCAN_WORD = re.compile(r"\w[\w'’.\-]*")
_CACHE_LIMIT = 200_000
_PLACE_SUFFIX = re.compile(r"\s+(?:province|region|oblast|governorate|state|district|prefecture|county|city|town)$")


def normalize(text: str) -> str:
    """The lookup key of a name: case, accents, dots, hyphens, a leading "the" and possessive folded."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.translate(_FOLD))
        text = "".join(char for char in text if not unicodedata.combining(char))
    key = _EDGES.sub("", text.casefold().replace(".", "").replace("-", " "))
    if key.endswith("'s"):
        key = key[:-2]
    elif key.endswith("'"):
        key = key[:-1]
    key = " ".join(key.split())
    if key.startswith("the "):
        key = key[4:]
    return key


def _all_capitals(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    return len(letters) >= 2 and all(char.isupper() for char in letters)


@dataclass(frozen=True, slots=True)
class GazetteerHit:
    """What a text stands for: a country ("country"), a capital or other place, or an institution.

    `name` is the canonical name: the country's name for "country" hits, the place or institution's
    own name otherwise (a capital used as an actor is turned into the country by the caller).
    """

    code: str
    kind: HitKind
    name: str


@dataclass(frozen=True, slots=True)
class _Entry:
    hit: GazetteerHit
    source: str
    upper_only: bool = False
    ambiguous: bool = False


class Gazetteer:
    """Country codes and canonical country names for names, places, peoples and metonyms."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._names: dict[str, str] = {}
        for country in pycountry.countries:
            self._names[country.alpha_3] = getattr(country, "common_name", None) or country.name
        self._names.update(data.get("names", {}))
        self._adjectives: dict[str, str] = dict(data.get("adjectives", {}))
        ambiguous = {normalize(name) for name in data.get("ambiguous", [])}
        self._entries: dict[str, _Entry] = {}
        self._organizations: dict[str, tuple[str, bool]] = {}

        def add(surface: str, code: str, kind: HitKind, source: str, name: str | None = None) -> None:
            key = normalize(surface)
            if not key:
                return
            canonical = name or (self.country_name(code) if kind == "country" else surface.removeprefix("the "))
            self._entries[key] = _Entry(GazetteerHit(code, kind, canonical), source,
                                        upper_only=_all_capitals(surface) and len(key) <= 6,
                                        ambiguous=key in ambiguous)

        # lowest priority first: a later table overwrites an earlier one for the same key
        self._group_sectors: dict[str, str] = {}
        for surface, (code, sector) in data.get("groups", {}).items():
            self._group_sectors[normalize(surface)] = sector
            if code:
                add(surface, code, "institution", _INSTITUTION, surface.removeprefix("the "))
        for surface, code in data.get("places", {}).items():
            add(surface, code, "place", _PLACE)
        for surface, (code, name) in data.get("institutions", {}).items():
            add(surface, code, "institution", _INSTITUTION, name)
        for surface, code in data.get("metonyms", {}).items():
            add(surface, code, "country", _METONYM)
        for surface, code in data.get("demonyms", {}).items():
            add(surface, code, "country", _DEMONYM)
        for surface, code in data.get("capitals", {}).items():
            add(surface, code, "capital", _CAPITAL)
        for country in pycountry.countries:
            for attribute in ("name", "official_name", "common_name"):
                surface = getattr(country, attribute, None)
                if surface and "," not in surface and "(" not in surface:
                    add(surface, country.alpha_3, "country", _NAME)
        for surface, code in data.get("aliases", {}).items():
            add(surface, code, "country", _NAME)
        for code, name in self._names.items():
            if "," not in name:
                add(name, code, "country", _NAME)

        for surface, canonical in data.get("organizations", {}).items():
            key = normalize(surface)
            self._organizations[key] = (canonical, _all_capitals(surface) and len(key) <= 6)
        self._government_heads = frozenset(normalize(head) for head in data.get("government_heads", []))
        self._heads = self._government_heads | {normalize(head) for head in data.get("institution_heads", [])}
        self._head_words = frozenset(head for head in self._heads if " " not in head)
        self._cache: dict[tuple[str, str | None], GazetteerHit | None] = {}
        self._scan_cache: dict[str, str | None] = {}

    @classmethod
    def load(cls) -> Gazetteer:
        """The gazetteer of the packaged tables, read once per process."""
        return _packaged()

    # -- public lookups ---------------------------------------------------------------------------

    def country_code(self, text: str, entity_type: str | None = None) -> str | None:
        """ISO3 of the country `text` names or stands for ("Moscow", "Iranians", "the White House")."""
        hit = self.lookup(text, entity_type)
        return hit.code if hit is not None else None

    def country_name(self, code: str) -> str:
        """The common English name used as the canonical name of a country: "RUS" → "Russia"."""
        return self._names.get(code, code)

    def adjective(self, code: str) -> str:
        """The adjective used to name a country's institutions: "IRN" → "Iranian", "USA" → "US"."""
        return self._adjectives.get(code) or self.country_name(code)

    def lookup(self, text: str, entity_type: str | None = None) -> GazetteerHit | None:
        """Everything known about `text` as a whole: its country, and whether it is the country itself,
        a capital, another place or an institution. `entity_type` is spaCy's label when known."""
        cache_key = (text, entity_type)
        try:
            return self._cache[cache_key]
        except KeyError:
            pass
        hit = self._lookup(text, entity_type)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[cache_key] = hit
        return hit

    def organization(self, text: str) -> str | None:
        """Canonical name of a known international organisation: "U.N." → "United Nations"."""
        key = normalize(text)
        found = self._organizations.get(key)
        if found is None:
            return None
        canonical, upper_only = found
        if upper_only and not _all_capitals(text):
            return None
        return canonical

    def organization_in(self, text: str) -> str | None:
        """The first known international organisation named inside a longer text: "European Community
        foreign ministers" → European Community, "the U.N. war crimes court" → ICTY."""
        words = _SCAN_WORD.findall(text)
        for index, word in enumerate(words):
            if not word[0].isupper():
                continue
            for size in range(min(6, len(words) - index), 0, -1):
                found = self.organization(" ".join(words[index:index + size]))
                if found is not None:
                    return found
        return None

    def demonym(self, word: str) -> str | None:
        """The country of a people word ("Bosnian", "Serbs"), None for anything else (names, capitals)."""
        entry = self._entry(normalize(word), word)
        return entry.hit.code if entry is not None and entry.source == _DEMONYM else None

    def group_sector(self, text: str) -> str | None:
        """The sector of a known non-state group, party, movement, outlet or NGO: "Hamas" → REB,
        "Amnesty International" → NGO (data/groups.json)."""
        return self._group_sectors.get(normalize(text))

    def first_country(self, text: str) -> str | None:
        """The first country named inside a longer text such as a title or an organisation's name:
        "Moscow's envoy to the UN" → RUS, "spokesman for the US national security council" → USA.

        Only capitalised words count. A country that is the object of a preposition ("envoy to
        Ukraine", "UN envoy for Syria") is skipped: it names whom the role deals with, not whom it
        serves. Cities and regions that are not seats of government are not used.
        """
        try:
            return self._scan_cache[text]
        except KeyError:
            pass
        found = self._scan(text)
        if len(self._scan_cache) >= _CACHE_LIMIT:
            self._scan_cache.clear()
        self._scan_cache[text] = found
        return found

    # -- internals --------------------------------------------------------------------------------

    def _entry(self, key: str, original: str) -> _Entry | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if key == "us":
            return entry if _US_CAPITALS.search(original) else None
        if entry.upper_only and not _all_capitals(original):
            return None
        return entry

    def _lookup(self, text: str, entity_type: str | None) -> GazetteerHit | None:
        key = normalize(text)
        if not key:
            return None
        entry = self._entry(key, text)
        if entry is not None:
            if entity_type == "PERSON":
                return entry.hit if entry.source in _PERSON_SOURCES and not entry.ambiguous else None
            if entry.ambiguous and entity_type not in GEO_TYPES:
                return None
            return entry.hit
        if entity_type == "PERSON":
            return None
        hit = self._phrase(key, text) if " " in key else None
        if hit is None and entity_type in PLACE_TYPES:
            hit = self._world_place(key)
        return hit

    def _world_place(self, key: str) -> GazetteerHit | None:
        """A town or province beyond our tables ("near Samarra", "Sindh province"), from GeoNames."""
        table = world_places(normalize)
        code = table.get(key) or table.get(_PLACE_SUFFIX.sub("", key))
        return GazetteerHit(code, "place", key.title()) if code else None

    def _modifier(self, key: str, original: str) -> str | None:
        key = key.removesuffix("'s").removesuffix("'")
        entry = self._entry(key, original)
        if entry is not None and entry.source in _MODIFIER_SOURCES:
            return entry.hit.code
        return None

    def _phrase(self, key: str, original: str) -> GazetteerHit | None:
        """ "<country> <head>" and "<head> of <country>": a government or an institution of a country."""
        if " of " in key:
            head, _, modifier = key.rpartition(" of ")
            if head in self._heads or head.rpartition(" ")[2] in self._head_words:
                code = self._modifier(modifier, original)
                if code is not None:
                    return self._phrase_hit(code, head)
        words = key.split(" ")
        if words[-1] not in self._head_words and " ".join(words[-2:]) not in self._heads:
            return None
        for size in range(min(4, len(words) - 1), 0, -1):
            code = self._modifier(" ".join(words[:size]), original)
            if code is not None:
                return self._phrase_hit(code, " ".join(words[size:]))
        return None

    def _phrase_hit(self, code: str, head: str) -> GazetteerHit:
        if head in self._government_heads:
            return GazetteerHit(code, "country", self.country_name(code))
        institution = self._entries.get(head)
        if institution is not None and institution.source == _INSTITUTION and institution.hit.code == code:
            return institution.hit
        title = " ".join(word if word in _TITLE_LOWER else word[:1].upper() + word[1:] for word in head.split())
        return GazetteerHit(code, "institution", f"{self.adjective(code)} {title}")

    def _scan(self, text: str) -> str | None:
        words = _SCAN_WORD.findall(text)
        count = len(words)
        index = 0
        while index < count:
            if not words[index][0].isupper():
                index += 1
                continue
            matched = 0
            for size in range(min(4, count - index), 0, -1):
                gram = " ".join(words[index:index + size])
                entry = self._entry(normalize(gram), gram)
                if entry is None or entry.source not in _SCAN_SOURCES:
                    continue
                if entry.source in (_METONYM, _INSTITUTION) or not self._is_object(words, index, index + size):
                    return entry.hit.code
                matched = size
                break
            index += max(matched, 1)
        return None

    @staticmethod
    def _is_object(words: list[str], start: int, end: int) -> bool:
        before = start - 1
        if before >= 0 and words[before].lower() == "the":
            before -= 1
        if before < 0 or words[before].lower() not in _OBJECT_PREPOSITIONS:
            return False
        return end >= len(words) or words[end].lower() in _AFTER_OBJECT


@functools.cache
def _packaged() -> Gazetteer:
    data = resources.files(__package__ or "parallax.annotate").joinpath("data")
    tables = json.loads(data.joinpath("gazetteer.json").read_text(encoding="utf-8"))
    groups = data.joinpath("groups.json")
    if groups.is_file():
        tables["groups"] = json.loads(groups.read_text(encoding="utf-8"))["groups"]
    return Gazetteer(tables)
