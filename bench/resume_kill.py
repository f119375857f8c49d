"""Kill -9 in the middle of a 5,000-page local run, run it again: how many pages are lost or stored twice.

    .venv/bin/python bench/resume_kill.py [--pages 5000] [--kill-at 0.5] [--workers 2] [--nlp]

Pages: the demo corpus's HTML pages, each copied `pages / 6` times with one paragraph of its own added after the
article's second paragraph (so every page is a distinct article, not a duplicate). `parallax analyze` runs in a
subprocess with a process pool (`--workers`, extraction only unless `--nlp`); when the store holds `--kill-at` of
the pages the process group gets SIGKILL; then the same command runs to the end. Reported: pages stored at the
kill, after the rerun, lost (expected − stored), duplicated (stored − distinct content), inputs in the ledger,
and the seconds of both runs. Writes `bench/results/resume_kill.json` (default settings only; others:
`bench/work/`).
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, write_results_if_default

CLI = [sys.executable, "-c", "from parallax.cli import app; app()"]


def write_pages(folder: Path, count: int) -> None:
    templates = sorted((ROOT / "examples" / "html").glob("*.html"))
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        template = templates[number % len(templates)]
        html = template.read_bytes()  # some demo pages are not UTF-8: the added sentence is plain ASCII
        own = (f"<p>Update {number}: the desk added note {number * 13 + 7} to this report at "
               f"{number % 24:02d}:{number % 60:02d}, with reference {number:05d}.</p>").encode("ascii")
        cut = html.find(b"</p>", html.find(b"</p>", max(html.find(b"<article"), 0)) + 4) + 4  # the body's 2nd paragraph
        (folder / f"{number:05d}-{template.name}").write_bytes(html[:cut] + own + html[cut:])


def counts(db: Path) -> tuple[int, int, int]:
    """(articles, distinct contents, inputs) in the store; zeros before the schema exists."""
    if not db.exists():
        return 0, 0, 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as connection:
            articles, distinct = connection.execute(
                "SELECT count(*), count(DISTINCT content_hash) FROM articles").fetchone()
            inputs = connection.execute("SELECT count(*) FROM inputs").fetchone()[0]
            return int(articles), int(distinct), int(inputs)
    except sqlite3.OperationalError:
        return 0, 0, 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--kill-at", type=float, default=0.5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--nlp", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as work:
        pages, db = Path(work) / "pages", Path(work) / "run.db"
        write_pages(pages, args.pages)
        command = [*CLI, "analyze", str(pages), "--db", str(db), "--workers", str(args.workers), "--quiet",
                   "--nlp" if args.nlp else "--no-nlp", "--no-stories"]
        started = time.perf_counter()
        running = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        while counts(db)[0] < args.pages * args.kill_at and running.poll() is None:
            time.sleep(0.1)
        if running.poll() is not None:
            sys.exit("the run ended before the kill: lower --kill-at")
        os.killpg(running.pid, signal.SIGKILL)  # the CLI and its pool workers, as a crash would
        running.wait()
        first_s = time.perf_counter() - started
        at_kill = counts(db)
        started = time.perf_counter()
        rerun = subprocess.run(command, capture_output=True, text=True)
        rerun_s = time.perf_counter() - started
        articles, distinct, inputs = counts(db)

    figures = {"pages": args.pages, "workers": args.workers, "nlp": args.nlp, "stored_at_kill": at_kill[0],
               "stored_after_rerun": articles, "lost": args.pages - distinct, "duplicated": articles - distinct,
               "inputs_in_ledger": inputs, "rerun_exit_code": rerun.returncode,
               "first_run_s_until_kill": round(first_s, 1), "rerun_s": round(rerun_s, 1)}
    for key, value in figures.items():
        print(f"{key:24s} {value}")
    payload = {"command": " ".join([".venv/bin/python", "bench/resume_kill.py", *sys.argv[1:]]),
               "date": time.strftime("%Y-%m-%d"), "results": figures}
    default_run = (args.pages, args.kill_at, args.workers, args.nlp) == (5000, 0.5, 2, False)
    write_results_if_default("resume_kill", payload, default_run)


if __name__ == "__main__":
    main()
