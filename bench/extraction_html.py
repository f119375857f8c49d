"""Benchmark of the HTML extractor against plain trafilatura on the ScrapingHub article-extraction set.

This script owns one measurement: for the 181 benchmark pages it runs, in the same process,

* plain ``trafilatura.extract(favor_precision=True, include_comments=False)`` (the reference), and
* ``parallax.extract.html.extract_html``,

scores both with the benchmark's own scorer (``score.py``, imported by file path: word 4-gram F1,
precision, recall), times both (pages/s over the extraction calls only: pages are read and decoded
beforehand; the two run back to back on each page, in alternating order, over several rounds, so a
busy shared machine slows both alike), writes ``bench/results/extraction_html.json`` and prints a table.

Run: ``PYTHONPATH=src .venv/bin/python bench/extraction_html.py [--rounds N] [--per-doc]``
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import trafilatura

from common import SCRAPINGHUB, load_scrapinghub_scorer
from parallax.extract.html import extract_html
from parallax.ingest.encoding import decode_bytes

BENCHMARK_DIR = SCRAPINGHUB
RESULTS_PATH = Path(__file__).resolve().parent / "results" / "extraction_html.json"
TARGET_F1 = 0.964
TARGET_SPEED_RATIO = 0.8
WARM_UP_PAGES = 5

Extractor = Callable[[str, str | None], str]


def load_pages(benchmark_dir: Path = BENCHMARK_DIR) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Gold records and decoded HTML of every benchmark page, keyed by page id."""
    gold: dict[str, dict[str, Any]] = json.loads((benchmark_dir / "ground-truth.json").read_text("utf-8"))
    pages = {
        page_id: decode_bytes(gzip.decompress((benchmark_dir / "html" / f"{page_id}.html.gz").read_bytes()))[0]
        for page_id in gold
    }
    return gold, pages


def trafilatura_precision(html: str, url: str | None) -> str:
    """The reference: trafilatura's own precision mode, comments left out."""
    return trafilatura.extract(html, url=url, favor_precision=True, include_comments=False) or ""


CASCADE_PATHS: Counter[str] = Counter()  # which stage of our cascade produced each page's text


def parallax_extract(html: str, url: str | None) -> str:
    page = extract_html(html, url=url)
    CASCADE_PATHS[page.extractor] += 1
    return page.text


def run_interleaved(
    extractors: dict[str, Extractor], pages: dict[str, str], urls: dict[str, str | None], rounds: int
) -> tuple[dict[str, dict[str, str]], dict[str, float]]:
    """Texts of every page per extractor, and the seconds each spent in its extraction calls.

    Page by page, every extractor runs on the same page back to back, the order alternating from
    one page to the next, for ``rounds`` rounds: load from other work on a shared machine then hits
    all extractors alike. Times are summed over the rounds.
    """
    texts: dict[str, dict[str, str]] = {name: {} for name in extractors}
    seconds = dict.fromkeys(extractors, 0.0)
    order = list(extractors)
    for _ in range(rounds):
        for page_id, html in pages.items():
            order.reverse()
            for name in order:
                started = time.perf_counter()
                texts[name][page_id] = extractors[name](html, urls[page_id])
                seconds[name] += time.perf_counter() - started
    return texts, seconds


def per_doc_f1(triple: tuple[float, float, float]) -> float:
    true_positive, false_positive, false_negative = triple
    denominator = 2 * true_positive + false_positive + false_negative
    return 2 * true_positive / denominator if denominator else 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="passes over the pages (times are summed)")
    parser.add_argument("--per-doc", action="store_true", help="list the pages where the two differ most")
    parser.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples for the std-devs")
    arguments = parser.parse_args()
    logging.disable(logging.WARNING)  # trafilatura logs every discarded page

    scorer = load_scrapinghub_scorer()
    gold, pages = load_pages()
    urls: dict[str, str | None] = {page_id: record.get("url") for page_id, record in gold.items()}
    extractors: dict[str, Extractor] = {
        "trafilatura_precision": trafilatura_precision,
        "parallax_extract_html": parallax_extract,
    }
    warm_up = dict(list(pages.items())[:WARM_UP_PAGES])
    run_interleaved(extractors, warm_up, urls, rounds=1)  # one-off imports and regex compilation
    rounds = max(1, arguments.rounds)
    CASCADE_PATHS.clear()
    texts, seconds = run_interleaved(extractors, pages, urls, rounds)

    results: dict[str, Any] = {"pages": len(pages), "benchmark": str(BENCHMARK_DIR), "extractors": {}}
    per_doc: dict[str, dict[str, tuple[float, float, float]]] = {}
    for name in extractors:
        predictions = {page_id: {"articleBody": text} for page_id, text in texts[name].items()}
        metrics = scorer.evaluate(gold, predictions, n_boot=arguments.bootstrap, seed=0)
        per_doc[name] = metrics.pop("per_doc")
        results["extractors"][name] = {
            **{key: round(value, 4) for key, value in metrics.items()},
            "pages_per_second": round(rounds * len(pages) / seconds[name], 1),
            "empty_pages": sum(1 for text in texts[name].values() if not text.strip()),
        }
    reference = results["extractors"]["trafilatura_precision"]
    ours = results["extractors"]["parallax_extract_html"]
    speed_ratio = ours["pages_per_second"] / reference["pages_per_second"]
    results["speed_ratio"] = round(speed_ratio, 3)
    ours["cascade_paths"] = {path: count // rounds for path, count in CASCADE_PATHS.most_common()}
    results["targets"] = {
        "f1": TARGET_F1,
        "f1_met": ours["f1"] >= TARGET_F1,
        "speed_ratio": TARGET_SPEED_RATIO,
        "speed_met": speed_ratio >= TARGET_SPEED_RATIO,
    }
    RESULTS_PATH.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_PATH.write_text(json.dumps(results, indent=2) + "\n", "utf-8")

    print(f"{'extractor':<24} {'F1':>14} {'precision':>10} {'recall':>8} {'accuracy':>9} {'pages/s':>8} {'empty':>6}")
    for name, row in results["extractors"].items():
        print(
            f"{name:<24} {row['f1']:.4f} ± {row.get('f1_std', 0.0):.3f} {row['precision']:>10.4f} "
            f"{row['recall']:>8.4f} {row['accuracy']:>9.3f} {row['pages_per_second']:>8.1f} {row['empty_pages']:>6}"
        )
    print(f"speed ratio (ours / trafilatura): {speed_ratio:.2f}  targets: {results['targets']}")
    print(f"cascade paths (pages): {ours['cascade_paths']}")
    print(f"written to {RESULTS_PATH}")

    if arguments.per_doc:
        differences = sorted(
            (
                per_doc_f1(per_doc["parallax_extract_html"][page_id])
                - per_doc_f1(per_doc["trafilatura_precision"][page_id]),
                page_id,
            )
            for page_id in gold
        )
        for difference, page_id in differences:
            if abs(difference) >= 0.01:
                print(f"{difference:+.3f} {page_id[:10]} {gold[page_id].get('url', '')[:90]}")


if __name__ == "__main__":
    main()
