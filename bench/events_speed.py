"""What the events stage costs next to the annotate stage, per article, on one core.

    .venv/bin/python bench/events_speed.py [--articles 200] [--words 600] [--repeats 3] [--breakdown]

The issue's goal: the events stage adds at most 30% to the annotate stage's time per article. The
articles are those of `bench/annotate_speed.py` (its builder is imported: the English demo paragraphs of
`examples/`, cut into `--articles` articles of exactly `--words` words). Thread pools are pinned to one
thread before numpy is imported.

After an untimed warm-up of the three stages on a few articles, each repeat takes fresh `Article`s through
the stages batch by batch (32 articles, as in the pipeline) and times every stage call on its own:

(a) `Annotator.process_batch` (spaCy parse + entities) on the articles;
(b) `Attributor(keep_parse=True).process_batch` on (a)'s `ParsedArticle`s;
(c) `EventExtractor.process_batch` (dates, quantities, events) on (b)'s `ParsedArticle`s.

Each repeat re-runs (a) and (b) on new articles, so (b) and (c) always get freshly made inputs (no stage
sees records a previous repeat already filled). Reported: the median over the repeats of each stage's
milliseconds per article, and the ratio (c)/(a) (goal ≤ 0.30); also (c)/((a)+(b)). `--breakdown` also
times, on the same parsed articles after (c), the events stage's three parts called directly (dates,
quantities, events). Writes `bench/results/events_speed.json`.
"""

from __future__ import annotations

import os

# One thread for numpy/blis before they are imported: the figures are per core.
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from typing import Any

from annotate_speed import BATCH, WARM_UP, demo_paragraphs, make_texts, to_article
from common import peak_rss_mb, write_results
from parallax.records import Article, ParsedArticle

GOAL = 0.30  # (c)/(a): the events stage adds at most 30% to the annotate stage's time
STAGES = ("annotate", "attribute", "events")


def load_stages() -> tuple[Any, Any, Any]:
    from parallax.annotate import AnnotateSettings, Annotator
    from parallax.attribute import Attributor
    from parallax.events import EventExtractor

    stages = (Annotator(AnnotateSettings(batch_size=BATCH)), Attributor(keep_parse=True), EventExtractor())
    for stage in stages:
        stage.setup()
    return stages


def breakdown(extractor: Any, parsed: Sequence[ParsedArticle]) -> dict[str, float]:
    """Seconds of the events stage's parts, called directly on parsed articles (results thrown away)."""
    from parallax.events import extract_events
    from parallax.events.dates import find_dates, reference_date
    from parallax.events.quantities import find_quantities

    lexicon, gazetteer = extractor._lexicon, extractor._gazetteer
    seconds = {"dates": 0.0, "quantities": 0.0, "events": 0.0}
    for record in parsed:
        article, doc = record.article, record.doc
        if doc is None:
            continue
        started = time.perf_counter()
        dates = find_dates(article.text, reference_date(article.published, article.page_date)[0], doc,
                           article.language or "en")
        middle = time.perf_counter()
        quantities = find_quantities(doc)
        later = time.perf_counter()
        extract_events(doc, article.entities, article.attributions, dates, quantities, lexicon, gazetteer)
        seconds["dates"] += middle - started
        seconds["quantities"] += later - middle
        seconds["events"] += time.perf_counter() - later
    return seconds


def one_pass(stages: tuple[Any, Any, Any], articles: list[Article], parts: bool) -> dict[str, Any]:
    """One pass over the articles in batches: seconds per stage (and per part), and what was found."""
    annotator, attributor, extractor = stages
    seconds = dict.fromkeys(STAGES, 0.0)
    part_seconds = {"dates": 0.0, "quantities": 0.0, "events": 0.0}
    found = {"attributions": 0, "events": 0, "dates": 0, "quantities": 0}
    for first in range(0, len(articles), BATCH):
        batch = articles[first:first + BATCH]
        started = time.perf_counter()
        parsed = annotator.process_batch(batch)
        annotated = time.perf_counter()
        attributed = attributor.process_batch(parsed)
        done_b = time.perf_counter()
        out = extractor.process_batch(attributed)
        done_c = time.perf_counter()
        seconds["annotate"] += annotated - started
        seconds["attribute"] += done_b - annotated
        seconds["events"] += done_c - done_b
        if parts:
            for key, value in breakdown(extractor, [r for r in attributed if isinstance(r, ParsedArticle)]).items():
                part_seconds[key] += value
        for record in out:
            if isinstance(record, Article):
                found["attributions"] += len(record.attributions)
                found["events"] += len(record.events)
                found["dates"] += len(record.dates)
                found["quantities"] += len(record.quantities)
                for note in record.notes:
                    print(f"{record.id}: {note}", file=sys.stderr)
    return {"seconds": seconds, "parts": part_seconds, "found": found}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=200, help="articles in each timed pass")
    parser.add_argument("--words", type=int, default=600, help="words per article")
    parser.add_argument("--repeats", type=int, default=3, help="timed passes (median reported)")
    parser.add_argument("--breakdown", action="store_true", help="also time dates / quantities / events apart")
    args = parser.parse_args()

    paragraphs = demo_paragraphs()
    texts = make_texts(paragraphs, args.articles, args.words)
    stages = load_stages()
    one_pass(stages, [to_article(i, t) for i, t in enumerate(texts[:WARM_UP])], args.breakdown)  # warm-up
    passes = []
    for repeat in range(args.repeats):
        passes.append(one_pass(stages, [to_article(i, t) for i, t in enumerate(texts)], args.breakdown))
        print(f"  pass {repeat + 1}/{args.repeats}: "
              + ", ".join(f"{k} {v:.2f} s" for k, v in passes[-1]["seconds"].items()), file=sys.stderr)

    n = len(texts)
    ms = {stage: statistics.median(p["seconds"][stage] for p in passes) * 1000 / n for stage in STAGES}
    ratio = ms["events"] / ms["annotate"]
    found = passes[-1]["found"]
    result: dict[str, Any] = {
        "command": " ".join([".venv/bin/python", "bench/events_speed.py", *sys.argv[1:]]),
        "date": time.strftime("%Y-%m-%d"),
        "model": stages[0].model_name, "articles": n, "words_per_article": args.words,
        "demo_paragraphs": len(paragraphs), "batch_size": BATCH, "repeats": args.repeats, "threads": 1,
        "ms_per_article": {stage: round(value, 2) for stage, value in ms.items()},
        "ratio_events_to_annotate": round(ratio, 3),
        "ratio_events_to_annotate_attribute": round(ms["events"] / (ms["annotate"] + ms["attribute"]), 3),
        "goal": {"ratio_events_to_annotate_max": GOAL, "met": ratio <= GOAL},
        "per_article_found": {k: round(v / n, 2) for k, v in found.items()},
        "seconds_per_pass": {stage: [round(p["seconds"][stage], 3) for p in passes] for stage in STAGES},
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    if args.breakdown:
        result["events_parts_ms_per_article"] = {
            part: round(statistics.median(p["parts"][part] for p in passes) * 1000 / n, 2)
            for part in ("dates", "quantities", "events")}

    print(f"{n} articles × {args.words} words, one thread, batches of {BATCH}, model {result['model']}, "
          f"median of {args.repeats}")
    labels = {"annotate": "(a) Annotator", "attribute": "(b) Attributor(keep_parse)", "events": "(c) EventExtractor"}
    print(f"{'stage':28s} {'ms/article':>10s}")
    for stage in STAGES:
        print(f"{labels[stage]:28s} {ms[stage]:10.2f}")
    if args.breakdown:
        for part, value in result["events_parts_ms_per_article"].items():
            print(f"{'    ' + part:28s} {value:10.2f}")
    print(f"ratio (c)/(a) {result['ratio_events_to_annotate']} (goal ≤ {GOAL}: "
          f"{'met' if result['goal']['met'] else 'not met'}); (c)/((a)+(b)) "
          f"{result['ratio_events_to_annotate_attribute']}")
    print("per article: " + ", ".join(f"{k} {v}" for k, v in result["per_article_found"].items())
          + f"; peak RSS {result['peak_rss_mb']} MB")
    print(f"written to {write_results('events_speed', result)}")


if __name__ == "__main__":
    main()
