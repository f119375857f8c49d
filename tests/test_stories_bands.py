"""Corpus-wide reprint detection over the (week, band) LSH table: copies found across week boundaries, wire
stories copied a thousand times kept to star-shaped candidate pairs, rewrites and unrelated pages left alone, and
the same groups as the streaming `ReprintFinder`."""

from __future__ import annotations

import datetime as dt

import numpy as np

from parallax.pipeline import InProcessExecutor, LocalExecutor
from parallax.stories.bands import (
    BandSettings,
    band_rows,
    candidate_pairs,
    find_reprints,
    partition_rows,
    partitioned_candidate_pairs,
    week_of,
)
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


def planted_copies(count: int, seed: int = 3) -> tuple[np.ndarray, list[int | None]]:
    """Signatures of `count` articles over three weeks, a fifth of them copies (5% of values redrawn: a wire
    story under another byline and footer) of an article up to six days older; a few undated."""
    rng = np.random.default_rng(seed)
    signatures = rng.integers(0, 2**32 - 1, size=(count, 128), dtype=np.uint64)
    days: list[int | None] = [day("2025-03-01") + n * 21 // count for n in range(count)]
    for node in range(20, count):
        if rng.random() < 0.2:
            source = int(rng.integers(max(0, node - count // 3), node))
            signatures[node] = signatures[source]
            redrawn = rng.random(128) < 0.05
            signatures[node, redrawn] = rng.integers(0, 2**32 - 1, size=int(redrawn.sum()), dtype=np.uint64)
    for node in range(0, count, 97):
        days[node] = None
    return signatures, days


def test_partitions_hold_whole_band_groups_and_give_the_whole_tables_pairs() -> None:
    signatures, days = planted_copies(1500)
    table = band_rows(np.arange(len(days), dtype=np.int64), signatures, days)
    whole = candidate_pairs(table)
    assert len(whole) > 200
    parts = partition_rows(table, 5)
    assert sum(len(part.table["key"]) for part in parts) == len(table["key"])
    groups_seen: dict[tuple[int, int, int], int] = {}
    for part in parts:
        for week, band, key in zip(part.table["week"].tolist(), part.table["band"].tolist(),
                                   part.table["key"].tolist(), strict=True):
            assert groups_seen.setdefault((week, band, key), part.number) == part.number
    by_partition = partitioned_candidate_pairs(table, InProcessExecutor(), 5)
    assert by_partition.tolist() == np.unique(whole, axis=0).tolist()


def test_reprints_found_on_a_process_pool_equal_the_ones_found_here() -> None:
    texts = [WIRE, REWRITE, OTHER] + [copy_of(WIRE, f"Outlet {n}") for n in range(6)] \
        + [copy_of(OTHER, "Marrowgate Echo"), copy_of(REWRITE, "Coastal Times")]
    ids = [f"a{n:02d}" for n in range(len(texts))]
    # the three originals first, their copies over the next three days
    article_days: list[int | None] = [day("2025-03-03") + (0 if n < 3 else 1 + n % 3) for n in range(len(texts))]
    here = find_reprints(ids, signatures(texts), article_days)
    executor = LocalExecutor(2)
    try:
        pooled = find_reprints(ids, signatures(texts), article_days, executor=executor, partitions=3)
    finally:
        executor.close()
    assert pooled == here
    assert set(here) == {f"a{n:02d}" for n in range(3, 11)}
    assert {here[f"a{n:02d}"] for n in range(3, 9)} == {"a00"}
