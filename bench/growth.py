"""How the time of a whole run grows with its size: 1,000 → 10,000 → 100,000 articles, each into a fresh store.

    .venv/bin/python bench/growth.py [--sizes 1000,10000,100000] [--workers 2] [--no-nlp]

Pages: `bench/end_to_end.py`'s `news600` pages (600-word texts cut from the ScrapingHub benchmark's English
articles, each later pass through them in another shuffled order, so every page is a distinct article; 40 pages
a day, five outlets) — real pages multiplied synthetically. Each size runs as `parallax analyze` does: a fresh
SQLite store, the process pool of `--workers` workers, then the stories stage (its featurising and claim
alignment on the same pool). With `--no-nlp` only ingest, extraction and the store run (no stories: they need
the NLP stages), which isolates the parts whose cost could grow with the store.

Reported per size: seconds, articles/s, the growth factor of time against the previous size (10× the articles
should cost ≤ 11× the time), and peak RSS of the run (main process and, separately, the largest worker).
Writes `bench/results/growth.json` for the default settings (others go to `bench/work/`).
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
from pathlib import Path
from typing import Any

from common import peak_rss_mb, write_results_if_default
from end_to_end import news_texts, real_run, scrapinghub_paragraphs, write_pages


def run_size(paths: list[str], db: Path, workers: int, nlp: bool) -> dict[str, Any]:
    run = real_run(paths, db, workers, nlp)
    return {"articles": len(paths), **run, "articles_per_s": round(len(paths) / run["seconds"], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--no-nlp", action="store_true")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    paragraphs = scrapinghub_paragraphs()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as work:
        pages = write_pages(Path(work) / "pages", news_texts(paragraphs, max(sizes), 600))
        for size in sizes:
            row = run_size(pages[:size], Path(work) / f"run-{size}.db", args.workers, not args.no_nlp)
            if rows:
                row["time_factor"] = round(row["seconds"] / rows[-1]["seconds"], 2)
                row["size_factor"] = round(size / rows[-1]["articles"], 2)
            rows.append(row)
            print(f"{size:>7d} articles: {row['seconds']:8.1f} s (pipeline {row['pipeline_seconds']} s, stories "
                  f"{row['stories_seconds']} s), {row['articles_per_s']:7.2f} articles/s"
                  + (f", time ×{row['time_factor']} for size ×{row['size_factor']}" if "time_factor" in row else ""),
                  flush=True)
    result = {"workers": args.workers, "nlp": not args.no_nlp, "runs": rows,
              "peak_rss_mb_main": round(peak_rss_mb(), 1),
              "peak_rss_mb_largest_worker": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)}
    default = args.sizes == "1000,10000,100000"
    write_results_if_default("growth" if not args.no_nlp else "growth_no_nlp", result, default)


if __name__ == "__main__":
    main()
