"""Reprints across a whole corpus at once: MinHash LSH bands in a table keyed by (week, band), for backfills.

The streaming `ReprintFinder` (cluster.py) keeps every signature in an in-memory LSH: right for a desk's daily
flow, not for a backfill of millions of pages. Here the same signatures (`features.minhash_of`) are cut into
the bands datasketch's `MinHashLSH` picks for the threshold (9 bands of 13 rows at 0.8 over 128 permutations),
each band hashed to one 64-bit key, and written as rows (article, week, band, key) of a band table. Articles that
share a row's (week, band, key) are candidate copies; each candidate is checked against the estimated Jaccard
similarity of the whole signatures; the confirmed pairs are joined with union-find into copy groups, and the
earliest article of a group (by day, then by position) is the original the others reprint.

Three steps, so each can run where the data is:

1. `band_rows`: rows of one batch of articles (numpy, no state); an article is filed under its own week and
   the next one, so two copies a few days apart across a week boundary still share a week.
2. `candidate_pairs`: for each (week, band, key) shared by two or more articles, every member paired with
   the group's first member (a star, not all pairs: a thousand copies of one wire story give 999 pairs, not
   half a million). On one machine DuckDB runs it over the whole table. With an executor (the local process
   pool or Ray), `partition_rows` hash-partitions the table by key, so every (week, band, key) group lies in
   one partition, and `BandPairer`, a pipeline stage, runs the same query per partition on the executor's
   workers; the union of the partitions' pairs is the whole table's.
3. `copy_groups`: union-find over the confirmed pairs and the original of each group.

Undated articles are filed under one week of their own: they are compared with each other only (a copy with no
date cannot be placed in time). Our own code over DuckDB and numpy: no library offers banded LSH over a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from parallax.stories.features import PERMUTATIONS

if TYPE_CHECKING:
    from parallax.pipeline import Executor

UNDATED_WEEK = -1
_MIX = np.uint64(0x9E3779B97F4A7C15)  # the golden-ratio constant of 64-bit hash mixing


@dataclass(slots=True, frozen=True)
class BandSettings:
    threshold: float = 0.8  # estimated Jaccard similarity of two copies
    permutations: int = PERMUTATIONS

    def shape(self) -> tuple[int, int]:
        """(bands, rows per band): datasketch's choice for this threshold, equal weight on both error kinds."""
        from datasketch import MinHashLSH

        lsh = MinHashLSH(threshold=self.threshold, num_perm=self.permutations)
        return lsh.b, lsh.r


def week_of(day: int | None) -> int:
    """A day number (proleptic Gregorian ordinal) as a week number, weeks starting on Monday."""
    return UNDATED_WEEK if day is None else (day - 1) // 7


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(n, bands) uint64: each band of each signature hashed to one key (a multiply-xor mix of its values)."""
    values = np.ascontiguousarray(signatures[:, :bands * rows], dtype=np.uint64).reshape(len(signatures), bands, rows)
    keys = np.zeros((len(signatures), bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for column in range(rows):
            keys = (keys ^ values[:, :, column]) * _MIX
            keys ^= keys >> np.uint64(29)
    return keys


def band_rows(positions: np.ndarray, signatures: np.ndarray, days: Sequence[int | None],
              settings: BandSettings | None = None) -> dict[str, np.ndarray]:
    """The band table's rows for a batch: columns `article` (the caller's position numbers), `week`, `band`,
    `key`; every article twice (its week and the next), undated ones once, under `UNDATED_WEEK`."""
    bands, rows = (settings or BandSettings()).shape()
    keys = band_keys(signatures, bands, rows)
    weeks = np.array([week_of(day) for day in days], dtype=np.int64)
    dated = weeks != UNDATED_WEEK
    article = np.concatenate([positions, positions[dated]])
    week = np.concatenate([weeks, weeks[dated] + 1])
    key = np.concatenate([keys, keys[dated]])
    return {"article": np.repeat(article, bands).astype(np.int64),
            "week": np.repeat(week, bands).astype(np.int64),
            "band": np.tile(np.arange(bands, dtype=np.int16), len(article)),
            "key": key.reshape(-1)}


_CANDIDATES = """
SELECT DISTINCT article, first FROM (
    SELECT article, min(article) OVER (PARTITION BY week, band, key) AS first FROM bands
) WHERE article <> first
"""


def candidate_pairs(table: dict[str, np.ndarray], connection: object | None = None) -> np.ndarray:
    """(m, 2) int64 pairs (article, first article of a shared band group), by DuckDB over the band table."""
    import duckdb

    own = connection is None
    database = duckdb.connect() if own else connection
    try:
        database.register("bands", table)  # numpy columns are scanned in place, not copied
        found = database.execute(_CANDIDATES).fetchnumpy()
        database.unregister("bands")
    finally:
        if own:
            database.close()
    return np.stack([found["article"].astype(np.int64), found["first"].astype(np.int64)], axis=1) \
        if len(found["article"]) else np.zeros((0, 2), dtype=np.int64)


@dataclass(slots=True)
class BandPartition:
    """The band table's rows whose key falls in one hash partition."""

    number: int
    table: dict[str, np.ndarray]


@dataclass(slots=True)
class PartitionPairs:
    number: int
    pairs: np.ndarray  # (m, 2) int64, as `candidate_pairs` gives them


def partition_rows(table: dict[str, np.ndarray], partitions: int) -> list[BandPartition]:
    """The table cut into `partitions` by key (key modulo the count): rows sharing a (week, band, key) group
    always land in the same partition, so each partition's candidate pairs are complete for its groups."""
    partitions = max(1, partitions)
    which = (table["key"] % np.uint64(partitions)).astype(np.int64)
    order = np.argsort(which, kind="stable")
    bounds = np.searchsorted(which[order], np.arange(partitions + 1))
    return [BandPartition(number, {column: values[order[bounds[number]:bounds[number + 1]]]
                                   for column, values in table.items()})
            for number in range(partitions)]


class BandPairer:
    """Stage: a `BandPartition` becomes its `PartitionPairs` (the DuckDB query over that partition alone)."""

    name = "reprint-bands"

    def setup(self) -> None:
        pass

    def process_batch(self, records: Sequence[Any]) -> list[Any]:
        return [PartitionPairs(record.number, candidate_pairs(record.table)) if isinstance(record, BandPartition)
                else record for record in records]


def partitioned_candidate_pairs(table: dict[str, np.ndarray], executor: Executor, partitions: int) -> np.ndarray:
    """`candidate_pairs` of the whole table, computed partition by partition on the executor's workers; the
    same pairs (a pair found in two partitions, through two bands, is kept once), sorted."""
    batches = [[partition] for partition in partition_rows(table, partitions)]
    found = [record.pairs for batch in executor.map_batches([BandPairer()], batches) for record in batch
             if isinstance(record, PartitionPairs)]
    pairs = np.concatenate(found) if found else np.zeros((0, 2), dtype=np.int64)
    return np.unique(pairs, axis=0) if len(pairs) else pairs


def confirmed(pairs: np.ndarray, signatures: np.ndarray, threshold: float, chunk: int = 65536) -> np.ndarray:
    """The pairs whose whole signatures agree on at least `threshold` of their values."""
    keep = np.zeros(len(pairs), dtype=bool)
    for first in range(0, len(pairs), chunk):
        block = pairs[first:first + chunk]
        keep[first:first + chunk] = (signatures[block[:, 0]] == signatures[block[:, 1]]).mean(axis=1) >= threshold
    return pairs[keep]


def copy_groups(count: int, pairs: np.ndarray, days: Sequence[int | None]) -> np.ndarray:
    """Per article, the position of the original it copies (itself when it copies nothing): union-find over
    the pairs, then the earliest dated member of each group (undated after dated, ties by position)."""
    parent = np.arange(count, dtype=np.int64)

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = int(parent[node])
        return node

    for left, right in pairs.tolist():
        a, b = root(left), root(right)
        if a != b:
            parent[max(a, b)] = min(a, b)
    roots = np.fromiter((root(node) for node in range(count)), dtype=np.int64, count=count)
    order = np.array([day if day is not None else np.iinfo(np.int64).max for day in days], dtype=np.int64)
    positions = np.arange(count, dtype=np.int64)
    # by group, then day, then position: the first of each group's run is its earliest member
    ranked = np.lexsort((positions, order, roots))
    starts = np.ones(count, dtype=bool)
    starts[1:] = roots[ranked][1:] != roots[ranked][:-1]
    original = np.empty(count, dtype=np.int64)
    original[ranked] = ranked[starts][np.cumsum(starts) - 1]
    return original


def find_reprints(ids: Sequence[str], signatures: np.ndarray, days: Sequence[int | None],
                  settings: BandSettings | None = None, *, executor: Executor | None = None,
                  partitions: int = 8) -> dict[str, str]:
    """Article id → the id of the original it reprints, for every copy among `ids`. Without an executor the
    candidate query runs here over the whole table; with one, over `partitions` hash partitions on its workers
    (the same answer)."""
    settings = settings or BandSettings()
    if not len(ids):
        return {}
    table = band_rows(np.arange(len(ids), dtype=np.int64), signatures, days, settings)
    candidates = (candidate_pairs(table) if executor is None
                  else partitioned_candidate_pairs(table, executor, partitions))
    pairs = confirmed(candidates, signatures, settings.threshold)
    original = copy_groups(len(ids), pairs, days)
    return {ids[node]: ids[int(source)] for node, source in enumerate(original.tolist()) if source != node}
