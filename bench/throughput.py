"""Throughput of ingest + extract on the ScrapingHub benchmark pages, against trafilatura's own speed,
and memory over a long run (10,000 pages through ingest, extract and the store).

    .venv/bin/python bench/throughput.py [--pages 10000] [--repeats 3]

Both sides start from the gzipped files on disk and are timed in the same process and run:
trafilatura = read + gunzip + `trafilatura.extract(favor_precision=True)`;
parallax    = `Ingestor` (sniff, gunzip, decode) + `Extractor` (cascade, metadata, language, hashing).
The long run hard-links each benchmark page under many names (distinct inputs, same bytes), so every
one is read, extracted and written to a fresh SQLite store (as a duplicate after the first).
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import tempfile
import time
from pathlib import Path

from common import SCRAPINGHUB, current_rss_mb, peak_rss_mb, require, write_results
from parallax.extract import Extractor
from parallax.ingest import Ingestor
from parallax.pipeline import Pipeline
from parallax.store import Store


def trafilatura_pages_per_s(files: list[Path]) -> float:
    import trafilatura

    started = time.perf_counter()
    for path in files:
        trafilatura.extract(gzip.decompress(path.read_bytes()), favor_precision=True)
    return len(files) / (time.perf_counter() - started)


def parallax_pages_per_s(files: list[Path], extractor: Extractor) -> float:
    ingestor = Ingestor()
    started = time.perf_counter()
    documents = list(ingestor.iter_documents([str(p) for p in files]))
    extractor.process_batch(documents)
    return len(files) / (time.perf_counter() - started)


def long_run(files: list[Path], pages: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "pages"
        folder.mkdir()
        for number in range(pages):
            source = files[number % len(files)]
            os.link(source, folder / f"{number:06d}-{source.name}")
        store = Store(f"sqlite:///{Path(work) / 'bench.db'}")
        samples: list[tuple[int, float]] = []

        def sample(summary: object) -> None:
            done = summary.inputs  # type: ignore[attr-defined]
            if not samples or done - samples[-1][0] >= 1000:
                samples.append((done, round(current_rss_mb(), 1)))

        started = time.perf_counter()
        summary = Pipeline([Extractor()], store, batch_size=32).run(Ingestor().iter_documents([str(folder)]),
                                                                     progress=sample)
        seconds = time.perf_counter() - started
        store.close()
    return {"pages": pages, "seconds": round(seconds, 1), "pages_per_s": round(pages / seconds, 1),
            "counts": dict(summary.counts), "rss_mb_by_pages": samples,
            "rss_growth_mb_after_first_1000": round(samples[-1][1] - samples[1][1], 1) if len(samples) > 1 else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=10_000, help="pages in the long (memory) run; 0 skips it")
    parser.add_argument("--repeats", type=int, default=3, help="timed passes over the benchmark pages")
    args = parser.parse_args()
    files = sorted(require(SCRAPINGHUB / "html").glob("*.html.gz"))
    extractor = Extractor()
    extractor.setup()
    # One untimed pass each warms caches and lazy imports, then alternate timed passes.
    trafilatura_pages_per_s(files[:20])
    parallax_pages_per_s(files[:20], extractor)
    ours, theirs = [], []
    for _ in range(args.repeats):
        theirs.append(trafilatura_pages_per_s(files))
        ours.append(parallax_pages_per_s(files, extractor))
    result: dict[str, object] = {
        "pages": len(files),
        "trafilatura_pages_per_s": round(statistics.median(theirs), 1),
        "parallax_ingest_extract_pages_per_s": round(statistics.median(ours), 1),
        "ratio": round(statistics.median(ours) / statistics.median(theirs), 3),
        "goal_ratio": 0.8,
    }
    print(f"trafilatura favor_precision: {result['trafilatura_pages_per_s']} pages/s; parallax ingest+extract: "
          f"{result['parallax_ingest_extract_pages_per_s']} pages/s; ratio {result['ratio']} (goal ≥ 0.8)")
    if args.pages:
        result["long_run"] = long_run(files, args.pages)
        print(f"long run: {result['long_run']}")
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    print(f"peak RSS {result['peak_rss_mb']} MB; written to {write_results('throughput', result)}")


if __name__ == "__main__":
    main()
