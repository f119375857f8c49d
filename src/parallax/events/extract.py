"""Events from the parse: who did what to whom, PLOVER-coded, with status, modality and evidence.

Our own rules over spaCy's parse and the derived PETRARCH2/PLOVER lexicon (`events.lexicon`). A
verb the lexicon knows (with its particle, prepositions and object: "provide … with support",
"impose sanctions on") or a light verb with an event noun ("issued sanctions against") or an event
noun alone ("Ukraine's accusation that…", "the delivery of drones") is an event. Then:

- actor: the subject, the agent of a passive, the subject inherited through "to"-complements,
  participles and coordination, the antecedent of "who"; "we"/"I" inside a quotation are its speaker;
- target: the indirect object, the object when it is an actor-like noun phrase, else the object of
  "to", "against", "on", "at" or "with"; for an accusation, whoever the "that"-clause is about;
- names, pronouns and descriptions resolve through the attribution stage's speaker resolver, so the
  event's actor is the same canonical entity as the speaker of the same words;
- status: `claimed` when the trigger lies inside an attribution (then `according_to` is its
  speaker), `denied`/`admitted` when that attribution's cue denies or admits, `reported` for
  "reportedly" / "is said to", else `asserted`;
- negation from "not"/"never"; modality for what has not happened: future ("will"), possibility
  ("could", "may"), obligation ("must", "should"), intention ("plans to", "is considering"), condition
  ("if"), request ("urged … to");
- date: the time expression attached to the trigger's clause; location: a place after in/at/near;
  quantities: those inside the trigger's clause;
- an act only announced ("will sanction", "plans to impose", "is ready to contribute") is also coded as
  what did happen: a THREATEN (material conflict) or an AGREE (cooperation) event, as PLOVER codes
  announcements; a cooperative act refused or ruled out ("declined to resign", "will not accept") is a
  REJECT; "X said Y must do Z" is X's REQUEST to Y, whether or not Z is itself an event;
- a light verb takes its reading from its event noun ("staged a hunger strike", "converged for a rally");
  non-state actors blocking roads or bridges protest (PROTEST "obstruct"), a state blocking coerces;
- a party with no country of its own takes the one its context gives, as news event coders do: a place
  in its phrase ("students throughout Paraguay"), the event's location, else the only country the
  sentence names besides the other party's, else the sentence's only country ("Peru is accused by
  fishing unions": Peruvian unions); nothing is inferred when the sentence names several.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Span, Token

from parallax.annotate.entities import is_international_figure, is_person_noun
from parallax.annotate.gazetteer import Gazetteer
from parallax.attribute.cues import GROUP_SOURCES
from parallax.attribute.speakers import COUNTRY_NOUNS, ORGANISATION_NOUNS, Speaker, SpeakerResolver
from parallax.common.doctext import doc_text
from parallax.events.lexicon import EventLexicon, LexiconHit
from parallax.records import Attribution, DateMention, Entity, Event, EventStatus, Quantity

LIGHT_VERBS = frozenset({"issue", "impose", "announce", "make", "launch", "carry", "conduct", "level", "file",
                         "lodge", "stage", "hold", "deliver", "provide", "give", "extend", "place", "slap",
                         "introduce", "adopt", "approve", "unveil", "expand", "mount", "organize",
                         "organise", "begin", "start", "continue", "undertake", "renew", "resume", "call", "declare",
                         "open", "put", "order"})
# Verbs that only carry an event noun: "issued a declaration" is no event of its own.
EMPTY_VERBS = frozenset({"issue", "make", "carry", "conduct", "level", "file", "lodge", "stage", "hold", "place",
                         "mount", "organize", "organise", "undertake", "begin", "start", "continue"})
# "swore to fight", "vowed to retaliate": the promise is read from what is promised.
COMMITMENT_VERBS = frozenset({"swear", "vow", "pledge", "promise"})
# "declined to resign", "refused to meet": a cooperative act refused is a rejection.
REFUSAL_VERBS = frozenset({"decline", "refuse", "reject", "fail"})
COOPERATIVE = frozenset({"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"})
TARGET_PREPOSITIONS = ("to", "against", "on", "at", "with", "toward", "towards", "into", "upon", "for")
FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
POSSIBLE_AUX = frozenset({"would", "could", "may", "might", "can", "ca"})
OBLIGATION_AUX = frozenset({"must", "should", "ought"})
INTENTION_VERBS = frozenset({"plan", "intend", "consider", "seek", "want", "aim", "hope", "prepare", "propose",
                             "threaten", "vow", "pledge", "promise", "decide", "agree", "try", "attempt",
                             "look", "mull", "weigh", "discuss", "expect"})
READY_ADJECTIVES = frozenset({"ready", "willing", "prepared", "eager", "determined", "keen", "set", "poised",
                              "committed", "unwilling", "reluctant"})
REQUEST_VERBS = frozenset({"urge", "ask", "call", "demand", "request", "press", "appeal", "implore", "tell"})
ACCUSATION_VERBS = frozenset({"accuse", "charge", "suspect", "blame", "convict", "indict", "criticize",
                              "criticise", "condemn", "fault", "credit", "praise", "thank"})
PARTITIVE_NOUNS = frozenset({"level", "number", "amount", "lot", "kind", "range", "package", "batch", "series",
                             "wave", "set", "supply", "quantity", "shipment", "type", "form", "deal", "host",
                             "ton", "tonne", "kg", "kilogram", "gram", "litre", "liter", "barrel", "unit", "piece",
                             "dose", "crate", "truckload", "shipload", "consignment", "million", "billion",
                             "thousand", "hundred", "dozen", "ten", "group", "crowd", "handful", "couple"})
ACTOR_NOUNS = frozenset({"power", "ally", "rebel", "insurgent", "militant", "troop", "soldier", "protester",
                         "protestor", "civilian", "fighter", "individual", "entity", "organization", "forces",
                         "force", "dictatorship", "regime", "junta", "neighbour", "neighbor", "partner", "enemy",
                         "guerrilla", "guerilla", "militia", "militiaman", "youth", "student", "prisoner",
                         "detainee", "demonstrator", "refugee", "settler", "villager", "peacekeeper", "inspector",
                         "observer", "elder", "inhabitant", "population", "opposition", "faction", "wing",
                         "contingent", "unit", "battalion", "brigade", "division", "squad", "navy", "warship",
                         "delegate", "negotiator", "mediator", "monarch", "emir", "king", "queen", "prince",
                         "sheikh", "cleric", "bishop", "archbishop", "doctor", "nurse", "teacher", "farmer",
                         "miner", "trader", "hacker", "terrorist", "gunman", "bomber", "kidnapper",
                         "police", "policeman", "officer", "authorities", "hostage", "captive", "forum", "body",
                         "bloc", "grouping", "summit", "assembly", "coalition", "front", "movement", "league"})
PLACE_PREPOSITIONS = frozenset({"in", "from", "of", "throughout", "across", "near", "inside", "at", "around"})
MEMBER_NOUNS = frozenset({"leader", "member", "supporter", "official", "representative", "delegation", "head",
                          "chief", "spokesman", "spokeswoman", "spokesperson", "activist", "militant", "fighter",
                          "government", "commander", "envoy", "delegate"})
STATIVE_PARTICIPLES = frozenset({"oppose", "engage", "involve", "commit", "determine", "prepare", "resolve",
                                 "dedicate", "devote", "pledge", "inclined"})
GATHERING_VERBS = frozenset({"converge", "gather", "assemble", "march", "rally", "mass", "join", "stage",
                             "turn", "take", "participate", "demonstrate", "hold", "flock", "pour"})
OBSTRUCTING_VERBS = frozenset({"block", "blockade", "barricade", "obstruct", "occupy", "seal", "close", "shut"})
CONTAINER_NOUNS = frozenset({"program", "programme", "effort", "operation", "campaign", "scheme", "project",
                             "process", "mission", "initiative", "drive"})
NAMING_VERBS = frozenset({"call", "label", "brand", "term", "dub", "describe", "name"})
NOT_PARTIES = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})
# PLOVER codes an announced act by its quad class: material conflict → THREATEN, cooperation → AGREE
# (but "RETREAT + future and CONCEDE + future … do not reduce to AGREE", the ontology's AGREE notes say;
# a stated willingness to retreat or concede is still AGREE by its definition, see `_announcement`).
ANNOUNCEMENT_OF = {**dict.fromkeys(("ASSAULT", "COERCE", "SANCTION", "MOBILIZE", "PROTEST"), "THREATEN"),
                   **dict.fromkeys(("AID", "COOPERATE", "SUPPORT", "CONSULT"), "AGREE")}
ANNOUNCED = frozenset({"future", "intention", "possibility", "condition"})
REPORTED_MARKERS = frozenset({"reportedly", "allegedly", "purportedly", "apparently", "supposedly"})
FIRST_PERSON = frozenset({"we", "i", "us", "me", "our"})

# Sector of an actor from the words of its mention and roles (CAMEO/PLOVER actor type codes).
SECTORS = {
    "GOV": ("minister", "ministry", "president", "government", "spokesman", "spokeswoman", "spokesperson",
            "official", "secretary", "prime", "premier", "cabinet", "white house", "kremlin", "department",
            "administration", "ambassador", "envoy", "diplomat", "embassy", "chancellor", "governor", "mayor",
            "parliament", "senator", "lawmaker", "congress", "council", "state", "authorities", "regulator",
            "king", "queen", "emir", "council", "foreign office", "national security"),
    "MIL": ("army", "military", "navy", "air force", "troops", "soldier", " gen. ", "forces", "armed",
            "defence", "defense", "marine", "militia", "battalion", "command", "pentagon", "guard"),
    "REB": ("rebel", "insurgent", "militant", "guerrilla", "separatist", "jihadist", "fighters"),
    "POL": ("police", "officer", "gendarmerie", "morality police"),
    "BUS": ("company", "firm", "corporation", "bank", "lender", "business", "industry", "exporter", "owner",
            "investor", "ceo", "chief executive", "holdings", "ltd", "inc"),
    "MED": ("newspaper", "television", "broadcaster", "journalist", "reporter", "media", "agency"),
    "CVL": ("protester", "protestor", "civilian", "resident", "citizen", "student", "worker", "farmer",
            "fishermen", "fisherman", "family", "families", "villager", "activist"),
    "IGO": ("united nations", "un ", "nato", "european union", "african union", "world bank", "imf",
            "security council", "who ", "opec", "asean"),
    "JUD": ("court", "judge", "prosecutor", "tribunal"),
}
SECTOR_ORDER = ("IGO", "MIL", "POL", "JUD", "GOV", "REB", "MED", "BUS", "CVL")


OBSTRUCTION = LexiconHit("PROTEST", "obstruct", "144", "rule", pattern="non-state actors blocking: a protest")
DEMAND = LexiconHit("REQUEST", None, "100", "rule", pattern="'X said Y must do Z': X demands it of Y")


@dataclass(slots=True)
class Party:
    """An actor or target as found: the mention, its head token and what it resolves to."""

    text: str
    head: Token
    speaker: Speaker


def extract_events(doc: Doc, entities: Sequence[Entity], attributions: Sequence[Attribution],
                   dates: Sequence[DateMention], quantities: Sequence[Quantity], lexicon: EventLexicon,
                   gazetteer: Gazetteer) -> list[Event]:
    """Every event of one parsed article, in text order."""
    text = doc_text(doc)
    resolver = SpeakerResolver(doc, list(entities), gazetteer)
    for attribution in attributions:
        if attribution.speaker and attribution.speaker_start is not None:
            resolver.remember(attribution.speaker_start, Speaker(attribution.speaker, attribution.speaker_type,
                                                                 attribution.speaker_country))
    context = _Context(doc, text, entities, attributions, dates, quantities, lexicon, gazetteer, resolver)
    speakers = {attribution.speaker: attribution for attribution in attributions if attribution.speaker}
    events: list[Event] = []
    seen: set[int] = set()
    for sentence in doc.sents:
        for token in sentence:
            if token.i in seen:
                continue
            event = context.event_at(token, sentence)
            if event is not None:
                seen.add(token.i)
                announced = _announcement(event) or _demand(event, speakers)
                if announced is None and not (token.dep_ == "xcomp" and token.head.i in seen):
                    announced = _refusal(event)  # unless the refusing verb is an event itself
                if announced is not None:
                    events.append(announced)
                events.append(event)
    for attribution in attributions:
        events.extend(context.demands_in(attribution, seen))
    events.sort(key=lambda event: event.trigger_start)
    return events


def _demand(event: Event, speakers: dict[str, Attribution]) -> Event | None:
    """ "X said Y must do Z": X's demand on Y is what happened (PLOVER REQUEST); Z itself stays with its
    modality, obligation."""
    if event.modality != "obligation" or event.negated or event.status != "claimed" or not event.according_to:
        return None
    speaker = speakers.get(event.according_to)
    return dataclasses.replace(
        event, type="REQUEST", mode=None, context=None, cameo=None, modality=None, quantities=[],
        actor=event.according_to, actor_text=speaker.speaker_text if speaker else event.according_to,
        actor_country=speaker.speaker_country if speaker else None, actor_sector=None,
        target=event.actor, target_text=event.actor_text, target_country=event.actor_country,
        target_sector=event.actor_sector, status="asserted", according_to=None)


def _refusal(event: Event) -> Event | None:
    """ "will not accept refugees", "declined to resign", "would not meet": a cooperative act refused or
    ruled out is a rejection now (PLOVER REJECT); the act stays as its own, negated, event."""
    if not event.negated or event.type not in COOPERATIVE:
        return None
    return dataclasses.replace(event, type="REJECT", mode=None, context=None, cameo="120", modality=None,
                               negated=False, quantities=[])


def _announcement(event: Event) -> Event | None:
    """What did happen when an act is only announced: "will sanction", "would blockade", "plans to impose"
    is a threat now (PLOVER THREATEN), "will provide aid", "will support" a promise (AGREE). The act itself
    stays as its own event with its modality; the announcement comes first, as it came first."""
    if event.negated or event.modality not in ANNOUNCED:
        return None
    kind = ANNOUNCEMENT_OF.get(event.type)
    if kind is None and event.modality == "intention" and event.type in ("RETREAT", "CONCEDE"):
        kind = "AGREE"  # "willing to withdraw" indicates willingness (AGREE); "will withdraw" stays RETREAT
    if kind is None:
        return None
    return dataclasses.replace(event, type=kind, mode=None, context=None, cameo=None, modality=None, quantities=[])


class _Context:
    """One article's parse and annotations, and the rules that read events off them."""

    def __init__(self, doc: Doc, text: str, entities: Sequence[Entity], attributions: Sequence[Attribution],
                 dates: Sequence[DateMention], quantities: Sequence[Quantity], lexicon: EventLexicon,
                 gazetteer: Gazetteer, resolver: SpeakerResolver) -> None:
        self.doc = doc
        self.text = text
        self.entities = list(entities)
        self.entity_starts = [entity.start for entity in self.entities]
        self.attributions = sorted(attributions, key=lambda attribution: attribution.start)
        self.attribution_starts = [attribution.start for attribution in self.attributions]
        self.dates = sorted(dates, key=lambda date: date.start)
        self.date_starts = [date.start for date in self.dates]
        self.quantities = sorted(quantities, key=lambda quantity: quantity.start)
        self.quantity_starts = [quantity.start for quantity in self.quantities]
        self.lexicon = lexicon
        self.gazetteer = gazetteer
        self.resolver = resolver
        self.consumed: set[int] = set()
        self.speaker_spans = {(a.speaker_start, a.speaker_end): Speaker(a.speaker, a.speaker_type, a.speaker_country)
                              for a in attributions if a.speaker and a.speaker_start is not None}

    # -- triggers --------------------------------------------------------------------------------------

    def event_at(self, token: Token, sentence: Span) -> Event | None:
        if token.pos_ == "VERB":
            return self._verbal(token, sentence)
        if token.pos_ == "NOUN" and token.dep_ not in ("compound",):
            return self._nominal(token, sentence)
        return None

    def _verbal(self, verb: Token, sentence: Span) -> Event | None:
        lemma = verb.lemma_.lower()
        if verb.lower_ == "according" or (lemma in NAMING_VERBS and any(child.dep_ in ("oprd", "xcomp", "ccomp")
                                                                          for child in verb.children)):
            return None  # "according to X"; "called the move a violation" names, it does nothing
        objects = [child for child in verb.children if child.dep_ in ("dobj", "attr", "oprd")]
        particle = next((child.lower_ for child in verb.children if child.dep_ == "prt"), None)
        prepositions = [child.lower_ for child in verb.children if child.dep_ in ("prep", "dative", "agent")
                        and not any(grandchild.ent_type_ in ("DATE", "TIME") for grandchild in child.children)]
        prep_objects = {child.lower_: pobj.lemma_.lower() for child in verb.children if child.dep_ == "prep"
                        for pobj in child.children if pobj.dep_ == "pobj"}
        object_lemma = _object_lemma(objects[0]) if objects else None
        with_object = _with_object(verb)
        if with_object is not None and (not objects or _actor_like(objects[0])):
            object_lemma = with_object.lemma_.lower()  # "provide Iran with support": the material is the object
        subject = next((child for child in verb.children if child.dep_ == "nsubj"), None)
        hit = None
        for candidate in _lemma_candidates(verb, lemma):
            hit = self.lexicon.verb(
                candidate, particle=particle, prepositions=prepositions, object_lemma=object_lemma,
                prep_objects=prep_objects,
                object_modifiers=[child.lemma_.lower() for child in objects[0].children
                                  if child.dep_ in ("compound", "amod")] if objects else None,
                subject_lemma=subject.lemma_.lower() if subject is not None else None)
            if hit is not None:
                lemma = candidate
                break
        trigger_end = verb
        if lemma in LIGHT_VERBS and objects:
            noun_hit = self._noun_hit(objects[0])
            if noun_hit is not None:
                hit, trigger_end = noun_hit, objects[0]
            elif lemma in EMPTY_VERBS and hit is not None and hit.source != "petrarch2-pattern":
                hit = None
        if lemma in COMMITMENT_VERBS and any(child.dep_ == "xcomp" for child in verb.children):
            hit = None
        if lemma in GATHERING_VERBS and (hit is None or hit.source != "petrarch2-pattern"):
            # "converged for a rally", "marched in protest": the gathering is the protest it is for
            for child in verb.children:
                pobj = next((grandchild for grandchild in child.children if grandchild.dep_ == "pobj"), None)
                noun_hit = self._noun_hit(pobj) if child.dep_ == "prep" and pobj is not None else None
                if noun_hit is not None and noun_hit.plover == "PROTEST":
                    hit, trigger_end = noun_hit, pobj
                    break
        if hit is None:
            return None
        actor = self._actor_of(verb)
        target = self._target_of(verb, objects, hit, trigger_end)
        if actor is not None and not _actor_like(_through_quantity(actor.head)):
            # "support, which will heighten the threat": things do not act; "US drone strikes killed…":
            # the nation named on the weapon or attack does
            national = _national_modifier(actor.head)
            actor = self._party(national) if national is not None else None
        if target is not None and actor is not None and target.speaker.name \
                and target.speaker.name == actor.speaker.name:
            target = None  # "Iran said its …": an actor does not act on itself here
        if target is None or not (target.speaker.country or (target.speaker.name and _actor_like(target.head))):
            # "began a hunger strike to protest Sweden's decision": who the action is aimed at comes later
            target = self._aimed_at(verb, actor) or target
        if not _has_party(actor, target):
            return None
        if with_object is not None:
            self.consumed.add(with_object.i)
        if trigger_end is not verb:
            self.consumed.add(trigger_end.i)
        for obj in objects:
            if obj.lemma_.lower() in PARTITIVE_NOUNS:  # "a level of support": the support is this event's
                self.consumed.update(grandchild.i for child in obj.children if child.lower_ == "of"
                                     for grandchild in child.children if grandchild.dep_ == "pobj")
        if hit.subject_is_target:  # "Iran received drones": the subject is acted on
            actor, target = target, actor
        if hit.plover == "COERCE" and lemma in OBSTRUCTING_VERBS and actor is not None and not self._state(actor):
            hit = OBSTRUCTION  # "workers blocked the bridge": people obstructing is a protest, not coercion
        material = with_object.lemma_.lower() if with_object is not None else None
        if hit.plover != "ASSAULT":  # an assault's mode is its weapon, never what it hit
            material = _material_lemma(verb, objects, with_object)
        mode = hit.mode or self.lexicon.mode_for(hit.plover, material)
        context = hit.context or self.lexicon.context_for(hit.plover, material)
        return self._event(hit, mode, context, verb, trigger_end, sentence, actor, target, clause=verb)

    def _nominal(self, noun: Token, sentence: Span) -> Event | None:
        head = noun.head
        if head.pos_ == "VERB" and head.lemma_.lower() in LIGHT_VERBS and noun.dep_ == "dobj":
            return None  # read with its light verb
        if noun.i in self.consumed:
            return None  # the object of an event verb is part of that event
        if noun.head.lower_ == "on" and noun.head.head.lemma_.lower() in ("go", "be", "remain", "stay"):
            return None  # "went on strike" is read from its verb
        hit = self._noun_hit(noun)
        if hit is None:
            return None
        owner = next((child for child in noun.children if child.dep_ == "poss"), None)
        by = next((grandchild for child in noun.children if child.dep_ == "prep" and child.lower_ == "by"
                   for grandchild in child.children if grandchild.dep_ == "pobj"), None)
        actor_head = owner or by or _national_modifier(noun)  # "Palestinian riots", "Russian shelling"
        actor = self._party(actor_head) if actor_head is not None else None
        target = None
        clause = next((child for child in noun.children if child.dep_ in ("acl", "ccomp", "relcl")
                       and any(mark.lower_ == "that" for mark in child.children)), None)
        if clause is not None and hit.plover in ("ACCUSE", "REJECT", "CONCEDE", "THREATEN"):
            subject = next((child for child in clause.children if child.dep_ in ("nsubj", "nsubjpass")), None)
            target = self._party(subject) if subject is not None else None
        if target is None:
            target_head = _prepositional(noun, TARGET_PREPOSITIONS)
            target = self._party(target_head) if target_head is not None else None
        material = _of_object_lemma(noun)
        if not _has_party(actor, target):
            return None  # "support" or "the threat" alone: no one does anything to anyone
        mode = hit.mode or self.lexicon.mode_for(hit.plover, material)
        context = hit.context or self.lexicon.context_for(hit.plover, material)
        return self._event(hit, mode, context, noun, noun, sentence, actor, target, clause=noun)

    def demands_in(self, attribution: Attribution, done: set[int]) -> list[Event]:
        """ "X said Y must drop its barriers" where dropping is no event of the lexicon: X's demand on Y
        (PLOVER REQUEST) is what happened. (When it is an event, `_demand` reads it.)"""
        if not attribution.speaker or attribution.speaker_start is None or attribution.speaker_end is None:
            return []
        content = self.doc.char_span(attribution.start, attribution.end, alignment_mode="expand")
        speaker_span = self.doc.char_span(attribution.speaker_start, attribution.speaker_end,
                                          alignment_mode="expand")
        if content is None or speaker_span is None:
            return []
        speaker = Party(self.text[attribution.speaker_start:attribution.speaker_end], speaker_span.root,
                        Speaker(attribution.speaker, attribution.speaker_type, attribution.speaker_country))
        found = []
        for token in content:
            verb = token.head
            if token.dep_ != "aux" or token.lower_ not in OBLIGATION_AUX or verb.i in done \
                    or any(child.dep_ == "neg" for child in verb.children):
                continue
            subject = next((child for child in verb.children if child.dep_ == "nsubj"), None)
            target = self._party(subject) if subject is not None and _actor_like(subject) else None
            if target is None or target.speaker.name == attribution.speaker:
                continue
            sentence = verb.sent
            event = self._event(DEMAND, None, None, token, verb, sentence, speaker, target, clause=verb)
            found.append(dataclasses.replace(event, status="asserted", according_to=None, modality=None))
        return found

    def _international(self, party: Party) -> bool:
        """An international organisation or one of its officials: it belongs to no country."""
        if party.speaker.name and is_international_figure(party.speaker.name):
            return True
        names = (party.speaker.name, party.text, *self.resolver.roles_of(party.speaker.name))
        return any(name and self.gazetteer.organization_in(name) for name in names) or self._sector(party) == "IGO"

    def _state(self, party: Party) -> bool:
        """Whether a party is a state or one of its arms (government, army, police, courts) or an IGO."""
        return party.speaker.type == "GPE" or party.head.ent_type_ == "GPE" \
            or self._sector(party) in ("GOV", "MIL", "POL", "JUD", "IGO")

    def _noun_hit(self, noun: Token) -> LexiconHit | None:
        """The event a noun names, asked with each of its modifiers, nearest first: the first modifier
        that changes the reading decides ("a 24-hour hunger strike" is a hunger strike)."""
        lemma, of_object = noun.lemma_.lower(), _of_object_lemma(noun)
        if lemma in CONTAINER_NOUNS:  # "a mediation mission" is a mediation
            inner = next((child for child in reversed(list(noun.lefts)) if child.dep_ == "compound"), None)
            if inner is not None:
                return self.lexicon.noun(inner.lemma_.lower(), of_object=of_object, modifier=None)
        plain = self.lexicon.noun(lemma, of_object=of_object, modifier=None)
        for modifier in sorted((child for child in noun.children if child.dep_ in ("compound", "amod")),
                               key=lambda child: -child.i):
            hit = self.lexicon.noun(lemma, of_object=of_object, modifier=modifier.lemma_.lower())
            if hit != plain:
                return hit
        return plain

    # -- parties ---------------------------------------------------------------------------------------

    def _actor_of(self, verb: Token, depth: int = 0) -> Party | None:
        if depth > 4:
            return None
        for child in verb.children:
            if child.dep_ == "nsubj":
                if child.lower_ in ("who", "which", "that") and verb.dep_ == "relcl":
                    return self._party(verb.head)
                return self._party(child)
        for child in verb.children:
            if child.dep_ == "agent":
                pobj = next((grandchild for grandchild in child.children if grandchild.dep_ == "pobj"), None)
                if pobj is not None:
                    return self._party(pobj)
        passive_subject = next((child for child in verb.children if child.dep_ == "nsubjpass"), None)
        if passive_subject is not None:
            # "Israel is opposed to…", "Serb forces were engaged in…": a state, not a passive
            return self._party(passive_subject) if verb.lemma_.lower() in STATIVE_PARTICIPLES else None
        head = verb.head
        if verb.dep_ == "pcomp" and head.dep_ == "prep":
            accusation = next((ancestor for ancestor in head.ancestors
                               if ancestor.lemma_.lower() in ACCUSATION_VERBS), None)
            if accusation is not None and head.lower_ in ("of", "for"):
                # "Iran is accused of supplying": the one accused is the one said to have done it
                accused = next((child for child in accusation.children if child.dep_ in ("dobj", "nsubjpass")),
                               None)
                return self._party(accused) if accused is not None else None
            return self._actor_of(head.head, depth + 1)
        if verb.dep_ == "xcomp" and head.pos_ == "ADJ" and head.dep_ in ("acomp", "amod", "xcomp"):
            return self._actor_of(head.head, depth + 1)  # "France is ready to contribute": France would
        if verb.dep_ == "xcomp":
            controller = next((child for child in head.children if child.dep_ in ("dobj", "dative")), None)
            if controller is not None and head.lemma_.lower() in REQUEST_VERBS:
                return self._party(controller)  # "urged Iran to stop": Iran would stop
            return self._actor_of(head, depth + 1)
        if verb.dep_ in ("conj", "advcl", "acl", "acomp") and head.pos_ in ("VERB", "AUX"):
            return self._actor_of(head, depth + 1)
        return None

    def _target_of(self, verb: Token, objects: list[Token], hit: LexiconHit, trigger: Token) -> Party | None:
        dative = next((child for child in verb.children if child.dep_ in ("dative", "iobj")), None)
        if dative is not None and dative.pos_ != "ADP":
            return self._party(dative)
        if trigger is not verb:  # "issued sanctions against X": the target hangs on the event noun or the verb
            target_head = _prepositional(trigger, TARGET_PREPOSITIONS) or _prepositional(verb, TARGET_PREPOSITIONS)
            return self._party(target_head) if target_head is not None else None
        if objects and _actor_like(objects[0]):
            return self._party(objects[0])
        passive_subject = next((child for child in verb.children if child.dep_ == "nsubjpass"), None)
        if passive_subject is not None and verb.lemma_.lower() not in STATIVE_PARTICIPLES:
            # "Iran is accused by Western powers": Iran is the target
            return self._party(passive_subject)
        target_head = _prepositional(verb, TARGET_PREPOSITIONS)
        if target_head is None and objects:
            target_head = _prepositional(objects[0], TARGET_PREPOSITIONS)
        if target_head is None and objects:
            return self._party(objects[0])
        return self._party(target_head) if target_head is not None else None

    def _aimed_at(self, verb: Token, actor: Party | None) -> Party | None:
        """The first party with a country in the event's purpose clauses and prepositional phrases
        ("to protest Sweden's decision", "against the party's leader", "over Serbia's bill")."""
        skip = {token.i for token in actor.head.subtree} if actor is not None else set()
        for token in sorted(verb.subtree, key=lambda token: token.i):
            if token.i in skip or token.i <= verb.i or token.dep_ not in ("pobj", "dobj", "poss", "nsubj"):
                continue
            if token.ent_type_ in NOT_PARTIES or not _actor_like(token) or token.tag_ == "PRP$":
                continue  # "withdraw its troops": "its" is the actor's own
            party = self._party(token)
            if party is not None and party.speaker.country:
                return party
        return None

    def _party(self, head: Token | None) -> Party | None:
        head = _through_quantity(head) if head is not None else None
        if head is None or head.ent_type_ in NOT_PARTIES:
            return None
        if head.lower_ in FIRST_PERSON or head.lower_ == "our":
            owner = self._attribution_around(head.idx)
            if owner is not None and owner.speaker:
                return Party(head.text, head, Speaker(owner.speaker, owner.speaker_type, owner.speaker_country))
        start, end = _core_span(head)
        known = self.speaker_spans.get((start, end))
        if known is not None:
            return Party(self.text[start:end], head, known)
        speaker = self.resolver.resolve(head, (start, end))
        if speaker.name is None or speaker.country is None:
            country = self._country_in(head) or self._located_in(head)
            if country is not None:
                speaker = Speaker(speaker.name or self.text[start:end], speaker.type, country)
        return Party(self.text[start:end], head, speaker)

    def _country_in(self, head: Token) -> str | None:
        """A country named inside the phrase: "the Iranian dictatorship", "three Russian-based entities",
        "19 individuals …, including Iran's Morality Police" — never in a prepositional phrase that is
        not a list of members ("Western powers of supplying Russia…" names no power)."""
        tokens = sorted(_phrase_tokens(head), key=lambda token: token.i)
        if any(token.lower_ == "ethnic" for token in tokens):
            return None  # "ethnic Albanians in Serbia" are placed by where they live, not by the adjective
        for token in tokens:
            if token.pos_ not in ("PROPN", "ADJ", "NOUN") or token.ent_type_ == "PERSON":
                continue  # "Andrés Pizarro Lagos" is no Nigerian
            word = token.text.split("-")[0] if "-" in token.text else token.text
            if not word[:1].isupper():
                continue
            code = self.gazetteer.country_code(word, entity_type="NORP" if token.pos_ == "ADJ" else "GPE")
            if code:
                return code
        return None

    def _located_in(self, head: Token) -> str | None:
        """ "Demonstrators in Baghdad", "opposition parties in Nepal": a group placed in a country;
        "leaders of the Azadliq coalition", "members of Hamas": people of a group take its country."""
        if head.pos_ != "NOUN":
            return None
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ in ("in", "from", "of"):
                for place in child.children:
                    if place.dep_ != "pobj":
                        continue
                    if place.ent_type_ in ("GPE", "LOC"):
                        return self.gazetteer.country_code(place.text, entity_type=place.ent_type_)
                    if child.lower_ == "of" and head.lemma_.lower() in MEMBER_NOUNS:
                        start, end = _core_span(place)
                        return self.resolver.resolve(place, (start, end)).country or self._country_in(place)
        return None

    def _attribution_around(self, offset: int) -> Attribution | None:
        index = bisect.bisect_right(self.attribution_starts, offset) - 1
        while index >= 0:
            attribution = self.attributions[index]
            if attribution.start <= offset < attribution.end:
                return attribution
            if attribution.end < offset - 2000:
                break
            index -= 1
        return None

    # -- the record ------------------------------------------------------------------------------------

    def _event(self, hit: LexiconHit, mode: str | None, context: str | None, trigger: Token, trigger_end: Token,
               sentence: Span, actor: Party | None, target: Party | None, clause: Token) -> Event:
        status, according_to = self._status(trigger)
        first, last = (trigger, trigger_end) if trigger.i <= trigger_end.i else (trigger_end, trigger)
        clause_start, clause_end = _clause_span(clause)
        date = next((d for d in _within(self.dates, self.date_starts, clause_start, clause_end)), None)
        location = self._location(clause)
        actor = self._placed(actor, target, sentence, location)
        target = self._placed(target, actor, sentence, location)
        return Event(
            type=hit.plover, mode=mode, context=context, cameo=hit.cameo,
            text=self.text[sentence.start_char:sentence.end_char], start=sentence.start_char, end=sentence.end_char,
            trigger=self.text[first.idx:last.idx + len(last.text)], trigger_start=first.idx,
            trigger_end=last.idx + len(last.text),
            actor=actor.speaker.name if actor else None, actor_text=actor.text if actor else None,
            actor_country=actor.speaker.country if actor else None,
            actor_sector=self._sector(actor) if actor else None,
            target=target.speaker.name if target else None, target_text=target.text if target else None,
            target_country=target.speaker.country if target else None,
            target_sector=self._sector(target) if target else None,
            location=location[0] if location else None, location_country=location[1] if location else None,
            date=date.value if date else None, date_text=date.text if date else None,
            status=status, according_to=according_to, negated=_negated(trigger), modality=_modality(trigger),
            quantities=_within(self.quantities, self.quantity_starts, clause_start, clause_end),
        )

    def _placed(self, party: Party | None, other: Party | None, sentence: Span,
                location: tuple[str, str | None] | None) -> Party | None:
        """A party with no country of its own takes the one its context gives, as news coders read it:
        "students throughout Indonesia", "President Omar El Bashir … the curfew in Sudan", "rebels" in a
        sentence about one country. In order: a place inside the party's phrase, the event's location,
        else the one country the sentence names besides the other party's."""
        if party is None or party.speaker.country is not None or not _actor_like(party.head) \
                or self._international(party):
            return party
        country = self._place_within(party.head)
        if country is None and location is not None:
            country = location[1]
        if country is None:
            skip = other.speaker.country if other is not None else None
            named = {entity.country for entity in _within(self.entities, self.entity_starts, sentence.start_char,
                                                            sentence.end_char)
                     if entity.country and entity.type in ("GPE", "NORP", "LOC")}
            if len(named - {skip}) == 1:
                country = next(iter(named - {skip}))
            elif len(named) == 1:
                country = skip  # "Fijian rebels will release Prime Minister Chaudhry": one country in play
        if country is None:
            return party
        return Party(party.text, party.head, Speaker(party.speaker.name, party.speaker.type, country))

    def _place_within(self, head: Token) -> str | None:
        for token in head.subtree:
            if token.dep_ == "pobj" and token.head.lower_ in PLACE_PREPOSITIONS and (
                    token.ent_type_ in ("GPE", "LOC") or (token.pos_ == "PROPN" and token.ent_type_ != "PERSON")):
                start, end = _core_span(token)
                # the recogniser calls some countries ORG ("throughout Paraguay"): ask as a place
                code = self.gazetteer.country_code(self.text[start:end], entity_type="GPE")
                if code:
                    return code
        return None

    def _status(self, trigger: Token) -> tuple[EventStatus, str | None]:
        owner = self._attribution_around(trigger.idx)
        if owner is not None:
            if owner.stance == "deny":
                return "denied", owner.speaker or owner.speaker_text
            if owner.stance == "admit":
                return "admitted", owner.speaker or owner.speaker_text
            return "claimed", owner.speaker or owner.speaker_text
        markers = {child.lower_ for child in trigger.children} | {trigger.head.lower_}
        if markers & REPORTED_MARKERS:
            return "reported", None
        return "asserted", None

    def _location(self, clause: Token) -> tuple[str, str | None] | None:
        """The first place after in/at/near in the event's clause (on the trigger or on its objects:
        "fired missiles at cities in Kharkiv"), not inside a relative clause."""
        for token in sorted(_phrase_tokens(clause, keep_prepositions=True), key=lambda token: token.i):
            if token.dep_ != "prep" or token.lower_ not in ("in", "at", "near", "inside", "outside", "across"):
                continue
            for place in token.children:
                if place.dep_ == "pobj" and place.ent_type_ in ("GPE", "LOC", "FAC"):
                    start, end = _core_span(place)
                    name = self.text[start:end]
                    return name, self.gazetteer.country_code(name, entity_type=place.ent_type_)
        return None

    def _sector(self, party: Party) -> str | None:
        for name in (party.speaker.name, party.text):
            known = self.gazetteer.group_sector(name) if name else None
            if known is not None:
                return known
        words = " " + party.text.lower() + " "
        roles = " ".join(self.resolver.roles_of(party.speaker.name)).lower()
        evidence = words + " " + roles + " "
        for sector in SECTOR_ORDER:
            if sector == "IGO" and party.speaker.type == "PERSON":
                continue  # "Moscow's envoy to the UN" serves Moscow, not the UN
            if any(marker in evidence for marker in SECTORS[sector]):
                return sector
        if party.head.ent_type_ == "GPE" and party.speaker.country and party.head.pos_ == "PROPN":
            return "GOV"  # a country or capital acting: its government (not "Young Algerians")
        return None


# -- parse helpers ----------------------------------------------------------------------------------------


def _core_span(head: Token) -> tuple[int, int]:
    """The noun phrase of `head` without relative clauses, appositions or prepositional phrases."""
    indices = [head.i]
    for child in head.children:
        if child.dep_ in ("compound", "amod", "det", "poss", "nummod", "quantmod", "nmod", "case", "flat") \
                and child.i < head.i:
            indices.extend(token.i for token in child.subtree)
    doc = head.doc
    first, last = doc[min(indices)], doc[max(indices)]
    return first.idx, last.idx + len(last.text)


MEMBER_PREPOSITIONS = frozenset({"including", "among", "like"})


def _phrase_tokens(head: Token, keep_prepositions: bool = False) -> list[Token]:
    """The noun phrase with its conjuncts and "including …" lists, without other prepositional phrases
    (unless `keep_prepositions`) or clauses."""
    kept: list[Token] = []
    stack = [head]
    while stack:
        token = stack.pop()
        kept.append(token)
        for child in token.children:
            if child.dep_ in ("relcl", "acl", "advcl", "ccomp", "xcomp"):
                continue
            if child.dep_ == "prep" and child.lower_ not in MEMBER_PREPOSITIONS and not keep_prepositions:
                continue
            stack.append(child)
    return kept


def _clause_span(token: Token) -> tuple[int, int]:
    first, last = token.left_edge, token.right_edge
    return first.idx, last.idx + len(last.text)


def _prepositional(token: Token, prepositions: Sequence[str]) -> Token | None:
    for child in token.children:
        if child.dep_ in ("prep", "dative") and child.lower_ in prepositions:
            pobj = next((grandchild for grandchild in child.children if grandchild.dep_ == "pobj"
                         and grandchild.ent_type_ not in NOT_PARTIES), None)
            if pobj is not None:
                return pobj
    return None


def _with_object(verb: Token) -> Token | None:
    """ "provide Iran with support": the material comes after "with"."""
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ == "with":
            return next((grandchild for grandchild in child.children if grandchild.dep_ == "pobj"), None)
    return None


def _within(items: Sequence[Any], starts: Sequence[int], start: int, end: int) -> list[Any]:
    """The items (sorted by start) lying inside [start, end)."""
    found = []
    for item in items[bisect.bisect_left(starts, start):bisect.bisect_left(starts, end)]:
        if item.end <= end:
            found.append(item)
    return found


def _lemma_candidates(verb: Token, lemma: str) -> list[str]:
    """The parser's lemma, and the e-final verb it may have clipped ("staged" → "stag", meaning "stage")."""
    candidates = [lemma]
    if verb.lower_.endswith(("ed", "ing")) and not lemma.endswith("e"):
        candidates.append(lemma + "e")
    return candidates


def _through_quantity(head: Token) -> Token:
    """ "Tens of thousands of students", "a group of doctors": the people, not the number."""
    for _ in range(3):
        if not (head.pos_ == "NUM" or head.lemma_.lower() in PARTITIVE_NOUNS):
            break
        inner = next((grandchild for child in head.children if child.dep_ == "prep" and child.lower_ == "of"
                      for grandchild in child.children if grandchild.dep_ == "pobj"), None)
        if inner is None:
            break
        head = inner
    return head


def _object_lemma(obj: Token) -> str:
    """The object's head, seen through partitives ("a small number of drones" → drone, "part of the
    program" → program) and container nouns named by their modifier ("a military aid program" → aid)."""
    lemma = obj.lemma_.lower()
    if lemma in PARTITIVE_NOUNS or lemma in ("part", "portion", "half", "share", "bulk", "rest"):
        inner = next((grandchild for child in obj.children if child.dep_ == "prep" and child.lower_ == "of"
                      for grandchild in child.children if grandchild.dep_ == "pobj"), None)
        if inner is not None:
            obj, lemma = inner, inner.lemma_.lower()
    if lemma in CONTAINER_NOUNS:
        modifier = next((child for child in reversed(list(obj.lefts)) if child.dep_ == "compound"), None)
        if modifier is not None:
            return modifier.lemma_.lower()
    return lemma


def _has_party(actor: Party | None, target: Party | None) -> bool:
    return any(party is not None and (party.speaker.name or party.speaker.country or _actor_like(party.head))
               for party in (actor, target))


def _of_object_lemma(noun: Token) -> str | None:
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            pobj = next((grandchild for grandchild in child.children if grandchild.dep_ == "pobj"), None)
            if pobj is not None:
                return pobj.lemma_.lower()
    return None


def _material_lemma(verb: Token, objects: list[Token], with_object: Token | None) -> str | None:
    if with_object is not None:
        return with_object.lemma_.lower()
    if objects:
        return _of_object_lemma(objects[0]) or objects[0].lemma_.lower()
    return None


def _actor_like(token: Token) -> bool:
    """Whether a phrase names someone who can act or be acted on (a country, a group, an institution,
    a person), not a thing."""
    if token.ent_type_ in ("GPE", "NORP", "ORG", "PERSON"):
        return True
    if token.pos_ == "PROPN" and not token.ent_type_:
        return True  # a name the recogniser missed ("Ethopia", a misspelt country) still names someone
    if token.pos_ == "PRON":
        return token.lower_ not in ("this", "that", "which", "what")
    lemma = token.lemma_.lower()
    if lemma in GROUP_SOURCES or lemma in COUNTRY_NOUNS or lemma in ORGANISATION_NOUNS or lemma in ACTOR_NOUNS:
        return True
    return is_person_noun(token) or any(child.ent_type_ in ("NORP", "GPE", "ORG") for child in token.children
                                        if child.dep_ in ("amod", "compound", "poss"))


def _national_modifier(head: Token) -> Token | None:
    """A nationality or country named before a noun ("Palestinian riots", "US Predator attacks")."""
    for token in head.lefts:
        if token.dep_ in ("amod", "compound", "nmod") and token.ent_type_ in ("NORP", "GPE"):
            return token
        if token.dep_ == "compound":
            inner = _national_modifier(token)
            if inner is not None:
                return inner
    return None


def _negated(trigger: Token) -> bool:
    """ "did not attack", "never met"; also what its governor refuses: "declined to resign"."""
    if any(child.dep_ == "neg" for child in trigger.children):
        return True
    if trigger.dep_ == "xcomp" and trigger.head.lemma_.lower() in REFUSAL_VERBS:
        return not any(child.dep_ == "neg" for child in trigger.head.children)  # "did not fail to pay"
    return trigger.dep_ in ("xcomp", "pcomp") and any(child.dep_ == "neg" for child in trigger.head.children)


def _modality(trigger: Token) -> str | None:
    """What keeps an event from being a completed fact: future, possibility, intention, condition, request."""
    current: Token | None = trigger
    for _ in range(4):
        if current is None:
            break
        for child in current.children:
            if child.dep_ == "aux" and child.lower_ in FUTURE_AUX:
                return "future"
            if child.dep_ == "aux" and child.lower_ in OBLIGATION_AUX:
                return "obligation"
            if child.dep_ == "aux" and child.lower_ in POSSIBLE_AUX:
                return "possibility"
            if child.dep_ == "mark" and child.lower_ in ("if", "unless"):
                return "condition"
        if current.dep_ == "dobj" and current.pos_ == "NOUN":  # "is considering sanctions", "demanded talks"
            lemma = current.head.lemma_.lower()
            if lemma in INTENTION_VERBS:
                return "intention"
            if lemma in REQUEST_VERBS:
                return "request"
        if current.dep_ == "xcomp" and current.head.pos_ == "ADJ" and current.head.lemma_.lower() in READY_ADJECTIVES:
            return "intention"  # "is ready to contribute", "willing to withdraw"
        if current.dep_ in ("xcomp", "pcomp", "ccomp") and current.head.pos_ in ("VERB", "ADP", "AUX"):
            governor = current.head if current.head.pos_ != "ADP" else current.head.head
            lemma = governor.lemma_.lower()
            if lemma in REQUEST_VERBS and current.dep_ == "xcomp":
                return "request"
            if lemma in INTENTION_VERBS:
                return "intention"
            current = governor
            continue
        break
    return None
