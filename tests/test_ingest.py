"""Ingest: every input shape becomes raw documents, every bad input a named failure."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from parallax.ingest import Ingestor, IngestSettings
from parallax.records import Failure, RawDocument
from tests.pages import ARTICLE_PARAGRAPHS, news_html

TEXT_DUMP = "\n".join([
    "Skip to content",
    "Tuesday, March 4, 2025",
    "Chile holds 42 trawlers in port over undeclared hake",
    "By Pacific Ledger",
    *ARTICLE_PARAGRAPHS,
    "Leave a Comment",
])


def ingest(*specs: str | Path, **settings: object) -> list[RawDocument | Failure]:
    ingestor = Ingestor(IngestSettings(**settings))  # type: ignore[arg-type]
    return list(ingestor.iter_documents([str(s) for s in specs]))


def only_documents(records: list[RawDocument | Failure]) -> list[RawDocument]:
    assert not [r for r in records if isinstance(r, Failure)], records
    return [r for r in records if isinstance(r, RawDocument)]


def make_warc(path: Path, pages: list[tuple[str, str]], *, gzipped: bool = True) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=gzipped)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))
        for url, html in pages:
            request = writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"))
            writer.write_record(request)
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                       protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(html.encode("utf-8")),
                                               http_headers=headers)
            writer.write_record(record)


def test_html_file_folder_and_glob(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.html").write_text(news_html(), encoding="utf-8")
    (tmp_path / "a" / "deeper").mkdir()
    (tmp_path / "a" / "deeper" / "two.htm").write_text(news_html(title="Second"), encoding="utf-8")
    (tmp_path / "a" / ".hidden.html").write_text(news_html(), encoding="utf-8")
    by_folder = only_documents(ingest(tmp_path / "a"))
    assert [Path(d.source).name for d in by_folder] == ["two.htm", "one.html"] or \
        sorted(Path(d.source).name for d in by_folder) == ["one.html", "two.htm"]
    assert all(d.kind == "html" and d.input_format == "html" for d in by_folder)
    by_glob = only_documents(ingest(f"{tmp_path}/a/**/*.htm*"))
    assert len(by_glob) == 2


def test_format_is_sniffed_not_taken_from_the_extension(tmp_path: Path) -> None:
    (tmp_path / "page.txt").write_text(news_html(), encoding="utf-8")
    (tmp_path / "dump.html").write_text(TEXT_DUMP, encoding="utf-8")
    documents = {Path(d.source).name: d for d in only_documents(ingest(tmp_path))}
    assert documents["page.txt"].kind == "html"
    assert documents["dump.html"].kind == "text"


def test_gzip_inputs_are_read_whatever_their_name(tmp_path: Path) -> None:
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(news_html().encode("utf-8")))
    (tmp_path / "dump.bin").write_bytes(gzip.compress(TEXT_DUMP.encode("utf-8")))
    documents = only_documents(ingest(tmp_path))
    assert sorted(d.kind for d in documents) == ["html", "text"]


def test_cp1251_html_is_decoded(tmp_path: Path) -> None:
    sentence = "Министр рыболовства заявил, что переговоры о квотах продолжатся в четверг."
    page = news_html(paragraphs=[sentence], charset="windows-1251", lang="ru")
    (tmp_path / "ru.html").write_bytes(page.encode("cp1251", errors="xmlcharrefreplace"))
    [document] = only_documents(ingest(tmp_path / "ru.html"))
    assert sentence in document.content
    assert document.encoding == "cp1251"


def test_news_please_jsonl_and_json_list(tmp_path: Path) -> None:
    records = [
        {"url": "https://pacific-ledger.example/a", "title": "Trawlers held", "date_publish": "2025-03-04 10:15:00",
         "maintext": "\n".join(ARTICLE_PARAGRAPHS), "source_domain": "pacific-ledger.example", "language": "en",
         "authors": ["Tomás Reyes", "Ana Lima"]},
        {"url": "https://pacific-ledger.example/b", "title": "Page", "html": news_html()},
    ]
    (tmp_path / "items.jsonl").write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    (tmp_path / "list.json").write_text(json.dumps([{"link": "https://x.example/c", "headline": "H",
                                                       "pubDate": "Tue, 04 Mar 2025 08:00:00 GMT",
                                                       "text": "Body text of the article."}]))
    (tmp_path / "wrapped.json").write_text(json.dumps({"articles": [{"url": "u", "content": "Text here."}]}))
    documents = {d.source.rsplit("/", 1)[-1]: d for d in only_documents(ingest(tmp_path))}
    first = documents["items.jsonl#1"]
    assert (first.kind, first.title, first.published, first.outlet) == (
        "text", "Trawlers held", "2025-03-04", "pacific-ledger.example")
    assert first.author == "Tomás Reyes, Ana Lima"
    assert documents["items.jsonl#2"].kind == "html"
    assert documents["list.json#1"].published == "2025-03-04"
    assert documents["list.json#1"].url == "https://x.example/c"
    assert documents["wrapped.json#1"].content == "Text here."


def test_invalid_json_lines_fail_alone(tmp_path: Path) -> None:
    lines = [json.dumps({"url": "u1", "text": "First article body."}), "{not json at all",
             json.dumps({"url": "u3"}), json.dumps({"url": "u4", "text": "Fourth article body."})]
    (tmp_path / "mixed.jsonl").write_text("\n".join(lines), encoding="utf-8")
    records = ingest(tmp_path / "mixed.jsonl")
    failures = {r.source.rsplit("#", 1)[-1]: r.reason for r in records if isinstance(r, Failure)}
    assert set(failures) == {"2", "3"}
    assert "invalid JSON on line 2" in failures["2"]
    assert "neither html nor text" in failures["3"]
    assert len([r for r in records if isinstance(r, RawDocument)]) == 2


def test_warc_response_records_only(tmp_path: Path) -> None:
    path = tmp_path / "news.warc.gz"
    make_warc(path, [("https://a.example/1", news_html()), ("https://b.example/2", news_html(title="Two"))])
    documents = only_documents(ingest(path))
    assert [d.url for d in documents] == ["https://a.example/1", "https://b.example/2"]
    assert all(d.input_format == "html" and "trawlers" in d.content for d in documents)


def test_uncompressed_warc(tmp_path: Path) -> None:
    path = tmp_path / "news.warc"
    make_warc(path, [("https://a.example/1", news_html())], gzipped=False)
    assert len(only_documents(ingest(path))) == 1


def test_truncated_warc_keeps_what_came_before_and_fails(tmp_path: Path) -> None:
    path = tmp_path / "cut.warc.gz"
    make_warc(path, [(f"https://a.example/{n}", news_html(title=f"Story {n}")) for n in range(6)])
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * 0.7)])
    records = ingest(path)
    documents = [r for r in records if isinstance(r, RawDocument)]
    failures = [r for r in records if isinstance(r, Failure)]
    assert 1 <= len(documents) < 6
    assert len(failures) == 1 and failures[0].source == str(path)
    assert "WARC" in failures[0].reason


FEED = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Pacific Ledger</title><link>https://pacific-ledger.example</link>
<item><title>Trawlers held in port</title><link>https://pacific-ledger.example/a</link>
<pubDate>Tue, 04 Mar 2025 09:30:00 GMT</pubDate>
<content:encoded><![CDATA[<p>{ARTICLE_PARAGRAPHS[0]}</p><p>{ARTICLE_PARAGRAPHS[1]}</p>]]></content:encoded></item>
<item><title>Owners reject accusations</title><link>https://pacific-ledger.example/b</link>
<pubDate>Wed, 05 Mar 2025 07:00:00 GMT</pubDate><description>{ARTICLE_PARAGRAPHS[3]}</description></item>
</channel></rss>"""


def test_rss_items_with_content_or_summary(tmp_path: Path) -> None:
    (tmp_path / "feed.xml").write_text(FEED, encoding="utf-8")
    documents = only_documents(ingest(tmp_path / "feed.xml"))
    assert [d.title for d in documents] == ["Trawlers held in port", "Owners reject accusations"]
    assert documents[0].published == "2025-03-04" and documents[0].outlet == "Pacific Ledger"
    assert "42 trawlers" in documents[0].content
    assert "owners' association" in documents[1].content


def test_broken_feed_is_a_failure(tmp_path: Path) -> None:
    (tmp_path / "broken.xml").write_text(FEED[: len(FEED) // 2], encoding="utf-8")
    records = ingest(tmp_path / "broken.xml")
    failures = [r for r in records if isinstance(r, Failure) and r.source == str(tmp_path / "broken.xml")]
    assert failures and failures[0].reason.startswith("broken feed XML")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.html", b"", "empty file"),
        ("blank.txt", b"   \n\n  ", "empty file"),
        ("scan.html", b"%PDF-1.4\n" + bytes(range(256)) * 20, "binary content (PDF)"),
        ("noise.dat", bytes(range(256)) * 40, "binary content"),
        ("cut.html.gz", gzip.compress(news_html().encode())[:60], "truncated or corrupt gzip"),
    ],
)
def test_bad_files_are_named_failures(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    [failure] = ingest(path)
    assert isinstance(failure, Failure)
    assert failure.source == str(path)
    assert failure.reason.startswith(reason), failure.reason


def test_oversized_page_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.html"
    filler = "<p>" + "Fishing quotas were discussed again. " * 1000 + "</p>\n"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("<html><body>")
        while handle.tell() < 50 * 1024 * 1024:
            handle.write(filler)
        handle.write("</body></html>")
    [failure] = ingest(path)
    assert isinstance(failure, Failure)
    assert "larger than the 10 MB limit" in failure.reason


def test_missing_path_and_empty_glob(tmp_path: Path) -> None:
    records = ingest(tmp_path / "nope.html", f"{tmp_path}/*.nothing")
    assert [r.reason for r in records if isinstance(r, Failure)] == [
        "no such file, folder or URL", "glob matched no files"]


def test_folder_walk_skips_code_docs_and_assets_but_not_named_files(tmp_path: Path) -> None:
    (tmp_path / "story.html").write_text(news_html(), encoding="utf-8")
    (tmp_path / "README.md").write_text("# Notes about this crawl\n", encoding="utf-8")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    assert [Path(r.source).name for r in ingest(tmp_path)] == ["story.html"]
    [named] = ingest(tmp_path / "logo.png")
    assert isinstance(named, Failure) and named.reason.startswith("binary content (PNG image)")


def test_fetched_bodies_go_through_the_same_readers(tmp_path: Path) -> None:
    from parallax.ingest.readers import ReadLimits, read_bytes

    warc = tmp_path / "crawl.warc.gz"
    make_warc(warc, [("https://a.example/1", news_html())])
    from_warc = list(read_bytes(warc.read_bytes(), "https://x.example/crawl.warc.gz", None, ReadLimits()))
    lines = "\n".join(json.dumps({"url": f"u{n}", "text": f"Article body {n}."}) for n in range(3))
    from_jsonl = list(read_bytes(gzip.compress(lines.encode()), "https://x.example/items.jsonl.gz",
                                 "application/gzip", ReadLimits()))
    assert [d.url for d in only_documents(from_warc)] == ["https://a.example/1"]
    assert [d.content for d in only_documents(from_jsonl)] == [f"Article body {n}." for n in range(3)]
    [empty] = read_bytes(b"  ", "https://x.example/blank", "text/html", ReadLimits())
    assert isinstance(empty, Failure) and empty.reason == "empty response"
