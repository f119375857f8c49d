"""Corpus-wide reprint detection over the (week, band) LSH table: copies found across week boundaries, wire
stories copied a thousand times kept to star-shaped candidate pairs, rewrites and unrelated pages left alone, and
the same groups as the streaming `ReprintFinder`."""

from __future__ import annotations

import datetime as dt

import numpy as np

from parallax.stories.bands import BandSettings, band_rows, candidate_pairs, find_reprints, week_of
from parallax.stories.cluster import ReprintFinder
from parallax.stories.features import minhash_of

WIRE = (
    "Harbour officials in Brenvik said on Tuesday that a chartered tanker had leaked about 40 tonnes of fuel oil "
    "into the inner basin overnight, forcing the closure of two ferry berths. Divers from the port authority laid "
    "floating booms around the vessel before dawn, and a spokeswoman said the slick had been contained within the "
    "harbour walls. The operator, Haldor Shipping, said a valve had failed during unloading and that it would pay "
    "for the clean-up. Fishing crews were told to keep their boats out of the basin until Thursday while samples "
    "of the water are tested. Environmental groups called for an inquiry into how the tanker was inspected."
)
REWRITE = (
    "A tanker belonging to Haldor Shipping spilled fuel oil into Brenvik's inner harbour during the night, port "
    "officials confirmed, and two ferry berths have been shut. The company blamed a broken valve. Booms were put "
    "in place by port divers early in the morning; fishermen must stay away from the basin until later this week, "
    "and campaigners want to know why the ship passed its inspection."
)
OTHER = (
    "The city council of Marrowgate voted by nine to four on Monday to close the old library on Fenwick Street "
    "and move its collection to the new civic centre, despite a petition signed by more than 3,000 residents. "
    "Councillors said the building needed repairs the city could not afford."
)


def day(iso: str) -> int:
    return dt.date.fromisoformat(iso).toordinal()


def copy_of(text: str, outlet: str) -> str:
    """A reprint: the same text under another outlet's footer (two copies share ~90 % of their 5-word shingles)."""
    return f"{text} Copyright {outlet} 2025."


def signatures(texts: list[str]) -> np.ndarray:
    return np.stack([minhash_of(text) for text in texts])


def test_copies_across_a_week_boundary_name_the_earliest_original() -> None:
    sunday, monday = day("2025-03-09"), day("2025-03-10")
    assert week_of(sunday) != week_of(monday)
    ids = ["late-copy", "original", "rewrite", "other"]
    texts = [copy_of(WIRE, "Coastal Times"), WIRE, REWRITE, OTHER]
    found = find_reprints(ids, signatures(texts), [monday, sunday, monday, monday])
    assert found == {"late-copy": "original"}


def test_copies_weeks_apart_are_not_linked() -> None:
    found = find_reprints(["a", "b"], signatures([WIRE, copy_of(WIRE, "Northbridge Post")]),
                          [day("2025-03-03"), day("2025-03-24")])
    assert found == {}


def test_undated_copies_match_each_other_but_not_dated_ones() -> None:
    texts = [WIRE, copy_of(WIRE, "A"), copy_of(WIRE, "B")]
    found = find_reprints(["dated", "undated-1", "undated-2"], signatures(texts), [day("2025-03-03"), None, None])
    assert found == {"undated-2": "undated-1"}


def test_a_thousand_copies_of_one_wire_story_give_star_shaped_pairs() -> None:
    first = day("2025-05-05")
    texts = [copy_of(WIRE, f"Outlet {n}") for n in range(1000)]
    days = [first + (n % 3) for n in range(1000)]
    days[437] = first - 1  # the earliest copy is the original, wherever it sits
    sigs = signatures(texts)
    table = band_rows(np.arange(1000, dtype=np.int64), sigs, days)
    pairs = candidate_pairs(table)
    bands, _ = BandSettings().shape()
    assert len(pairs) <= 999 * bands  # every member paired with its group's first: never all 499,500 pairs
    found = find_reprints([f"p{n}" for n in range(1000)], sigs, days)
    assert len(found) == 999
    assert set(found.values()) == {"p437"}


def test_same_groups_as_the_streaming_reprint_finder() -> None:
    texts = [WIRE, REWRITE, OTHER, copy_of(WIRE, "Harbour Daily"), copy_of(OTHER, "Marrowgate Echo"),
             copy_of(REWRITE, "Coastal Times")]
    ids = [f"d{n}" for n in range(len(texts))]
    sigs = signatures(texts)
    batch = find_reprints(ids, sigs, [day("2025-03-04")] * len(texts))
    streaming = ReprintFinder(BandSettings().threshold)
    linked = {}
    for article_id, signature in zip(ids, sigs, strict=True):
        copies = streaming.copies_of(signature)
        if copies:
            linked[article_id] = copies[0][0]
        streaming.add(article_id, signature)
    assert batch == linked == {"d3": "d0", "d4": "d2", "d5": "d1"}


def test_no_articles() -> None:
    assert find_reprints([], np.zeros((0, 128), dtype=np.uint64), []) == {}
