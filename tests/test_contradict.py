"""Contradiction rules of the stories stage: denial, reversal, negation, antonyms, numbers, and dispute marking.

Every claim here is about invented events (a port authority and a shipping company, a ministry and a union).
The vectors are hand-made unit vectors, no model: `related(base, cosine, other)` has exactly `cosine` with
`axis(base)` and nothing else in common with it.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from parallax.records import Claim, ClaimMention, Contradiction, Quantity
from parallax.stories.contradict import dispute_statuses, find_contradictions

DIMENSIONS = 16
_ARTICLES = itertools.count(1)  # each mention from its own article unless a test says otherwise


def axis(index: int) -> np.ndarray:
    vector = np.zeros(DIMENSIONS)
    vector[index] = 1.0
    return vector


def related(base: int, cosine: float, other: int) -> np.ndarray:
    """A unit vector whose cosine with `axis(base)` is `cosine`; the rest of it lies along `axis(other)`."""
    return cosine * axis(base) + math.sqrt(1.0 - cosine * cosine) * axis(other)


def mention(text: str, *, speaker: str | None = None, speaker_text: str | None = None, stance: str | None = None,
            negated: bool = False, published: str | None = None, quantities: list[Quantity] | None = None,
            actor_country: str | None = None, target_country: str | None = None,
            kind: str = "attribution", article_id: str | None = None, start: int = 0,
            sentence: str | None = None) -> ClaimMention:
    return ClaimMention(article_id=article_id or f"a{next(_ARTICLES)}", text=text, start=start,
                        end=start + len(text), kind=kind, speaker=speaker, sentence=sentence,
                        speaker_text=speaker_text if speaker_text is not None else speaker, stance=stance,
                        negated=negated, published=published, quantities=quantities or [],
                        actor_country=actor_country, target_country=target_country)


def claim(claim_id: str, *mentions: ClaimMention) -> Claim:
    speakers = [m.speaker for m in mentions if m.speaker]
    return Claim(id=claim_id, summary=mentions[0].text, speaker=speakers[0] if speakers else None,
                 status="single-source", mentions=list(mentions))


def quantity(text: str, value: float | None, unit: str, *, low: float | None = None, high: float | None = None,
             qualifier: str | None = None, approximate: bool = False) -> Quantity:
    return Quantity(text=text, start=0, end=len(text), value=value, unit=unit, qualifier=qualifier,
                    approximate=approximate, low=low, high=high)


def pairs(found: list[Contradiction]) -> list[tuple[str, str]]:
    return [(c.claim_id, c.other_id) for c in found]


# -- helpers of the tests themselves ------------------------------------------------------------------------


def test_related_vectors_have_the_cosine_asked_for() -> None:
    assert float(np.dot(axis(0), related(0, 0.8, 5))) == pytest.approx(0.8)
    assert float(np.linalg.norm(related(0, 0.3, 7))) == pytest.approx(1.0)
    assert float(np.dot(axis(0), axis(3))) == 0.0


# -- rule 1: denial --------------------------------------------------------------------------------------------


PORT = "Brenvik Port Authority"
SHIPPER = "Haldor Shipping"


def test_denial_by_another_speaker_on_the_same_topic() -> None:
    accusation = claim("c1", mention("Haldor Shipping's tanker Marisol dumped fuel oil in the inner harbour",
                                     speaker=PORT))
    denial = claim("c2", mention("its tanker dumped any fuel oil in the harbour", speaker=SHIPPER,
                                 speaker_text="The company", stance="deny"))
    found = find_contradictions([accusation, denial], {"c1": axis(0), "c2": related(0, 0.55, 1)})
    assert found == [Contradiction("c1", "c2", f"denial: {SHIPPER} rejects what {PORT} says")]


def test_denial_does_not_reach_an_unrelated_claim() -> None:
    cranes = claim("c1", mention("two new cranes were installed at the container terminal", speaker=PORT))
    denial = claim("c2", mention("its tanker dumped any fuel oil in the harbour", speaker=SHIPPER, stance="deny"))
    assert find_contradictions([cranes, denial], {"c1": axis(0), "c2": axis(1)}) == []


def test_denial_does_not_dispute_the_speakers_own_claim() -> None:
    route = claim("c1", mention("the company will open a new route to the northern islands next spring",
                                speaker=SHIPPER))
    denial = claim("c2", mention("its tanker dumped any fuel oil in the harbour", speaker=SHIPPER, stance="deny"))
    assert find_contradictions([route, denial], {"c1": axis(0), "c2": related(0, 0.05, 1)}) == []
    # even on a related topic a speaker's denial is not a denial of himself (no admission, so no reversal)
    cleanup = claim("c3", mention("the company paid for the clean-up of the harbour", speaker=SHIPPER))
    assert find_contradictions([cleanup, denial], {"c3": axis(0), "c2": related(0, 0.55, 1)}) == []


def test_a_shared_name_alone_relates_a_denial_only_when_no_vector_says_otherwise() -> None:
    denial = claim("c1", mention("Haldor's tanker dumped any fuel oil in the harbour", speaker=SHIPPER,
                                 speaker_text="the company", stance="deny"))
    cargo = claim("c2", mention("the Marisol tanker owned by Haldor unloaded its cargo at night", speaker=PORT))
    ferries = claim("c3", mention("Haldor will add two ferries to the island route", speaker=PORT))
    # in a story about Haldor every claim names Haldor: the topic must be close, not merely shared
    vectors = {"c1": axis(0), "c2": related(0, 0.3, 1), "c3": related(0, 0.05, 2)}
    assert pairs(find_contradictions([denial, cargo, ferries], vectors)) == []
    close = {"c1": axis(0), "c2": related(0, 0.6, 1), "c3": related(0, 0.05, 2)}
    assert pairs(find_contradictions([denial, cargo, ferries], close)) == [("c1", "c2")]
    # no vectors at all: the shared name is all there is
    assert ("c1", "c2") in pairs(find_contradictions([denial, cargo, ferries], {}))


def test_textual_denial_of_needing_help() -> None:
    offer = claim("c1", mention("the ministry will send emergency funds to help the Dockworkers' Union",
                                speaker="Ministry of Labour"))
    refusal = claim("c2", mention("the union needs no help from anyone", speaker="Dockworkers' Union"))
    found = find_contradictions([offer, refusal], {"c1": axis(0), "c2": related(0, 0.5, 1)})
    assert found == [Contradiction("c1", "c2", "denial: Dockworkers' Union rejects what Ministry of Labour says")]


def test_a_denial_does_not_dispute_another_denial() -> None:
    first = claim("c1", mention("its cranes were unsafe", speaker=PORT, stance="deny"))
    second = claim("c2", mention("its tanker dumped fuel", speaker=SHIPPER, stance="deny"))
    assert find_contradictions([first, second], {"c1": axis(0), "c2": related(0, 0.5, 1)}) == []


def test_anaphoric_denial_disputes_claims_naming_the_denier() -> None:
    accusation = claim("c1", mention("Haldor's tanker leaked fuel near the breakwater", speaker=PORT))
    storm = claim("c2", mention("the storm closed two piers for the weekend", speaker="Harbour Master"))
    rejection = claim("c3", mention("Haldor Shipping rejected the port authority's claims as baseless",
                                    speaker=SHIPPER, kind="sentence"))
    vectors = {"c1": axis(0), "c2": axis(1), "c3": related(0, 0.15, 2)}
    found = find_contradictions([accusation, storm, rejection], vectors)
    assert found == [Contradiction("c1", "c3", f"denial: {SHIPPER} rejects what {PORT} says")]


def test_anaphoric_denial_by_a_country_spares_its_own_side() -> None:
    accusation = claim("c1", mention("Norwegian trawlers fished inside the closed zone for three weeks",
                                     speaker="Danish coast guard"))
    own_side = claim("c2", mention("Norwegian trawlers will stay in port during the spawning season",
                                   speaker="Norway's fisheries directorate"))
    rejection = claim("c3", mention("the accusations", speaker="Norwegian fisheries ministry", stance="deny"))
    vectors = {"c1": axis(0), "c2": axis(1), "c3": related(0, 0.1, 2)}
    found = find_contradictions([accusation, own_side, rejection], vectors)
    assert pairs(found) == [("c1", "c3")]
    assert found[0].reason == "denial: Norwegian fisheries ministry rejects what Danish coast guard says"


# -- rule 2: reversal ----------------------------------------------------------------------------------------------


def test_reversal_by_the_same_speaker() -> None:
    denied = claim("c1", mention("its barges carried chemical waste up the river", speaker="Kestrel Freight",
                                 stance="deny", published="2031-03-01"))
    admitted = claim("c2", mention("its barges carried chemical waste up the river", speaker="kestrel freight",
                                   stance="admit", published="2031-03-09"))
    found = find_contradictions([admitted, denied], {"c1": axis(0), "c2": related(0, 0.9, 1)})
    assert found == [Contradiction("c1", "c2", "reversal: Kestrel Freight first denied, then admitted")]


def test_reversal_in_the_other_order() -> None:
    admitted = claim("c1", mention("the barges carried waste", speaker="Kestrel Freight", stance="admit",
                                   published="2031-02-01"))
    denied = claim("c2", mention("the barges carried waste", speaker="Kestrel Freight", stance="deny",
                                 published="2031-02-20"))
    found = find_contradictions([admitted, denied], {"c1": axis(0), "c2": related(0, 0.6, 1)})
    assert [c.reason for c in found] == ["reversal: Kestrel Freight first admitted, then denied"]


def test_reversal_of_a_named_speaker_by_its_written_form() -> None:
    denied = claim("c1", mention("that the dam's safety inspection was skipped", speaker="Valley Water Company",
                                 speaker_text="The president", stance="deny", published="2031-05-01"))
    admitted = claim("c2", mention("that the dam's annual safety inspection was skipped", speaker_text="The president",
                                   stance="admit", published="2031-05-03"))
    mayor = claim("c3", mention("that the dam's annual safety inspection was skipped", speaker_text="The mayor",
                                stance="admit", published="2031-05-03"))
    # one speaker's denial and admission can embed far apart: a shared word ("inspection") relates them
    vectors = {"c1": axis(0), "c2": related(0, 0.3, 1), "c3": related(0, 0.3, 2)}
    found = find_contradictions([denied, admitted, mayor], vectors)
    assert found == [Contradiction("c1", "c2", "reversal: Valley Water Company first denied, then admitted")]
    # two unnamed "presidents" may be two people: no reversal without a canonical name on one side
    unnamed = claim("c1", mention("that the dam's safety inspection was skipped", speaker_text="The president",
                                  stance="deny", published="2031-05-01"))
    assert find_contradictions([unnamed, admitted], vectors) == []


def test_no_reversal_on_unrelated_topics() -> None:
    denied = claim("c1", mention("its barges carried chemical waste", speaker="Kestrel Freight", stance="deny"))
    admitted = claim("c2", mention("it was late with its annual accounts", speaker="Kestrel Freight",
                                   stance="admit"))
    assert find_contradictions([denied, admitted], {"c1": axis(0), "c2": axis(1)}) == []


# -- rule 3: negation ---------------------------------------------------------------------------------------------


def test_negation_of_the_same_statement() -> None:
    resume = claim("c1", mention("the ferry service to Kelmar will resume on Monday", speaker="Kelmar Transit"))
    not_resume = claim("c2", mention("the ferry service to Kelmar will not resume on Monday",
                                     speaker="Brenvik Ferries"))
    found = find_contradictions([resume, not_resume], {"c1": axis(0), "c2": related(0, 0.85, 1)})
    assert found == [Contradiction("c1", "c2", "negation: Brenvik Ferries says not")]


def test_negation_flag_of_the_mention_counts() -> None:
    event = claim("c1", mention("The ferry to Kelmar sailed on Monday", kind="event", speaker_text=None,
                                negated=True))
    sailed = claim("c2", mention("the ferry to Kelmar sailed on Monday", speaker="Kelmar Transit"))
    found = find_contradictions([event, sailed], {"c1": axis(0), "c2": related(0, 0.9, 1)})
    assert [c.reason for c in found] == ["negation: one says not"]


def test_negation_needs_the_same_statement() -> None:
    resume = claim("c1", mention("the ferry service to Kelmar will resume on Monday", speaker="Kelmar Transit"))
    no_tickets = claim("c2", mention("no tickets are sold at the ferry terminal yet", speaker="Brenvik Ferries"))
    assert find_contradictions([resume, no_tickets], {"c1": axis(0), "c2": related(0, 0.5, 1)}) == []


def test_same_speaker_repeating_is_no_contradiction() -> None:
    first = claim("c1", mention("the ferry service will resume on Monday", speaker="Kelmar Transit"))
    again = claim("c2", mention("ferries will resume their service on Monday", speaker="Kelmar Transit"))
    assert find_contradictions([first, again], {"c1": axis(0), "c2": related(0, 0.9, 1)}) == []


def test_negated_antonym_is_agreement() -> None:
    fell = claim("c1", mention("harbour fees fell in March", speaker="Brenvik Port Authority"))
    did_not_rise = claim("c2", mention("harbour fees did not rise in March", speaker="Haldor Shipping"))
    assert find_contradictions([fell, did_not_rise], {"c1": axis(0), "c2": related(0, 0.8, 1)}) == []


def test_no_more_than_is_not_a_negation() -> None:
    first = claim("c1", mention("the pier holds no more than 40 boats", speaker="Harbour Master"))
    second = claim("c2", mention("the pier holds 40 boats", speaker="Brenvik Port Authority"))
    assert find_contradictions([first, second], {"c1": axis(0), "c2": related(0, 0.9, 1)}) == []


# -- rule 4: antonyms ---------------------------------------------------------------------------------------------


def test_antonymous_predicates() -> None:
    rose = claim("c1", mention("cargo volumes at the port rose in the first quarter", speaker="Harbour Master"))
    fell = claim("c2", mention("cargo volumes at the port fell in the first quarter", speaker="Haldor Shipping"))
    found = find_contradictions([rose, fell], {"c1": axis(0), "c2": related(0, 0.82, 1)})
    assert found == [Contradiction("c1", "c2", "opposites: 'rose' vs 'fell'")]


def test_antonyms_through_suffix_stripping() -> None:
    approved = claim("c1", mention("the ministry approved the dock extension", speaker="Ministry of Labour"))
    rejected = claim("c2", mention("the ministry has rejected the dock extension", speaker="Dockworkers' Union"))
    stopped = claim("c3", mention("work on the new quay stopped in May", speaker="Harbour Master"))
    starting = claim("c4", mention("work on the new quay is starting in May", speaker="Haldor Shipping"))
    vectors = {"c1": axis(0), "c2": related(0, 0.8, 1), "c3": axis(2), "c4": related(2, 0.8, 3)}
    found = find_contradictions([approved, rejected, stopped, starting], vectors)
    assert found == [Contradiction("c1", "c2", "opposites: 'approved' vs 'rejected'"),
                     Contradiction("c3", "c4", "opposites: 'stopped' vs 'starting'")]


def test_antonyms_need_the_same_statement() -> None:
    rose = claim("c1", mention("cargo volumes at the port rose in the first quarter", speaker="Harbour Master"))
    fell = claim("c2", mention("the price of diesel fell in the first quarter", speaker="Haldor Shipping"))
    assert find_contradictions([rose, fell], {"c1": axis(0), "c2": related(0, 0.5, 1)}) == []


# -- rule 5: numbers --------------------------------------------------------------------------------------------------


def _count_claims(first_text: str, first: list[Quantity], second_text: str, second: list[Quantity],
                  cosine: float = 0.6) -> list[Contradiction]:
    one = claim("c1", mention(first_text, speaker="Brenvik Port Authority", quantities=first))
    two = claim("c2", mention(second_text, speaker="Haldor Shipping", quantities=second))
    return find_contradictions([one, two], {"c1": axis(0), "c2": related(0, cosine, 1)})


def test_vague_amounts_on_different_rungs() -> None:
    found = _count_claims(
        "a small number of containers went overboard in the storm", [],
        "hundreds of containers went overboard in the storm",
        [quantity("hundreds of containers", None, "containers", low=200, high=999, approximate=True)],
    )
    assert found == [Contradiction("c1", "c2",
                                   "numbers differ: 'a small number of containers' vs 'hundreds of containers'")]


def test_exact_numbers_that_differ() -> None:
    found = _count_claims("14 workers were injured on the quay", [quantity("14 workers", 14, "workers")],
                          "31 workers were hurt on the quay", [quantity("31 workers", 31, "workers")])
    assert [c.reason for c in found] == ["numbers differ: '14 workers' vs '31 workers'"]


def test_units_are_singularised() -> None:
    found = _count_claims("one container went overboard", [quantity("one container", 1, "container")],
                          "dozens of containers went overboard",
                          [quantity("dozens of containers", None, "Containers", low=24, high=99)])
    assert pairs(found) == [("c1", "c2")]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (quantity("at least 12 workers", 12, "workers", qualifier="at least", low=12), quantity("14 workers", 14,
                                                                                                 "workers")),
        (quantity("14 workers", 14, "workers"), quantity("14 workers", 14, "workers")),
        (quantity("100 workers", 100, "workers"), quantity("105 workers", 105, "workers")),
        (quantity("about 100 workers", 100, "workers", qualifier="about", approximate=True),
         quantity("118 workers", 118, "workers")),
        (quantity("between 10 and 15 workers", None, "workers", low=10, high=15), quantity("14 workers", 14,
                                                                                              "workers")),
        (quantity("up to 20 workers", 20, "workers", qualifier="up to", high=20), quantity("6 workers", 6,
                                                                                            "workers")),
        (quantity("dozens of workers", None, "workers", low=24, high=99), quantity("40 workers", 40, "workers")),
        (quantity("14 workers", 14, "workers"), quantity("31 ships", 31, "ships")),
    ],
)
def test_compatible_numbers(first: Quantity, second: Quantity) -> None:
    assert _count_claims("workers were injured on the quay", [first],
                         "workers were hurt on the quay", [second]) == []


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (quantity("about 100 workers", 100, "workers", qualifier="about", approximate=True),
         quantity("130 workers", 130, "workers")),
        (quantity("between 10 and 15 workers", None, "workers", low=10, high=15), quantity("40 workers", 40,
                                                                                              "workers")),
        (quantity("more than 50 workers", 50, "workers", qualifier="more than", low=50), quantity("20 workers",
                                                                                                  20, "workers")),
        (quantity("dozens of workers", None, "workers", low=24, high=99), quantity("5 workers", 5, "workers")),
    ],
)
def test_conflicting_numbers(first: Quantity, second: Quantity) -> None:
    found = _count_claims("workers were injured on the quay", [first], "workers were hurt on the quay", [second])
    assert [c.reason for c in found] == [f"numbers differ: '{first.text}' vs '{second.text}'"]


def test_many_more_conflicts_with_any_count_but_many_does_not() -> None:
    small = "a small number of containers went overboard"
    many_more = _count_claims(small, [], "many more containers went overboard than the company admits", [])
    assert [c.reason for c in many_more] == [
        "numbers differ: 'a small number of containers' vs 'many more containers'"]
    hundreds = [quantity("hundreds of containers", None, "containers", low=200, high=999)]
    assert pairs(_count_claims("hundreds of containers went overboard", hundreds,
                               "many more containers went overboard", [])) == [("c1", "c2")]
    assert _count_claims("dozens of containers went overboard", [],
                         "many containers went overboard", []) == []
    assert pairs(_count_claims("a few containers went overboard", [],
                               "many containers went overboard", [])) == [("c1", "c2")]


def test_numbers_on_unrelated_topics_do_not_conflict() -> None:
    found = _count_claims("14 workers were injured on the quay", [quantity("14 workers", 14, "workers")],
                          "the union has 900 workers", [quantity("900 workers", 900, "workers")], cosine=0.05)
    assert found == []


def test_numbers_without_vectors_need_a_shared_word() -> None:
    injured = claim("c1", mention("14 workers were injured on the quay", speaker="Brenvik Port Authority",
                                  quantities=[quantity("14 workers", 14, "workers")]))
    hurt = claim("c2", mention("31 workers were injured", speaker="Haldor Shipping",
                               quantities=[quantity("31 workers", 31, "workers")]))
    members = claim("c3", mention("the union counts 900 workers", speaker="Dockworkers' Union",
                                  quantities=[quantity("900 workers", 900, "workers")]))
    found = find_contradictions([injured, hurt, members], {})
    assert pairs(found) == [("c1", "c2")]


# -- results and statuses ----------------------------------------------------------------------------------------


def _story() -> tuple[list[Claim], dict[str, np.ndarray]]:
    accusation = claim("c2", mention("Haldor Shipping's tanker Marisol dumped fuel oil in the inner harbour",
                                     speaker=PORT))
    denial = claim("c1", mention("its tanker dumped any fuel oil in the harbour", speaker=SHIPPER, stance="deny"))
    injured = claim("c4", mention("14 workers were injured on the quay", speaker=PORT,
                                  quantities=[quantity("14 workers", 14, "workers")]))
    hurt = claim("c3", mention("31 workers were hurt on the quay", speaker="Dockworkers' Union",
                               quantities=[quantity("31 workers", 31, "workers")]))
    cranes = claim("c5", mention("two new cranes were installed at the container terminal", speaker=PORT))
    vectors = {"c1": related(0, 0.6, 1), "c2": axis(0), "c3": related(2, 0.7, 3), "c4": axis(2), "c5": axis(4)}
    return [accusation, denial, injured, hurt, cranes], vectors


def test_pairs_once_sorted_with_the_smaller_id_first() -> None:
    claims, vectors = _story()
    found = find_contradictions(claims, vectors)
    assert pairs(found) == [("c1", "c2"), ("c3", "c4")]
    assert found[0].reason == f"denial: {SHIPPER} rejects what {PORT} says"
    assert found[1].reason == "numbers differ: '31 workers' vs '14 workers'"


def test_dispute_statuses_marks_both_claims_once() -> None:
    claims, vectors = _story()
    found = find_contradictions(claims, vectors)
    dispute_statuses(claims, found)
    dispute_statuses(claims, found)  # a second pass adds nothing
    by_id = {c.id: c for c in claims}
    assert by_id["c1"].status == by_id["c2"].status == "disputed"
    assert by_id["c1"].disputed_by == ["c2"]
    assert by_id["c2"].disputed_by == ["c1"]
    assert by_id["c2"].dispute_reasons == [found[0].reason]
    assert by_id["c3"].disputed_by == ["c4"] and by_id["c4"].dispute_reasons == [found[1].reason]
    assert by_id["c5"].status == "single-source"
    assert by_id["c5"].disputed_by == [] and by_id["c5"].dispute_reasons == []


def test_dispute_statuses_skips_unknown_ids() -> None:
    lone = claim("c1", mention("the ferry service will resume on Monday", speaker="Kelmar Transit"))
    dispute_statuses([lone], [Contradiction("c1", "c9", "negation: one says not")])
    assert lone.status == "single-source"
    assert lone.disputed_by == []


# -- guards learnt from real stories --------------------------------------------------------------------------


def test_the_same_words_are_never_compared() -> None:
    resume = mention("the ferry to Kelmar will resume on Monday", speaker="Kelmar Transit", article_id="x1",
                     start=120)
    not_resume = mention("the ferry to Kelmar will not resume on Monday", speaker="Brenvik Ferries",
                         article_id="x1", start=118)  # a mis-split reading of the same sentence
    vectors = {"c1": axis(0), "c2": related(0, 0.9, 1)}
    assert find_contradictions([claim("c1", resume), claim("c2", not_resume)], vectors) == []
    elsewhere = mention("the ferry to Kelmar will not resume on Monday", speaker="Brenvik Ferries")
    assert pairs(find_contradictions([claim("c1", resume), claim("c2", elsewhere)], vectors)) == [("c1", "c2")]


def test_refusing_access_is_no_denial() -> None:
    harbour = claim("c1", mention("Haldor's tankers have used Brenvik's inner harbour for years", speaker=SHIPPER))
    refusal = mention("Haldor's tankers access to the inner harbour", speaker=PORT, stance="deny",
                      sentence="The authority said it was reviewing whether to deny Haldor's tankers access to the "
                               "inner harbour.")
    vectors = {"c1": axis(0), "c2": related(0, 0.6, 1)}
    assert find_contradictions([harbour, claim("c2", refusal)], vectors) == []
    denial = mention("Haldor's tankers used the inner harbour", speaker=PORT, stance="deny")
    assert pairs(find_contradictions([harbour, claim("c2", denial)], vectors)) == [("c1", "c2")]


def test_a_topical_denial_answers_only_claims_that_point_at_the_denier() -> None:
    denial = claim("c1", mention("that Norwegian trawlers broke the quota", speaker="Norwegian fisheries ministry",
                                 stance="deny"))
    accusation = claim("c2", mention("Norwegian trawlers broke the quota", speaker="Danish coast guard",
                                     stance="accuse"))
    buyers = claim("c3", mention("Norway needs Danish buyers for its catch", speaker="Jens Holm"))
    repairs = claim("c4", mention("the harbour in Esbjerg will close for repairs in June", speaker="Esbjerg port"))
    own_side = claim("c5", mention("some Norwegian trawlers broke the quota", speaker="Norway's fisheries directorate",
                                   stance="accuse"))
    vectors = {"c1": axis(0), "c2": related(0, 0.55, 1), "c3": related(0, 0.55, 2), "c4": related(0, 0.55, 3),
               "c5": related(0, 0.55, 4)}
    found = find_contradictions([denial, accusation, buyers, repairs, own_side], vectors)
    assert found == [Contradiction("c1", "c2",
                                   "denial: Norwegian fisheries ministry rejects what Danish coast guard says")]


def test_a_claim_that_itself_denies_or_negates_is_not_disputed() -> None:
    denial = claim("c1", mention("that maintenance at the Kelmar dam was cut", speaker="Valley Water chairman",
                                 stance="deny"))
    negative = claim("c2", mention("the company never cut maintenance at the Kelmar dam",
                                   speaker="Valley Water Company"))
    mixed = claim("c3", mention("maintenance at the Kelmar dam was cut", speaker="Kelmar Dam inspectors"),
                  mention("maintenance at the Kelmar dam was cut", speaker="Kelmar Dam inspectors", stance="deny"))
    vectors = {"c1": axis(0), "c2": related(0, 0.8, 1), "c3": related(0, 0.8, 2)}
    assert find_contradictions([denial, negative, mixed], vectors) == []
    asserted = claim("c4", mention("maintenance at the Kelmar dam was cut", speaker="Kelmar Dam inspectors"))
    assert pairs(find_contradictions([denial, asserted], {"c1": axis(0), "c4": related(0, 0.8, 1)})) == [
        ("c1", "c4")]


def test_a_narrated_denial_speaks_for_the_name_it_opens_with() -> None:
    rejection = claim("c1", mention("Haldor Shipping rejected the accusations.", kind="event"))
    own = claim("c2", mention("Haldor Shipping will appeal against the fine", speaker=SHIPPER))
    accusation = claim("c3", mention("Haldor's tanker leaked fuel near the breakwater", speaker=PORT))
    vectors = {"c1": axis(0), "c2": related(0, 0.3, 1), "c3": related(0, 0.3, 2)}
    found = find_contradictions([rejection, own, accusation], vectors)
    assert found == [Contradiction("c1", "c3", f"denial: {SHIPPER} rejects what {PORT} says")]
    # opening with something else than the name: the name in the sentence still marks the company's own side
    later = claim("c1", mention("On Tuesday, Haldor Shipping rejected the accusations.", kind="event"))
    assert pairs(find_contradictions([later, own, accusation], vectors)) == [("c1", "c3")]


def test_denial_verbs_of_other_languages() -> None:
    english = claim("c1", mention("that Norwegian trawlers exceeded the quota", speaker="Norwegian fisheries ministry",
                                  stance="deny"))
    spanish = claim("c2", mention("El ministerio noruego negó que los pesqueros noruegos superaran la cuota.",
                                  kind="sentence"))
    accusation = claim("c3", mention("Norwegian trawlers exceeded the quota", speaker="Danish coast guard",
                                     stance="accuse"))
    vectors = {"c1": axis(0), "c2": related(0, 0.9, 1), "c3": related(0, 0.9, 2)}  # c2·c3 = 0.81
    found = find_contradictions([english, spanish, accusation], vectors)
    # the two denials agree; each disputes the accusation
    assert pairs(found) == [("c1", "c3"), ("c2", "c3")]
    assert found[1].reason == "denial: a source rejects what Danish coast guard says"


def test_amounts_of_differently_qualified_things_do_not_conflict() -> None:
    found = _count_claims("11 Danish trawlers were detained", [quantity("11 Danish trawlers", 11, "trawlers")],
                          "23 Norwegian trawlers were detained", [quantity("23 Norwegian trawlers", 23, "trawlers")],
                          cosine=0.8)
    assert found == []
    found = _count_claims("11 trawlers were detained", [quantity("11 trawlers", 11, "trawlers")],
                          "23 trawlers were detained", [quantity("23 trawlers", 23, "trawlers")], cosine=0.8)
    assert pairs(found) == [("c1", "c2")]


def test_amounts_in_loosely_related_claims_need_shared_words_around_them() -> None:
    cut = [quantity("about 42 percent", 42, "percent", qualifier="about", approximate=True)]
    exceeded = [quantity("18 percent", 18, "percent")]
    assert _count_claims("the quota was cut by about 42 percent this year", cut,
                         "the fleet exceeded its catch by 18 percent in 2024", exceeded, cosine=0.5) == []
    landed = _count_claims("about 42 percent of the catch was landed in Esbjerg", cut,
                           "18 percent of the catch was landed in Esbjerg", exceeded, cosine=0.5)
    assert pairs(landed) == [("c1", "c2")]



def test_synonym_units_count_the_same_thing() -> None:
    """"12 vessels" and "140 boats" seized count one thing: the figures clash; boats and workers do not meet."""
    found = _count_claims("coast guards seized 12 vessels off the cape", [quantity("12 vessels", 12, "vessels")],
                          "coast guards seized 140 boats off the cape", [quantity("140 boats", 140, "boats")])
    assert [c.reason for c in found] == ["numbers differ: '12 vessels' vs '140 boats'"]
    assert _count_claims("coast guards seized 12 vessels off the cape", [quantity("12 vessels", 12, "vessels")],
                         "coast guards questioned 140 workers off the cape",
                         [quantity("140 workers", 140, "workers")]) == []
