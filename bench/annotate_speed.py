"""Speed of annotate + attribute on 600-word articles against spaCy alone, one core; memory on a huge article.

    .venv/bin/python bench/annotate_speed.py [--articles 200] [--words 600] [--repeats 1]
    .venv/bin/python bench/annotate_speed.py --long [--long-words 100000]

The articles are made from the demo corpus: `examples/` goes once through `Ingestor` + `Extractor`, the
English articles' paragraphs are taken in order, cycling, and cut into articles of exactly `--words`
words (each article starts where the previous one stopped, so they differ). In the same process and run,
after an untimed warm-up of both on a few articles:

(a) spaCy alone: `nlp.pipe(texts, batch_size=32)` with the model `Annotator` loads (its `load_model`);
(b) parallax: `Attributor.process_batch(Annotator.process_batch(batch))` in batches of 32;

each in tokens/s (spaCy tokens of the same texts) and articles/s, and the ratio (b)/(a). Thread pools
are pinned to one thread before numpy is imported, so the figures are per core.

`--long` instead puts one article of `--long-words` words (default 100,000, again demo paragraphs)
through Annotator + Attributor alone in this process, and reports the time and the peak RSS: the check
on the chunked processing of huge articles. Each mode merges its own section into
`bench/results/annotate_speed.json` and keeps the other's.
"""

from __future__ import annotations

import os

# One thread for numpy/blis before they are imported: the figures are per core.
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"

import argparse
import json
import statistics
import sys
import time
from itertools import cycle
from typing import Any

from common import RESULTS, ROOT, current_rss_mb, peak_rss_mb, write_results
from parallax.records import Article, content_hash

BATCH = 32
WARM_UP = 8


def demo_paragraphs() -> list[str]:
    """Paragraphs of the English demo articles, in a fixed order (ingest + extract of examples/, once)."""
    from parallax.extract import Extractor
    from parallax.ingest import Ingestor

    extractor = Extractor()
    extractor.setup()
    records = extractor.process_batch(list(Ingestor().iter_documents([str(ROOT / "examples")])))
    articles = sorted((r for r in records if isinstance(r, Article) and r.language == "en"), key=lambda a: a.source)
    paragraphs = [" ".join(p.split()) for a in articles for p in a.text.split("\n\n")]
    return [p for p in paragraphs if p]


def make_texts(paragraphs: list[str], count: int, words: int) -> list[str]:
    """`count` texts of exactly `words` words, paragraphs kept (the last one cut), cycling through the corpus."""
    source = cycle(paragraphs)
    carry: list[str] = []  # what is left of a paragraph cut at the end of the previous text
    texts: list[str] = []
    for _ in range(count):
        chunks: list[str] = []
        have = 0
        while have < words:
            tokens = carry or next(source).split()
            carry = []
            take = tokens[: words - have]
            carry = tokens[len(take):]
            chunks.append(" ".join(take))
            have += len(take)
        texts.append("\n\n".join(chunks))
    return texts


def to_article(number: int, text: str) -> Article:
    digest = content_hash(text)
    return Article(id=f"speed-{number:05d}", source=f"bench:{number}", raw_hash=digest, input_format="text",
                   text=text, content_hash=digest, language="en")


def load_stages() -> tuple[Any, Any]:
    from parallax.annotate import AnnotateSettings, Annotator
    from parallax.attribute import Attributor

    annotator = Annotator(AnnotateSettings(batch_size=BATCH))
    annotator.setup()
    attributor = Attributor()
    attributor.setup()
    return annotator, attributor


def run_parallax(annotator: Any, attributor: Any, articles: list[Article]) -> tuple[float, int]:
    """Seconds for annotate + attribute over the articles in batches, and the attributions found."""
    found = 0
    started = time.perf_counter()
    for first in range(0, len(articles), BATCH):
        out = attributor.process_batch(annotator.process_batch(articles[first:first + BATCH]))
        found += sum(len(r.attributions) for r in out if isinstance(r, Article))
    return time.perf_counter() - started, found


def run_spacy(nlp: Any, texts: list[str]) -> tuple[float, int]:
    """Seconds for `nlp.pipe` over the texts, and their token count."""
    started = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=BATCH))
    return time.perf_counter() - started, tokens


def batch_mode(args: argparse.Namespace) -> dict[str, Any]:
    from parallax.annotate import AnnotateSettings, load_model

    paragraphs = demo_paragraphs()
    texts = make_texts(paragraphs, args.articles, args.words)
    articles = [to_article(i, t) for i, t in enumerate(texts)]
    nlp = load_model(AnnotateSettings().model)  # the model the Annotator loads, as its own instance
    annotator, attributor = load_stages()
    model = annotator.model_name
    run_spacy(nlp, texts[:WARM_UP])
    run_parallax(annotator, attributor, articles[:WARM_UP])
    spacy_s, parallax_s = [], []
    tokens = found = 0
    for _ in range(args.repeats):  # alternate, so a busy machine slows both alike
        seconds, tokens = run_spacy(nlp, texts)
        spacy_s.append(seconds)
        seconds, found = run_parallax(annotator, attributor, articles)
        parallax_s.append(seconds)
    a, b = statistics.median(spacy_s), statistics.median(parallax_s)
    return {
        "model": model, "articles": len(texts), "words_per_article": args.words, "tokens": tokens,
        "demo_paragraphs": len(paragraphs), "batch_size": BATCH, "repeats": args.repeats, "threads": 1,
        "spacy_alone": {"seconds": round(a, 2), "tokens_per_s": round(tokens / a),
                        "articles_per_s": round(len(texts) / a, 1)},
        "parallax_annotate_attribute": {"seconds": round(b, 2), "tokens_per_s": round(tokens / b),
                                        "articles_per_s": round(len(texts) / b, 1), "attributions": found},
        "ratio": round(a / b, 3),  # throughput (b)/(a) = time (a)/(b)
        "peak_rss_mb": round(peak_rss_mb(), 1), "torch_loaded": "torch" in sys.modules,
    }


def long_mode(args: argparse.Namespace) -> dict[str, Any]:
    paragraphs = demo_paragraphs()
    text = make_texts(paragraphs, 1, args.long_words)[0]
    annotator, attributor = load_stages()
    run_parallax(annotator, attributor, [to_article(0, t) for t in make_texts(paragraphs, 2, 600)])  # warm-up
    rss_before = current_rss_mb()
    seconds, found = run_parallax(annotator, attributor, [to_article(1, text)])
    return {"model": annotator.model_name, "words": args.long_words, "chars": len(text),
            "seconds": round(seconds, 1), "words_per_s": round(args.long_words / seconds),
            "attributions": found, "rss_before_mb": round(rss_before, 1), "peak_rss_mb": round(peak_rss_mb(), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=200, help="articles in the timed runs")
    parser.add_argument("--words", type=int, default=600, help="words per article")
    parser.add_argument("--repeats", type=int, default=1, help="timed passes of each side (median reported)")
    parser.add_argument("--long", action="store_true", help="instead: one huge article, time and peak RSS")
    parser.add_argument("--long-words", type=int, default=100_000, help="words of the --long article")
    args = parser.parse_args()
    command = " ".join([".venv/bin/python", "bench/annotate_speed.py", *sys.argv[1:]])
    path = RESULTS / "annotate_speed.json"
    result: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    for key in ("benchmark", "measured_at", "machine"):  # write_results sets these afresh
        result.pop(key, None)
    if args.long:
        long = {"command": command, "date": time.strftime("%Y-%m-%d"), **long_mode(args)}
        print(f"one {long['words']}-word article ({long['chars']} chars): {long['seconds']} s "
              f"({long['words_per_s']} words/s), {long['attributions']} attributions; RSS {long['rss_before_mb']} MB "
              f"before, peak {long['peak_rss_mb']} MB")
        result["long"] = long
    else:
        batch = {"command": command, "date": time.strftime("%Y-%m-%d"), **batch_mode(args)}
        a, b = batch["spacy_alone"], batch["parallax_annotate_attribute"]
        print(f"{batch['articles']} articles × {batch['words_per_article']} words ({batch['tokens']} tokens), "
              f"one thread, model {batch['model']}")
        print(f"{'':28s} {'tokens/s':>9s} {'articles/s':>10s}")
        print(f"{'(a) spaCy nlp.pipe':28s} {a['tokens_per_s']:9d} {a['articles_per_s']:10.1f}")
        print(f"{'(b) Annotator + Attributor':28s} {b['tokens_per_s']:9d} {b['articles_per_s']:10.1f}   "
              f"({b['attributions']} attributions)")
        print(f"ratio (b)/(a) {batch['ratio']}; peak RSS {batch['peak_rss_mb']} MB")
        result["batch"] = batch
    print(f"written to {write_results('annotate_speed', result)}")


if __name__ == "__main__":
    main()
