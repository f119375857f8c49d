"""Streaming story clustering at scale: synthetic article features through `StoryClusterer.add`, time and memory.

    .venv/bin/python bench/stories_scale.py [--sizes 10000 100000 1000000] [--batch 10000] [--seed 0]
    .venv/bin/python bench/stories_scale.py --profile 100000      # cProfile of one size (bench/work/)

Goal (issue): 1,000,000 articles on the 2-core machine in under 10 minutes with under 8 GB of memory.

Each size runs in a fresh process (so its peak RSS is its own) with a fresh `StoryClusterer()` at the default
`ClusterSettings` (as the library ships them; the results file records them), fed in `add` calls of
`--batch` articles. Only the `add` calls are timed; generating the features is timed apart, and so is the
bench's own bookkeeping (none of it counts); the CPU time of the `add` calls (all threads) is reported
beside the wall-clock time, as a check on a busy machine. Peak RSS is the worker's, data generation included.

Synthetic data (seeded, generated batch by batch: the 512-d vectors of all articles are never held at once):

- stories: sizes drawn from a Zipf law (a = 1.8, capped at 2,000 articles; about 10 articles a story on
  average, most stories of 1 to 3 articles and a few of hundreds); articles in order of day, shuffled within
  a day; about 3,000 articles a day (so 1M articles span about a year);
- vectors: a story's centre is a random unit vector in 512-d (drawn from its own seed, so a batch makes only
  the centres it needs); an article is its centre plus isotropic Gaussian noise of total variance 1/3,
  renormalised, so two articles of one story have cosine ≈ 1 / (1 + 1/3) = 0.75 and of two stories ≈ 0.0
  (± 0.044);
- days: each story starts on a random day; its articles fall on that day or the 2 next (3 days);
- entities: 3 names per story from a vocabulary of 50,000, plus 1 random name per article (two articles of
  one story: Jaccard 3/5 when their extra names differ); the story's first name is a person, its main person;
- the pair models' other signals, so that memory and time include them: every article is English and has
  `TERMS_FROM_STORY` words of its story's pool of `STORY_TERMS` and `OWN_TERMS` words of its own (hashes from
  a vocabulary of 1,000,000, equal weights: two articles of one story have a term cosine of about 0.28, of
  two stories about 0), 2 of its story's 4 numbers and 1 of its own, and its story's year;
- MinHash: an empty signature (`np.zeros(0, dtype=np.uint64)`): no reprint detection in this benchmark.

Quality on the synthetic truth (so the speed is not bought by a trivially wrong answer): pairwise and B-cubed
precision, recall and F1, exact, over all the articles of a run.

`bench/results/stories_scale.json`: per size, seconds, articles/s, peak RSS, RSS after the run, the
generation time, the quality; the growth ratios time(100k)/time(10k) and time(1M)/time(100k); checkpoints
(cumulative time and RSS) inside the largest run. A `--max-seconds` cap stops a run early (reported as such).
Only the full run (the three default sizes, batch 10,000, no cap under an hour) writes the results file; other
runs write `bench/work/stories_scale_metrics.json`.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import json
import pstats
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from common import ROOT, current_rss_mb, peak_rss_mb, write_results
from parallax.stories.cluster import ClusterSettings, StoryClusterer
from parallax.stories.features import DIMENSIONS, ArticleFeatures

WORK = ROOT / "bench" / "work"
METRICS_PATH = WORK / "stories_scale_metrics.json"
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
GOAL_SECONDS = 600
GOAL_RSS_MB = 8192
ZIPF_A = 1.8
MAX_STORY = 2_000
PER_DAY = 3_000
STORY_DAYS = 3
VOCABULARY = 50_000
STORY_NAMES = 3
NOISE_VARIANCE = 1 / 3  # same-story cosine ≈ 1 / (1 + variance) = 0.75
FIRST_DAY = 738_000  # a proleptic Gregorian ordinal (2021)
NO_MINHASH = np.zeros(0, dtype=np.uint64)
WORDS = 1_000_000
STORY_TERMS = 80
TERMS_FROM_STORY = 60
OWN_TERMS = 100
STORY_NUMBERS = 4


class Synthetic:
    """Stories, days and entities of `n` articles up front (small integer arrays); vectors made per batch."""

    def __init__(self, n: int, seed: int) -> None:
        rng = np.random.default_rng([seed, 0])
        sizes: list[np.ndarray] = []
        total = 0
        while total < n:
            drawn = np.minimum(rng.zipf(ZIPF_A, size=max(1024, n // 5)), MAX_STORY)
            sizes.append(drawn)
            total += int(drawn.sum())
        size = np.concatenate(sizes)
        cut = int(np.searchsorted(np.cumsum(size), n))  # the story holding article n - 1
        size = size[:cut + 1].copy()
        size[-1] -= int(size.sum()) - n
        self.seed = seed
        self.n = n
        self.stories = len(size)
        story = np.repeat(np.arange(self.stories, dtype=np.int32), size)
        days = max(1, -(-n // PER_DAY))
        start = rng.integers(0, days, self.stories)
        day = start[story] + rng.integers(0, STORY_DAYS, n)
        order = np.lexsort((rng.random(n), day))
        self.story = story[order]
        self.day = (day[order] + FIRST_DAY).astype(np.int64)
        self.story_names = rng.integers(0, VOCABULARY, (self.stories, STORY_NAMES))
        self.extra_name = rng.integers(0, VOCABULARY, n)
        self.names = [f"name {i:05d}" for i in range(VOCABULARY)]
        self.sizes = np.bincount(self.story, minlength=self.stories)

    def centres(self, stories: np.ndarray) -> np.ndarray:
        out = np.empty((len(stories), DIMENSIONS), dtype=np.float64)
        for row, story in enumerate(stories):
            out[row] = np.random.default_rng([self.seed, 1, int(story)]).standard_normal(DIMENSIONS)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def batch(self, first: int, last: int) -> list[ArticleFeatures]:
        story = self.story[first:last]
        unique, inverse = np.unique(story, return_inverse=True)
        rng = np.random.default_rng([self.seed, 2, first])
        noise = rng.standard_normal((last - first, DIMENSIONS)) * np.sqrt(NOISE_VARIANCE / DIMENSIONS)
        vectors = self.centres(unique)[inverse] + noise
        vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
        names = self.names
        pools = {int(s): np.random.default_rng([self.seed, 3, int(s)]).integers(
            0, WORDS, STORY_TERMS + STORY_NUMBERS) for s in unique}
        weight = np.float32(1 / np.sqrt(TERMS_FROM_STORY + OWN_TERMS))
        out = []
        for row, index in enumerate(range(first, last)):
            s = int(story[row])
            pool = pools[s]
            terms = np.unique(np.concatenate([rng.choice(pool[:STORY_TERMS], TERMS_FROM_STORY, replace=False),
                                              rng.integers(0, WORDS, OWN_TERMS)])).astype(np.uint32)
            numbers = frozenset([*(str(v) for v in rng.choice(pool[STORY_TERMS:], 2, replace=False)),
                                 str(int(rng.integers(0, WORDS)))])
            entities = frozenset([*(names[k] for k in self.story_names[s]), names[int(self.extra_name[index])]])
            out.append(ArticleFeatures(
                article_id=f"a{index:07d}", vector=vectors[row], minhash=NO_MINHASH, entities=entities,
                day=int(self.day[index]), language="en", terms=terms,
                weights=np.full(len(terms), weight, dtype=np.float32), numbers=numbers,
                years=frozenset([str(2021 + (int(self.day[index]) - FIRST_DAY - (s % 3)) // 365)]),
                persons=frozenset([names[int(self.story_names[s][0])]]),
                main_persons=frozenset([names[int(self.story_names[s][0])].split()[-1]])))
        return out


def quality(gold: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """Exact pairwise and B-cubed precision, recall, F1 from the contingency of two integer labelings."""
    g = gold.astype(np.int64)
    p = predicted.astype(np.int64)
    cell_id = g * (int(p.max()) + 1) + p
    _, cell_inverse, cell_counts = np.unique(cell_id, return_inverse=True, return_counts=True)
    cell = cell_counts[cell_inverse].astype(np.float64)
    gold_size = np.bincount(g)[g].astype(np.float64)
    pred_size = np.bincount(p)[p].astype(np.float64)

    def f1(a: float, b: float) -> float:
        return 2 * a * b / (a + b) if a + b else 0.0

    same_both = float(np.sum(cell - 1))  # ordered pairs: twice the pairs, the ratios are the same
    same_pred, same_gold = float(np.sum(pred_size - 1)), float(np.sum(gold_size - 1))
    pp = same_both / same_pred if same_pred else 1.0
    pr = same_both / same_gold if same_gold else 1.0
    bp, br = float(np.mean(cell / pred_size)), float(np.mean(cell / gold_size))
    return {"pairwise_p": round(pp, 4), "pairwise_r": round(pr, 4), "pairwise_f1": round(f1(pp, pr), 4),
            "bcubed_p": round(bp, 4), "bcubed_r": round(br, 4), "bcubed_f1": round(f1(bp, br), 4),
            "stories_found": len(np.unique(p)), "stories_true": len(np.unique(g))}


def run_size(n: int, batch: int, seed: int, settings: ClusterSettings, max_seconds: float) -> dict[str, Any]:
    """One size in this process: generate, cluster, score."""
    started = time.perf_counter()
    data = Synthetic(n, seed)
    setup_s = time.perf_counter() - started
    rss_start = current_rss_mb()
    clusterer = StoryClusterer(settings)
    label = np.full(n, -1, dtype=np.int64)
    story_number: dict[str, int] = {}
    generate_s = cluster_s = cluster_cpu_s = 0.0
    checkpoints = []
    marks = {m for m in (10_000, 100_000, 250_000, 500_000, 750_000, 1_000_000) if m <= n} | {n}
    done = 0
    stopped_early = False
    for first in range(0, n, batch):
        last = min(n, first + batch)
        t0 = time.perf_counter()
        features = data.batch(first, last)
        t1, c1 = time.perf_counter(), time.process_time()
        assignments = clusterer.add(features)
        t2, c2 = time.perf_counter(), time.process_time()
        generate_s += t1 - t0
        cluster_s += t2 - t1
        cluster_cpu_s += c2 - c1
        for assignment in assignments:
            label[int(assignment.article_id[1:])] = story_number.setdefault(assignment.story_id, len(story_number))
        done = last
        if any(first < m <= last for m in marks):
            checkpoints.append({"articles": last, "cluster_s": round(cluster_s, 2), "cpu_s": round(cluster_cpu_s, 2),
                                "articles_per_s": round(last / cluster_s, 1), "rss_mb": round(current_rss_mb(), 1)})
        if (first // batch) % 10 == 9 or last == n:
            print(f"  [{n:,}] {last:,} articles: clustering {cluster_s:.1f} s (CPU {cluster_cpu_s:.1f} s), "
                  f"generation {generate_s:.1f} s, RSS {current_rss_mb():.0f} MB", file=sys.stderr, flush=True)
        if cluster_s > max_seconds and last < n:
            stopped_early = True
            print(f"  [{n:,}] stopped after {cluster_s:.0f} s (--max-seconds)", file=sys.stderr, flush=True)
            break
    scored = quality(data.story[:done], label[:done])
    return {"articles": n, "articles_done": done, "stopped_early": stopped_early,
            "cluster_s": round(cluster_s, 2), "cluster_cpu_s": round(cluster_cpu_s, 2),
            "articles_per_s": round(done / cluster_s, 1),
            "generate_s": round(generate_s, 2), "setup_s": round(setup_s, 2),
            "peak_rss_mb": round(peak_rss_mb(), 1), "rss_before_clustering_mb": round(rss_start, 1),
            "rss_after_mb": round(current_rss_mb(), 1), "stories_true": data.stories,
            "mean_story_size": round(n / data.stories, 2), "largest_story": int(data.sizes.max()),
            "days": int(data.day.max() - data.day.min() + 1), "quality": scored, "checkpoints": checkpoints}


def profile(n: int, batch: int, seed: int, settings: ClusterSettings) -> None:
    profiler = cProfile.Profile()
    data = Synthetic(n, seed)
    clusterer = StoryClusterer(settings)
    for first in range(0, n, batch):
        features = data.batch(first, min(n, first + batch))
        profiler.enable()
        clusterer.add(features)
        profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"stories_scale_profile_{n}.txt"
    path.write_text(out.getvalue(), encoding="utf-8")
    print(out.getvalue())
    print(f"profile written to {path}")


def worker(n: int, args: argparse.Namespace) -> dict[str, Any]:
    """Run one size in a fresh interpreter; its result is the last line of its output."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", str(n), "--batch", str(args.batch),
               "--seed", str(args.seed), "--threshold", str(args.threshold), "--max-seconds", str(args.max_seconds)]
    finished = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(finished.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--batch", type=int, default=10_000, help="articles per StoryClusterer.add call")
    parser.add_argument("--seed", type=int, default=0)
    defaults = ClusterSettings()
    parser.add_argument("--threshold", type=float, default=defaults.threshold)
    parser.add_argument("--max-seconds", type=float, default=3600, help="stop a run once clustering took this long")
    parser.add_argument("--profile", type=int, metavar="N", help="profile one size in this process and exit")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    settings = ClusterSettings(threshold=args.threshold)

    if args.worker:
        print(json.dumps(run_size(args.worker, args.batch, args.seed, settings, args.max_seconds)))
        return
    if args.profile:
        profile(args.profile, args.batch, args.seed, settings)
        return

    runs = {}
    for n in sorted(args.sizes):
        runs[n] = worker(n, args)
        r = runs[n]
        print(f"  {n:,}: {r['cluster_s']} s, peak RSS {r['peak_rss_mb']} MB", file=sys.stderr, flush=True)

    head = (f"{'articles':>10s} {'cluster s':>9s} {'art/s':>7s} {'gen s':>6s} {'peak MB':>8s} {'stories':>8s} "
            f"{'found':>8s} {'pw P':>6s} {'pw R':>6s} {'pw F1':>6s} {'B3 F1':>6s}")
    print(head)
    print("-" * len(head))
    for r in runs.values():
        q = r["quality"]
        print(f"{r['articles_done']:>10,d} {r['cluster_s']:9.1f} {r['articles_per_s']:7.0f} {r['generate_s']:6.1f} "
              f"{r['peak_rss_mb']:8.0f} {r['stories_true']:8,d} {q['stories_found']:8,d} {q['pairwise_p']:6.3f} "
              f"{q['pairwise_r']:6.3f} {q['pairwise_f1']:6.3f} {q['bcubed_f1']:6.3f}"
              + ("  (stopped early)" if r["stopped_early"] else ""))
    growth = {}
    sizes = sorted(runs)
    for small, large in itertools.pairwise(sizes):
        if not runs[small]["stopped_early"] and not runs[large]["stopped_early"]:
            growth[f"time({large})/time({small})"] = round(runs[large]["cluster_s"] / runs[small]["cluster_s"], 2)
    if growth:
        print("growth: " + ", ".join(f"{k} = {v}" for k, v in growth.items()) + " (linear = size ratio)")
    largest = runs[sizes[-1]]
    goals = {}
    if sizes[-1] >= 1_000_000:
        goals = {"seconds_1m": {"goal": GOAL_SECONDS, "value": largest["cluster_s"],
                                "met": not largest["stopped_early"] and largest["cluster_s"] < GOAL_SECONDS},
                 "peak_rss_mb_1m": {"goal": GOAL_RSS_MB, "value": largest["peak_rss_mb"],
                                    "met": largest["peak_rss_mb"] < GOAL_RSS_MB}}
        print("goals: " + "; ".join(f"{k} {v['value']} (< {v['goal']}: {'met' if v['met'] else 'NOT met'})"
                                    for k, v in goals.items()))
    payload = {
        "command": " ".join([".venv/bin/python", "bench/stories_scale.py", *sys.argv[1:]]),
        "date": time.strftime("%Y-%m-%d"),
        "settings": {"cluster": {"threshold": settings.threshold, "pair_models": "the library's (pairs.py)",
                                 "window_days": settings.window_days, "neighbours": settings.neighbours},
                     "add_batch": args.batch, "seed": args.seed},
        "synthetic": {"dimensions": DIMENSIONS, "story_sizes": f"Zipf a={ZIPF_A}, capped at {MAX_STORY}",
                      "articles_per_day": PER_DAY, "story_days": STORY_DAYS,
                      "noise_variance": round(NOISE_VARIANCE, 4), "same_story_cosine": 0.75,
                      "other_story_cosine": 0.0, "entities": f"{STORY_NAMES} per story + 1 per article, "
                                                             f"vocabulary {VOCABULARY}",
                      "words": f"{TERMS_FROM_STORY} of the story's {STORY_TERMS} + {OWN_TERMS} of the article's "
                               f"own, vocabulary {WORDS}", "numbers": "2 of the story's 4 + 1 own",
                      "minhash": "empty: no reprint detection in this benchmark"},
        "runs": {str(n): r for n, r in runs.items()},
        "growth": growth,
        "goals": goals,
    }
    if sorted(args.sizes) != list(DEFAULT_SIZES) or args.batch != 10_000 or args.max_seconds < 3600:
        WORK.mkdir(parents=True, exist_ok=True)
        METRICS_PATH.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        print(f"not the full run: figures in {METRICS_PATH}; bench/results/stories_scale.json left as it was")
        return
    print(f"written to {write_results('stories_scale', payload)}")


if __name__ == "__main__":
    main()
