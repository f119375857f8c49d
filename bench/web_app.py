"""Web app speed: the story page of a 50-article story rendered server-side, and story reads per second
through the REST API, both over HTTP against `parallax serve`'s app run by uvicorn in its own process.

The 50-article story is synthetic: the demo corpus's dam story told again by 44 invented outlets (each a
variant of one demo article: another outlet name, another date, figures nudged), analysed into a temporary
store with the full pipeline, then merged into one story. Page timing: median of 20 requests after 3
warm-up ones (httpx, one connection). Load: `--threads` clients reading story records in a loop for
`--seconds`, requests/s = completed 200 responses / wall time.

    .venv/bin/python bench/web_app.py            # writes bench/results/web_app.json
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from common import ROOT, write_results
from parallax.store import Store
from parallax.store.stories import StoryFilter

EXAMPLE = ROOT / "examples" / "html" / "meridian-herald-dam-collapse.html"


def variants(count: int) -> list[dict[str, Any]]:
    """`count` JSON records retelling one demo article under other invented outlets."""
    from parallax.extract.html import extract_html

    page = extract_html(EXAMPLE.read_text(encoding="utf-8"))
    paragraphs = page.text.split("\n\n")
    records = []
    for number in range(count):
        chooser = random.Random(number)  # each outlet keeps its own ~60% of the paragraphs: not a reprint
        kept = [p for i, p in enumerate(paragraphs) if i == 0 or chooser.random() < 0.6]
        kept.append(f"Reporting by the newsroom of Invented Outlet {number + 1:02d}; updated {number % 9 + 1} times.")
        text = "\n\n".join(kept).replace("nine", ["nine", "ten", "eleven", "twelve"][number % 4])
        records.append({"url": f"https://outlet{number:02d}.example/news/dam-{number}",
                        "title": f"Dam collapse in Minas Gerais: report {number + 1}",
                        "outlet": f"Invented Outlet {number + 1:02d}", "date": f"2025-03-{3 + number % 4:02d}",
                        "text": text})
    return records


def build_store(folder: Path, size: int) -> tuple[Path, str]:
    """A store with the demo corpus and a `size`-article dam story; its path and the story id."""
    from parallax.stories.runner import StoryRunner

    db = folder / "bench.db"
    inputs = folder / "variants.json"
    inputs.write_text(json.dumps(variants(size - 6)), encoding="utf-8")  # the demo dam story has 6 articles
    for source in (ROOT / "examples", inputs):
        subprocess.run([sys.executable, "-m", "parallax.cli", "analyze", str(source), "--db", str(db), "--quiet",
                        "--workers", str(min(4, os.cpu_count() or 1))], check=False, cwd=ROOT)
    store = Store(f"sqlite:///{db}")
    rows, _ = store.stories.search(StoryFilter(terms=("Minas",)), limit=500)
    runner = StoryRunner(store)
    target = max(rows, key=lambda row: row["article_count"])["id"]
    others = [row["id"] for row in rows if row["id"] != target]
    if others:
        runner.merge(target, others)
    return db, target


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(db: Path, port: int) -> subprocess.Popen[bytes]:
    code = ("import uvicorn; from parallax.serve.web import create_app; from parallax.serve.state import WebSettings;"
            f"uvicorn.run(create_app(WebSettings(db={str(db)!r})), host='127.0.0.1', port={port}, "
            "log_level='warning')")
    process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/stories", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not start")


def time_page(base: str, path: str, rounds: int) -> list[float]:
    with httpx.Client(base_url=base, timeout=30) as client:
        for _ in range(3):
            client.get(path).raise_for_status()
        timings = []
        for _ in range(rounds):
            started = time.perf_counter()
            client.get(path).raise_for_status()
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def load(base: str, paths: list[str], seconds: float, threads: int) -> dict[str, Any]:
    done = [0] * threads
    errors = [0] * threads
    stop = time.monotonic() + seconds

    def worker(slot: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            turn = slot
            while time.monotonic() < stop:
                response = client.get(paths[turn % len(paths)])
                turn += 1
                if response.status_code == 200:
                    done[slot] += 1
                else:
                    errors[slot] += 1

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(slot,)) for slot in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    wall = time.perf_counter() - started
    return {"requests": sum(done), "errors": sum(errors), "seconds": round(wall, 2),
            "requests_per_s": round(sum(done) / wall, 1), "threads": threads}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="parallax-web-bench-") as folder:
        db, story_id = build_store(Path(folder), args.articles)
        port = free_port()
        process = serve(db, port)
        base = f"http://127.0.0.1:{port}"
        try:
            record = httpx.get(f"{base}/api/v1/stories/{story_id}").json()
            all_ids = [row["id"] for row in httpx.get(f"{base}/api/v1/stories", params={"limit": 200}).json()["items"]]
            page_ms = time_page(base, f"/stories/{story_id}", args.rounds)
            size = len(httpx.get(f"{base}/stories/{story_id}").content)
            demo = load(base, [f"/api/v1/stories/{i}" for i in all_ids if i != story_id], args.seconds, args.threads)
            big = load(base, [f"/api/v1/stories/{story_id}"], args.seconds, args.threads)
        finally:
            process.terminate()
            process.wait(timeout=30)
    results = {
        "story_page": {"articles": len(record["article_ids"]), "outlets": len(record["outlets"]),
                       "claims": len(record["claims"]), "html_bytes": size, "rounds": args.rounds,
                       "median_ms": round(statistics.median(page_ms), 1), "p90_ms": round(
                           sorted(page_ms)[int(0.9 * (len(page_ms) - 1))], 1), "min_ms": round(min(page_ms), 1)},
        "api_story_reads_demo": demo,
        "api_story_reads_50_article_story": big,
        "goals": {"story_page_median_ms": "< 300", "api_story_reads_per_s": ">= 200"},
    }
    print(json.dumps(results, indent=2))
    if not args.no_write:
        print("wrote", write_results("web_app", results))


if __name__ == "__main__":
    main()
