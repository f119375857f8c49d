"""The web app in a real browser: Debian's chromium driven by Playwright (never `playwright install`), over a
live server on the demo store. Search, open a story, follow a matrix cell to its evidence, move with the
keyboard, run axe-core on the four main pages, and check that hostile article text stays inert.

Skips (with the reason) only when chromium, axe-core or Playwright is missing; `make test` installs them.
Screenshots and the axe report go to tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.web import LiveServer, wait_for_job, xss_record

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (make test installs Debian's chromium)", allow_module_level=True)
if not AXE.exists():
    pytest.skip(f"axe-core is missing at {AXE} (make browser installs it)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed (dev extra)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=["--headless", "--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def story_url(page: Any, server: LiveServer, words: str) -> str:
    page.goto(f"{server.url}/?q={words}")
    return str(page.locator("a.story-link").first.get_attribute("href"))


def test_search_open_a_story_and_follow_a_cell_to_its_evidence(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/")
    assert page.locator("a.story-link").count() >= 3
    page.screenshot(path=str(ARTIFACTS / "stories.png"), full_page=True)
    page.get_by_label("Words in titles, texts or claims").fill("jack mackerel")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"q=jack\+mackerel"))
    assert page.locator("#result-count").inner_text().startswith("1 story")
    page.locator("a.story-link").first.click()
    page.wait_for_url(re.compile(r"/stories/s\w+$"))
    assert page.get_by_role("heading", name="Claims × outlets").is_visible()
    page.screenshot(path=str(ARTIFACTS / "story.png"))
    cell = page.locator("td.cell-reports a").first
    claim = cell.locator("xpath=ancestor::tr/th").inner_text()
    cell.click()
    page.wait_for_url(re.compile(r"/articles/\w+\?hl=\d+-\d+#evidence"))
    evidence = page.locator("#evidence")
    assert evidence.is_visible() and evidence.inner_text().strip()
    assert page.evaluate("document.getElementById('evidence').getBoundingClientRect().top") < 900
    assert claim
    page.screenshot(path=str(ARTIFACTS / "evidence.png"))


def test_keyboard_reaches_the_content_and_moves_through_the_matrix(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server.url + story_url(page, live_server, "negligence"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    first = page.locator("td.cell a, td.cell .cell-text").first
    first.focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.closest('td').cellIndex") == 3
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.closest('tr').rowIndex") == 2
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("document.activeElement.closest('td').cellIndex") == 2


def test_article_layers_can_be_switched_off(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server.url + story_url(page, live_server, "negligence"))
    page.locator("table.articles td a").first.click()
    page.wait_for_url(re.compile(r"/articles/\w+$"))
    box = page.get_by_label("quotes (by speaker)")
    assert page.locator(".tag-quote").first.is_visible()
    box.press("Space")
    assert not box.is_checked() and not page.locator(".tag-quote").first.is_visible()


def axe_serious(browser: Any, url: str) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page (the context bypasses the CSP to inject it)."""
    context = browser.new_context(bypass_csp=True)
    tab = context.new_page()
    tab.goto(url)
    tab.add_script_tag(path=str(AXE))
    result = tab.evaluate("axe.run(document, {resultTypes: ['violations']})")
    context.close()
    return [{"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"]), "help": v["help"]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_no_serious_axe_violations_on_the_four_main_pages(browser: Any, page: Any,
                                                         live_server: LiveServer) -> None:
    story = story_url(page, live_server, "negligence")
    page.goto(live_server.url + story)
    article = page.locator("td.cell-reports a").first.get_attribute("href")
    entity = page.locator("th.claim a.speaker").first.get_attribute("href")
    pages = {"stories": "/", "story": story, "article": article, "entity": entity}
    report = {name: axe_serious(browser, live_server.url + path) for name, path in pages.items()}
    (ARTIFACTS / "axe.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    assert report == {name: [] for name in pages}


def test_hostile_article_text_renders_inert(page: Any, live_server: LiveServer) -> None:
    with httpx.Client(base_url=live_server.url, timeout=30) as http:
        started = http.post("/api/v1/ingest", files={"files": ("hostile.json", xss_record(), "application/json")},
                            headers=live_server.auth())
        assert started.status_code == 202, started.text
        assert wait_for_job(http, started.json()["id"])["state"] == "done"
        story = http.get("/api/v1/stories", params={"q": "Valdivia pilots"}).json()["items"][0]["id"]
        record = http.get(f"/api/v1/stories/{story}").json()
    article_id = next(a["id"] for a in record["articles"] if "pilots" in (a["title"] or ""))
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in (f"/articles/{article_id}", f"/stories/{story}", "/?q=Valdivia"):
        page.goto(live_server.url + path)
        assert page.evaluate("window.__xss") is None, path
        assert page.locator("[onerror]").count() == 0 and page.locator("a[href^='javascript']").count() == 0
        assert page.locator("script:not([src='/static/app.js'])").count() == 0
    page.goto(f"{live_server.url}/articles/{article_id}")
    assert "<script>window.__xss = 1</script>" in page.locator("h1").inner_text()
    assert "javascript:window.__xss = 6" in page.locator("dl.metadata").inner_text()
    page.screenshot(path=str(ARTIFACTS / "xss.png"))
    assert dialogs == []
