#!/usr/bin/env python3
"""Build `src/parallax/events/data/event_lexicon.json` from the PETRARCH2, CAMEO and PLOVER files.

    .venv/bin/python scripts/build_event_lexicon.py [ONTOLOGIES_DIR] [--output PATH] [--check]

ONTOLOGIES_DIR defaults to `../shared/ontologies` next to the repository. The JSON is committed and
shipped; this script documents how it was made and rebuilds it byte for byte (sorted keys, no dates).
`--check` only compares and exits 1 when the committed file differs.

Sources, all read from ONTOLOGIES_DIR:
- `plover_ontology.json` (PLOVER 0.8, CC BY-SA 4.0): the 16 event types, their modes and the contexts.
  Every type, mode and context written to the JSON is checked against it.
- `cameo_eventcodes.tsv` (CAMEO codes, public; PLOVER columns from CAMEO2PLOVER-2021, CC BY-SA 4.0):
  CAMEO code → PLOVER type/mode/context, with the corrections in `CORRECTIONS` (CAMEO 163 sanctions →
  SANCTION, not COERCE; appeals 02x → REQUEST; 116 "find guilty" → SANCTION convict; 055 apologise →
  CONCEDE; 0874 retreat → RETREAT withdraw; 195 aerial weapons → ASSAULT aerial; the shifted modes of
  105–108) and modes/contexts that PLOVER 0.8 no longer has renamed or dropped (`MODE_FIXES`,
  `CONTEXT_FIXES`). ASSAULT codes lose the "military" context (it means state forces: the actor tells,
  not the verb). Codes PLOVER drops (01 statements) give "no event".
- `petrarch2_verbs.tsv` (PETRARCH2 CAMEO.2.0 dictionary, MIT): each verb lemma (lower case) with its
  synonym block and its own default code (the `code` column; "---" means no event). Multi-word entries
  become lemma + particle ("CARRY_OUT" → carry + out), lemma + preposition ("ASK_FOR" → ask + for) or
  lemma + object ("TAKE_LEAVE"); coordinations ("KILLED_AND"), auxiliaries ("IS_DETERMINED") are dropped.
  A lemma in several blocks keeps all memberships; the block named after it comes first, so its code is
  the default ("ADD" is the speech verb, not the GRANT synonym).
- `petrarch2_patterns.tsv` (same dictionary): the phrase patterns of each block, which apply to every
  verb of the block, as in PETRARCH2. The pattern syntax is read pragmatically:
    `*` the verb; words after it are its complements, words before it its subject;
    a bare UP/DOWN/OUT/OFF/AWAY/BACK/… right after the verb is a particle;
    `(X …)`, a bare preposition, or `{IN …}` is a preposition X (alternatives "BY/WITH") with an
      optional object (the phrase's last word is its head);
    other bare words, `{A B}` phrases and `&SYNSETS` are the object: the head is the last word, the
      other words are modifiers (checked only when the caller knows them);
    `$` (source), `+` (target), `%` (compound actor) and `^` (skip) are actor markers: dropped, except
      that a code written `:CODE` (PETRARCH2's reversed event, "receive aid") sets `subject_is_target`;
    codes "A:B" keep A (the event of the subject; B is the paired event of the other party);
    `&SYNSET` names expand to the hand-copied heads in `SYNSETS` (PETRARCH2's own synset definitions
      are not among the shared files).
  Dropped: patterns whose words before the verb are not one noun phrase (adverbs, "WILL NOT",
  parentheses), unbalanced brackets, two separate objects, undefined synsets, and unknown codes.
  Patterns whose code PLOVER drops are kept as "no event" entries: "deny responsibility" (CAMEO 016)
  stays a non-event even though "deny" alone is REJECT; rejecting a claim or accusation is REJECT
  (PLOVER: "all rejections and refusals"), through the supplement.
- The hand-written `SUPPLEMENT_VERBS` (common news verbs the derivation misses or maps against PLOVER:
  "sanction", "impose sanctions", "admit", "resign", "supply drones", speech verbs as non-events) and
  `NOUNS` (nominal events: "accusation", "the delivery of drones", "drone strike"), each with a note,
  the object sets in `OBJECT_SETS`, and the words that pick PLOVER modes (`MODE_WORDS`; for ASSAULT the
  weapon, which is the object only of `INSTRUMENT_VERBS` such as "fire") and contexts (`CONTEXT_WORDS`).
  Every hand-written entry carries its reason in "note"; every type, mode and context is checked.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
DEFAULT_ONTOLOGIES = ROOT.parent / "shared" / "ontologies"
DEFAULT_OUTPUT = SRC / "parallax" / "events" / "data" / "event_lexicon.json"
SOURCE_FILES = ("plover_ontology.json", "cameo_eventcodes.tsv", "petrarch2_verbs.tsv", "petrarch2_patterns.tsv")

# -- pattern syntax ------------------------------------------------------------------------------------

MARKERS = frozenset({"$", "+", "%", "^"})
PARTICLES = frozenset({"UP", "DOWN", "OUT", "OFF", "AWAY", "BACK", "FORWARD", "FORTH", "ASIDE", "TOGETHER",
                       "APART", "AHEAD"})
PREPOSITIONS = frozenset({
    "ABOUT", "ABOVE", "ACROSS", "AFTER", "AGAINST", "ALONG", "ALONGSIDE", "AMID", "AMONG", "AROUND", "AS", "AT",
    "BEFORE", "BEHIND", "BELOW", "BESIDE", "BETWEEN", "BEYOND", "BY", "DESPITE", "DURING", "FOR", "FROM", "IN",
    "INSIDE", "INTO", "NEAR", "OF", "ON", "ONTO", "OVER", "OUTSIDE", "PAST", "SINCE", "THROUGH", "THROUGHOUT",
    "TO", "TOWARD", "TOWARDS", "UNDER", "UNTIL", "UPON", "VIA", "WITH", "WITHIN", "WITHOUT", "OFF", "OUT"})
NOT_SUBJECT_WORDS = frozenset({"WILL", "NOT", "BEEN", "SAID", "IS", "ARE", "WAS", "WERE", "BE", "HAS", "HAVE",
                               "ON_THE", "AGREE", "FIRING"})
FUNCTION_WORDS = frozenset({"AND", "OR", "THE", "A", "AN", "OF", "TO"})
AUXILIARY_VERBS = frozenset({"IS", "ARE", "WAS", "WERE", "BE", "BEEN", "HAS", "HAVE", "HAD"})
TOKEN = re.compile(r"[(){}]|[^\s(){}]+")
CODE = re.compile(r"\d{2,4}")

# PETRARCH2's synsets (CAMEO.2.0.txt, MIT), hand-copied as the head lemmas a parse would give: the
# dictionary's multi-word members ("ARMED_FORCES", "TEAR_GAS") appear as their head word.
SYNSETS: dict[str, tuple[str, ...]] = {
    "&AIRCRAFT": ("aircraft", "plane", "helicopter", "warplane", "airplane", "airliner", "jet", "airship",
                  "glider", "chopper", "jetliner", "drone", "rpv", "uav", "bomber", "gunship", "fighter",
                  "jetfighter", "f-16", "f-22", "f-14", "b-52", "mig", "su-24", "apache", "osprey", "hornet",
                  "raptor", "reaper", "predator", "eurofighter", "harrier", "chinook"),
    "&ASYLUM": ("asylum", "refuge", "sanctuary", "safe house", "shelter"),
    "&CAR": ("car", "sedan", "vehicle", "auto", "automobile", "motorcar", "truck", "van", "lorry"),
    "&CEASEFIRE": ("truce", "armistice", "cease-fire", "ceasefire"),
    "&CRIME": ("crime", "offense", "offence", "infraction", "violation", "infringement", "transgression",
               "misconduct", "wrongdoing", "misdemeanor", "misdemeanour", "felony"),
    "&CURRENCY": ("money", "currency", "cash", "dollar", "euro", "pound", "dinar", "dirham", "franc", "lira",
                  "peso", "rand", "rial", "riyal", "ruble", "rouble", "rupee", "rupiah", "shekel", "shilling",
                  "yen", "yuan", "renminbi", "won", "zloty", "krona", "krone", "naira", "hryvnia", "taka",
                  "ringgit", "baht", "dong", "bitcoin"),
    "&DEFENSE": ("defense", "defence"),
    "&DETENTION": ("detention", "detainment", "jail", "prison", "penitentiary", "camp", "custody", "confinement"),
    "&DISPUTE": ("dispute", "conflict", "quarrel", "controversy", "contention", "contestation", "disputation",
                 "argument", "arguing", "difference", "disagreement", "dissidence", "dissension",
                 "contravention"),
    "&EVIDENCE": ("evidence", "ground", "proof", "cause", "attestation"),
    "&FIGHT": ("struggle", "battle", "fight", "fighting", "strife", "war", "warfare", "feud", "combat",
               "hostility", "belligerency"),
    "&FIGHT_OF_WORDS": ("argument", "disagreement", "debate"),
    "&FOOD": ("food", "nutrient", "nutriment", "nourishment", "nutrition", "sustenance", "aliment",
              "provision", "commissariat", "grocery", "foodstuff"),
    "&HOSTAGE": ("hostage", "prisoner", "captive"),
    "&INFORMATION": ("information", "info", "detail", "fact", "news", "intelligence", "update"),
    "&INVESTIGATION": ("investigation", "inquiry", "enquiry", "probe", "analysis", "analyse", "research",
                       "examination"),
    "&LEADER": ("president", "governor", "dictator", "ruler", "minister", "queen", "king", "sultan"),
    "&MEDIATION": ("mediation", "arbitration", "conciliation"),
    "&MILITARY": ("military", "force", "service", "army", "marine", "reserve", "troop", "navy", "soldier",
                  "serviceman", "paratrooper", "infantryman", "servicemember", "brigade", "battalion"),
    "&NEGOTIATION": ("negotiation", "dialogue", "discussion"),
    "&NEGOTIATOR": ("negotiator", "mediator", "go-between", "intermediator", "intermediary", "intercessor"),
    "&OPPOSITION": ("opposition", "resistance", "opponent", "enemy", "foe", "adversary", "rival", "challenger",
                    "contender"),
    "&PEOPLE": ("people", "folk", "poor", "rich", "wealthy", "populace", "public", "population", "citizenry",
                "follower", "mass", "civilian", "voter", "citizen", "national", "subject"),
    "&PKO": ("peacekeeping", "peacekeeper", "peace-keeping", "peace-keeper", "helmet", "contingent"),
    "&PROGRAM": ("program", "programme", "outline", "schema", "scheme", "agenda"),
    "&PROPOSAL": ("proposal", "proposition", "suggestion", "proffer", "motion"),
    "&REFUGEE": ("refugee", "expatriate", "person", "exile"),
    "&SECURITY": ("security", "secureness", "protection", "precaution", "safeguard"),
    "&SOLUTION": ("solution", "answer", "result", "resolution", "closure"),
    "&STRONGHOLD": ("stronghold", "bastion", "citadel", "blockhouse", "redoubt", "fort", "outpost",
                    "headquarters"),
    "&SUSPECT": ("suspect", "accused", "defendant"),
    "&TOWN": ("town", "municipality", "borough", "township", "city", "metropolis", "center", "area", "village",
              "settlement", "community"),
    "&TREATY": ("treaty", "pact", "accord", "agreement"),
    "&WEAPON": ("weapon", "flamethrower", "gun", "knife", "missile", "sword", "cannon", "firearm", "rifle",
                "semiautomatic", "pistol", "carbine", "kalashnikov", "ak-47", "ak-74", "uzi", "rpg", "grenade",
                "ammunition", "bomb", "rocket", "machete", "machine gun", "revolver", "shotgun", "gas",
                "bayonet", "bazooka", "dagger", "howitzer", "saber", "slingshot", "spear", "switchblade", "club",
                "knuckle", "armament", "artillery", "helicopter", "jet", "f-16", "bomber", "mig", "carrier",
                "frigate", "destroyer", "manpad", "battery", "tank", "abrams", "mrap", "bradley", "drone",
                "munition", "ied", "vbied", "explosive", "m16"),
    "&WMD": ("wmd", "nuclear weapon", "atom bomb", "nuke", "nerve gas", "sarin", "vx", "mustard gas",
             "cyclosarin", "blister agent", "chemical weapon"),
}

# -- CAMEO → PLOVER corrections ------------------------------------------------------------------------

# code → (plover, mode, context, why). Applied to the code; children inherit only where listed.
CORRECTIONS: dict[str, tuple[str, str | None, str | None, str]] = {
    "163": ("SANCTION", "discontinue", "economic",
            "Impose embargo, boycott or sanctions: PLOVER SANCTION ('international sanctions are coded as "
            "discontinue'), not the COERCE of the CAMEO2PLOVER table (shared/benchmarks/README.md)."),
    "116": ("SANCTION", "convict", "legal",
            "Find guilty or liable: PLOVER 0.8 codes convictions as SANCTION 'convict', not ACCUSE."),
    "055": ("CONCEDE", None, "diplomatic",
            "Apologize: PLOVER 0.8 ('expressions of regret or remorse ... should be coded as CONCEDE')."),
    "105": ("REQUEST", "meet", "diplomatic",
            "Demand mediation: the CAMEO2PLOVER 10x rows follow an older numbering (their own description "
            "column says so); modes realigned with the CAMEO description."),
    "106": ("REQUEST", "yield", "military", "Demand withdrawal: realigned mode (see 105)."),
    "107": ("REQUEST", "yield", "military", "Demand ceasefire: realigned mode (see 105)."),
    "108": ("REQUEST", "meet", "diplomatic", "Demand meeting, negotiation: realigned mode (see 105)."),
    "0874": ("RETREAT", "withdraw", "military",
             "Retreat or surrender militarily: the table's 'disarm' fits surrender; retreat, the common case "
             "('withdrew its troops'), is PLOVER RETREAT 'withdraw'."),
    "190": ("ASSAULT", None, None,
            "Use conventional military force: PETRARCH2's default for every violent verb ('attack', 'kill'); "
            "PLOVER's 'military' context is for state militaries only, which the verb cannot tell."),
    "175": ("ASSAULT", None, "repression",
            "Use tactics of violent repression: the table put the context 'pro_autocracy' in the mode column."),
    "195": ("ASSAULT", "aerial", None, "Employ aerial weapons: PLOVER 0.8 has the 'aerial' mode for aircraft."),
    "1712": ("ASSAULT", "destroy", None, "Destroy property: PLOVER ASSAULT 'destroy' ('seize' is a COERCE mode)."),
    "0813": ("CONCEDE", None, "legal",
             "Ease curfew: PLOVER 0.8's CONCEDE definition names 'removing curfews'; the table says RETREAT."),
    "0814": ("CONCEDE", None, "legal",
             "Ease state of emergency or martial law: an easing of legal restrictions is CONCEDE by PLOVER 0.8's "
             "definition; the table says RETREAT."),
}
# PLOVER 0.8 REQUEST is "all requests, demands, and orders": CAMEO's appeals (02x), dropped in PLOVER's
# earlier drafts when DEMAND was narrower, are requests. Modes by analogy with the 10x demands.
APPEAL_MODES = {"020": None, "021": "assist", "022": "assist", "023": "assist", "024": "change",
                "025": "yield", "026": "meet", "027": "meet", "028": "meet"}
# (type, mode in the 2021 table) → PLOVER 0.8 mode (None: the mode no longer exists, keep the type).
MODE_FIXES: dict[tuple[str, str], str | None] = {
    ("ASSAULT", "assassinate"): "targeted", ("ASSAULT", "massacre"): "targeted", ("ASSAULT", "cleansing"): None,
    ("ASSAULT", "seize"): "destroy", ("ASSAULT", "pro_autocracy"): None, ("COERCE", "ban"): "restrict",
    ("THREATEN", "ban"): "restrict", ("THREATEN", "political"): "restrict", ("RETREAT", "ease"): None,
    ("RETREAT", "return"): None,
}
CONTEXT_FIXES = {"humanitarian": "human_security", "democracy": "pro_democracy", "resource": "natural_resource",
                 "refugees": "migration"}

# -- hand-written data: object sets, modes, contexts ----------------------------------------------------

OBJECT_SETS: dict[str, tuple[str, ...]] = {
    # Weapons and military materiel: AID of these is military aid; MOBILIZE of these is mode "weapons".
    "@weapons": ("weapon", "arm", "armament", "munition", "ammunition", "ammo", "shell", "missile", "rocket",
                 "drone", "uav", "tank", "artillery", "howitzer", "mortar", "launcher", "himars", "interceptor",
                 "helicopter", "jet", "fighter", "warplane", "aircraft", "bomber", "warship", "frigate",
                 "submarine", "gun", "rifle", "firearm", "grenade", "mine", "landmine", "bomb", "explosive",
                 "patriot", "javelin", "stinger", "f-16", "leopard", "abrams", "materiel", "matériel"),
    # What humanitarian or general aid consists of.
    "@aid_goods": ("aid", "assistance", "relief", "help", "food", "medicine", "medication", "vaccine", "water",
                   "fuel", "shelter", "tent", "blanket", "grain", "wheat", "flour", "supply", "equipment",
                   "generator", "support"),
    # Money given: economic aid.
    "@money": ("money", "fund", "funding", "loan", "grant", "credit", "cash", "dollar", "euro", "pound",
               "million", "billion", "financing", "budget", "donation", "package"),
    # What sanctions are called.
    "@sanctions": ("sanction", "embargo", "tariff", "blacklist", "penalty", "boycott"),
    # Assets that sanctions freeze.
    "@assets": ("asset", "account", "fund", "reserve", "holding", "property", "wealth"),
    # Diplomats expelled or recalled (PLOVER SANCTION "expel"/"withdraw", not COERCE "deport").
    "@diplomats": ("ambassador", "diplomat", "envoy", "attache", "attaché", "consul", "charge d'affaires",
                   "embassy", "mission", "staff"),
    # Relations and talks broken off (SANCTION "withdraw").
    "@ties": ("tie", "relation", "talk", "negotiation", "cooperation", "contact", "dialogue", "membership",
              "agreement", "deal", "treaty", "participation", "link", "mediation", "flight", "exchange"),
    # Aid flows that can be cut (SANCTION "discontinue").
    "@aid_flows": ("aid", "assistance", "funding", "fund", "loan", "support", "supply", "delivery", "shipment",
                   "export", "import", "trade", "payment", "subsidy"),
    # Armed forces that can be deployed, massed or withdrawn.
    "@forces": ("troop", "force", "soldier", "army", "military", "unit", "battalion", "brigade", "division",
                "reservist", "reserve", "personnel", "marine", "paratrooper", "contingent", "peacekeeper",
                "warship", "tank", "police", "militia", "fighter"),
    # People who can be released or freed.
    # Restrictions that can be lifted or eased (PLOVER CONCEDE).
    "@restrictions": ("curfew", "restriction", "ban", "emergency", "measure", "martial law", "siege", "blockade",
                      "censorship", "control", "limit", "travel ban", "state of emergency", "lockdown"),
    "@detainees": ("prisoner", "hostage", "detainee", "captive", "inmate", "dissident", "activist", "journalist",
                   "soldier", "pow", "civilian", "person", "people"),
    # Claims that can be rejected or dismissed.
    "@claims": ("claim", "allegation", "accusation", "charge", "report", "criticism", "suggestion", "idea",
                "notion", "speculation", "rumour", "rumor", "concern", "warning", "assertion"),
    # Proposals and requests that can be declined or rejected.
    "@proposals": ("proposal", "offer", "request", "demand", "invitation", "plan", "call", "appeal",
                   "ultimatum", "bid", "application", "deal", "resolution", "initiative", "peace plan"),
    # Agreements that are signed or ratified (PLOVER SUPPORT).
    "@agreements": ("agreement", "deal", "accord", "pact", "treaty", "memorandum", "contract", "protocol",
                    "declaration", "convention", "charter", "ceasefire", "truce"),
    # Things released that are not people: a released report is no RETREAT.
    "@documents": ("statement", "report", "video", "footage", "data", "figure", "result", "detail", "information",
                   "document", "photo", "image", "list", "name", "record", "recording", "album", "film",
                   "book", "study", "survey", "forecast", "guidance", "update", "transcript", "audio"),
    # Attacks that are launched, carried out or conducted.
    "@attacks": ("attack", "strike", "airstrike", "offensive", "raid", "assault", "bombardment", "bombing",
                 "counteroffensive", "counterattack", "incursion", "invasion", "ambush", "operation"),
    # What is fired: heavy weapons.
    "@missiles": ("missile", "rocket", "shell", "mortar", "artillery", "salvo", "barrage", "projectile"),
    # What is fired: small arms.
    "@shots": ("shot", "bullet", "round", "gun", "rifle", "weapon", "gunfire"),
    # Utilities cut off (COERCE "withhold").
    "@utilities": ("internet", "power", "electricity", "water", "gas", "fuel", "phone", "service", "supply",
                   "communication"),
    # Shared between governments (COOPERATE, CAMEO 064).
    "@information": ("intelligence", "information", "data", "evidence", "detail", "technology", "expertise"),
}

# PLOVER type → mode → material lemmas (what is given, deployed, released; for ASSAULT the weapon used).
MODE_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "ASSAULT": {
        "drone": ("drone", "uav", "kamikaze drone", "shahed", "loitering munition"),
        "aerial": ("aircraft", "airstrike", "air", "warplane", "jet", "fighter", "helicopter", "gunship", "plane",
                   "bomber", "airpower", "air force"),
        "heavy-weapons": ("missile", "rocket", "artillery", "shell", "shelling", "mortar", "howitzer", "tank",
                          "launcher", "cannon", "salvo", "barrage", "bombardment", "himars", "grad"),
        "firearms": ("gun", "rifle", "pistol", "firearm", "bullet", "gunfire", "gunman", "shooting", "shot",
                     "sniper", "machine gun", "kalashnikov", "ak-47"),
        "explosives": ("bomb", "explosive", "ied", "landmine", "mine", "grenade", "car bomb", "roadside bomb",
                       "bombing", "blast", "explosion", "dynamite"),
        "suicide-attack": ("suicide", "suicide bomber", "suicide bombing", "suicide attack"),
        "primitive": ("knife", "machete", "axe", "stone", "rock", "fire", "arson", "stick", "club", "sword",
                      "spear", "stabbing"),
        "crowd-control": ("tear gas", "teargas", "gas", "water cannon", "rubber bullet", "baton", "pepper spray",
                          "stun grenade"),
        "unconventional": ("chemical", "sarin", "chlorine", "nerve agent", "nuclear", "biological", "radiological",
                           "wmd", "chemical weapon", "nuclear weapon"),
    },
    "MOBILIZE": {
        "troops": ("troop", "soldier", "force", "army", "military", "reservist", "reserve", "battalion", "brigade",
                   "division", "unit", "personnel", "marine", "paratrooper", "infantry", "conscript"),
        "weapons": ("tank", "warship", "ship", "missile", "weapon", "jet", "aircraft", "drone", "artillery",
                    "submarine", "bomber", "nuke", "nuclear", "launcher", "carrier", "destroyer", "frigate",
                    "fleet", "armour", "armor"),
        "police": ("police", "policeman", "officer", "gendarme", "gendarmerie", "riot police", "guard",
                   "security force"),
        "militia": ("militia", "militiaman", "militant", "paramilitary", "volunteer", "mercenary"),
    },
    "RETREAT": {
        "withdraw": ("troop", "soldier", "force", "army", "military", "unit", "personnel", "tank", "warship"),
        "release": ("prisoner", "hostage", "detainee", "captive", "inmate", "dissident", "pow", "activist",
                    "journalist"),
        "disarm": ("weapon", "arm", "arsenal", "missile", "warhead", "stockpile", "munition"),
        "ceasefire": ("ceasefire", "cease-fire", "truce", "armistice"),
        "access": ("access", "inspector", "observer", "peacekeeper", "aid worker", "monitor", "convoy", "corridor"),
    },
    "SANCTION": {
        "expel": ("ambassador", "diplomat", "envoy", "attache", "consul", "embassy"),
        "discontinue": ("sanction", "embargo", "tariff", "aid", "assistance", "funding", "trade", "export",
                        "import", "supply", "loan"),
        "withdraw": ("talk", "negotiation", "treaty", "agreement", "membership", "participation", "mission"),
    },
    "COERCE": {
        "curfew": ("curfew",),
        "martial-law": ("martial law", "state of emergency", "emergency"),
        "withhold": ("internet", "electricity", "power", "water", "fuel", "food", "utility"),
        "censor": ("website", "newspaper", "broadcaster", "channel", "publication", "media", "app", "platform"),
        "seize": ("property", "asset", "land", "ship", "vessel", "tanker", "cargo", "home", "house"),
        "arrest": ("arrest", "detention"),
    },
    "THREATEN": {
        "restrict": ("sanction", "embargo", "boycott", "blockade", "tariff", "ban", "restriction"),
        "violence": ("attack", "war", "force", "violence", "strike", "retaliation", "invasion", "response",
                     "reprisal", "revenge", "escalation", "nuclear"),
        "arrest": ("arrest", "prosecution", "detention", "jail", "prison"),
        "expel": ("expulsion", "ambassador", "diplomat"),
        "territory": ("territory", "annexation", "occupation", "land", "island"),
        "relations": ("talk", "relation", "tie", "negotiation", "deal", "agreement", "cooperation"),
    },
    "REQUEST": {
        "yield": ("ceasefire", "truce", "release", "withdrawal", "de-escalation", "restraint", "pullout"),
        "meet": ("talk", "meeting", "negotiation", "dialogue", "summit", "mediation"),
        "assist": ("aid", "assistance", "help", "support", "weapon", "arm", "fund", "funding", "loan",
                   "cooperation", "intelligence"),
        "change": ("reform", "resignation", "change", "election", "investigation", "inquiry"),
    },
    "REJECT": {
        "yield": ("ceasefire", "truce", "release", "withdrawal", "de-escalation"),
        "meet": ("talk", "meeting", "negotiation", "dialogue", "summit", "mediation", "invitation"),
        "assist": ("aid", "assistance", "help", "support", "request", "cooperation"),
        "change": ("reform", "resignation", "change", "demand"),
    },
    "CONSULT": {
        "visit": ("visit", "trip", "tour"),
        "phone": ("phone", "telephone", "call", "phone call", "video call", "videoconference", "video"),
        "multilateral": ("summit", "conference", "forum", "assembly"),
    },
    "PROTEST": {
        "demo": ("demonstration", "rally", "march", "protest", "vigil", "sit-in"),
        "riot": ("riot", "unrest", "looting"),
        "strike": ("strike", "walkout", "stoppage"),
        "hunger": ("hunger strike", "hunger"),
        "boycott": ("boycott",),
        "obstruct": ("blockade", "roadblock", "barricade"),
    },
}

# Verbs whose object is the weapon used ("fired missiles", "dropped bombs"), not the target ("shot down a drone").
INSTRUMENT_VERBS = ("fire", "launch", "lob", "use", "drop", "detonate", "throw", "hurl", "plant", "deploy",
                    "unleash", "employ", "explode")

# PLOVER context → the material or modifier lemmas that imply it, for the exchange types in CONTEXT_TYPES.
CONTEXT_WORDS: dict[str, tuple[str, ...]] = {
    "military": ("weapon", "arm", "armament", "munition", "ammunition", "ammo", "missile", "rocket", "drone",
                 "uav", "tank", "artillery", "howitzer", "mortar", "launcher", "interceptor", "helicopter", "jet",
                 "fighter", "warplane", "bomber", "warship", "frigate", "submarine", "gun", "rifle", "grenade",
                 "military", "defense", "defence", "troop", "soldier", "shell", "himars", "patriot", "javelin",
                 "stinger", "f-16", "leopard", "abrams", "materiel", "matériel", "security"),
    "economic": ("money", "fund", "funding", "loan", "grant", "credit", "cash", "dollar", "euro", "million",
                 "billion", "financing", "budget", "economic", "financial", "trade", "investment", "tariff",
                 "export", "import", "debt", "subsidy"),
    "human_security": ("food", "water", "grain", "wheat", "flour", "shelter", "tent", "blanket", "fuel",
                       "humanitarian", "relief", "housing", "electricity"),
    "health": ("medicine", "medication", "vaccine", "medical", "hospital", "doctor"),
    "intelligence": ("intelligence",),
    "peacekeeping": ("peacekeeper", "peacekeeping"),
    "asylum": ("asylum",),
    "cbrn": ("nuclear", "chemical", "biological", "sarin", "chlorine", "uranium"),
    "cyber": ("cyber", "cyberattack", "hacker", "hack", "malware", "ransomware"),
    "legal": ("court", "tribunal", "judge", "trial", "lawsuit", "extradition"),
}
CONTEXT_TYPES = ("AGREE", "AID", "COOPERATE", "REJECT", "REQUEST", "SANCTION", "SUPPORT", "THREATEN", "MOBILIZE")

# -- hand-written supplement --------------------------------------------------------------------------

Entry = dict[str, Any]


def sup(lemma: str, plover: str | None, mode: str | None = None, *, cameo: str | None = None,
        context: str | None = None, particle: str | None = None, preps: Sequence[str | tuple[str, Sequence[str]]] = (),
        objects: Sequence[str] | None = None, object_mods: Sequence[str] | None = None,
        note: str) -> tuple[str, Entry]:
    """One supplement entry for a verb lemma (plover None: explicitly not an event). A preposition may
    come with the lemmas its object must have: ("on", ["strike"])."""
    entry: Entry = {"plover": plover, "mode": mode, "cameo": cameo, "context": context, "note": note}
    if particle:
        entry["particle"] = particle
    if preps:
        entry["preps"] = [{"prep": [prep]} if isinstance(prep, str) else {"prep": [prep[0]], "objects": list(prep[1])}
                          for prep in preps]
    if objects:
        entry["objects"] = list(objects)
    if object_mods:
        entry["object_mods"] = [list(object_mods)]
    return lemma, entry


SPEECH = "a verb of saying or thinking: an attribution cue for the attribute stage, not an event"
SUPPLEMENT_VERBS: list[tuple[str, Entry]] = [
    # Speech and cognition verbs PETRARCH2 codes as events ("insist" 100, "argue" 110, "think" 040, "hope" 020).
    *(sup(lemma, None, note=SPEECH) for lemma in (
        "say", "tell", "state", "add", "note", "explain", "comment", "insist", "argue", "stress", "reiterate",
        "remark", "write", "tweet", "post", "claim", "suggest", "believe", "think", "hope", "expect", "consider",
        "confirm", "describe", "mention", "respond", "reply", "estimate", "predict", "report", "announce")),
    # Intention, motion and other everyday verbs PETRARCH2 codes by default ("plan" 030, "need" 100,
    # "take" 171, "leave" 040, "die" 190): the event is in their complement, or there is none.
    *(sup(lemma, None, note="no event by itself (PETRARCH2 gives it a default code): complements decide")
      for lemma in ("plan", "prepare", "decide", "seek", "want", "need", "take", "go", "leave", "die", "control",
                    "increase", "expand", "pass", "push")),
    # ACCUSE
    sup("accuse", "ACCUSE", "allege", cameo="112", note="PLOVER ACCUSE 'allege': formally or informally accuse"),
    sup("blame", "ACCUSE", "allege", cameo="112", note="blaming someone for an act is an informal accusation"),
    sup("allege", "ACCUSE", "allege", cameo="112", note="PETRARCH2 has 110 (disapprove); alleging is 'allege'"),
    sup("charge", "ACCUSE", "allege", cameo="1121", note="'charged with murder': PLOVER 'sue, indict, or charge'"),
    sup("indict", "ACCUSE", "allege", cameo="115", note="PETRARCH2 173 (arrest); PLOVER: indictments are 'allege'"),
    sup("prosecute", "ACCUSE", "allege", cameo="115", note="bringing to trial is ACCUSE 'allege' in PLOVER"),
    sup("sue", "ACCUSE", "allege", cameo="115", note="PETRARCH2 173 (arrest); PLOVER: 'sue or bring to court'"),
    sup("slam", "ACCUSE", "disapprove", cameo="111", note="headline English for criticise; PETRARCH2 has only 'crash'"),
    sup("lambast", "ACCUSE", "disapprove", cameo="111", note="criticise harshly"),
    sup("lambaste", "ACCUSE", "disapprove", cameo="111", note="criticise harshly"),
    sup("rebuke", "ACCUSE", "disapprove", cameo="111", note="criticise formally"),
    # SANCTION
    sup("sanction", "SANCTION", "discontinue", cameo="163", context="economic",
        note="not in PETRARCH2 as a verb; PLOVER: international sanctions are SANCTION 'discontinue'"),
    *(sup(lemma, "SANCTION", "discontinue", cameo="163", objects=["@sanctions"],
          note="imposing or widening sanctions, embargoes, tariffs: SANCTION (CAMEO 163, corrected from COERCE)")
      for lemma in ("impose", "slap", "levy", "announce", "unveil", "adopt", "approve", "introduce", "extend",
                    "expand", "tighten", "broaden", "widen", "reimpose", "renew", "place")),
    sup("freeze", "SANCTION", "discontinue", cameo="163", context="economic", objects=["@assets"],
        note="freezing a state's or person's assets is a sanction"),
    sup("blacklist", "SANCTION", "discontinue", cameo="163", note="blacklisting is a sanction"),
    sup("penalize", "SANCTION", None, note="PETRARCH2 170 (coerce); a penalty reduces relations: SANCTION"),
    sup("penalise", "SANCTION", None, note="British spelling of penalize"),
    sup("fine", "SANCTION", None, cameo="172", note="a fine by a court or regulator: SANCTION (PETRARCH2 172)"),
    sup("expel", "SANCTION", "expel", cameo="166", objects=["@diplomats"],
        note="expelling diplomats is SANCTION 'expel'; expelling individuals stays COERCE 'deport' (174)"),
    sup("recall", "SANCTION", "withdraw", cameo="161", objects=["@diplomats"],
        note="recalling an ambassador reduces diplomatic relations"),
    *(sup(lemma, "SANCTION", "withdraw", cameo="161", objects=["@ties"],
          note="suspending or severing ties and talks: SANCTION 'withdraw'")
      for lemma in ("suspend", "sever", "halt", "freeze", "downgrade", "end", "cut")),
    sup("break", "SANCTION", "withdraw", cameo="161", particle="off", objects=["@ties"],
        note="'broke off relations / talks'"),
    *(sup(lemma, "SANCTION", "discontinue", cameo="162", objects=["@aid_flows"],
          note="cutting or suspending aid, trade or supplies: SANCTION 'discontinue'")
      for lemma in ("suspend", "halt", "cut", "freeze", "withhold", "stop", "end", "withdraw", "block", "ban",
                    "restrict", "reduce", "curtail", "slash")),
    sup("convict", "SANCTION", "convict", cameo="116", context="legal",
        note="PETRARCH2 173 (arrest); PLOVER SANCTION 'convict': found guilty by a court"),
    sup("sentence", "SANCTION", "convict", cameo="116", context="legal",
        note="PETRARCH2 172; a sentence follows a conviction: SANCTION 'convict'"),
    # REJECT
    sup("reject", "REJECT", None, cameo="120", note="PETRARCH2's REFUSE block has no default code"),
    sup("deny", "REJECT", None, cameo="120", note="refusing ('denied access')"),
    *(sup(lemma, "REJECT", None, cameo="120", objects=["@claims"],
          note="rejecting a claim or accusation: PLOVER REJECT is 'all rejections and refusals' (PETRARCH2 codes "
               "these 016, which PLOVER drops)")
      for lemma in ("deny", "reject", "refute", "dispute", "contest", "rebut", "deride")),
    sup("refute", "REJECT", None, cameo="120", note="PETRARCH2 016 (deny responsibility, dropped) or 110"),
    sup("refuse", "REJECT", None, cameo="120", note="'refused to hand over': PETRARCH2's REFUSE block has no default"),
    *(sup(lemma, "REJECT", None, cameo="120", note="going back on a commitment or defying a rule is a rejection")
      for lemma in ("renege", "violate", "breach", "flout", "repudiate", "disregard")),
    sup("rebuff", "REJECT", None, cameo="120", note="PETRARCH2 110 (disapprove); a rebuff is a rejection"),
    sup("spurn", "REJECT", None, cameo="120", note="PETRARCH2 110 (disapprove); spurning is rejecting"),
    sup("dismiss", None, note="'dismissed the minister' is no rejection: REJECT only with a claim or proposal"),
    sup("dismiss", "REJECT", None, cameo="120", objects=["@claims", "@proposals"],
        note="'dismissed the allegations / the proposal'"),
    sup("turn", "REJECT", None, cameo="120", particle="down", note="'turned down the offer'"),
    sup("decline", None, note="'declined to comment' is the common news use; REJECT needs an object"),
    sup("decline", "REJECT", None, cameo="120", objects=["@proposals"], note="'declined the invitation'"),
    sup("veto", "REJECT", "yield", cameo="129", note="PETRARCH2 172 (administrative sanctions); CAMEO 129 veto"),
    # AID: giving verbs + materiel / goods / money; alone most of them are too generic to be events.
    *(sup(lemma, "AID", None, cameo="072", context="military", objects=["@weapons"],
          note="giving weapons or military materiel: AID with the 'military' context (PLOVER AID has no modes)")
      for lemma in ("supply", "provide", "deliver", "send", "give", "donate", "ship", "transfer", "hand",
                    "pledge", "gift", "airlift")),
    *(sup(lemma, "AID", None, cameo="072", context="military", objects=["system", "component", "part", "battery"],
          object_mods=["@weapons", "air", "defense", "defence", "military", "missile", "radar", "artillery"],
          note="'air defense systems', 'drone components': materiel named by a generic head")
      for lemma in ("supply", "provide", "deliver", "send", "give", "donate", "ship", "transfer")),
    *(sup(lemma, "AID", None, cameo="070", objects=["@aid_goods"],
          note="giving aid, food, medicine, equipment: AID")
      for lemma in ("supply", "provide", "deliver", "send", "give", "donate", "ship", "airlift", "distribute")),
    *(sup(lemma, "AID", None, cameo="071", context="economic", objects=["@money"],
          note="giving money, loans, grants: AID with the 'economic' context")
      for lemma in ("provide", "give", "donate", "send", "transfer", "grant", "lend", "disburse", "allocate")),
    *(sup("offer", "AID", None, cameo="070", objects=[group],
          note="'is offering Iran … support / weapons': in news the support is being given, not only promised; "
               "PETRARCH2 codes offers as intent (03x → AGREE), which misses the aid itself")
      for group in ("@aid_goods", "@weapons", "@money")),
    sup("offer", "AID", None, cameo="070", objects=["support", "assistance", "aid", "help", "backing"],
        note="offering support or assistance: AID (see above)"),
    sup("provide", None, note="'provided details' is no event: PETRARCH2's 060 only with aid objects"),
    sup("give", None, note="'gave a speech' is no event: PETRARCH2's 060 only with aid objects"),
    sup("supply", "AID", None, cameo="070", note="'Iran supplies Russia': supplying is material aid"),
    sup("arm", "AID", None, cameo="072", context="military", note="'arming the rebels': military aid"),
    sup("fund", "AID", None, cameo="071", context="economic", note="PETRARCH2 061 (economic cooperation)"),
    sup("finance", "AID", None, cameo="071", context="economic", note="PETRARCH2 061 (economic cooperation)"),
    sup("bankroll", "AID", None, cameo="071", context="economic", note="financing an actor"),
    sup("rescue", "AID", None, cameo="073", note="PLOVER: hostage rescues are AID"),
    sup("aid", "AID", None, cameo="070", note="PETRARCH2 060 (COOPERATE); aiding is AID"),
    sup("assist", "AID", None, cameo="070", note="PETRARCH2 060 (COOPERATE); assisting is AID"),
    # ASSAULT
    sup("shell", "ASSAULT", "heavy-weapons", cameo="194", note="shelling is artillery fire"),
    sup("bombard", "ASSAULT", "heavy-weapons", cameo="194", note="bombardment by artillery or rockets"),
    sup("shoot", "ASSAULT", "firearms", cameo="193", note="shooting people; 'shoot down' keeps PETRARCH2's 190"),
    sup("shoot", "ASSAULT", None, cameo="190", particle="down",
        note="'shot down a drone / a jet': the object is the target"),
    sup("stab", "ASSAULT", "primitive", cameo="182", note="PLOVER 'primitive': edged weapons"),
    sup("torch", "ASSAULT", "primitive", cameo="1712", note="setting fire to property"),
    sup("behead", "ASSAULT", "targeted", cameo="186", note="executions are 'targeted' killings"),
    sup("execute", "ASSAULT", "targeted", cameo="186", objects=["@detainees", "hostage", "man", "woman", "civilian"],
        note="'executed prisoners' (not 'executed a plan')"),
    sup("demolish", "ASSAULT", "destroy", cameo="1712", note="PLOVER: demolition of housing settlements"),
    sup("hijack", "ASSAULT", "abduct", cameo="181",
        note="PETRARCH2 171 (seize); PLOVER ASSAULT 'abduct, kidnap, hijack'"),
    *(sup(lemma, "ASSAULT", None, cameo="190", objects=["@attacks"],
          note="launching or carrying out an attack (PETRARCH2's START block reads 'launch an attack' as verbal)")
      for lemma in ("launch", "carry", "conduct", "mount", "stage", "unleash", "begin", "start")),
    *(sup("fire", "ASSAULT", "firearms", cameo="193", preps=[prep],
          note="'fired on the boats': shooting at someone (PETRARCH2 needs an object for FIRE)")
      for prep in ("on", "at", "upon", "into")),
    *(sup(lemma, "ASSAULT", "heavy-weapons", cameo="194", objects=["@missiles"],
          note="firing or launching missiles, rockets, shells") for lemma in ("fire", "launch", "lob")),
    sup("launch", "ASSAULT", "drone", cameo="190", objects=["drone", "uav"], note="launching drones at a target"),
    sup("fire", "ASSAULT", "firearms", cameo="193", objects=["@shots"], note="firing shots"),
    sup("fire", "ASSAULT", "crowd-control", cameo="175", objects=["gas", "tear gas", "teargas", "water cannon"],
        note="tear gas and water cannon: PLOVER 'crowd-control'"),
    sup("fire", None, note="'fired the minister': firing is an event only with a weapon as object"),
    # REQUEST
    sup("call", "REQUEST", None, cameo="020", preps=["on"], note="'called on Moscow to withdraw'"),
    sup("call", "REQUEST", None, cameo="020", preps=["upon"], note="'called upon the parties'"),
    sup("call", "REQUEST", None, cameo="020", preps=["for"], note="'called for a ceasefire'"),
    sup("press", "REQUEST", None, cameo="020", preps=["for"], note="'pressed for an inquiry'"),
    sup("push", "REQUEST", None, cameo="020", preps=["for"], note="'pushed for a ceasefire'"),
    sup("summon", "ACCUSE", "disapprove", cameo="114", objects=["@diplomats"],
        note="PLOVER: summoning an ambassador to complain is ACCUSE, not CONSULT"),
    sup("implore", "REQUEST", None, cameo="020", note="an urgent request"),
    sup("beg", "REQUEST", None, cameo="020", note="an urgent request"),
    sup("urge", "REQUEST", None, cameo="100", note="only in PETRARCH2's comments (DEMAND block), not a verb entry"),
    # CONCEDE
    *(sup(lemma, "CONCEDE", None, cameo="081", context="legal", objects=["@restrictions"],
          note="PLOVER CONCEDE: easing administrative or legal restrictions, removing curfews")
      for lemma in ("lift", "ease", "relax", "shorten", "loosen", "end", "scrap", "remove", "rescind", "revoke")),
    *(sup(lemma, "CONCEDE", None, cameo="083", objects=["@proposals"],
          note="acceding to demands is a concession (PLOVER CONCEDE, CAMEO 083)")
      for lemma in ("accept", "meet", "heed", "grant")),
    sup("admit", "CONCEDE", None, note="PETRARCH2 050 (support); admitting fault is a verbal concession"),
    sup("confess", "CONCEDE", None, note="PETRARCH2 050 (support); a confession concedes"),
    sup("acknowledge", "CONCEDE", None, note="PETRARCH2 015 (dropped); acknowledging a fault or claim concedes"),
    sup("apologise", "CONCEDE", None, cameo="055", note="British spelling; PLOVER: regret and apologies are CONCEDE"),
    sup("pardon", "CONCEDE", None, note="PLOVER: formal pardons and amnesties are CONCEDE"),
    sup("acquit", "CONCEDE", None, context="legal", note="PLOVER: acquittals are CONCEDE"),
    # THREATEN
    sup("vow", "THREATEN", "violence", cameo="138", objects=["retaliation", "revenge", "response", "reprisal"],
        note="'vowed retaliation'"),
    sup("vow", "AGREE", None, cameo="030", note="'vowed to help': an intention to cooperate"),
    # COERCE
    sup("hack", "COERCE", "cyber", context="cyber", note="PLOVER COERCE 'cyber'"),
    sup("cut", "COERCE", "withhold", cameo="170", particle="off", objects=["@utilities"],
        note="cutting off power, water or the internet: COERCE 'withhold'"),
    sup("shut", "COERCE", "withhold", cameo="170", particle="down", objects=["internet"],
        note="internet shutdowns"),
    sup("impose", "COERCE", "curfew", cameo="1723", objects=["curfew"], note="PLOVER COERCE 'curfew'"),
    sup("declare", "COERCE", "martial-law", cameo="1724", objects=["martial law", "law", "emergency"],
        note="'declared martial law'"),
    sup("jail", "COERCE", "arrest", cameo="173", note="imprisonment (also SANCTION 'convict' when a court sentences)"),
    sup("imprison", "COERCE", "arrest", cameo="173", note="imprisonment"),
    # PROTEST
    sup("rally", "PROTEST", "demo", cameo="141", note="PETRARCH2 puts 'rally' under MOBILIZE (150)"),
    sup("go", "PROTEST", "strike", cameo="143", preps=[("on", ["strike", "walkout"])], note="'went on strike'"),
    sup("go", "PROTEST", "hunger", cameo="142", preps=[("on", ["hunger strike"])], note="'went on hunger strike'"),
    sup("picket", "PROTEST", "demo", cameo="141", note="picketing is a demonstration"),
    *(sup(lemma, "PROTEST", "strike", cameo="143", objects=["work", "job", "tool", "class", "lesson"],
          note="'shunned work', 'stopped work', 'downed tools': a strike")
      for lemma in ("shun", "stop", "down", "quit", "halt", "leave", "boycott", "skip")),
    sup("boycott", "PROTEST", "boycott", cameo="143",
        note="PETRARCH2 163, now SANCTION; a boycott by people is PROTEST"),
    # MOBILIZE
    *(sup(lemma, "MOBILIZE", "troops", cameo="154", objects=["@forces"], note="reinforcing forces in an area")
      for lemma in ("strengthen", "reinforce", "bolster", "beef", "boost", "increase", "expand")),
    sup("demobilize", "RETREAT", "disarm", cameo="0873", context="military", note="demobilising fighters disarms"),
    sup("demobilise", "RETREAT", "disarm", cameo="0873", context="military", note="British spelling"),
    sup("deploy", "MOBILIZE", None, cameo="154", note="PETRARCH2's SEND block has no default; deploying forces"),
    sup("deploy", "MOBILIZE", None, cameo="154", objects=["@forces", "@weapons"],
        note="deploying troops or weapons: MOBILIZE (PETRARCH2 also has 072 military aid for 'send troops')"),
    sup("mass", "MOBILIZE", "troops", cameo="154", objects=["@forces"], note="'massed troops on the border'"),
    sup("station", "MOBILIZE", None, cameo="154", objects=["@forces", "@weapons"], note="stationing forces"),
    sup("reinforce", "MOBILIZE", None, cameo="154", note="PETRARCH2 170 (coerce); reinforcing positions or troops"),
    sup("test", "MOBILIZE", "weapons", cameo="150", objects=["missile", "rocket", "weapon", "warhead", "bomb"],
        note="weapons tests: MOBILIZE 'weapons'"),
    # CONSULT
    sup("negotiate", "CONSULT", None, cameo="046", context="diplomatic",
        note="PETRARCH2 080 (yield: its COMPROMISE block)"),
    sup("mediate", "CONSULT", None, cameo="045", context="diplomatic", note="PETRARCH2 080 (COMPROMISE block)"),
    sup("talk", "CONSULT", None, cameo="040", preps=["with"], note="'talked with' (PETRARCH2 010 alone)"),
    sup("host", "CONSULT", "visit", cameo="043", note="hosting a visit"),
    # AGREE
    sup("agree", "AGREE", None, cameo="030",
        note="PETRARCH2 050 (diplomatic cooperation = SUPPORT); PLOVER AGREE: agree to cooperate"),
    sup("commit", "AGREE", None, cameo="030", preps=["to"], note="'committed to a truce'"),
    # SUPPORT
    sup("sign", "SUPPORT", None, cameo="057", objects=["@agreements"],
        note="PLOVER SUPPORT: 'ratify, sign, or finalize an agreement'"),
    sup("ratify", "SUPPORT", None, cameo="057", note="PETRARCH2 080 (yield); PLOVER: ratification is SUPPORT"),
    sup("endorse", "SUPPORT", None, cameo="051", note="praise or endorse"),
    # COOPERATE
    sup("cooperate", "COOPERATE", None, cameo="060",
        note="PETRARCH2 050 (diplomatic); PLOVER COOPERATE is material cooperation"),
    sup("collaborate", "COOPERATE", None, cameo="060", note="PETRARCH2 050 (diplomatic)"),
    sup("partner", "COOPERATE", None, cameo="060", preps=["with"], note="'partnered with'"),
    sup("share", "COOPERATE", None, cameo="064", context="intelligence", objects=["@information"],
        note="sharing intelligence or information (CAMEO 064)"),
    sup("extradite", "COOPERATE", None, cameo="063", context="legal", note="judicial cooperation (CAMEO 063)"),
    # RETREAT
    sup("withdraw", "RETREAT", "withdraw", cameo="0874",
        note="PETRARCH2 080 (CONCEDE); PLOVER: an actual withdrawal is RETREAT 'withdraw'"),
    sup("withdraw", "SANCTION", "expel", cameo="161", objects=["@diplomats"], note="'withdrew its ambassador'"),
    sup("retreat", "RETREAT", "withdraw", cameo="0874", note="PETRARCH2 080 (CONCEDE)"),
    sup("pull", "RETREAT", "withdraw", cameo="0874", particle="out", note="'pulled out of the city'"),
    sup("pull", "RETREAT", "withdraw", cameo="0874", particle="back", note="'pulled back its forces'"),
    sup("release", None, objects=["@documents"], note="releasing a report or video is no RETREAT"),
    sup("free", "RETREAT", "release", cameo="0841", note="'freed the hostages' (PETRARCH2 080, CONCEDE)"),
    sup("resign", "RETREAT", "resign", note="PETRARCH2 083 (CONCEDE); PLOVER: resignations are RETREAT 'resign'"),
    sup("step", "RETREAT", "resign", particle="down", note="'stepped down as prime minister'"),
    sup("quit", "RETREAT", "resign", note="quitting an office"),
    sup("surrender", "RETREAT", "disarm", cameo="0874", note="PETRARCH2 080 (CONCEDE); surrender is material"),
    sup("disarm", "RETREAT", "disarm", cameo="0873", note="PETRARCH2 190 (fight: 'disarm' as in subdue)"),
    sup("allow", "RETREAT", "access", cameo="086", objects=["access", "inspector", "observer", "aid", "convoy",
                                                            "delivery", "entry", "evacuation", "peacekeeper"],
        note="letting observers or aid in: RETREAT 'access'"),
]


def noun(lemma: str, plover: str | None, mode: str | None = None, *, cameo: str | None = None,
         context: str | None = None, of_objects: Sequence[str] | None = None,
         modifiers: Sequence[str] | None = None, note: str) -> tuple[str, Entry]:
    """One nominal event entry (plover None: the noun alone is no event)."""
    entry: Entry = {"plover": plover, "mode": mode, "cameo": cameo, "context": context, "note": note}
    if of_objects:
        entry["objects"] = list(of_objects)
    if modifiers:
        entry["modifiers"] = list(modifiers)
    return lemma, entry


LABOUR = ("general", "labor", "labour", "worker", "union", "nationwide", "national", "teacher", "doctor", "nurse",
          "transport", "rail", "railway", "port", "dock", "miner", "student", "factory", "public sector", "24-hour",
          "48-hour", "one-day", "indefinite")
NOUNS: list[tuple[str, Entry]] = [
    # ACCUSE
    noun("accusation", "ACCUSE", "allege", cameo="112", note="'Ukraine's accusation that …'"),
    noun("allegation", "ACCUSE", "allege", cameo="112", note="an allegation"),
    noun("charge", "ACCUSE", "allege", cameo="1121", note="criminal charges"),
    noun("indictment", "ACCUSE", "allege", cameo="115", note="an indictment"),
    noun("lawsuit", "ACCUSE", "allege", cameo="115", context="legal", note="a lawsuit"),
    noun("criticism", "ACCUSE", "disapprove", cameo="111", note="criticism"),
    noun("condemnation", "ACCUSE", "disapprove", cameo="111", note="a condemnation"),
    noun("complaint", "ACCUSE", "allege", cameo="114", note="an official complaint"),
    noun("investigation", "ACCUSE", "investigate", cameo="090", note="PLOVER ACCUSE 'investigate'"),
    noun("probe", "ACCUSE", "investigate", cameo="090", note="headline English for investigation"),
    noun("inquiry", "ACCUSE", "investigate", cameo="090", note="an inquiry"),
    # SANCTION
    noun("sanction", "SANCTION", "discontinue", cameo="163", context="economic", note="international sanctions"),
    noun("suspension", "SANCTION", "withdraw", cameo="161", of_objects=["@ties"], note="'a suspension of air links'"),
    noun("suspension", "SANCTION", "discontinue", cameo="162", of_objects=["@aid_flows"],
         note="'the suspension of aid'"),
    noun("embargo", "SANCTION", "discontinue", cameo="163", context="economic", note="an embargo"),
    noun("tariff", "SANCTION", "discontinue", cameo="163", context="economic",
         note="tariffs curtail commercial exchange"),
    noun("penalty", "SANCTION", None, note="a penalty"),
    noun("expulsion", "SANCTION", "expel", cameo="166", of_objects=["@diplomats"], note="'the expulsion of diplomats'"),
    noun("expulsion", "COERCE", "deport", cameo="174", note="the expulsion of individuals"),
    noun("conviction", "SANCTION", "convict", cameo="116", context="legal", note="a court conviction"),
    noun("sentence", "SANCTION", "convict", cameo="116", context="legal", note="a prison sentence"),
    # ASSAULT
    noun("attack", "ASSAULT", None, cameo="190", note="an attack (the mode comes from the weapon: 'drone attack')"),
    noun("attack", "ASSAULT", "suicide-attack", cameo="1831", modifiers=["suicide"], note="a suicide attack"),
    noun("strike", "ASSAULT", None, cameo="190", note="military strikes ('missile strike', 'drone strike')"),
    noun("strike", "PROTEST", "hunger", cameo="142", modifiers=["hunger"], note="a hunger strike"),
    noun("strike", "PROTEST", "strike", cameo="143", modifiers=list(LABOUR), note="a labour strike"),
    noun("airstrike", "ASSAULT", "aerial", cameo="195", note="an air strike"),
    noun("air strike", "ASSAULT", "aerial", cameo="195", note="an air strike"),
    noun("bombing", "ASSAULT", None, cameo="190", note="a bombing (aerial or explosive: the modifier tells)"),
    noun("bombing", "ASSAULT", "suicide-attack", cameo="1831", modifiers=["suicide"], note="a suicide bombing"),
    noun("bombing", "ASSAULT", "explosives", cameo="1832", modifiers=["car", "roadside"], note="car or roadside bomb"),
    noun("shelling", "ASSAULT", "heavy-weapons", cameo="194", note="artillery fire"),
    noun("bombardment", "ASSAULT", "heavy-weapons", cameo="194", note="artillery or rocket fire"),
    noun("assault", "ASSAULT", None, cameo="190", note="an assault"),
    noun("offensive", "ASSAULT", None, cameo="190", note="a military offensive"),
    noun("invasion", "ASSAULT", None, cameo="190", note="an invasion (use of military force)"),
    noun("raid", "COERCE", "seize", cameo="1711", note="PLOVER COERCE 'seize': search, confiscate, raid"),
    noun("raid", "ASSAULT", "aerial", cameo="195", modifiers=["air", "aerial", "bombing"], note="an air raid"),
    noun("raid", "ASSAULT", "drone", cameo="190", modifiers=["drone"], note="a drone raid"),
    noun("killing", "ASSAULT", None, cameo="1823", note="a killing"),
    noun("massacre", "ASSAULT", "targeted", cameo="202", note="mass killing of defenceless people"),
    noun("assassination", "ASSAULT", "targeted", cameo="186", note="an assassination"),
    noun("execution", "ASSAULT", "targeted", cameo="186", note="an execution"),
    noun("kidnapping", "ASSAULT", "abduct", cameo="181", note="a kidnapping"),
    noun("abduction", "ASSAULT", "abduct", cameo="181", note="an abduction"),
    noun("ambush", "ASSAULT", None, cameo="190", note="an ambush"),
    noun("shooting", "ASSAULT", "firearms", cameo="193", note="a shooting"),
    noun("stabbing", "ASSAULT", "primitive", cameo="182", note="a stabbing"),
    noun("clash", "ASSAULT", None, cameo="190", note="armed clashes"),
    noun("fighting", "ASSAULT", None, cameo="190", note="fighting"),
    noun("hostility", "ASSAULT", None, cameo="190", note="hostilities"),
    # AID
    noun("aid", "AID", None, cameo="070", note="aid; 'military aid' → context military via the modifier"),
    noun("assistance", "AID", None, cameo="070", note="assistance"),
    noun("support", "SUPPORT", None, cameo="050", note="political support"),
    noun("support", "AID", None, cameo="070", modifiers=["military", "financial", "economic", "humanitarian",
                                                          "material", "budget", "budgetary", "defense", "defence"],
         note="military or financial support is AID"),
    *(noun(lemma, "AID", None, cameo="072", context="military", of_objects=["@weapons"],
           note="'the delivery of drones': giving weapons is military aid")
      for lemma in ("delivery", "supply", "shipment", "transfer", "provision", "consignment", "donation")),
    *(noun(lemma, "AID", None, cameo="070", of_objects=["@aid_goods", "@money"],
           note="deliveries of aid, food, money") for lemma in ("delivery", "shipment", "provision", "donation")),
    noun("delivery", "AID", None, cameo="072", context="military", modifiers=["@weapons"],
         note="'arms deliveries', 'drone deliveries'"),
    noun("shipment", "AID", None, cameo="072", context="military", modifiers=["@weapons"], note="'arms shipments'"),
    noun("transfer", "AID", None, cameo="072", context="military", modifiers=["@weapons"], note="'arms transfers'"),
    noun("loan", "AID", None, cameo="071", context="economic", note="a loan to a state"),
    noun("bailout", "AID", None, cameo="071", context="economic", note="a bailout"),
    noun("asylum", "AID", None, cameo="075", context="asylum", note="granting asylum is AID"),
    noun("rescue", "AID", None, cameo="073", note="PLOVER: rescues are AID"),
    # AGREE
    noun("agreement", "AGREE", None, cameo="030", note="an agreement (PLOVER SUPPORT once signed: the verb tells)"),
    noun("deal", "AGREE", None, cameo="030", note="a deal"),
    noun("accord", "AGREE", None, cameo="030", note="an accord"),
    noun("pact", "AGREE", None, cameo="030", note="a pact"),
    noun("pledge", "AGREE", None, cameo="030", note="a pledge"),
    noun("promise", "AGREE", None, cameo="030", note="a promise"),
    noun("offer", "AGREE", None, cameo="030", note="an offer"),
    noun("commitment", "AGREE", None, cameo="030", note="a commitment"),
    # CONSULT
    noun("welcome", "CONSULT", "visit", cameo="043", note="'gave a warm welcome to': hosting a visitor"),
    noun("hearing", "ACCUSE", "investigate", cameo="090", context="legal", note="a court or committee hearing"),
    noun("talk", "CONSULT", None, cameo="040", note="talks"),
    noun("meeting", "CONSULT", None, cameo="040", note="a meeting"),
    noun("summit", "CONSULT", "multilateral", cameo="040", note="a summit"),
    noun("visit", "CONSULT", "visit", cameo="042", note="a visit"),
    noun("negotiation", "CONSULT", None, cameo="046", context="diplomatic", note="negotiations"),
    noun("consultation", "CONSULT", None, cameo="040", note="consultations"),
    noun("mediation", "CONSULT", None, cameo="045", context="diplomatic", note="mediation"),
    noun("call", "CONSULT", "phone", cameo="041", modifiers=["phone", "telephone", "video"], note="a phone call"),
    noun("call", "REQUEST", None, cameo="020", note="'calls for restraint'"),
    # PROTEST
    noun("protest", "PROTEST", "demo", cameo="141", note="a protest (diplomatic protests: the actor tells)"),
    noun("demonstration", "PROTEST", "demo", cameo="141", note="a demonstration"),
    noun("rally", "PROTEST", "demo", cameo="141", note="a rally"),
    noun("march", "PROTEST", "demo", cameo="141", note="a protest march"),
    noun("vigil", "PROTEST", "demo", cameo="141", note="a vigil"),
    noun("sit-in", "PROTEST", "obstruct", cameo="144", note="a sit-in"),
    noun("riot", "PROTEST", "riot", cameo="145", note="a riot"),
    noun("boycott", "PROTEST", "boycott", cameo="143", note="a boycott"),
    noun("walkout", "PROTEST", "strike", cameo="143", note="a walkout"),
    noun("blockade", "COERCE", "restrict", cameo="191", note="a (military) blockade"),
    noun("blockade", "PROTEST", "obstruct", cameo="144", modifiers=["road", "protest", "farmer", "trucker"],
         note="protesters' blockades"),
    # THREATEN
    noun("threat", "THREATEN", None, cameo="130", note="a threat"),
    noun("warning", "THREATEN", None, cameo="130", note="a warning"),
    noun("ultimatum", "THREATEN", "relations", cameo="139", note="an ultimatum"),
    # REJECT
    noun("rejection", "REJECT", None, cameo="120", note="a rejection"),
    noun("refusal", "REJECT", None, cameo="120", note="a refusal"),
    noun("denial", "REJECT", None, cameo="120", note="a denial"),
    noun("veto", "REJECT", "yield", cameo="129", note="a veto"),
    # REQUEST
    noun("request", "REQUEST", None, cameo="020", note="a request"),
    noun("demand", "REQUEST", None, cameo="100", note="a demand"),
    noun("appeal", "REQUEST", None, cameo="020", note="an appeal"),
    noun("plea", "REQUEST", None, cameo="020", note="a plea"),
    # CONCEDE
    noun("admission", "CONCEDE", None, note="an admission"),
    noun("confession", "CONCEDE", None, note="a confession"),
    noun("apology", "CONCEDE", None, cameo="055", note="an apology"),
    noun("concession", "CONCEDE", None, cameo="080", note="a concession"),
    noun("pardon", "CONCEDE", None, note="a pardon"),
    noun("amnesty", "CONCEDE", None, note="an amnesty"),
    # COERCE
    noun("arrest", "COERCE", "arrest", cameo="173", note="an arrest"),
    noun("detention", "COERCE", "arrest", cameo="173", note="a detention"),
    noun("crackdown", "COERCE", "restrict", cameo="170", note="a crackdown"),
    noun("curfew", "COERCE", "curfew", cameo="1723", note="a curfew"),
    noun("censorship", "COERCE", "censor", cameo="1721", note="censorship"),
    noun("deportation", "COERCE", "deport", cameo="174", note="a deportation"),
    noun("seizure", "COERCE", "seize", cameo="1711", note="a seizure"),
    noun("confiscation", "COERCE", "seize", cameo="1711", note="a confiscation"),
    noun("cyberattack", "COERCE", "cyber", context="cyber", note="PLOVER COERCE 'cyber'"),
    noun("hack", "COERCE", "cyber", context="cyber", note="a hack"),
    # MOBILIZE
    noun("mobilization", "MOBILIZE", None, cameo="150", note="a mobilization"),
    noun("mobilisation", "MOBILIZE", None, cameo="150", note="British spelling"),
    noun("deployment", "MOBILIZE", None, cameo="154", note="a deployment ('of troops' → mode troops)"),
    noun("buildup", "MOBILIZE", None, cameo="154", note="a military buildup"),
    noun("build-up", "MOBILIZE", None, cameo="154", note="a military build-up"),
    noun("exercise", None, note="'a training exercise' alone is no event"),
    noun("exercise", "MOBILIZE", None, cameo="150", modifiers=["military", "naval", "army", "air", "live-fire",
                                                                "missile", "war", "nuclear"],
         note="single-country military exercises: MOBILIZE"),
    noun("exercise", "COOPERATE", None, cameo="062", context="military", modifiers=["joint"],
         note="joint military exercises: COOPERATE"),
    noun("drill", "MOBILIZE", None, cameo="150", note="military drills"),
    noun("drill", "COOPERATE", None, cameo="062", context="military", modifiers=["joint"], note="joint drills"),
    # COOPERATE
    noun("cooperation", "COOPERATE", None, cameo="060", note="cooperation"),
    noun("partnership", "COOPERATE", None, cameo="060", note="a partnership"),
    noun("collaboration", "COOPERATE", None, cameo="060", note="a collaboration"),
    noun("extradition", "COOPERATE", None, cameo="063", context="legal", note="an extradition"),
    # RETREAT
    noun("withdrawal", "RETREAT", "withdraw", cameo="0874", note="a withdrawal ('of troops')"),
    noun("pullout", "RETREAT", "withdraw", cameo="0874", note="a pullout"),
    noun("retreat", "RETREAT", "withdraw", cameo="0874", note="a retreat"),
    noun("release", "RETREAT", "release", cameo="0841", of_objects=["@detainees"], note="'the release of hostages'"),
    noun("release", None, note="a release of data or a film is no event"),
    noun("resignation", "RETREAT", "resign", note="a resignation"),
    noun("surrender", "RETREAT", "disarm", cameo="0874", note="a surrender"),
    noun("disarmament", "RETREAT", "disarm", cameo="0873", note="disarmament"),
    noun("ceasefire", "RETREAT", "ceasefire", cameo="0871", note="a ceasefire ('agreed a ceasefire': the verb tells)"),
    noun("truce", "RETREAT", "ceasefire", cameo="0871", note="a truce"),
    noun("exchange", "RETREAT", "release", cameo="0841", modifiers=["prisoner", "hostage", "pow"],
         note="a prisoner exchange"),
    noun("swap", "RETREAT", "release", cameo="0841", modifiers=["prisoner", "hostage", "pow"],
         note="a prisoner swap"),
    # SUPPORT
    noun("endorsement", "SUPPORT", None, cameo="051", note="an endorsement"),
    noun("recognition", "SUPPORT", None, cameo="054", note="diplomatic recognition"),
    noun("praise", "SUPPORT", None, cameo="051", note="praise"),
]

# -- reading the sources ------------------------------------------------------------------------------


def read_tsv(path: Path) -> list[dict[str, str]]:
    """Rows of a tab-separated file with a header line."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Builder:
    """Holds the ontology and turns the sources into the lexicon dictionary."""

    def __init__(self, ontologies: Path, normalize: Callable[[str], str]) -> None:
        self.dir = ontologies
        self.normalize = normalize
        ontology = json.loads((ontologies / "plover_ontology.json").read_text(encoding="utf-8"))
        self.ontology = ontology
        self.types = [event["event"] for event in ontology["events"]]
        self.modes = {event["event"]: [mode["name"] for mode in event["modes"]] for event in ontology["events"]}
        self.contexts = [context["context"] for context in ontology["contexts"]]
        self.dropped: Counter[str] = Counter()
        self.mode_changes: Counter[str] = Counter()
        self.cameo = self._cameo_table()

    # -- CAMEO → PLOVER --

    def _cameo_table(self) -> dict[str, Entry]:
        table: dict[str, Entry] = {}
        rows = read_tsv(self.dir / "cameo_eventcodes.tsv")
        raw_context = {row["code"].strip(): self._context(row["plover_context"]) for row in rows}
        for row in rows:
            code = row["code"].strip()
            plover = row["plover_event"].strip()
            entry: Entry = {"description": row["description"].strip()}
            if code in CORRECTIONS:
                plover_type, mode, context, why = CORRECTIONS[code]
                entry.update(plover=plover_type, mode=mode, context=context, corrected=why)
            elif code[:3] in APPEAL_MODES or code == "02":
                mode = APPEAL_MODES.get(code[:3])
                entry.update(plover="REQUEST", mode=mode, context=raw_context.get("03" + code[2:]),
                             corrected="PLOVER 0.8 REQUEST covers all requests: CAMEO appeals (02x) are requests.")
            elif not plover or plover.startswith("("):
                entry.update(plover=None, mode=None, context=None)
            else:
                mode = row["plover_mode"].strip() or None
                if mode is not None and mode not in self.modes[plover]:
                    fixed = MODE_FIXES.get((plover, mode))
                    self.mode_changes[f"{plover} {mode} -> {fixed}"] += 1
                    mode = fixed
                context = self._context(row["plover_context"])
                if plover == "ASSAULT" and context == "military":
                    context = None  # PLOVER's "military" context means state forces: the actor tells, not the verb
                entry.update(plover=plover, mode=mode, context=context)
            self._check(entry, f"CAMEO {code}")
            table[code] = entry
        return table

    def _context(self, raw: str) -> str | None:
        for part in re.split(r"[|;]", raw):
            name = CONTEXT_FIXES.get(part.strip(), part.strip())
            if name in self.contexts:
                return name
        return None

    def _check(self, entry: Mapping[str, Any], where: str) -> None:
        plover, mode, context = entry.get("plover"), entry.get("mode"), entry.get("context")
        if plover is None:
            if mode is not None:
                raise ValueError(f"{where}: a mode without a type")
            return
        if plover not in self.types:
            raise ValueError(f"{where}: {plover!r} is not a PLOVER type")
        if mode is not None and mode not in self.modes[plover]:
            raise ValueError(f"{where}: {mode!r} is not a mode of {plover}")
        if context is not None and context not in self.contexts:
            raise ValueError(f"{where}: {context!r} is not a PLOVER context")

    def resolve(self, code: str) -> tuple[Entry | None, bool]:
        """(PLOVER reading of a PETRARCH2 code or None for no event, subject_is_target); KeyError if unknown."""
        code = code.strip().rstrip("!")
        if code in ("", "---"):
            return None, False
        first, _, second = code.partition(":")
        reversed_roles = False
        if not first or first == "---":
            first, reversed_roles = second, True
        if not CODE.fullmatch(first):
            if first in ("", "---"):
                return None, False
            raise KeyError(code)
        for candidate in (first, first[:3], first[:2]):
            if candidate in self.cameo:
                row = self.cameo[candidate]
                if row["plover"] is None:
                    return None, reversed_roles
                reading = {"cameo": first, "plover": row["plover"], "mode": row["mode"], "context": row["context"]}
                return reading, reversed_roles
        raise KeyError(code)

    # -- verbs --

    def verbs(self) -> dict[str, list[Entry]]:
        out: dict[str, list[Entry]] = {}
        for row in read_tsv(self.dir / "petrarch2_verbs.tsv"):
            parsed = self._verb_words(row["verb"].strip())
            if parsed is None:
                self.dropped["verb: coordination or auxiliary entry"] += 1
                continue
            lemma, extra = parsed
            try:
                reading, reversed_roles = self.resolve(row["code"])
            except KeyError:
                self.dropped["verb: unknown code"] += 1
                continue
            entry: Entry = {"block": row["block"].strip(), "verb": row["verb"].strip(), **extra}
            entry.update(reading or {"plover": None})
            if reversed_roles:
                entry["subject_is_target"] = True
            self._check(entry, f"verb {row['verb']}")
            out.setdefault(lemma, []).append(entry)
        for lemma, entries in out.items():
            # The block named after the lemma first (its code is the default), then dictionary order.
            entries.sort(key=lambda entry, lemma=lemma: 0 if entry["block"].lower() == lemma
                         and "particle" not in entry and "preps" not in entry else 1)
        return out

    def _verb_words(self, verb: str) -> tuple[str, Entry] | None:
        words = [word for word in re.split(r"[_\s]+", verb) if word]
        if not words or words[0] in AUXILIARY_VERBS or any(word in ("AND", "OR") for word in words):
            return None
        lemma = words[0].lower()
        extra: Entry = {}
        rest = words[1:]
        if rest and rest[0] in PARTICLES:
            extra["particle"] = rest.pop(0).lower()
        if rest and rest[-1] in PREPOSITIONS and rest[-1] not in PARTICLES:
            extra["preps"] = [{"prep": [rest.pop().lower()]}]
        if rest and rest[0] in PREPOSITIONS:
            extra["preps"] = [{"prep": [rest.pop(0).lower()]}, *extra.get("preps", [])]
        if rest:
            extra["objects"] = [self.normalize(rest[-1])]
        return lemma, extra

    # -- patterns --

    def patterns(self) -> dict[str, list[Entry]]:
        out: dict[str, list[Entry]] = {}
        for row in read_tsv(self.dir / "petrarch2_patterns.tsv"):
            text = " ".join(row["pattern"].split())
            try:
                reading, reversed_roles = self.resolve(row["code"])
            except KeyError:
                self.dropped["pattern: unknown code"] += 1
                continue
            try:
                entry = self.parse_pattern(text)
            except ValueError as error:
                self.dropped[f"pattern: {error}"] += 1
                continue
            entry.update(reading or {"plover": None, "cameo": row["code"].strip().rstrip("!") or None})
            if entry.get("cameo") == "---":
                entry["cameo"] = None
            if reversed_roles:
                entry["subject_is_target"] = True
            entry["pattern"] = text
            verbs = sorted({word.strip().split("_")[0].lower() for word in row["verb"].split(",") if word.strip()})
            if verbs:
                entry["verbs"] = verbs
            self._check(entry, f"pattern {text}")
            out.setdefault(row["block"].strip(), []).append(entry)
        return out

    def parse_pattern(self, text: str) -> Entry:
        """A PETRARCH2 pattern as constraints (see the module docstring); ValueError when it is dropped."""
        items = _group(TOKEN.findall(text))
        stars = [index for index, item in enumerate(items) if item == "*"]
        if len(stars) != 1:
            raise ValueError("not exactly one verb")
        before, after = items[:stars[0]], items[stars[0] + 1:]
        entry: Entry = {}
        subject = self._subject(before)
        if subject is not None:
            entry["subjects"] = subject
        particle: str | None = None
        obj: list[list[str]] = []  # phrase words, each a list of alternatives
        obj_closed = False
        preps: list[Entry] = []
        open_prep: Entry | None = None
        open_prep_words: list[list[str]] = []
        for position, item in enumerate(after):
            if isinstance(item, tuple):
                kind, inner = item
                words = [word for word in inner if isinstance(word, str)]
                if kind == "{" and not (words and _alternatives(words[0])[0] in PREPOSITIONS):
                    if open_prep is not None:
                        open_prep_words.extend(self._phrase_words(words))
                        continue
                    if obj_closed:
                        raise ValueError("two objects")
                    obj.extend(self._phrase_words(words))
                    continue
                self._close_prep(open_prep, open_prep_words)
                open_prep, open_prep_words = None, []
                if obj:
                    obj_closed = True
                head = _alternatives(words[0]) if words else []
                if not words or not all(word in PREPOSITIONS or word in PARTICLES for word in head):
                    raise ValueError("parenthesis without a preposition")
                prep: Entry = {"prep": sorted({word.lower() for word in head})}
                nested = [word for sub in inner if isinstance(sub, tuple) for word in sub[1] if isinstance(word, str)]
                pobj = self._phrase_words([*words[1:], *nested])
                if pobj:
                    prep["objects"] = sorted(self._expand_words(pobj[-1]))
                preps.append(prep)
                continue
            if item in MARKERS:
                continue
            alternatives = _alternatives(item)
            if position == 0 and alternatives[0] in PARTICLES and len(alternatives) == 1:
                particle = alternatives[0].lower()
                continue
            if alternatives[0] in PREPOSITIONS and all(word in PREPOSITIONS for word in alternatives):
                self._close_prep(open_prep, open_prep_words)
                if obj:
                    obj_closed = True
                open_prep = {"prep": sorted({word.lower() for word in alternatives})}
                open_prep_words = []
                preps.append(open_prep)
                continue
            if open_prep is not None:
                open_prep_words.extend(self._phrase_words([item]))
                continue
            if obj_closed:
                raise ValueError("two objects")
            obj.extend(self._phrase_words([item]))
        self._close_prep(open_prep, open_prep_words)
        if particle:
            entry["particle"] = particle
        if preps:
            entry["preps"] = preps
        if obj:
            head, mods = obj[-1], obj[:-1]
            entry["objects"] = sorted(self._expand_words(head))
            if mods:
                entry["object_mods"] = [sorted(self._expand_words(mod)) for mod in mods]
        return entry

    def _close_prep(self, prep: Entry | None, words: list[list[str]]) -> None:
        if prep is not None and words:
            prep["objects"] = sorted(self._expand_words(words[-1]))

    def _subject(self, before: Sequence[Any]) -> list[str] | None:
        words: list[list[str]] = []
        for item in before:
            if isinstance(item, tuple):
                if item[0] == "(":
                    raise ValueError("words before the verb other than a subject")
                words.extend(self._phrase_words([word for word in item[1] if isinstance(word, str)]))
                continue
            if item in MARKERS:
                continue
            if item in NOT_SUBJECT_WORDS or item.endswith("LY") or item in PREPOSITIONS:
                raise ValueError("words before the verb other than a subject")
            words.extend(self._phrase_words([item]))
        if not words:
            return None
        return sorted(self._expand_words(words[-1]))

    def _phrase_words(self, words: Iterable[str]) -> list[list[str]]:
        """Content words of a phrase, each with its "/" alternatives; synset names checked."""
        out: list[list[str]] = []
        for word in words:
            if word in MARKERS or word in FUNCTION_WORDS:
                continue
            alternatives = _alternatives(word)
            for alternative in alternatives:
                if alternative.startswith("&") and alternative.rstrip("_") not in SYNSETS:
                    raise ValueError("undefined synset")
            out.append(alternatives)
        return out

    def _expand_words(self, alternatives: Iterable[str]) -> set[str]:
        """Normalised words; synsets stay as their names (expanded at load time)."""
        out: set[str] = set()
        for word in alternatives:
            if word.startswith("&"):
                out.add(word.rstrip("_"))
            else:
                out.add(self.normalize(word.replace("_", " ")))
        return out

    # -- supplement and nouns --

    def supplement(self, entries: Iterable[tuple[str, Entry]], where: str) -> dict[str, list[Entry]]:
        out: dict[str, list[Entry]] = {}
        for lemma, raw in entries:
            entry = {key: value for key, value in raw.items() if value is not None}
            entry.setdefault("plover", None)
            for key in ("objects", "modifiers"):
                if key in entry:
                    entry[key] = self._names_or_words(entry[key])
            for prep in entry.get("preps", ()):
                if "objects" in prep:
                    prep["objects"] = self._names_or_words(prep["objects"])
            if "object_mods" in entry:
                entry["object_mods"] = [self._names_or_words(slot) for slot in entry["object_mods"]]
            if entry.get("cameo") and entry.get("plover"):
                code_reading = self.cameo.get(entry["cameo"])
                if code_reading is None:
                    raise ValueError(f"{where} {lemma}: unknown CAMEO code {entry['cameo']}")
                entry.setdefault("context", code_reading.get("context"))
                if entry.get("context") is None:
                    entry.pop("context", None)
            self._check(entry, f"{where} {lemma}")
            key = lemma if where == "supplement" else self.normalize(lemma)
            out.setdefault(key, []).append(entry)
        return out

    def _names_or_words(self, words: Iterable[str]) -> list[str]:
        return sorted({word if word[:1] in "&@" else self.normalize(word) for word in words})

    def sets(self) -> dict[str, list[str]]:
        out = {name: sorted({self.normalize(word) for word in words}) for name, words in OBJECT_SETS.items()}
        out.update({name: sorted({self.normalize(word) for word in words}) for name, words in SYNSETS.items()})
        return out

    def mode_words(self) -> dict[str, Any]:
        modes: dict[str, dict[str, list[str]]] = {}
        for plover, by_mode in MODE_WORDS.items():
            for mode, words in by_mode.items():
                self._check({"plover": plover, "mode": mode}, "MODE_WORDS")
                modes.setdefault(plover, {})[mode] = sorted({self.normalize(word) for word in words})
        return {"modes": modes, "instrument_verbs": sorted(INSTRUMENT_VERBS)}

    def context_words(self) -> dict[str, Any]:
        for context in CONTEXT_WORDS:
            if context not in self.contexts:
                raise ValueError(f"CONTEXT_WORDS: {context!r} is not a PLOVER context")
        return {"types": sorted(CONTEXT_TYPES),
                "contexts": {context: sorted({self.normalize(word) for word in words})
                             for context, words in CONTEXT_WORDS.items()}}


def _alternatives(word: str) -> list[str]:
    return [part for part in word.split("/") if part]


def _group(tokens: Sequence[str]) -> list[Any]:
    """Tokens with (...) and {...} groups as ("(", [items]) / ("{", [items]); ValueError if unbalanced."""
    stack: list[tuple[str, list[Any]]] = [("", [])]
    closing = {")": "(", "}": "{"}
    for token in tokens:
        if token in "({":
            stack.append((token, []))
        elif token in closing:
            kind, items = stack.pop() if len(stack) > 1 else ("", [])
            if kind != closing[token]:
                raise ValueError("unbalanced brackets")
            stack[-1][1].append((kind, items))
        else:
            stack[-1][1].append(token)
    if len(stack) != 1:
        raise ValueError("unbalanced brackets")
    return stack[0][1]


# -- assembling ----------------------------------------------------------------------------------------


def build(ontologies: Path) -> dict[str, Any]:
    """The whole lexicon as a JSON-ready dictionary."""
    builder = Builder(ontologies, _normalizer())
    verbs = builder.verbs()
    patterns = builder.patterns()
    supplement = builder.supplement(SUPPLEMENT_VERBS, "supplement")
    nouns = builder.supplement(NOUNS, "noun")
    data: dict[str, Any] = {
        "about": {
            "what": "Parallax event lexicon: verbs (with their complements) and nouns that name PLOVER events.",
            "generated_by": "scripts/build_event_lexicon.py (do not edit by hand; rebuild and commit)",
            "licence": "Derived data. PETRARCH2 verb dictionary: MIT (c) 2015 Open Event Data Alliance. "
                       "PLOVER ontology and CAMEO-to-PLOVER table: CC BY-SA 4.0 (Open Event Data Alliance), "
                       "so the PLOVER-derived parts of this file are shared under CC BY-SA 4.0. CAMEO codes: "
                       "public (Schrodt et al.). Supplement, nouns and word lists: written for Parallax.",
            "sources": [
                {"file": name, "sha256": sha256(ontologies / name), "licence": licence, "origin": origin}
                for name, licence, origin in (
                    ("plover_ontology.json", "CC BY-SA 4.0",
                     "github.com/openeventdata/PLOVER PLOVER_MANUAL.tex (PLOVER 0.8)"),
                    ("cameo_eventcodes.tsv", "CAMEO public; PLOVER columns CC BY-SA 4.0",
                     "CAMEO 1.1b3 codes with CAMEO2PLOVER-2021"),
                    ("petrarch2_verbs.tsv", "MIT", "github.com/openeventdata/petrarch2 CAMEO.2.0.txt"),
                    ("petrarch2_patterns.tsv", "MIT", "github.com/openeventdata/petrarch2 CAMEO.2.0.txt"))],
            "synsets": "the &NAME word sets are PETRARCH2's synsets (CAMEO.2.0.txt, MIT) as head lemmas",
        },
        "plover": {"types": builder.types, "modes": builder.modes, "contexts": builder.contexts},
        "cameo": builder.cameo,
        "verbs": verbs,
        "verb_patterns": patterns,
        "supplement": supplement,
        "nouns": nouns,
        "sets": builder.sets(),
        "modes_by_object": builder.mode_words(),
        "contexts_by_object": builder.context_words(),
    }
    data["stats"] = stats(data, builder)
    return data


def stats(data: Mapping[str, Any], builder: Builder) -> dict[str, Any]:
    """Coverage figures recorded in the JSON and printed by the script."""
    per_type: dict[str, Counter[str]] = {plover: Counter() for plover in builder.types}
    for entries in data["verbs"].values():
        for entry in entries:
            if entry.get("plover"):
                per_type[entry["plover"]]["petrarch2-verb"] += 1
    kept = blocking = 0
    for entries in data["verb_patterns"].values():
        for entry in entries:
            if entry.get("plover"):
                kept += 1
                per_type[entry["plover"]]["petrarch2-pattern"] += 1
            else:
                blocking += 1
    for section, label in (("supplement", "supplement"), ("nouns", "noun")):
        for entries in data[section].values():
            for entry in entries:
                if entry.get("plover"):
                    per_type[entry["plover"]][label] += 1
    event_lemmas = sum(1 for entries in data["verbs"].values() if any(entry.get("plover") for entry in entries))
    return {
        "verb_lemmas": len(data["verbs"]),
        "verb_lemmas_with_an_event_entry": event_lemmas,
        "verb_blocks": len({entry["block"] for entries in data["verbs"].values() for entry in entries}),
        "patterns_kept_with_event": kept,
        "patterns_kept_as_no_event": blocking,
        "patterns_dropped": dict(sorted(builder.dropped.items())),
        "cameo_modes_renamed": dict(sorted(builder.mode_changes.items())),
        "supplement_verb_lemmas": len(data["supplement"]),
        "supplement_entries": sum(len(entries) for entries in data["supplement"].values()),
        "noun_lemmas": len(data["nouns"]),
        "entries_per_plover_type": {plover: dict(sorted(counts.items())) | {"total": sum(counts.values())}
                                    for plover, counts in per_type.items()},
    }


def _normalizer() -> Callable[[str], str]:
    """`parallax.events.lexicon.normalize_noun` from this checkout, so build and look-up agree."""
    if str(SRC) not in sys.path:
        sys.path.insert(0, str(SRC))
    from parallax.events.lexicon import normalize_noun
    return normalize_noun


def render(data: Mapping[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("ontologies", nargs="?", type=Path, default=DEFAULT_ONTOLOGIES,
                        help="folder with the PLOVER/CAMEO/PETRARCH2 files (default: ../shared/ontologies)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write the JSON")
    parser.add_argument("--check", action="store_true", help="compare with --output instead of writing it")
    parser.add_argument("--quiet", action="store_true", help="do not print the coverage figures")
    args = parser.parse_args(argv)
    missing = [name for name in SOURCE_FILES if not (args.ontologies / name).is_file()]
    if missing:
        parser.error(f"{args.ontologies}: missing {', '.join(missing)}")
    text = render(build(args.ontologies))
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.is_file() else ""
        if current != text:
            print(f"{args.output} is out of date: run scripts/build_event_lexicon.py", file=sys.stderr)
            return 1
    else:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
    if not args.quiet:
        print(json.dumps(json.loads(text)["stats"], indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
