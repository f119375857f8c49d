"""Corpus-wide reprint detection at scale: the (week, band) LSH table of `parallax.stories.bands` at 1M documents.

    .venv/bin/python bench/lsh_scale.py [--documents 1000000] [--copies 0.1] [--seed 0]

Synthetic MinHash signatures (128 values, uint32, as `features.minhash_of` makes them): documents spread over a
year (about 2,700 a day, in day order); a share `--copies` of them are copies of an earlier document published
0 to 6 days before, each copy with 5 % of its signature values redrawn (estimated Jaccard ≈ 0.95: a wire story
with a different byline and footer); 1 % of the copies are copies of a copy. The rest are independent.

Timed steps (one process, wall clock): band rows (numpy, in batches of 100,000), the DuckDB candidate query
over the whole table, the signature check of the candidates, union-find and originals. Reported: seconds per
step and in all, documents/s, rows in the band table, candidate and confirmed pairs, peak RSS, and recall and
precision of the copy links against the planted truth (a copy is right when it names its true root).
With `--workers N` (default 2; 0 skips it) the candidate step runs a second time as it runs beyond one machine:
the table hash-partitioned by key into `--partitions` parts (default 8), each part's query on a worker of a
`LocalExecutor(N)` (the same `BandPairer` stage a `RayExecutor` runs): its seconds (partitioning, worker start
and transfer included) and whether its pairs equal the whole-table query's are reported.

Only the default run writes `bench/results/lsh_scale.json`; others write `bench/work/lsh_scale_metrics.json`.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np

from common import peak_rss_mb, write_results_if_default
from parallax.pipeline import LocalExecutor
from parallax.stories.bands import (
    BandSettings,
    band_rows,
    candidate_pairs,
    confirmed,
    copy_groups,
    partitioned_candidate_pairs,
)

DAY0 = 738_000
PER_DAY = 2_700
BATCH = 100_000
REDRAWN = 0.05


def synthetic(n: int, copies: float, seed: int) -> tuple[np.ndarray, list[int], np.ndarray]:
    """Signatures (n, 128) uint32, days, and the true original of each document (itself when none)."""
    rng = np.random.default_rng(seed)
    signatures = rng.integers(0, 2**32 - 1, size=(n, 128), dtype=np.uint32)
    days = DAY0 + np.arange(n) // PER_DAY
    truth = np.arange(n)
    is_copy = rng.random(n) < copies
    is_copy[:PER_DAY * 7] = False
    for node in np.flatnonzero(is_copy).tolist():
        lag = int(rng.integers(0, 7))
        low = max(0, (int(days[node]) - lag - DAY0) * PER_DAY)
        high = min(node, low + PER_DAY)
        if high <= low:  # the first documents of a day copying that same day: take the day before
            low, high = node - PER_DAY, node
        source = int(rng.integers(low, high))
        if is_copy[source] and rng.random() > 0.01:
            source = int(truth[source])  # most copies are of an original; a few are copies of a copy
        truth[node] = truth[source]
        signatures[node] = signatures[source]
        redraw = rng.random(128) < REDRAWN
        signatures[node, redraw] = rng.integers(0, 2**32 - 1, size=int(redraw.sum()), dtype=np.uint32)
    return signatures, days.tolist(), truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--copies", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2, help="process-pool workers for the partitioned run (0: none)")
    parser.add_argument("--partitions", type=int, default=8)
    args = parser.parse_args()

    started = time.perf_counter()
    signatures, days, truth = synthetic(args.documents, args.copies, args.seed)
    generate_s = time.perf_counter() - started
    settings = BandSettings()
    timing: dict[str, float] = {}

    started = time.perf_counter()
    parts = [band_rows(np.arange(first, min(first + BATCH, len(days)), dtype=np.int64),
                     signatures[first:first + BATCH], days[first:first + BATCH], settings)
             for first in range(0, len(days), BATCH)]
    table = {column: np.concatenate([part[column] for part in parts]) for column in parts[0]}
    del parts
    timing["band_rows_s"] = time.perf_counter() - started

    started = time.perf_counter()
    candidates = candidate_pairs(table)
    timing["candidates_duckdb_s"] = time.perf_counter() - started
    rows = len(table["key"])
    partitioned: dict[str, Any] = {}
    if args.workers:
        started = time.perf_counter()
        executor = LocalExecutor(args.workers)
        try:
            by_partition = partitioned_candidate_pairs(table, executor, args.partitions)
        finally:
            executor.close()
        partitioned = {"workers": args.workers, "partitions": args.partitions,
                       "candidates_partitioned_s": round(time.perf_counter() - started, 2),
                       "same_pairs_as_whole_table": bool(np.array_equal(by_partition, np.unique(candidates, axis=0)))}
        del by_partition
    del table

    started = time.perf_counter()
    pairs = confirmed(candidates, signatures, settings.threshold)
    timing["confirm_s"] = time.perf_counter() - started

    started = time.perf_counter()
    original = copy_groups(len(days), pairs, days)
    timing["union_find_s"] = time.perf_counter() - started
    total = sum(timing.values())

    found = original != np.arange(len(days))
    planted = truth != np.arange(len(days))
    right = found & (original == truth)
    figures: dict[str, Any] = {
        "documents": len(days), "copies_planted": int(planted.sum()), "copies_found": int(found.sum()),
        "copy_recall": round(float(right.sum() / max(1, planted.sum())), 4),
        "copy_precision": round(float(right.sum() / max(1, found.sum())), 4),
        "band_rows": rows, "bands_rows_per_band": list(settings.shape()), "candidate_pairs": len(candidates),
        "confirmed_pairs": len(pairs), **{k: round(v, 2) for k, v in timing.items()}, "total_s": round(total, 2),
        "documents_per_s": round(len(days) / total), "generate_s": round(generate_s, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1), **partitioned}
    for key, value in figures.items():
        print(f"{key:22s} {value}")
    payload = {"command": ".venv/bin/python bench/lsh_scale.py", "date": time.strftime("%Y-%m-%d"),
               "settings": {"threshold": settings.threshold, "permutations": settings.permutations,
                            "copies": args.copies, "redrawn_share": REDRAWN, "per_day": PER_DAY, "seed": args.seed,
                            "workers": args.workers, "partitions": args.partitions},
               "results": figures}
    default_run = (args.documents, args.copies, args.seed) == (1_000_000, 0.1, 0)
    write_results_if_default("lsh_scale", payload, default_run)


if __name__ == "__main__":
    main()
