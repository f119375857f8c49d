"""The web app and REST API through FastAPI's TestClient (and the live test server for ingest): the export's
records, search (FTS5 and LIKE), pagination, access rules, merges and splits, clear errors, escaping."""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from parallax.cli import app as cli_app
from parallax.records import Article
from parallax.serve.export import iter_article_records, iter_story_records
from parallax.serve.render import Span, parse_highlight, safe_url, segments, word_diff
from parallax.serve.search import parse_terms
from parallax.serve.state import WebSettings
from parallax.serve.web import create_app
from parallax.store import Store
from parallax.store.stories import StoryFilter
from tests.web import XSS_TITLE, LiveServer, wait_for_job, xss_record

TOKEN = "secret-token"


def client_for(db: Path, **settings: Any) -> TestClient:
    return TestClient(create_app(WebSettings(db=str(db), **settings)), client=("127.0.0.1", 50000))


@pytest.fixture(scope="module")
def client(demo_db: Path) -> Iterator[TestClient]:
    with client_for(demo_db, token=TOKEN) as test_client:
        yield test_client


@pytest.fixture()
def writable(demo_db: Path, tmp_path: Path) -> Iterator[tuple[TestClient, Path]]:
    db = tmp_path / "copy.db"
    shutil.copy(demo_db, db)
    with client_for(db, token=TOKEN) as test_client:
        yield test_client, db


def story_with(client: TestClient, word: str) -> dict[str, Any]:
    items = client.get("/api/v1/stories", params={"q": word}).json()["items"]
    assert len(items) == 1, (word, items)
    record: dict[str, Any] = client.get(f"/api/v1/stories/{items[0]['id']}").json()
    return record


def test_the_api_returns_the_export_records(client: TestClient, demo_db: Path) -> None:
    store = Store(f"sqlite:///{demo_db}")
    stories = {record["id"]: record for record in iter_story_records(store)}
    articles = {record["id"]: record for record in iter_article_records(store)}
    assert len(stories) == 3
    for story_id, record in stories.items():
        assert client.get(f"/api/v1/stories/{story_id}").json() == record
    some = sorted(articles)[:4]
    for article_id in some:
        assert client.get(f"/api/v1/articles/{article_id[:10]}").json() == articles[article_id]
    listed = client.get("/api/v1/articles", params={"limit": 200}).json()
    assert {item["id"] for item in listed["items"]} == set(articles)
    assert all(item == articles[item["id"]] for item in listed["items"])


def test_stories_are_listed_latest_first_and_paginated(client: TestClient) -> None:
    everything = client.get("/api/v1/stories").json()
    assert everything["total"] == 3 and everything["next_offset"] is None
    dates = [item["last_date"] for item in everything["items"]]
    assert dates == sorted(dates, reverse=True)
    assert all(item["outlet_count"] >= 4 and item["claim_count"] > 10 for item in everything["items"])
    first = client.get("/api/v1/stories", params={"limit": 2}).json()
    second = client.get("/api/v1/stories", params={"limit": 2, "offset": first["next_offset"]}).json()
    assert [i["id"] for i in first["items"] + second["items"]] == [i["id"] for i in everything["items"]]
    assert second["next_offset"] is None and first["next_offset"] == 2


def test_search_by_words_and_filters(client: TestClient) -> None:
    fishing = story_with(client, "mackerel")
    assert "Coastline Daily" in fishing["outlets"]
    dam = story_with(client, '"no negligence"')
    assert {a["language"] for a in dam["articles"]} == {"en", "pt"}
    assert story_with(client, "ribeirao")["id"] == dam["id"]  # accents folded
    assert story_with(client, "negligen")["id"] == dam["id"]  # a word matches as a prefix
    lender = client.get("/api/v1/stories", params={"language": "de"}).json()["items"]
    assert [item["id"] for item in lender] == [story_with(client, "HarakaPesa")["id"]]
    assert client.get("/api/v1/stories", params={"outlet": "faro austral"}).json()["items"][0]["id"] == fishing["id"]
    by_entity = client.get("/api/v1/stories", params={"entity": "Minas Gerais"}).json()["items"]
    assert [item["id"] for item in by_entity] == [dam["id"]]
    late = client.get("/api/v1/stories", params={"since": "2025-03-06"}).json()["items"]
    assert fishing["id"] not in {item["id"] for item in late} and len(late) == 2
    assert client.get("/api/v1/stories", params={"q": "mackerel", "language": "de"}).json()["total"] == 0
    assert client.get("/api/v1/stories", params={"q": 'zzyzx "; DROP TABLE stories; --'}).json()["total"] == 0


def test_like_search_finds_what_the_index_finds(demo_db: Path) -> None:
    stories = Store(f"sqlite:///{demo_db}").stories
    for words in (("mackerel",), ("dam", "negligence"), ("HarakaPesa",), ("reservoir dam",), ("nothingsuch",)):
        indexed = [row["id"] for row in stories.search(StoryFilter(terms=words))[0]]
        scanned = [row["id"] for row in stories.search(StoryFilter(terms=words), full_text=False)[0]]
        assert indexed == scanned, words


def test_the_migration_backfills_the_search_index(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    shutil.copy(demo_db, db)
    with sqlite3.connect(db) as connection:  # back to a version-4 store: no index
        for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            connection.execute(f"DROP TRIGGER {name}")
        connection.execute("DROP TABLE search_index")
        connection.execute("DROP TABLE search_keys")
        connection.execute("DELETE FROM parallax_schema WHERE version >= 5")
    store = Store(f"sqlite:///{db}")
    rows, total = store.stories.search(StoryFilter(terms=("mackerel",)))
    assert total == 1 and "protocol" in (rows[0]["title"] or "").lower()
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(*) FROM search_keys WHERE kind = 'article'").fetchone()[0] == \
            store.count_articles()


def test_bad_parameters_are_422_and_unknown_ids_404(client: TestClient) -> None:
    for path, params in (("/api/v1/stories", {"limit": 0}), ("/api/v1/stories", {"offset": -1}),
                         ("/api/v1/stories", {"since": "yesterday"}), ("/api/v1/articles", {"limit": "x"})):
        response = client.get(path, params=params)
        assert response.status_code == 422, (path, params)
        assert response.json()["detail"]
    for path in ("/api/v1/stories/snosuchstory", "/api/v1/articles/ffffffffff", "/api/v1/entities/Nobody%20Atall",
                 "/api/v1/jobs/nosuchjob"):
        response = client.get(path)
        assert response.status_code == 404 and "no" in response.json()["detail"].lower()
    page = client.get("/stories/snosuchstory")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"] and "Not found" in page.text
    assert client.get("/?since=03/04/2025").status_code == 422
    assert client.get("/?page=0").status_code == 422
    assert client.get("/articles/ffffffffff").status_code == 404


def test_reads_are_open_on_loopback_and_need_the_token_elsewhere(demo_db: Path) -> None:
    remote = TestClient(create_app(WebSettings(db=str(demo_db), token=TOKEN)), client=("10.1.2.3", 40000))
    assert remote.get("/api/v1/stories").status_code == 401
    assert remote.get("/").status_code == 401
    assert remote.get("/api/v1/stories", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert remote.get("/api/v1/stories", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    opened = TestClient(create_app(WebSettings(db=str(demo_db), read_access="open")), client=("10.1.2.3", 40000))
    assert opened.get("/api/v1/stories").status_code == 200
    closed = TestClient(create_app(WebSettings(db=str(demo_db), token=TOKEN, read_access="token")),
                        client=("127.0.0.1", 40000))
    assert closed.get("/api/v1/stories").status_code == 401


def test_writes_need_the_token_and_are_refused_without_one(demo_db: Path, client: TestClient) -> None:
    story_id = client.get("/api/v1/stories").json()["items"][0]["id"]
    with client_for(demo_db, token="") as no_token:
        response = no_token.post(f"/api/v1/stories/{story_id}/merge", json={"others": ["sx"]},
                                 headers={"Authorization": "Bearer anything"})
        assert response.status_code == 403 and "PARALLAX_TOKEN" in response.json()["detail"]
        assert no_token.post("/ingest", data={"urls": "https://example.org/", "token": ""}).status_code == 403
    assert client.post(f"/api/v1/stories/{story_id}/merge", json={"others": ["sx"]}).status_code == 401
    assert client.post(f"/api/v1/stories/{story_id}/split", json={"article_ids": ["x"]},
                       headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.post(f"/stories/{story_id}/merge", data={"others": "sx", "token": "nope"}).status_code == 401
    openapi = client.get("/openapi.json").json()
    assert openapi["paths"]["/api/v1/ingest"]["post"]["security"]
    assert "security" not in openapi["paths"]["/api/v1/stories"]["get"]


def test_merge_and_split_through_the_api_keep_the_search_index(writable: tuple[TestClient, Path]) -> None:
    client, _db = writable
    auth = {"Authorization": f"Bearer {TOKEN}"}
    fishing, lender = story_with(client, "mackerel"), story_with(client, "HarakaPesa")
    response = client.post(f"/api/v1/stories/{fishing['id']}/merge", json={"others": [lender["id"][:7]]}, headers=auth)
    assert response.status_code == 200, response.text
    merged = response.json()
    assert set(lender["article_ids"]) <= set(merged["article_ids"])
    assert story_with(client, "HarakaPesa")["id"] == fishing["id"]  # the index follows the merge
    assert client.get(f"/api/v1/stories/{lender['id']}").status_code == 404
    moving = lender["article_ids"][:2]
    response = client.post(f"/api/v1/stories/{fishing['id']}/split", json={"article_ids": moving}, headers=auth)
    assert response.status_code == 200, response.text
    new_id = response.json()["new_story_id"]
    assert set(client.get(f"/api/v1/stories/{new_id}").json()["article_ids"]) == set(moving)
    bad = client.post(f"/api/v1/stories/{fishing['id']}/split", json={"article_ids": ["nosuch"]}, headers=auth)
    assert bad.status_code == 422 and "names 0 articles" in bad.json()["detail"]
    assert client.post(f"/api/v1/stories/{fishing['id']}/merge", json={"others": [fishing["id"]]},
                       headers=auth).status_code == 422
    page = client.post(f"/stories/{new_id}/merge", data={"others": fishing["id"], "token": TOKEN},
                       follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == f"/stories/{new_id}"


def test_the_story_page_shows_matrix_disputes_ledger_numbers_timeline(client: TestClient) -> None:
    dam = story_with(client, "negligence")
    page = client.get(f"/stories/{dam['id']}")
    assert page.status_code == 200 and page.headers["content-security-policy"].startswith("default-src 'self'")
    html = page.text
    cells = re.findall(r'<td class="cell cell-(\w+)">(.*?)</td>', html)
    assert len(cells) == len(dam["claims"]) * len(dam["outlets"])
    states = [state for row in dam["matrix"].values() for state in row.values()]
    assert sorted(state for state, _ in cells) == sorted(states)
    assert all(f"</span> {state}" in cell for state, cell in cells)  # a word, not only a colour
    assert all("?hl=" in cell for state, cell in cells if state in ("reports", "contradicts"))
    assert all("href" not in cell for state, cell in cells if state == "omits")
    assert 'class="dispute"' in html and "reversal" in html
    assert "Quote ledger" in html and re.search(r'class="flag flag-(altered|truncated)"', html)
    assert "<del>" in html or "<ins>" in html
    assert "figures differ" in html  # the death tolls do not agree
    assert 'class="timeline"' in html and "Outlets and reprints" in html
    assert 'name="article_ids"' in html and 'action="/stories/' in html  # split and merge forms


def test_a_matrix_cell_leads_to_its_evidence_sentence(client: TestClient) -> None:
    dam = story_with(client, "negligence")
    html = client.get(f"/stories/{dam['id']}").text
    href = unescape(re.search(r'<td class="cell cell-reports"><a href="([^"]+)"', html).group(1))
    article_id, start, end = re.fullmatch(r"/articles/(\w+)\?hl=(\d+)-(\d+)#evidence", href).groups()
    mentions = [m for c in dam["claims"] for m in c["mentions"]
                if (m["article_id"], m["start"], m["end"]) == (article_id, int(start), int(end))]
    assert mentions
    article = client.get(href.split("#")[0]).text
    assert re.search(r'<span class="[^"]*k-evidence[^"]*" id="evidence"', article), "the evidence is not marked"
    body = re.sub(r'<span class="tag [^"]*">[^<]*</span>', "", article)  # the text labels of the spans
    marked = "".join(re.sub(r"<[^>]+>", "", inner) for classes, inner in
                     re.findall(r'<span class="([^"]*)"[^>]*>(.*?)</span>', body) if "k-evidence" in classes)
    text = client.get(f"/api/v1/articles/{article_id}").json()["text"]
    assert unescape(marked) == text[int(start):int(end)] == mentions[0]["text"]


def test_article_and_entity_pages(client: TestClient, demo_db: Path) -> None:
    store = Store(f"sqlite:///{demo_db}")
    article = next(a for a in store.list_articles(limit=50) if a.outlet == "The Meridian Herald")
    html = client.get(f"/articles/{article.id}").text
    for kind in ("quote", "entity", "event", "date", "quantity"):
        assert f"k-{kind}" in html, kind
    assert 'class="tag tag-quote"' in html and "Removed as boilerplate" in html
    assert f'href="{article.url}"' in html
    entity = client.get("/api/v1/entities/Kenya").json()
    assert entity["senses"] and entity["stories"] and (entity["events_as_actor"] or entity["events_as_target"])
    speaker = client.get("/api/v1/stories", params={"q": "negligence"}).json()["items"][0]["id"]
    ledger = client.get(f"/api/v1/stories/{speaker}").json()["quote_ledger"]
    person = next(name for name in ledger if " " in name)
    quoted = client.get(f"/api/v1/entities/{person}").json()
    assert quoted["quotes"] and all(q["speaker"] for q in quoted["quotes"])
    page = client.get(f"/entities/{person}").text
    assert "Quotes (" in page and "Events as actor" in page and "Events as target" in page


def test_the_docs_page_lists_the_api_without_outside_assets(client: TestClient) -> None:
    html = client.get("/docs").text
    assert "/api/v1/stories/{story_id}" in html and "needs the token" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_view_helpers() -> None:
    assert safe_url("https://example.org/a") == "https://example.org/a"
    assert safe_url("javascript:alert(1)") is None and safe_url("JaVaScRiPt:x") is None
    assert safe_url("data:text/html,x") is None and safe_url("//evil.example") is None
    assert parse_highlight("3-9", 20) == (3, 9) and parse_highlight("9-3", 20) is None
    assert parse_highlight("0-21", 20) is None and parse_highlight("x", 20) is None
    text = "Kirby said the talks failed."
    pieces = segments(text, [Span(0, 28, "quote", "Kirby:"), Span(0, 5, "entity", href="/entities/Kirby"),
                             Span(15, 20, "event", "ACCUSE")])
    assert "".join(p.text for p in pieces) == text
    assert pieces[0].kinds == ["entity", "quote"] and pieces[0].href == "/entities/Kirby"
    assert ("quote", "Kirby:") in pieces[0].labels
    talks = next(p for p in pieces if p.text == "talks")
    assert talks.kinds == ["event", "quote"] and talks.labels == [("event", "ACCUSE")]
    assert word_diff("there was no negligence", "there was no negligence on our part") == [
        ("same", "there was no negligence"), ("missing", "on our part")]
    assert ("added", "has") in word_diff("there has been negligence", "there had been no negligence")
    assert parse_terms('dam "no negligence"  dam') == ("dam", "no negligence")


def test_ingest_runs_the_pipeline_and_renders_hostile_text_inert(live_server: LiveServer) -> None:
    with httpx.Client(base_url=live_server.url, timeout=30) as http:
        refused = http.post("/api/v1/ingest", files={"files": ("x.json", xss_record(), "application/json")})
        assert refused.status_code == 401
        assert http.post("/api/v1/ingest", data={"urls": "javascript:alert(1)"},
                         headers=live_server.auth()).status_code == 422
        assert http.post("/api/v1/ingest", headers=live_server.auth()).status_code == 422
        started = http.post("/api/v1/ingest", files={"files": ("probe.json", xss_record(), "application/json")},
                            headers=live_server.auth())
        assert started.status_code == 202, started.text
        job = wait_for_job(http, started.json()["id"])
        # stored, or already there when the browser test ingested it first
        assert job["state"] == "done" and sum(job["counts"].values()) == 1 and not job["counts"].get("failed")
        found = http.get("/api/v1/stories", params={"q": "Valdivia pilots"}).json()["items"]
        assert found, "the ingested article is not searchable"
        record = http.get(f"/api/v1/stories/{found[0]['id']}").json()
        article_id = next(a["id"] for a in record["articles"] if "pilots" in (a["title"] or ""))
        page = http.get(f"/articles/{article_id}")
    html = page.text
    assert "<script>window" not in html and "onerror=\"" not in html and 'href="javascript:' not in html
    assert "&lt;script&gt;window.__xss = 1&lt;/script&gt;" in html
    assert XSS_TITLE not in html and "script-src 'self'" in page.headers["content-security-policy"]


def test_the_serve_command_rejects_bad_options(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli_app, ["serve", "--db", str(tmp_path / "x.db"), "--read-access", "everyone"])
    assert result.exit_code == 2 and "unknown read access" in result.output


def test_article_records_need_no_nlp_to_render(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'plain.db'}")
    article = Article(id="a" * 16, source="s", raw_hash="r", input_format="text", text="Plain text only.",
                      content_hash="c", title="<b>Bold?</b>", url="https://example.org/x")
    store.write_batch([article])
    with client_for(tmp_path / "plain.db") as client:
        html = client.get("/articles/aaaa").text
        assert "&lt;b&gt;Bold?&lt;/b&gt;" in html and "Plain text only." in html
        assert client.get("/").status_code == 200 and "No stories yet" in client.get("/").text
