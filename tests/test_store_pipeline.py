"""Store and pipeline: one transaction per batch, duplicates, failures, idempotent re-runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from parallax.extract import Extractor
from parallax.ingest import Ingestor
from parallax.pipeline import LocalExecutor, Pipeline
from parallax.records import Article, Failure
from parallax.store import Store
from parallax.store.schema import LATEST_VERSION, schema_version
from tests.pages import ARTICLE_PARAGRAPHS, news_html

OTHER_STORY = [
    "Flood barriers along the Rio Claro held overnight, the regional civil defence office said on Wednesday, "
    "after three days of rain raised the river 4.2 metres above its usual level.",
    "About 1,300 residents spent the night in school gymnasiums, according to the mayor of San Fermín, who "
    "said evacuation orders would stay in place until Friday.",
    "“The worst is behind us, but the ground is saturated,” the mayor told a local radio station.",
]


def corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "trawlers.html").write_text(news_html(), encoding="utf-8")
    (folder / "flood.html").write_text(news_html(title="River peaks in San Fermín", paragraphs=OTHER_STORY),
                                       encoding="utf-8")
    # Same article text under another outlet's page: a duplicate of the first, not a new article.
    (folder / "copy.jsonl").write_text(json.dumps({"url": "https://wire.example/1", "title": "Trawlers held",
                                                   "maintext": "\n".join(ARTICLE_PARAGRAPHS)}) + "\n{broken\n")
    (folder / "empty.html").write_text("<html><head><title>x</title></head><body></body></html>")
    return folder


def run(store: Store, folder: Path, executor: object | None = None) -> dict[str, int]:
    pipeline = Pipeline([Extractor()], store, executor, batch_size=2)  # type: ignore[arg-type]
    return dict(pipeline.run(Ingestor().iter_documents([str(folder)])).counts)


def test_run_records_every_input_and_reruns_change_nothing(tmp_path: Path, store: Store) -> None:
    folder = corpus(tmp_path / "pages")
    first = run(store, folder)
    assert first == {"stored": 2, "duplicate": 1, "failed": 2}
    texts = [a.text for a in store.list_articles()]
    assert len([t for t in texts if "42 trawlers" in t]) == 1
    assert not [t for t in texts if "cookies" in t or "All rights reserved" in t]
    failures = {Path(f["source"]).name: f["reason"] for f in store.list_failures()}
    assert failures["copy.jsonl#2"].startswith("invalid JSON on line 2")
    assert failures["empty.html"].startswith("no main text found")
    before = (store.count_articles(), store.input_counts())

    second = run(store, folder)
    assert second == {"unchanged": 3, "failed": 2}
    assert (store.count_articles(), store.input_counts()) == before


def test_duplicate_points_to_the_stored_original(tmp_path: Path, store: Store) -> None:
    run(store, corpus(tmp_path / "pages"))
    original = next(a for a in store.list_articles() if "trawlers" in a.text)
    sources = store.sources_of(original.id)
    assert {Path(s).name for s in sources} == {"trawlers.html", "copy.jsonl#1"}


def test_bad_batch_leaves_stored_articles_untouched(tmp_path: Path, store: Store) -> None:
    run(store, corpus(tmp_path / "pages"))
    before = {a.id: a.text for a in store.list_articles()}
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "zero.html").write_bytes(b"")
    (bad / "noise.bin").write_bytes(bytes(range(256)) * 10)
    (bad / "cut.json").write_text('[{"url": "x", "text": "unfinished')
    counts = run(store, bad)
    assert counts == {"failed": 3}
    assert {a.id: a.text for a in store.list_articles()} == before


def test_a_source_that_later_reads_fine_leaves_the_failures(tmp_path: Path, store: Store) -> None:
    (tmp_path / "in").mkdir()
    page = tmp_path / "in" / "late.html"
    page.write_bytes(b"")
    run(store, page.parent)
    assert [Path(f["source"]).name for f in store.list_failures()] == ["late.html"]
    page.write_text(news_html(), encoding="utf-8")
    assert run(store, page.parent) == {"stored": 1}
    assert store.list_failures() == []


def test_write_batch_is_one_transaction(store: Store) -> None:
    good = Article(id="a" * 16, source="s1", raw_hash="h1", input_format="html", text="Body", content_hash="c1")
    clash = Article(id="a" * 16, source="s2", raw_hash="h2", input_format="html", text="Other", content_hash="c2")
    with pytest.raises(IntegrityError):
        store.write_batch([good, Failure("s0", "ingest", "x"), clash])  # same primary key: must roll back
    assert store.count_articles() == 0
    assert store.input_counts() == {}


def test_schema_is_versioned_and_reopening_migrates_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'v.db'}"
    Store(url).close()
    store = Store(url)
    with store.engine.connect() as connection:
        versions = connection.execute(select(schema_version.c.version)).scalars().all()
        journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
    assert versions == list(range(1, LATEST_VERSION + 1))
    assert journal == "wal"


def test_process_pool_gives_the_same_store_as_in_process(tmp_path: Path) -> None:
    folder = corpus(tmp_path / "pages")
    serial = Store(f"sqlite:///{tmp_path / 'serial.db'}")
    pooled = Store(f"sqlite:///{tmp_path / 'pooled.db'}")
    run(serial, folder)
    run(pooled, folder, LocalExecutor(workers=2))

    def snapshot(store: Store) -> list[tuple[str, str, str | None]]:
        return sorted((a.id, a.text, a.title) for a in store.list_articles())

    assert snapshot(serial) == snapshot(pooled)
    assert serial.input_counts() == pooled.input_counts()
