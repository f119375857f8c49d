"""Sharded, resumable WARC runs (`parallax ingest-warc`): one shard per WARC file, each finished with a Parquet
results file and a completion marker; reruns skip finished shards and redo the rest with nothing lost or twice.

Every WARC here is written by the test (warcio) from realistic English news pages; the remote case is served by
an http.server thread on 127.0.0.1.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from parallax.cli import app
from parallax.extract import Extractor
from parallax.pipeline import BatchOutcome, Pipeline
from parallax.records import RawDocument, Record
from parallax.shards import ShardedRun, plan_file_chunks, plan_warc_shards, shard_id
from parallax.store import Store
from tests.pages import EXAMPLES, news_html, stored_articles

runner = CliRunner(env={"COLUMNS": "250"})
CLI = [sys.executable, "-c", "from parallax.cli import app; app()"]
TOWNS = ["Lerwick", "Kirkwall", "Stornoway", "Wick", "Ullapool", "Oban", "Mallaig", "Scrabster"]


def page(warc: str, number: int) -> str:
    """A distinct English news page (its own figures and names), as a harbour desk would publish it."""
    town = TOWNS[number % len(TOWNS)]
    paragraphs = [
        f"The port authority of {town} said on Tuesday that {number + 3} trawlers were held at berth {number} after "
        f"inspectors from desk {warc} found undeclared catches during check number {number * 7 + 1}.",
        f"“No vessel leaves until every hold is weighed,” harbour master Elin Sandvik told reporters, adding that "
        f"crew {number} would stay ashore and that fines of up to {number + 10},000 pounds were possible.",
        f"The owners' association in {town} rejected the findings and said the catches had been declared on time, "
        f"calling report {warc}-{number} an error by an understaffed inspectorate.",
        f"Fisheries minister Rhona Macleod said the government would review the case of all {number + 3} vessels "
        "before the end of the month and publish what the laboratory found.",
    ]
    return news_html(title=f"{town} holds {number + 3} trawlers ({warc} {number})", paragraphs=paragraphs)


def make_warc(path: Path, pages: list[tuple[str, bytes]]) -> Path:
    """A WARC (gzipped when the name ends in .gz) with a warcinfo record, then a request and a response each."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=path.name.endswith(".gz"))
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "parallax tests"}))
        for url, html in pages:
            writer.write_record(writer.create_warc_record(url, "request",
                                                          payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(html),
                                                          http_headers=headers))
    return path


def news_warc(path: Path, count: int, *, extra: list[tuple[str, bytes]] | None = None) -> Path:
    label = path.name.split(".")[0]
    pages = [(f"https://{label}.example/news/{n}", page(label, n).encode("utf-8")) for n in range(count)]
    return make_warc(path, pages + (extra or []))


def ingest(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["ingest-warc", *args])
    return result.exit_code, result.output


def store_counts(db: Path) -> tuple[int, int, dict[str, int]]:
    """(articles, distinct article texts, inputs by status) in the store."""
    store = Store(f"sqlite:///{db}")
    try:
        articles = store.list_articles()
        return len(articles), len({a.content_hash for a in articles}), store.input_counts()
    finally:
        store.close()


def markers(out: Path) -> dict[str, dict]:
    return {p.name.removesuffix(".done"): json.loads(p.read_text()) for p in sorted(out.glob("*.done"))}


def results(out: Path, shard: str) -> list[dict]:
    return pq.read_table(out / f"{shard}.parquet").to_pylist()


@pytest.fixture()
def three_warcs(tmp_path: Path) -> list[Path]:
    """Three WARCs, one plain: 5 + 4 + 3 news pages, the last also carrying a reprint of the first's page 0."""
    folder = tmp_path / "crawl"
    folder.mkdir()
    first = news_warc(folder / "alpha.warc.gz", 5)
    reprint = ("https://reprints.example/alpha-0", page("alpha", 0).encode("utf-8"))
    return [first, news_warc(folder / "bravo.warc", 4), news_warc(folder / "charlie.warc.gz", 3, extra=[reprint])]


@pytest.mark.timeout(300)
def test_three_warcs_store_everything_with_results_and_markers_then_a_rerun_skips_them(
        three_warcs: list[Path], tmp_path: Path) -> None:
    db, out = tmp_path / "news.db", tmp_path / "shards"
    # Two spawned workers and small batches: several batches (of different shards) are in flight at once.
    code, output = ingest(str(tmp_path / "crawl" / "*.warc*"), "--db", str(db), "--out", str(out), "--no-nlp",
                          "--workers", "2", "--batch-size", "2")
    assert code == 0, output
    assert "3 done, 0 skipped" in output
    assert store_counts(db) == (12, 12, {"stored": 12, "duplicate": 1})

    shards = {s.inputs[0]: s.id for s in plan_warc_shards([str(p) for p in three_warcs])}
    done = markers(out)
    assert set(done) == set(shards.values())
    assert sorted(p.name for p in out.iterdir()) == sorted([f"{s}.parquet" for s in done] + [f"{s}.done" for s in done])
    expected = {"alpha": {"stored": 5}, "bravo": {"stored": 4}, "charlie": {"stored": 3, "duplicate": 1}}
    store = Store(f"sqlite:///{db}")
    by_id = {a.id: a for a in store.list_articles()}
    for warc in three_warcs:
        name, shard = warc.name.split(".")[0], shards[str(warc)]
        marker = done[shard]
        assert marker["inputs"] == [str(warc)] and marker["parquet"] == f"{shard}.parquet"
        assert {k: v for k, v in marker["counts"].items() if v} == expected[name]
        assert marker["items"] == sum(expected[name].values()) and marker["finished_at"]
        rows = results(out, shard)
        # One row per response record, in WARC order, each matching what the store holds.
        assert [r["source"] for r in rows] == [f"{warc}#{n}" for n in range(1, len(rows) + 1)]
        assert Counter(r["outcome"] for r in rows) == Counter(expected[name])
        for row in rows:
            article = by_id[row["article_id"]]
            assert row["outcome"] in ("stored", "duplicate") and row["failure_reason"] is None
            if row["outcome"] == "stored":
                assert (article.source, article.url, article.title) == (row["source"], row["url"], row["title"])
                assert row["text_length"] == len(article.text) and row["language"] == "en"
                assert row["outlet"] == "Pacific Ledger" and row["published"] == "2025-03-04"
            else:  # the reprint points at the article first stored from alpha.warc.gz
                assert article.source == f"{three_warcs[0]}#1" and row["url"] == "https://reprints.example/alpha-0"
    assert sorted(store.sources_of(results(out, shards[str(three_warcs[0])])[0]["article_id"]))[-1].startswith(
        str(three_warcs[2]))
    store.close()

    written = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    code, output = ingest(*[str(p) for p in three_warcs], "--db", str(db), "--out", str(out), "--no-nlp",
                          "--workers", "0")
    assert code == 0, output
    assert "0 done, 3 skipped" in output and "0 inputs" in output
    assert store_counts(db) == (12, 12, {"stored": 12, "duplicate": 1})
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == written


@pytest.mark.timeout(300)
def test_a_shard_without_its_marker_is_redone_alone_and_adds_nothing(three_warcs: list[Path], tmp_path: Path) -> None:
    db, out = tmp_path / "news.db", tmp_path / "shards"
    specs = [str(p) for p in three_warcs]
    code, output = ingest(*specs, "--db", str(db), "--out", str(out), "--no-nlp", "--workers", "0")
    assert code == 0, output
    redo = plan_warc_shards([specs[1]])[0].id
    (out / f"{redo}.done").unlink()
    kept = {p.name: p.stat().st_mtime_ns for p in out.iterdir() if not p.name.startswith(redo)}

    code, output = ingest(*specs, "--db", str(db), "--out", str(out), "--no-nlp", "--workers", "0")
    assert code == 0, output
    assert "1 done, 2 skipped" in output
    assert store_counts(db) == (12, 12, {"stored": 12, "duplicate": 1})
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir() if not p.name.startswith(redo)} == kept
    assert markers(out)[redo]["counts"] == {"stored": 0, "duplicate": 0, "unchanged": 4, "failed": 0}
    rows = results(out, redo)
    assert [r["outcome"] for r in rows] == ["unchanged"] * 4 and all(r["article_id"] for r in rows)


@pytest.mark.timeout(600)
def test_a_run_killed_after_its_first_shard_resumes_with_nothing_lost_or_twice(tmp_path: Path) -> None:
    folder, db, out = tmp_path / "crawl", tmp_path / "news.db", tmp_path / "shards"
    folder.mkdir()
    warcs = [news_warc(folder / f"{name}.warc.gz", 60) for name in ("delta", "echo", "foxtrot", "golf")]
    command = [*CLI, "ingest-warc", str(folder / "*.warc.gz"), "--db", str(db), "--out", str(out), "--no-nlp",
               "--workers", "0", "--batch-size", "4", "--quiet"]
    running = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 300
    while not list(out.glob("*.done")) and running.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert running.poll() is None, "the run ended before it could be killed: raise the pages per WARC"
    os.killpg(running.pid, signal.SIGKILL)
    running.wait()
    finished = set(markers(out))
    assert 1 <= len(finished) < len(warcs)
    assert stored_articles(db) < 240

    rerun = subprocess.run([*command[:-1], "--workers", "2"], capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    done = markers(out)
    assert len(done) == len(warcs) and not list(out.glob("*.tmp"))
    for shard in finished:  # the shards finished before the kill were not redone
        assert done[shard]["counts"]["stored"] == 60
    redone = [done[s]["counts"] for s in set(done) - finished]
    assert sum(c["stored"] + c["unchanged"] for c in redone) == 60 * len(redone)
    assert sum(c["duplicate"] + c["failed"] for c in redone) == 0
    assert store_counts(db) == (240, 240, {"stored": 240})  # nothing lost, nothing twice
    for shard in done:
        assert len(results(out, shard)) == 60


@pytest.mark.timeout(300)
def test_a_missing_and_a_truncated_warc_fail_by_name_get_no_marker_and_the_rest_goes_on(tmp_path: Path) -> None:
    folder, db, out = tmp_path / "crawl", tmp_path / "news.db", tmp_path / "shards"
    folder.mkdir()
    good = news_warc(folder / "hotel.warc.gz", 3)
    cut = news_warc(folder / "india.warc.gz", 6)
    data = cut.read_bytes()
    cut.write_bytes(data[: int(len(data) * 0.7)])
    missing = folder / "juliet.warc.gz"
    specs = [str(good), str(missing), str(cut)]

    code, output = ingest(*specs, "--db", str(db), "--out", str(out), "--no-nlp", "--workers", "0")
    assert code == 1, output
    assert "1 done, 0 skipped (finished before), 2 failed" in output
    flat = " ".join(output.split())
    assert f"{missing}: cannot open: no such file" in flat
    assert f"{cut}: truncated or corrupt WARC.gz" in flat
    assert list(markers(out)) == [plan_warc_shards([str(good)])[0].id]
    assert not list(out.glob("*.tmp"))
    articles, _, inputs = store_counts(db)
    assert 3 < articles < 9  # the pages before the cut are stored all the same
    assert inputs == {"stored": articles, "failed": 2}
    store = Store(f"sqlite:///{db}")
    failed = {row["source"]: row["reason"] for row in store.list_failures()}
    store.close()
    assert set(failed) == {str(missing), str(cut)}

    # The failed shards are tried again (and fail again); the finished one is skipped; nothing is added twice.
    code, output = ingest(*specs, "--db", str(db), "--out", str(out), "--no-nlp", "--workers", "0")
    assert code == 1, output
    assert "0 done, 1 skipped (finished before), 2 failed" in output
    assert store_counts(db)[:2] == (articles, articles)


@pytest.fixture()
def http_folder(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A folder served over HTTP on a free loopback port (http.server in a thread)."""
    folder = tmp_path / "served"
    folder.mkdir()
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", folder
    server.shutdown()
    server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.mark.timeout(300)
def test_a_warc_served_over_http_is_streamed_and_a_missing_url_fails_by_name(
        http_folder: tuple[str, Path], tmp_path: Path) -> None:
    base, folder = http_folder
    news_warc(folder / "kilo.warc.gz", 4)
    news_warc(folder / "lima.warc", 2)
    db, out = tmp_path / "news.db", tmp_path / "shards"
    specs = [f"{base}/kilo.warc.gz", f"{base}/lima.warc", f"{base}/nowhere.warc.gz"]

    code, output = ingest(*specs, "--db", str(db), "--out", str(out), "--no-nlp", "--workers", "0")
    assert code == 1, output
    assert f"{base}/nowhere.warc.gz: cannot open: not found" in " ".join(output.split())
    assert store_counts(db) == (6, 6, {"stored": 6, "failed": 1})
    done = markers(out)
    assert [m["inputs"] for m in done.values()] == [[specs[0]], [specs[1]]]
    rows = results(out, shard_id(specs[0], "kilo.warc.gz"))
    assert [r["source"] for r in rows] == [f"{specs[0]}#{n}" for n in range(1, 5)]
    assert [r["url"] for r in rows] == [f"https://kilo.example/news/{n}" for n in range(4)]

    # A glob over the served folder's listing finds both WARCs; both are finished already.
    code, output = ingest(f"{base}/*.warc*", "--db", str(db), "--out", str(out), "--no-nlp", "--workers", "0")
    assert code == 0, output
    assert "0 done, 2 skipped" in output


@pytest.mark.timeout(60)
@pytest.mark.skipif(importlib.util.find_spec("s3fs") is not None, reason="s3fs is installed")
def test_s3_without_s3fs_is_a_usage_error_naming_the_input_and_the_extra(tmp_path: Path) -> None:
    code, output = ingest("s3://commoncrawl/crawl-data/CC-NEWS/2024/01/*.warc.gz", "--db", str(tmp_path / "n.db"),
                          "--out", str(tmp_path / "shards"), "--no-nlp")
    assert code == 2
    flat = " ".join(output.split())
    assert "s3://commoncrawl/crawl-data/CC-NEWS/2024/01/*.warc.gz" in flat and "parallax[s3]" in flat
    assert not (tmp_path / "n.db").exists() and not (tmp_path / "shards").exists()


@pytest.mark.timeout(600)
def test_with_the_nlp_stages_the_articles_are_annotated(tmp_path: Path) -> None:
    warc = news_warc(tmp_path / "mike.warc.gz", 2)
    db, out = tmp_path / "news.db", tmp_path / "shards"
    code, output = ingest(str(warc), "--db", str(db), "--out", str(out), "--workers", "0", "--no-stories")
    assert code == 0, output
    store = Store(f"sqlite:///{db}")
    counts = store.count_annotations()
    speakers = {attribution.speaker for _, attribution in store.list_attributions()}
    store.close()
    assert counts["entities"] > 0 and counts["attributions"] >= 2 and counts["events"] > 0
    assert "Elin Sandvik" in speakers
    [marker] = markers(out).values()
    assert marker["counts"]["stored"] == 2


def test_shard_ids_are_stable_and_readable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    warc = news_warc(tmp_path / "CC-NEWS-20240101-00001.warc.gz", 1)
    monkeypatch.chdir(tmp_path)
    by_relative = plan_warc_shards(["CC-NEWS-20240101-00001.warc.gz"])
    assert by_relative == plan_warc_shards([str(warc)]) == plan_warc_shards([str(tmp_path)])
    assert by_relative[0].id.startswith("CC-NEWS-20240101-00001.warc.gz-")
    assert plan_warc_shards(["https://data.example/a/x.warc.gz"])[0].id != \
        plan_warc_shards(["https://data.example/b/x.warc.gz"])[0].id


@pytest.mark.timeout(300)
def test_folder_chunks_are_shards_too(tmp_path: Path) -> None:
    folder, out = tmp_path / "pages", tmp_path / "shards"
    folder.mkdir()
    for number in range(7):
        (folder / f"page-{number}.html").write_text(page("november", number), encoding="utf-8")
    shards = plan_file_chunks([str(folder)], chunk_size=3)
    assert [len(s.inputs) for s in shards] == [3, 3, 1]
    store = Store(f"sqlite:///{tmp_path / 'news.db'}")
    result = ShardedRun(store, [Extractor()], _in_process(), out, batch_size=2).run(shards)
    assert Counter(r.status for r in result.shards) == {"done": 3}
    assert result.summary.counts == {"stored": 7}
    assert sorted(r["source"] for s in shards for r in results(out, s.id)) == sorted(
        str((folder / f"page-{n}.html").resolve()) for n in range(7))
    again = ShardedRun(store, [Extractor()], _in_process(), out, batch_size=2).run(shards)
    assert Counter(r.status for r in again.shards) == {"skipped": 3} and again.summary.inputs == 0
    store.close()


def _in_process():  # type: ignore[no-untyped-def]
    from parallax.pipeline import InProcessExecutor

    return InProcessExecutor()


def test_pipeline_reports_every_input_batch_once_in_order_with_what_was_unchanged(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'news.db'}")
    documents = [RawDocument(source=f"page-{n}", kind="html", content=page("oscar", n), raw_hash=f"h{n}",
                             input_format="html") for n in range(8)]
    Pipeline([Extractor()], store).run(documents[2:4] + documents[6:7])
    reports: list[tuple[list[str], list[str], int]] = []

    def on_batch(unchanged: list[RawDocument], written: list[Record], outcome: BatchOutcome) -> None:
        reports.append(([d.source for d in unchanged], [r.source for r in written], outcome.counts["stored"]))

    batches = [documents[0:2], documents[2:4], documents[4:6], documents[6:8]]
    summary = Pipeline([Extractor()], store, batch_size=2).run_batches(batches, on_batch=on_batch)
    assert reports == [([], ["page-0", "page-1"], 2), (["page-2", "page-3"], [], 0),
                       ([], ["page-4", "page-5"], 2), (["page-6"], ["page-7"], 1)]
    assert summary.counts == {"stored": 5, "unchanged": 3}
    store.close()


def test_demo_warc_is_one_shard(tmp_path: Path) -> None:
    db, out = tmp_path / "news.db", tmp_path / "shards"
    code, output = ingest(str(EXAMPLES / "warc" / "demo-crawl.warc.gz"), "--db", str(db), "--out", str(out),
                          "--no-nlp", "--workers", "0")
    assert code == 0, output
    [marker] = markers(out).values()
    assert marker["counts"]["stored"] == store_counts(db)[0] > 0


@pytest.mark.timeout(300)
def test_analyze_in_shards_of_a_folder_resumes_by_chunk(tmp_path: Path) -> None:
    folder, db, out = tmp_path / "pages", tmp_path / "news.db", tmp_path / "shards"
    folder.mkdir()
    for number in range(5):
        (folder / f"page-{number}.html").write_text(page("papa", number), encoding="utf-8")
    args = ["analyze", str(folder), "--db", str(db), "--shards", str(out), "--chunk-size", "2", "--no-nlp",
            "--workers", "0"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "3 done, 0 skipped" in result.output
    assert sorted(m["items"] for m in markers(out).values()) == [1, 2, 2]
    assert store_counts(db) == (5, 5, {"stored": 5})
    (out / f"{next(iter(markers(out)))}.done").unlink()
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "1 done, 2 skipped" in result.output
    assert store_counts(db) == (5, 5, {"stored": 5})


def test_date_partitions_chunk_each_day_on_its_own() -> None:
    from parallax.shards import day_in_path

    assert day_in_path("crawl/2024-05-01/story.html") == "2024-05-01"
    assert day_in_path("site/2024/05/01/mayor-resigns-12.html") == "2024-05-01"
    assert day_in_path("CC-NEWS-20240501123456-00042.warc.gz") == "2024-05-01"
    assert day_in_path("archive/2023-12-31/late/2024-01-02-update.html") == "2024-01-02"  # the nearest the file
    assert day_in_path("news/20240230/a.html") is None  # no 30 February
    assert day_in_path("articles/123456789.html") is None


@pytest.mark.timeout(300)
def test_analyze_by_date_makes_a_shard_per_day_chunk_and_resumes(tmp_path: Path) -> None:
    # the crawl folder itself sits under a dated folder: only the days below it partition
    folder, db, out = tmp_path / "2020-01-01" / "crawl", tmp_path / "news.db", tmp_path / "shards"
    layout = {"2025-03-03": 3, "2025-03-04": 2}
    number = 0
    for day, count in layout.items():
        (folder / day).mkdir(parents=True)
        for _ in range(count):
            (folder / day / f"page-{number}.html").write_text(page("quebec", number), encoding="utf-8")
            number += 1
    (folder / "misc").mkdir()
    (folder / "misc" / "about.html").write_text(page("quebec", number), encoding="utf-8")
    shards = plan_file_chunks([str(folder)], chunk_size=2, by_date=True)
    named = sorted((s.id.rsplit("-", 2)[0], len(s.inputs)) for s in shards)
    assert named == [("crawl-2025-03-03", 1), ("crawl-2025-03-03", 2), ("crawl-2025-03-04", 2), ("crawl-undated", 1)]
    for shard in shards:
        days = {Path(member).parent.name for member in shard.inputs}
        assert len(days) == 1
    args = ["analyze", str(folder), "--db", str(db), "--shards", str(out), "--chunk-size", "2", "--by-date",
            "--no-nlp", "--workers", "0"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "4 done, 0 skipped" in result.output
    assert store_counts(db) == (6, 6, {"stored": 6})
    result = runner.invoke(app, args)
    assert "0 done, 4 skipped" in result.output
    assert store_counts(db) == (6, 6, {"stored": 6})
