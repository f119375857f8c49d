"""A run killed with SIGKILL in the middle and run again: nothing lost, nothing stored twice.

The store commits one transaction per batch and the inputs ledger records what each committed batch read, so a
rerun skips what was stored and redoes the rest. A few hundred pages, extraction only, killed once a quarter is
stored.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from parallax.store import Store
from tests.pages import news_html, stored_articles

PAGES = 240
CLI = [sys.executable, "-c", "from parallax.cli import app; app()"]


def write_pages(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        paragraphs = [
            f"The port authority of Lerwick said on Tuesday that {number + 3} trawlers were held at berth {number} "
            f"after inspectors found undeclared catches during check number {number * 7 + 1}.",
            f"Harbour master Elin Sandvik said crew {number} would stay ashore until every hold was weighed, and "
            f"that fines of up to {number + 10},000 crowns were possible.",
            "The owners' association rejected the findings and said the catches had been declared on time.",
        ]
        (folder / f"page-{number:04d}.html").write_text(news_html(title=f"Trawler inspection {number}",
                                                                  paragraphs=paragraphs), encoding="utf-8")


@pytest.mark.timeout(600)
def test_killed_run_resumes_with_nothing_lost_or_duplicated(tmp_path: Path) -> None:
    pages, db = tmp_path / "pages", tmp_path / "run.db"
    write_pages(pages, PAGES)
    command = [*CLI, "analyze", str(pages), "--db", str(db), "--no-nlp", "--workers", "0", "--batch-size", "8",
               "--quiet"]
    running = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while stored_articles(db) < PAGES // 4 and running.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running.poll() is None, "the run ended before it could be killed: raise PAGES"
    os.kill(running.pid, signal.SIGKILL)
    running.wait()
    killed_at = stored_articles(db)
    assert PAGES // 4 <= killed_at < PAGES

    rerun = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr

    store = Store(f"sqlite:///{db}")
    articles = store.list_articles()
    assert len(articles) == PAGES  # nothing lost
    assert len({a.content_hash for a in articles}) == PAGES  # nothing twice
    assert sum(store.input_counts().values()) == PAGES
    assert {a.title for a in articles} == {f"Trawler inspection {n}" for n in range(PAGES)}
