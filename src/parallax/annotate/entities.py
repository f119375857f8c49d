"""Entity linking: spaCy's named-entity mentions turned into `Entity` records with one canonical name
per entity of the article, the roles people hold, a country, and a cluster number.

Owns the article-level rules (`link_entities`), the offset lookup the attribution stage uses to
canonicalise speakers (`entity_at`) and the store-wide merge of canonical names
(`merge_across_articles`). Countries come from the gazetteer (`parallax.annotate.gazetteer`).

Which mentions: doc.ents labelled PERSON, ORG, GPE, LOC, NORP or FAC. A NORP is kept when it maps
to a country ("Ukrainian") or names a group ("Republicans", "Houthis": a plural or a known group);
"Republican" as a modifier is dropped. A title that spaCy tagged as an organisation in front of a
name ("White House National Security Spokesperson John Kirby") is cut down to the organisation it
starts with ("White House") or dropped when it is only a title word ("State" in "Secretary of State").
The small model mistypes some names, so two repairs are made: an ORG/NORP/GPE that ends with the
surname of a person named in the article ("Zakharova"), or a two-to-four-word proper name in
apposition with a role noun ("Moscow's envoy to the UN, Vassily Nebenzia"), is a PERSON; a one-word
PERSON that matches no person of the article but is a country or capital ("Kyiv") is a GPE.

Canonical names and clusters:

- People: titles, role words and honorifics at the front (Mr, Dr, Sen., President, Lawyer…; all
  but honorifics are kept as a role), a leading "the" and a possessive are stripped. Full names
  (two tokens or more) with the same first and last token are one person; the canonical is the
  longest full form seen ("John F. Kirby" over "John Kirby"). A one-token mention ("Kirby",
  "Mr. Kirby's") joins the full name with that last token whose latest full-name mention comes
  before it (so with Hillary Clinton and Bill Clinton, a bare "Clinton" is whichever Clinton was
  last named in full before it); with no full name before it, it joins the only full name in the
  article with that last token; failing that the only full name with that first token ("Xi" →
  "Xi Jinping"); otherwise it keeps itself as canonical.
- Countries: a country name, demonym ("Ukrainian"), seat-of-power metonym ("the White House"), or
  "<country> government" phrase is the country: canonical `Gazetteer.country_name` ("Russia"),
  country its ISO3 code, so "Russia", "Russian", "the Kremlin" share one cluster whatever spaCy's
  label (the mention keeps its label).
- Capitals: a capital stands for its country (canonical the country, same cluster) only when it is
  an actor: the grammatical subject (nsubj, nsubjpass), a possessor (poss), the agent of a passive
  ("by Moscow"), or a compound or conjunct of one ("Moscow officials said", "Moscow and Beijing
  said"). Otherwise it is a place: canonical its own name, country set ("in Moscow" → Moscow, RUS).
- Other places keep their own name; their country comes from the gazetteer when known, else None.
- Institutions (Pentagon, State Department, Congress, IRGC, "Iranian Foreign Ministry") keep their
  own canonical name and carry the country. Known international organisations use one name for
  every form ("the United Nations" = "UN" = "U.N."); other acronyms join the full name in the
  article whose capitalised initials they spell ("Committee to Protect Journalists" = "CPJ").

Roles (people only, collected per cluster and set on every mention of it): the title words in the
name's noun phrase before it ("US Secretary of State Antony Blinken" → "US Secretary of State"),
an appositive after it ("John Kirby, a spokesman for the US national security council," →
"spokesman for the US national security council") or before it ("Moscow's envoy to the UN, Vassily
Nebenzia," → "Moscow's envoy to the UN"), without a leading article or adverb. A role must contain a
noun naming a person (a role word, "wife", "rival", or an agent suffix: -er, -ist, -ian, -man, -ee),
so "said Daniel Okafor, a view shared by economists" gives none. A person's country is the
first country one of their roles names (`Gazetteer.first_country`), else the country of a bare
possessive or demonym before the name ("Russia's Sergei Lavrov"), else None. An organisation's
country is its gazetteer country, else the first country its name contains ("Iranian Red Crescent"),
else its modifier's ("Iran's Revolutionary Guards"). Cluster numbers count from 0 in order of
first mention.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING

from parallax.annotate.gazetteer import Gazetteer, GazetteerHit
from parallax.annotate.names import is_given_name
from parallax.records import Entity

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"})
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "messrs", "madam", "madame", "sir", "dame",
                        "monsieur", "herr", "frau"})
TITLES = frozenset({
    "president", "vice", "prime", "minister", "secretary", "sen", "senator", "rep", "representative", "gov",
    "governor", "gen", "general", "lt", "col", "colonel", "maj", "major", "capt", "captain", "adm", "admiral",
    "sgt", "sergeant", "cmdr", "commander", "lord", "lady", "king", "queen", "prince", "princess", "sheikh",
    "sheik", "pope", "rev", "reverend", "father", "judge", "justice", "chancellor", "ambassador", "mayor",
    "chairman", "chairwoman", "chair", "speaker", "chief", "deputy", "foreign", "defense", "defence",
    "spokesman", "spokeswoman", "spokesperson", "envoy", "premier", "professor", "prof", "emir", "crown",
    "ayatollah", "imam", "rabbi", "cardinal", "archbishop", "bishop", "sultan", "attorney", "former", "acting",
    "interim", "senior", "state", "of", "the", "congressman", "congresswoman", "lawmaker", "leader", "mp",
    "supreme", "field", "marshal", "officer", "director", "commissioner", "ceo", "dep",
    "sec", "pres", "amb", "supt", "insp", "inspector", "det", "detective", "coach", "pastor",
})
NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# nouns that make a run of words before a name a title ("Foreign Minister", "White House Spokesperson")
ROLE_WORDS = frozenset({
    "spokesperson", "spokesman", "spokeswoman", "minister", "secretary", "president", "vice", "chairman",
    "chairwoman", "chair", "ambassador", "envoy", "chief", "director", "adviser", "advisor", "commander", "leader",
    "official", "head", "representative", "governor", "mayor", "deputy", "general", "counsel", "prosecutor",
    "judge", "senator", "lawmaker", "speaker", "coordinator", "negotiator", "correspondent", "editor",
    "reporter", "analyst", "founder", "ceo", "cfo", "chancellor", "premier", "officer", "administrator",
    "commissioner", "undersecretary", "aide", "diplomat", "king", "queen", "prince", "princess", "emir", "sheikh",
    "pope", "ayatollah", "colonel", "admiral", "captain", "major", "sergeant", "lieutenant", "marshal",
    "attorney", "justice", "mp", "congressman", "congresswoman", "rep", "sen", "gov", "gen", "professor",
    "researcher", "economist", "executive", "manager", "president-elect", "candidate", "nominee", "strategist",
    "rapporteur", "delegate", "consul", "attaché", "attache", "inspector", "superintendent", "detective",
    "chairperson", "member", "partner", "owner", "activist", "campaigner", "expert", "fellow", "scientist",
    "journalist", "columnist", "writer", "author", "lawyer", "barrister", "solicitor", "doctor", "coach",
    "player", "bishop", "archbishop", "cardinal", "imam", "rabbi", "cleric", "priest", "pastor",
    "assemblyman", "councillor", "councilor", "councilman", "councilwoman", "comptroller", "auditor",
    "treasurer", "controller", "whip", "majority", "minority", "staff", "press", "mufti", "sultan", "monarch",
})
# other nouns that name a person: an appositive or a title must be headed by one ("a view echoed…" is not)
PERSON_NOUNS = frozenset({
    "rival", "wife", "husband", "widow", "widower", "son", "daughter", "mother", "father", "brother", "sister",
    "nephew", "niece", "cousin", "uncle", "aunt", "lady", "host", "magnate", "critic", "surrogate", "liaison",
    "boss", "friend", "ally", "colleague", "counterpart", "veteran", "hero", "star", "icon", "legend",
    "billionaire", "millionaire", "mogul", "tycoon", "heir", "heiress", "chef", "cop", "agent", "resident",
    "student", "opponent", "parent", "client", "patient", "regent", "dissident", "consultant", "lieutenant",
    "sergeant", "defendant", "assistant", "participant", "immigrant", "migrant", "informant", "accountant",
    "claimant", "plaintiff", "suspect", "victim", "witness", "hostage", "citizen", "native", "emissary",
    "autocrat", "democrat", "republican", "guy", "woman", "man", "girl", "boy", "child", "teen", "mom", "dad",
    "grandmother", "grandfather", "individual", "person", "nominee", "candidate", "aide", "chief", "monarch",
    "superintendent", "proponent", "correspondent", "president", "vice-president", "steward", "servant",
    "tenant", "merchant", "athlete", "pilot", "nurse", "judge", "poet", "novelist", "artist", "actress",
    "hostess", "prosecutor", "mediator", "negotiator", "bishop", "pope", "sheikh", "emir", "king", "queen",
})
NOT_PERSON_NOUNS = frozenset({
    "matter", "letter", "number", "order", "paper", "power", "border", "water", "center", "centre", "theater",
    "theatre", "corner", "cancer", "computer", "answer", "chapter", "quarter", "summer", "winter", "layer",
    "river", "tower", "weather", "shelter", "charter", "filter", "finger", "banner", "barrier", "manner",
    "danger", "anger", "hunger", "offer", "container", "poster", "error", "factor", "sector", "door", "floor",
    "mirror", "motor", "color", "colour", "honor", "honour", "labor", "labour", "favor", "favour", "terror",
    "behavior", "behaviour", "interior", "exterior", "corridor", "tremor", "rumor", "rumour", "horror",
    "harbor", "harbour", "committee", "degree", "guarantee", "decree", "coffee", "career", "register",
    "cluster", "disaster", "monster", "thunder", "wonder", "chamber", "super", "cover", "meter", "liter",
    "litre", "character", "parameter", "semester", "trimester",
    "headquarter", "headquarters", "meridian", "median", "list", "twist", "wrist", "fist", "gist", "mist",
    "question", "human",
})
PERSON_SUFFIXES = ("er", "or", "ist", "ian", "man", "men", "woman", "women", "person", "ee", "eer", "ess")
NAME_PREFIXES = TITLES | HONORIFICS | ROLE_WORDS  # stripped from the front of a person's name
# words a title-ORG is trimmed of from the right ("Hamas Political Bureau Chief" → "Hamas Political Bureau")
TITLE_TAIL_WORDS = ROLE_WORDS | {"national", "security", "foreign", "defense", "defence", "special", "senior",
                                 "press", "top", "affairs", "policy", "communications", "public"}
# single words spaCy tags ORG inside a title ("Secretary of State"): dropped when they are only that
TITLE_ORG_WORDS = frozenset({"state", "defense", "defence", "justice", "treasury", "interior", "commerce",
                             "energy", "labor", "labour", "health", "education", "agriculture", "transportation",
                             "homeland", "foreign", "affairs", "security", "finance", "trade", "economy", "war",
                             "veterans", "housing", "culture", "environment", "the"})
GROUPS = frozenset({"republicans", "democrats", "tories", "conservatives", "liberals", "greens", "houthis",
                    "houthi", "kurds", "taliban", "sunnis", "shiites", "shias", "shia", "muslims", "christians",
                    "jews", "catholics", "hindus", "sikhs", "buddhists", "uyghurs", "uighurs", "rohingya",
                    "pashtuns", "alawites", "druze", "yazidis", "baloch", "tamils", "hutus", "tutsis", "maori",
                    "palestinians", "israelis", "arabs", "europeans", "africans", "latinos", "hispanics",
                    "evangelicals", "labour", "zionists", "islamists", "jihadists", "loyalists", "separatists"})
NOT_TITLE_TYPES = frozenset({"PERSON", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})
ACTOR_DEPS = frozenset({"nsubj", "nsubjpass", "poss", "agent", "csubj"})
STOP_PUNCT = frozenset({",", ";", ":", "(", ")", "[", "]", "—", "–", "--", '"', "“", "”", "!", "?", "."})
CUT_DEPS = frozenset({"relcl", "acl", "advcl", "cc", "conj", "appos", "punct", "parataxis", "ccomp"})
LEADING_DROPS = frozenset({"a", "an", "the", "and", "or", "of", "for", "to", "in", "on", "at", "as", "with"})
ACRONYM_STOPWORDS = frozenset({"of", "the", "and", "for", "to", "in", "on", "at", "de", "du", "des", "la", "le",
                               "&"})
POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
MAX_ROLE_TOKENS = 16

_ACRONYM = re.compile(r"^(?:[A-Z]\.?){2,8}$|^[A-Z][A-Z0-9&]{1,7}$")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_TRAILING_POSSESSIVE = re.compile(r"(?:['’]s|s['’])$")


@dataclass(slots=True)
class _Mention:
    start: int
    end: int
    text: str
    label: str
    name: str  # cleaned: no leading "the", no possessive, for people no titles
    tok_start: int
    tok_end: int
    key: tuple[str, ...] = ()
    canonical: str = ""
    country: str | None = None
    roles: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    person_tokens: tuple[str, ...] = ()  # casefolded name tokens without suffixes, people only
    acronym: str = ""  # the letters when the mention is an organisation acronym
    span: Span | None = None


@dataclass(slots=True)
class _Cluster:
    key: tuple[str, ...]
    canonical: str
    first: int
    country: str | None = None
    roles: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    members: list[_Mention] = field(default_factory=list)
    full_starts: list[int] = field(default_factory=list)  # starts of full-name mentions, in order


# -- public API -----------------------------------------------------------------------------------


def link_entities(doc: Doc, gazetteer: Gazetteer) -> list[Entity]:
    """One `Entity` per named-entity mention of `doc`, sorted by start, with canonical names, roles,
    countries and clusters resolved over the whole article (rules in the module docstring)."""
    ents = [ent for ent in doc.ents if ent.label_ in LABELS]
    if not ents:
        return []
    parsed = doc.has_annotation("DEP")  # roles and actors need the dependency parse
    prefixes: dict[int, tuple[int, int]] = {}  # person ent start → token range of its pre-name title
    for ent in ents:
        if parsed and ent.label_ == "PERSON":
            first = _prefix_start(ent)
            if first < ent.start:
                prefixes[ent.start] = (first, ent.start)
    title_ranges = sorted(prefixes.values())
    peoples = {ent.start for ent in ents if ent.label_ == "PERSON" and _all_peoples(ent, gazetteer)}
    surnames = {tokens[-1] for ent in ents if ent.label_ == "PERSON" and ent.start not in peoples
                if len(tokens := _name_tokens(_strip_titles(ent.text))) >= 2}

    mentions: list[_Mention] = []
    for ent in ents:
        label = ent.label_
        span: Span | None = ent
        if ent.start in peoples:
            label = "NORP"  # "Bosnian Serbs", typed PERSON by the recogniser, is a people
        if label == "PERSON":
            mention = _person_mention(ent, gazetteer, prefixes.get(ent.start), parsed)
        else:
            if label in ("ORG", "FAC") and _inside(ent, title_ranges):
                span = _trim_title_org(ent, gazetteer)
                if span is None:
                    continue
            if label in ("ORG", "NORP", "GPE") and _mistyped_person(span, gazetteer, surnames, parsed):
                first = _prefix_start(span)
                mention = _person_mention(span, gazetteer, (first, span.start) if first < span.start else None,
                                          parsed)
            else:
                mention = _other_mention(span, label, gazetteer)
        if mention is not None:
            mentions.append(mention)

    clusters = _cluster(mentions, gazetteer)
    for cluster in clusters.values():
        if cluster.country is None and cluster.members and cluster.members[0].label == "PERSON":
            cluster.country = known_person_country(cluster.canonical, titled=any(
                word in role.lower() for role in cluster.roles for word in OFFICE_WORDS))
    order = sorted(clusters.values(), key=lambda cluster: cluster.first)
    entities: list[Entity] = []
    for number, cluster in enumerate(order):
        for mention in cluster.members:
            entities.append(Entity(text=mention.text, type=mention.label, canonical=cluster.canonical,
                                   start=mention.start, end=mention.end, country=cluster.country,
                                   roles=list(cluster.roles), cluster=number))
    entities.sort(key=lambda entity: (entity.start, entity.end))
    return entities


# Titles of office that make a bare surname a public figure: "President Erdogan", not "Mr. Johnson, a farmer".
OFFICE_WORDS = ("president", "prime minister", "premier", "minister", "chancellor", "secretary", "king", "queen",
                "emir", "crown prince", "supreme leader", "ayatollah", "spokes", "ambassador", "envoy", "senator",
                "leader")


@functools.cache
def _known_people() -> tuple[dict[str, str], dict[str, set[str]], frozenset[str]]:
    data = json.loads(resources.files("parallax.annotate").joinpath("data/people.json").read_text("utf-8"))
    by_name = {name.casefold(): code for name, code in data["people"].items()}
    by_surname: dict[str, set[str]] = {}
    for name, code in data["people"].items():
        by_surname.setdefault(name.split()[-1].casefold(), set()).add(code)
    alone = frozenset(surname.casefold() for surname in data.get("surname_alone", []))
    return by_name, by_surname, alone


@functools.cache
def _international_people() -> frozenset[str]:
    data = json.loads(resources.files("parallax.annotate").joinpath("data/people.json").read_text("utf-8"))
    return frozenset(name.casefold() for name in data.get("international", []))


def is_international_figure(name: str) -> bool:
    """Whether a name is a listed head of an international organisation ("Kofi Annan"), who speaks
    for no country."""
    return name.casefold() in _international_people()


def known_person_country(name: str, titled: bool = False) -> str | None:
    """The country of a well-known public figure (data/people.json) when the article does not give one:
    by full name; by surname alone for a titled mention ("President Putin") whose listed namesakes all
    share one country, or for a surname that names one figure by itself in the news ("Putin",
    "Mubarak": the file's `surname_alone`) — a bare "Johnson" is nobody in particular."""
    by_name, by_surname, alone = _known_people()
    folded = name.casefold()
    if folded in by_name:
        return by_name[folded]
    if len(folded.split()) != 1 or not (folded in alone or (titled and not is_given_name(folded))):
        return None  # "King Hassan" is not Tanzania's President Hassan
    codes = by_surname.get(folded)
    return next(iter(codes)) if codes and len(codes) == 1 else None


def _all_peoples(ent: Span, gazetteer: Gazetteer) -> bool:
    """Whether every word of a mention is a demonym ("Bosnian Serbs", "Kosovo Albanians")."""
    words = [token.text for token in ent if token.is_alpha]
    return bool(words) and all(gazetteer.demonym(word) for word in words)


def entity_at(entities: list[Entity], start: int, end: int) -> Entity | None:
    """The mention overlapping [start, end) the most (a point when start == end), or None.

    `entities` must be sorted by start and not overlap one another, as `link_entities` returns them.
    """
    if end <= start:
        end = start + 1
    index = bisect.bisect_left(entities, end, key=_start_of)
    best: Entity | None = None
    best_overlap = 0
    for position in range(index - 1, -1, -1):
        entity = entities[position]
        if entity.end <= start:
            break
        overlap = min(entity.end, end) - max(entity.start, start)
        if overlap > best_overlap:
            best, best_overlap = entity, overlap
    return best


def merge_across_articles(
    canonicals: Iterable[tuple[str, str, str | None]],
) -> dict[tuple[str, str, str | None], str]:
    """Store-wide canonical names for (canonical, type, country) triples seen across articles.

    A PERSON canonical that shortens a longer one ("Kirby" → "John Kirby", "Arrieta" → "Lucía Arrieta
    Salas", "Teixeira Lopes" → "Raimundo Teixeira Lopes") maps to the only such longer PERSON canonical
    whose country is the same or unknown on either side; an ORG acronym ("CPJ") maps to the only
    multi-word ORG canonical whose capitalised initials spell it, with the same country rule. When there
    is no such name, or more than one, the name is unchanged;
    everything else maps to itself.
    """
    triples = list(dict.fromkeys(canonicals))
    people: dict[str, list[tuple[str, str | None]]] = {}
    organisations: dict[str, list[tuple[str, str | None]]] = {}
    for canonical, entity_type, country in triples:
        if entity_type == "PERSON":
            tokens = _name_tokens(canonical)
            if len(tokens) >= 2:
                for surname in dict.fromkeys(tokens[1:]):
                    people.setdefault(surname, []).append((canonical, country))
        elif entity_type == "ORG" and not _is_acronym(canonical):
            initials = _initials(canonical)
            if initials:
                organisations.setdefault(initials, []).append((canonical, country))
    merged: dict[tuple[str, str, str | None], str] = {}
    for triple in triples:
        canonical, entity_type, country = triple
        target = canonical
        candidates: list[tuple[str, str | None]] = []
        if entity_type == "PERSON":
            tokens = _name_tokens(canonical)
            candidates = [(name, other) for name, other in people.get(tokens[-1], [])
                          if is_partial_name(tokens, _name_tokens(name))]
        elif entity_type == "ORG" and _is_acronym(canonical):
            candidates = organisations.get(canonical.replace(".", "").upper(), [])
        names = {name for name, other in candidates if country is None or other is None or other == country}
        if len(names) == 1:
            target = names.pop()
        merged[triple] = target
    return merged


# -- mentions -------------------------------------------------------------------------------------


def _start_of(entity: Entity) -> int:
    return entity.start


def _norm_token(text: str) -> str:
    return text.casefold().replace(".", "")


def _strip_name(text: str) -> str:
    text = _LEADING_THE.sub("", text.strip())
    text = _TRAILING_POSSESSIVE.sub(lambda match: "s" if match.group().startswith("s") else "", text)
    return text.strip(" ,;:()\"“”'’")


def _name_tokens(name: str) -> tuple[str, ...]:
    tokens = [_norm_token(token) for token in _strip_name(name).split()]
    while len(tokens) > 1 and tokens[-1].rstrip(",") in NAME_SUFFIXES:
        tokens.pop()
    return tuple(tokens)


def _is_acronym(text: str) -> bool:
    return bool(_ACRONYM.match(text.replace(" ", ""))) and sum(char.isalpha() for char in text) >= 2


def _initials(name: str) -> str:
    words = name.replace("-", " ").split()
    if len(words) < 2:
        return ""
    letters = [word[0] for word in words if word[0].isupper() and word.casefold() not in ACRONYM_STOPWORDS]
    return "".join(letters) if len(letters) >= 2 else ""


def _text(doc: Doc, first: int, last: int) -> str:
    """Text of tokens [first, last) with white space collapsed (`Doc.text` is rebuilt on every access,
    so it is never used here)."""
    return " ".join(doc[first:last].text.split())


def _person_mention(ent: Span, gazetteer: Gazetteer, prefix: tuple[int, int] | None,
                    parsed: bool = True) -> _Mention | None:
    doc = ent.doc
    tokens = list(ent)
    while tokens and (tokens[-1].text in POSSESSIVE or tokens[-1].is_punct):
        tokens.pop()
    inline: list[Token] = []
    while len(tokens) > 1 and _norm_token(tokens[0].text) in NAME_PREFIXES:
        inline.append(tokens.pop(0))
    if not tokens:
        return None
    name = _strip_name(_text(doc, tokens[0].i, tokens[-1].i + 1))
    if not name or not any(char.isupper() for char in name):
        return None
    hit = gazetteer.lookup(name, "PERSON") if len(tokens) <= 3 else None
    if hit is not None and not inline and prefix is None:  # spaCy typed a country or a demonym PERSON
        return _other_mention(ent, "GPE", gazetteer)
    mention = _Mention(ent.start_char, ent.end_char, ent.text, "PERSON", name, ent.start, ent.end,
                       person_tokens=_name_tokens(name), span=ent)
    titles = " ".join(token.text for token in inline if _norm_token(token.text) not in HONORIFICS)
    prefix_role, hint = _prefix_role(ent, prefix, gazetteer) if prefix else (None, None)
    if prefix_role and titles:
        mention.roles.append(f"{prefix_role} {titles}")
    elif prefix_role or titles:
        mention.roles.append(prefix_role or titles)
    if hint:
        mention.hints.append(hint)
    if parsed:
        for found in (_appositive_before(ent), _appositive_after(ent)):
            if found is not None:
                mention.roles.append(found[0])
    return mention


def _strip_titles(text: str) -> str:
    words = text.split()
    while len(words) > 1 and _norm_token(words[0]) in NAME_PREFIXES:
        words.pop(0)
    return " ".join(words)


def _mistyped_person(span: Span, gazetteer: Gazetteer, surnames: set[str], parsed: bool) -> bool:
    """A name spaCy typed ORG/NORP/GPE that is a person: it ends with the surname of a person named in
    the article ("Zakharova"), or it is a two-to-four-word name in apposition with a role noun
    ("Moscow's envoy to the UN, Vassily Nebenzia")."""
    words = [token for token in span if not token.is_punct and token.text not in POSSESSIVE]
    if not 1 <= len(words) <= 4 or not all(token.text[:1].isupper() and token.is_alpha for token in words):
        return False
    if gazetteer.lookup(span.text, span.label_) is not None or gazetteer.organization(span.text) is not None:
        return False
    if _norm_token(words[-1].text) in surnames:  # the tagger calls some surnames NOUN ("Trump")
        return True
    if len(words) < 2 or not parsed or not all(token.pos_ == "PROPN" for token in words):
        return False
    for found in (_appositive_before(span), _appositive_after(span)):
        if found is not None and is_person_noun(found[1]):
            return True
    return False


def _other_mention(span: Span, label: str, gazetteer: Gazetteer) -> _Mention | None:
    name = _strip_name(span.text)
    if not name:
        return None
    mention = _Mention(span.start_char, span.end_char, span.text, label, name, span.start, span.end, span=span)
    hit = gazetteer.lookup(span.text, label)
    if hit is None and label in ("GPE", "LOC") and len(span) > 1:
        # the recogniser's span can carry a stray leading word ("You United States" in a machine translation)
        hit = next((found for first in range(span.start + 1, span.end)
                    if (found := gazetteer.lookup(span.doc[first:span.end].text, label)) is not None
                    and found.kind == "country"), None)
    if label == "NORP" and (hit is None or hit.kind != "country"):
        if name.casefold() not in GROUPS and span.root.tag_ not in ("NNPS", "NNS"):
            return None
        mention.key, mention.canonical = ("G", name.casefold()), name
        if len(span) > 1:  # "Bosnian Serbs" live in Bosnia: the first people-word places the group
            mention.country = gazetteer.demonym(span[0].text)
        return mention
    if hit is not None:
        _apply_hit(mention, hit, span, gazetteer)
        return mention
    organisation = gazetteer.organization(span.text)  # also when mistyped: "E.U." as GPE
    if organisation is not None:
        mention.key, mention.canonical = ("O", organisation.casefold()), organisation
        return mention
    if label == "ORG":
        mention.country = gazetteer.first_country(name) or _modifier_country(span, gazetteer)
        if _is_acronym(name):
            mention.acronym = name.replace(".", "").upper()
        else:
            mention.key, mention.canonical = ("O", name.casefold()), name
        return mention
    mention.key, mention.canonical = ("P", name.casefold()), name
    return mention


def _apply_hit(mention: _Mention, hit: GazetteerHit, span: Span, gazetteer: Gazetteer) -> None:
    mention.country = hit.code
    if hit.kind == "country" or (hit.kind == "capital" and _is_actor(span.root)):
        mention.key, mention.canonical = ("C", hit.code), gazetteer.country_name(hit.code)
    elif hit.kind == "institution":
        mention.key, mention.canonical = ("I", hit.name.casefold()), hit.name
    else:
        mention.key, mention.canonical = ("P", mention.name.casefold()), mention.name


def _is_actor(token: Token) -> bool:
    """Subject, possessor or passive agent, or a compound/conjunct of one."""
    for _ in range(4):
        dep = token.dep_
        if dep in ACTOR_DEPS:
            return True
        if dep == "pobj" and token.head.dep_ == "agent":
            return True
        if dep not in ("compound", "conj") or token.head is token:
            return False
        token = token.head
    return False


def _modifier_country(span: Span, gazetteer: Gazetteer) -> str | None:
    """Country of a possessive or adjective before an organisation: "Iran's Revolutionary Guards"."""
    doc = span.doc
    for child in span.root.lefts:
        if child.i >= span.start or child.dep_ not in ("poss", "amod", "compound", "nmod"):
            continue
        code = gazetteer.country_code(_text(doc, child.left_edge.i, child.i + 1), child.ent_type_ or None)
        if code:
            return code
    return None


def _inside(ent: Span, ranges: list[tuple[int, int]]) -> bool:
    index = bisect.bisect_right(ranges, (ent.start, len(ent.doc) + 1)) - 1
    return index >= 0 and ranges[index][0] <= ent.start and ent.end <= ranges[index][1]


def _trim_title_org(ent: Span, gazetteer: Gazetteer) -> Span | None:
    """An organisation spaCy found inside a person's title: the organisation it starts with, or None."""
    if gazetteer.lookup(ent.text, ent.label_) is not None or gazetteer.organization(ent.text) is not None:
        return ent
    if ent[-1].lower_ in ROLE_WORDS:
        for size in range(len(ent) - 1, 0, -1):
            part = ent[:size]
            if gazetteer.lookup(part.text, ent.label_) is not None or gazetteer.organization(part.text):
                return part
    size = len(ent)
    while size > 0 and ent[size - 1].lower_ in TITLE_TAIL_WORDS:
        size -= 1
    while size > 0 and ent[size - 1].lower_ in TITLE_ORG_WORDS | {"of", "for", "'s", "’s"}:
        size -= 1
    if size == 0:
        return None
    part = ent[:size]
    if size == 1 and part[0].lower_ in TITLE_ORG_WORDS:
        return None
    return part


# -- roles ----------------------------------------------------------------------------------------


def _prefix_start(ent: Span) -> int:
    """First token of the title run right before a person's name in its noun phrase."""
    doc = ent.doc
    root = ent.root
    first = ent.start
    floor = max(ent.sent.start, ent.start - MAX_ROLE_TOKENS)
    index = ent.start - 1
    while index >= floor:
        token = doc[index]
        if (token.is_punct and not _inner_hyphen(token)) or token.pos_ in (
                "VERB", "AUX", "PRON", "CCONJ", "SCONJ", "NUM", "INTJ"):
            break
        if token.ent_type_ in NOT_TITLE_TYPES:
            break
        if not (root.is_ancestor(token) or _title_like(token)):  # the small model misparses some titles
            break
        first = index
        index -= 1
    while first < ent.start and (doc[first].lower_ in LEADING_DROPS or doc[first].pos_ == "DET"
                                 or _norm_token(doc[first].text) in HONORIFICS):
        first += 1
    return first


def is_person_noun(token: Token) -> bool:
    """Whether a noun names a person: a role word ("spokesman", "minister"), a listed person noun
    ("wife", "rival") or an agent suffix ("-er", "-ist", "-ian", "-man", "-ee"), less common objects."""
    if token.pos_ not in ("NOUN", "PROPN") or token.ent_type_ in ("NORP", "GPE", "PERSON"):
        return False
    for word in {_norm_token(token.text), token.lemma_.casefold()}:
        if word in ROLE_WORDS or word in PERSON_NOUNS:
            return True
        if word in NOT_PERSON_NOUNS:
            return False
        if len(word) > 4 and word.endswith(PERSON_SUFFIXES):
            return True
    return False


def _title_like(token: Token) -> bool:
    """A word that belongs to a title whatever its parse: a role word, a hyphen inside a word, a
    country or organisation name."""
    if _norm_token(token.text) in TITLE_TAIL_WORDS or _inner_hyphen(token):
        return True
    return token.ent_type_ in ("GPE", "NORP", "ORG") and token.pos_ in ("PROPN", "ADJ")


def _prefix_role(ent: Span, prefix: tuple[int, int], gazetteer: Gazetteer) -> tuple[str | None, str | None]:
    """(title before the name, country hint) from the token range `prefix`."""
    doc = ent.doc
    first, last = prefix
    while last > first and (_norm_token(doc[last - 1].text) in HONORIFICS or doc[last - 1].pos_ == "ADP"):
        last -= 1
    if last <= first:
        return None, None
    # a common noun followed by an adjective or determiner ends another noun phrase: "this committee's
    # investigation former Secretary of State Hillary Clinton" keeps "former Secretary of State"
    for index in range(last - 2, first - 1, -1):
        token = doc[index]
        if (token.pos_ == "NOUN" and doc[index + 1].pos_ in ("ADJ", "DET") and not is_person_noun(token)
                and _norm_token(token.text) not in TITLE_TAIL_WORDS):
            first = index + 1
            break
    while first < last and (doc[first].lower_ in LEADING_DROPS or doc[first].pos_ == "DET"):
        first += 1
    if last <= first:
        return None, None
    text = _text(doc, first, last)
    has_role = any(is_person_noun(token) for token in doc[first:last])
    if has_role:
        return text, None
    return None, gazetteer.first_country(text)


def _appositive_after(ent: Span) -> tuple[str, Token] | None:
    """ "John Kirby, a spokesman for the US national security council," → (the spokesman phrase, head)."""
    doc = ent.doc
    if ent.end >= len(doc) or doc[ent.end].text not in (",", "(", "—", "–"):
        return None
    for token in ent:
        for child in token.rights:
            if child.dep_ != "appos" or child.i <= ent.end:
                continue
            if child.pos_ not in ("NOUN", "PROPN") or child.ent_type_ not in ("", "ORG", "NORP"):
                continue
            if child.ent_type_ != "NORP" and not is_person_noun(child):
                continue
            role = _role_phrase(doc, child, ent.end + 1)
            return (role, child) if role else None
    return None


def _role_phrase(doc: Doc, head: Token, floor: int) -> str | None:
    cut: set[int] = set()
    for token in head.subtree:
        if token is head or token.dep_ not in CUT_DEPS or token.i < head.i:
            continue
        if token.ent_iob_ == "I" or _inner_hyphen(token):  # "Bailey & Glasser", "Urban-Brookings"
            continue
        cut.update(descendant.i for descendant in token.subtree)
    first = max(head.left_edge.i, floor)
    last = first
    for index in range(first, head.right_edge.i + 1):
        token = doc[index]
        if index in cut or (token.text in STOP_PUNCT and not _inner_hyphen(token)):
            break
        last = index + 1
    return _clean_role(doc, first, min(last, first + MAX_ROLE_TOKENS))


def _inner_hyphen(token: Token) -> bool:
    return token.text == "-" and not token.whitespace_ and token.i > 0 and not token.doc[token.i - 1].whitespace_


def _clean_role(doc: Doc, first: int, last: int) -> str | None:
    while first < last and (doc[first].lower_ in LEADING_DROPS or doc[first].is_punct
                            or doc[first].pos_ in ("ADV", "DET", "CCONJ")):
        first += 1
    while last > first and (doc[last - 1].pos_ in ("ADP", "CCONJ", "DET") or doc[last - 1].is_punct):
        last -= 1
    if last <= first:
        return None
    return _text(doc, first, last)


def _appositive_before(ent: Span) -> tuple[str, Token] | None:
    """ "Moscow's envoy to the UN, Vassily Nebenzia," → ("Moscow's envoy to the UN", envoy)."""
    doc = ent.doc
    comma = ent.start - 1
    sentence_start = ent.sent.start
    if comma <= sentence_start or doc[comma].text != ",":
        return None
    head = doc[comma - 1]
    for _ in range(8):
        if head.dep_ not in ("pobj", "prep", "compound", "amod", "nmod", "poss", "case", "det", "npadvmod"):
            break
        if head.head is head or head.head.i >= comma:
            break
        head = head.head
    if head.pos_ not in ("NOUN", "PROPN") or head.ent_type_ not in ("", "ORG"):
        return None
    if not is_person_noun(head):
        return None
    first = max(head.left_edge.i, sentence_start)
    for index in range(comma - 1, first - 1, -1):
        if doc[index].text in STOP_PUNCT or doc[index].pos_ in ("VERB", "AUX"):
            first = index + 1
            break
    if first > head.i:
        return None
    root = ent.root
    linked = (root.dep_ == "appos" and first <= root.head.i < comma) or (
        head.dep_ == "appos" and ent.start <= head.head.i < ent.end)
    if not linked:
        return None
    role = _clean_role(doc, first, comma)
    return (role, head) if role else None


# -- clustering -----------------------------------------------------------------------------------


def _cluster(mentions: list[_Mention], gazetteer: Gazetteer) -> dict[tuple[str, ...], _Cluster]:
    clusters: dict[tuple[str, ...], _Cluster] = {}

    def join(key: tuple[str, ...], mention: _Mention, canonical: str) -> _Cluster:
        cluster = clusters.get(key)
        if cluster is None:
            cluster = clusters[key] = _Cluster(key, canonical, mention.start)
        cluster.first = min(cluster.first, mention.start)
        cluster.members.append(mention)
        return cluster

    # pass 1: full person names, and everything whose key is already known
    by_last: dict[str, list[_Cluster]] = {}
    by_first: dict[str, list[_Cluster]] = {}
    by_initials: dict[str, list[_Cluster]] = {}
    for mention in mentions:
        if mention.label == "PERSON":
            tokens = mention.person_tokens
            if len(tokens) < 2:
                continue
            key = ("F", tokens[0], tokens[-1])
            new = key not in clusters
            cluster = join(key, mention, mention.name)
            cluster.full_starts.append(mention.start)
            if len(mention.name) > len(cluster.canonical):
                cluster.canonical = mention.name
            if new:
                for surname in dict.fromkeys(tokens[1:]):  # "Arrieta" names "Lucía Arrieta Salas" too
                    by_last.setdefault(surname, []).append(cluster)
                by_first.setdefault(tokens[0], []).append(cluster)
        elif mention.key:
            new = mention.key not in clusters
            cluster = join(mention.key, mention, mention.canonical)
            if mention.key[0] == "O":
                cluster.full_starts.append(mention.start)
                initials = _initials(mention.canonical) if new else ""
                if initials:
                    by_initials.setdefault(initials, []).append(cluster)

    _merge_partial_names(clusters, by_last)

    # pass 2: one-token names and acronyms, resolved against the full forms of the whole article
    for mention in mentions:
        if mention.label == "PERSON" and len(mention.person_tokens) == 1:
            token = mention.person_tokens[0]
            target = _resolve(mention.start, by_last.get(token, [])) or _resolve(
                mention.start, by_first.get(token, []), before=False)
            hit = None
            if target is None and not mention.roles and mention.span is not None:
                hit = gazetteer.lookup(mention.name)  # "Kyiv" typed PERSON, no person of that name; not "Jordan"
            if target is not None:
                join(target.key, mention, target.canonical)
            elif hit is not None and hit.kind in ("country", "capital") and mention.span is not None:
                mention.label = "GPE"
                _apply_hit(mention, hit, mention.span, gazetteer)
                join(mention.key, mention, mention.canonical)
            else:
                join(("S", token), mention, mention.name)
        elif mention.acronym:
            target = _resolve(mention.start, by_initials.get(mention.acronym, []))
            if target is not None:
                join(target.key, mention, target.canonical)
            else:
                join(("A", mention.acronym), mention, mention.name)

    for cluster in clusters.values():
        _settle(cluster, gazetteer)
    return clusters


def is_partial_name(short: Sequence[str], full: Sequence[str]) -> bool:
    """ "Arrieta" within "Lucía Arrieta Salas" (any token but the first); "Teixeira Lopes" or "Raimundo
    Lopes" within "Raimundo Teixeira Lopes" (fewer tokens, in order, sharing the last one)."""
    if len(short) >= len(full) or not short:
        return False
    if len(short) == 1:
        return short[0] in full[1:]
    if short[-1] != full[-1]:
        return False
    position = 0
    for token in short:
        while position < len(full) and full[position] != token:
            position += 1
        if position == len(full):
            return False
        position += 1
    return True


def _merge_partial_names(clusters: dict[tuple[str, ...], _Cluster], by_last: dict[str, list[_Cluster]]) -> None:
    """Fold a multi-token person name into the one longer name it shortens, when there is only one."""
    people = [cluster for key, cluster in clusters.items() if key[0] == "F"]
    for cluster in people:
        tokens = _name_tokens(cluster.canonical)
        longer = [other for other in by_last.get(tokens[-1], []) if other is not cluster
                  and is_partial_name(tokens, _name_tokens(other.canonical))]
        if len(longer) != 1:
            continue
        (target,) = longer
        target.members.extend(cluster.members)
        target.full_starts = sorted(target.full_starts + cluster.full_starts)
        target.first = min(target.first, cluster.first)
        del clusters[cluster.key]
        for members in by_last.values():
            if cluster in members:
                members.remove(cluster)


def _resolve(start: int, candidates: list[_Cluster], before: bool = True) -> _Cluster | None:
    """The candidate named in full most recently before `start`; else the only candidate."""
    if not candidates:
        return None
    if before:
        best: _Cluster | None = None
        best_start = -1
        for cluster in candidates:
            index = bisect.bisect_left(cluster.full_starts, start) - 1
            if index >= 0 and cluster.full_starts[index] > best_start:
                best, best_start = cluster, cluster.full_starts[index]
        if best is not None:
            return best
    return candidates[0] if len(candidates) == 1 else None


def _settle(cluster: _Cluster, gazetteer: Gazetteer) -> None:
    """Roles, hints and country of a cluster from its members."""
    seen: set[str] = set()
    for mention in sorted(cluster.members, key=lambda member: member.start):
        for role in mention.roles:
            folded = role.casefold()
            if folded not in seen:
                seen.add(folded)
                cluster.roles.append(role)
        cluster.hints.extend(mention.hints)
        if cluster.country is None and mention.country is not None:
            cluster.country = mention.country
    if cluster.key[0] in ("F", "S"):
        for role in cluster.roles:
            code = gazetteer.first_country(role)
            if code:
                cluster.country = code
                return
        cluster.country = cluster.hints[0] if cluster.hints else None
