"""The event lexicon: PETRARCH2 verbs and patterns mapped to PLOVER, the supplement and the nominal events."""

from __future__ import annotations

import subprocess
import sys

import pytest

from parallax.events.lexicon import EventLexicon, LexiconHit, load_data, normalize_noun
from tests.pages import ROOT, SHARED

ONTOLOGIES = SHARED / "ontologies"
BUILD_SCRIPT = ROOT / "scripts" / "build_event_lexicon.py"
PLOVER_TYPES = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
                "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}


@pytest.fixture(scope="module")
def lexicon() -> EventLexicon:
    return EventLexicon.load()


def kind(hit: LexiconHit | None) -> tuple[str, str | None] | None:
    return (hit.plover, hit.mode) if hit is not None else None


def test_the_sixteen_plover_types(lexicon: EventLexicon) -> None:
    assert lexicon.types == PLOVER_TYPES
    assert "discontinue" in lexicon.modes["SANCTION"] and lexicon.modes["AID"] == ()
    assert EventLexicon.load() is lexicon  # loaded once per process


def test_accusations(lexicon: EventLexicon) -> None:
    assert kind(lexicon.verb("accuse")) == ("ACCUSE", "allege")
    assert lexicon.verb("blame").plover == "ACCUSE"
    assert kind(lexicon.verb("condemn")) == ("ACCUSE", "disapprove")
    # "Kyiv accused Moscow of war crimes": a PETRARCH2 pattern written for ACCUSE itself still applies.
    hit = lexicon.verb("accuse", prepositions=["of"], prep_objects={"of": "torture"})
    assert hit.plover == "ACCUSE" and hit.source == "petrarch2-pattern" and hit.cameo == "1122"


def test_sanctions_are_sanction_not_coerce(lexicon: EventLexicon) -> None:
    assert kind(lexicon.verb("sanction")) == ("SANCTION", "discontinue")
    hit = lexicon.verb("impose", object_lemma="sanctions", prepositions=["on"])
    assert kind(hit) == ("SANCTION", "discontinue") and hit.cameo == "163"
    assert lexicon.verb("slap", object_lemma="sanction").plover == "SANCTION"
    assert lexicon.verb("freeze", object_lemma="assets").plover == "SANCTION"
    # Imposing other things stays what PETRARCH2 and the CAMEO table say.
    assert kind(lexicon.verb("impose", object_lemma="curfew")) == ("COERCE", "curfew")
    assert lexicon.cameo("163").plover == "SANCTION"
    assert lexicon.cameo("1312").plover == "THREATEN"  # threatening sanctions is a threat


def test_giving_weapons_is_military_aid(lexicon: EventLexicon) -> None:
    for verb in ("supply", "provide", "deliver", "send"):
        hit = lexicon.verb(verb, object_lemma="drones", prepositions=["to"])
        assert hit is not None and hit.plover == "AID", verb
        # PLOVER 0.8 gives AID no modes: "military" is its context.
        assert hit.mode is None and hit.context == "military", verb
    assert lexicon.verb("provide", object_lemma="loan").context == "economic"
    assert lexicon.verb("provide", object_lemma="aid").plover == "AID"
    assert lexicon.verb("provide") is None  # "provided details"
    assert lexicon.verb("give", object_lemma="speech") is None
    assert lexicon.context_for("AID", "missile") == "military"
    assert lexicon.mode_for("AID", "missile") is None


def test_attacks(lexicon: EventLexicon) -> None:
    for verb in ("attack", "strike", "bomb", "kill", "shell"):
        assert lexicon.verb(verb).plover == "ASSAULT", verb
    shot_down = lexicon.verb("shoot", particle="down", object_lemma="drone")
    assert shot_down.plover == "ASSAULT" and shot_down.mode is None  # the drone is the target, not the weapon
    assert kind(lexicon.verb("shoot")) == ("ASSAULT", "firearms")
    assert kind(lexicon.verb("attack", prepositions=["with"], prep_objects={"with": "drones"})) == ("ASSAULT", "drone")
    assert kind(lexicon.verb("launch", object_lemma="missile")) == ("ASSAULT", "heavy-weapons")
    assert lexicon.verb("carry", particle="out", object_lemma="attack").plover == "ASSAULT"
    assert lexicon.verb("fire", object_lemma="minister") is None


def test_requests_rejections_concessions(lexicon: EventLexicon) -> None:
    assert lexicon.verb("urge").plover == "REQUEST"
    assert lexicon.verb("call", prepositions=["on"]).plover == "REQUEST"
    assert lexicon.verb("demand").plover == "REQUEST"
    for verb in ("reject", "refute", "deny", "refuse"):
        assert lexicon.verb(verb).plover == "REJECT", verb
    assert lexicon.verb("dismiss", object_lemma="allegations").plover == "REJECT"
    assert lexicon.verb("dismiss", object_lemma="minister") is None
    # Denying responsibility is CAMEO 016, which PLOVER drops: the denial is a status, not an event.
    assert lexicon.verb("deny", object_lemma="responsibility") is None
    for verb in ("admit", "confess", "acknowledge", "concede", "apologize"):
        assert lexicon.verb(verb).plover == "CONCEDE", verb


def test_speech_verbs_are_not_events(lexicon: EventLexicon) -> None:
    for verb in ("say", "tell", "state", "add", "claim", "insist", "argue", "think", "announce", "explain"):
        assert lexicon.verb(verb) is None, verb
    assert lexicon.verb("say", prepositions=["to", "in"]) is None
    assert lexicon.verb("tell", object_lemma="reporter") is None
    # A pattern can still make a speech verb an event: "announced new sanctions".
    assert lexicon.verb("announce", object_lemma="sanctions").plover == "SANCTION"


def test_other_types_by_complement(lexicon: EventLexicon) -> None:
    assert kind(lexicon.verb("withdraw", object_lemma="troops")) == ("RETREAT", "withdraw")
    assert kind(lexicon.verb("release", object_lemma="hostages")) == ("RETREAT", "release")
    assert lexicon.verb("release", object_lemma="report") is None
    assert kind(lexicon.verb("resign")) == ("RETREAT", "resign")
    assert kind(lexicon.verb("deploy", object_lemma="tanks")) == ("MOBILIZE", "weapons")
    assert kind(lexicon.verb("expel", object_lemma="diplomats")) == ("SANCTION", "expel")
    assert kind(lexicon.verb("visit")) == ("CONSULT", "visit")
    assert lexicon.verb("sign", object_lemma="agreement").plover == "SUPPORT"
    assert lexicon.verb("cooperate").plover == "COOPERATE"
    assert lexicon.verb("unknownverb") is None


def test_nominal_events(lexicon: EventLexicon) -> None:
    assert kind(lexicon.noun("accusation")) == ("ACCUSE", "allege")
    delivery = lexicon.noun("delivery", of_object="drones")
    assert delivery.plover == "AID" and delivery.context == "military"
    assert lexicon.noun("delivery") is None  # a pizza delivery
    assert kind(lexicon.noun("sanctions")) == ("SANCTION", "discontinue")
    assert kind(lexicon.noun("strike", modifier="drone")) == ("ASSAULT", "drone")
    assert kind(lexicon.noun("strike", modifier="hunger")) == ("PROTEST", "hunger")
    assert kind(lexicon.noun("strike", modifier="general")) == ("PROTEST", "strike")
    assert lexicon.noun("aid", modifier="military").context == "military"
    assert kind(lexicon.noun("talks")) == ("CONSULT", None)
    assert kind(lexicon.noun("withdrawal", of_object="troops")) == ("RETREAT", "withdraw")
    assert lexicon.noun("table") is None


def test_every_entry_is_valid_plover(lexicon: EventLexicon) -> None:
    data = load_data()
    modes = {name: set(values) for name, values in data["plover"]["modes"].items()}
    contexts = set(data["plover"]["contexts"])
    sections = [data["verbs"], data["supplement"], data["nouns"], data["verb_patterns"]]
    for section in sections:
        for entries in section.values():
            for entry in entries:
                plover = entry.get("plover")
                assert plover is None or plover in PLOVER_TYPES, entry
                assert entry.get("mode") is None or entry["mode"] in modes[plover], entry
                assert entry.get("context") is None or entry["context"] in contexts, entry
    for lemma in [*data["verbs"], *data["supplement"]]:
        hit = lexicon.verb(lemma)
        assert hit is None or hit.plover in PLOVER_TYPES
    for lemma in data["nouns"]:
        hit = lexicon.noun(lemma)
        assert hit is None or hit.plover in PLOVER_TYPES


def test_normalize_noun() -> None:
    assert [normalize_noun(word) for word in ("Arms", "sanctions", "gunmen", "casualties", "news", "gas")] == [
        "arm", "sanction", "gunman", "casualty", "news", "gas"]
    assert normalize_noun("TEAR_GAS") == "tear gas"


@pytest.mark.skipif(not ONTOLOGIES.exists(), reason="../shared/ontologies not present")
def test_build_script_reproduces_the_shipped_json() -> None:
    result = subprocess.run([sys.executable, str(BUILD_SCRIPT), str(ONTOLOGIES), "--check", "--quiet"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
