"""Local process pool against Ray on the same input and the same machine: time ratio and identical output.

    .venv/bin/python bench/ray_vs_local.py [--articles 300] [--workers 2]

Input: `bench/end_to_end.py`'s `news600` pages (600-word English news pages). Both runs do what `parallax
analyze` does — every stage, then the stories stage with its featurising and claim alignment on the same
engine — into a fresh SQLite store each: (a) `LocalExecutor(workers)`; (b) `RayExecutor(workers)` on a local
Ray runtime started as CI starts it on this 2-core machine (`ray.init(num_cpus=2 × workers)`, actors at 0.5 CPU:
ray issue 44687). The Ray runtime's own start is timed apart and left out of (b). Reported: seconds of each,
the ratio Ray / local, and whether the exported article and story records are identical.
Writes `bench/results/ray_vs_local.json` for the default settings (others go to `bench/work/`).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from common import write_results_if_default
from end_to_end import news_texts, scrapinghub_paragraphs, write_pages


def analyse(paths: list[str], db: Path, make: Any) -> tuple[float, list[Any], list[Any]]:
    from parallax.analyze import default_stages, run_analysis
    from parallax.serve.export import iter_article_records
    from parallax.store import Store
    from parallax.stories.runner import StoryRunner

    store = Store(f"sqlite:///{db}")
    started = time.perf_counter()
    run_analysis(store, paths, default_stages(), make(), batch_size=32,
                 story_runner=StoryRunner(store, executor_factory=make))
    seconds = time.perf_counter() - started
    articles = sorted((json.loads(json.dumps(r, default=str)) for r in iter_article_records(store)),
                      key=lambda r: r["id"])
    stories = sorted(store.stories.iter_stories(), key=lambda s: s["id"])
    store.close()
    return seconds, articles, stories


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    import ray

    from parallax.pipeline import LocalExecutor
    from parallax.ray_executor import RayExecutor

    with tempfile.TemporaryDirectory() as work:
        paths = write_pages(Path(work) / "pages", news_texts(scrapinghub_paragraphs(), args.articles, 600))
        local_s, local_articles, local_stories = analyse(paths, Path(work) / "local.db",
                                                         lambda: LocalExecutor(args.workers))
        started = time.perf_counter()
        ray.init(num_cpus=2 * args.workers, include_dashboard=False, log_to_driver=False)
        ray_start_s = time.perf_counter() - started
        try:
            ray_s, ray_articles, ray_stories = analyse(paths, Path(work) / "ray.db",
                                                       lambda: RayExecutor(args.workers, actor_cpus=0.5))
        finally:
            ray.shutdown()
    result = {
        "articles": args.articles, "workers": args.workers, "local_seconds": round(local_s, 1),
        "ray_seconds": round(ray_s, 1), "ray_runtime_start_seconds": round(ray_start_s, 1),
        "ratio_ray_to_local": round(ray_s / local_s, 3),
        "local_articles_per_s": round(args.articles / local_s, 2),
        "ray_articles_per_s": round(args.articles / ray_s, 2),
        "identical_articles": local_articles == ray_articles, "identical_stories": local_stories == ray_stories,
        "stored": len(local_articles), "stories": len(local_stories),
    }
    print(f"{args.articles} pages, {args.workers} workers: local {result['local_seconds']} s, Ray "
          f"{result['ray_seconds']} s (+ {result['ray_runtime_start_seconds']} s to start Ray): ratio "
          f"{result['ratio_ray_to_local']}; identical articles {result['identical_articles']}, stories "
          f"{result['identical_stories']}")
    write_results_if_default("ray_vs_local", result, (args.articles, args.workers) == (300, 2))


if __name__ == "__main__":
    main()
