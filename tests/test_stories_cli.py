"""The stories stage end to end on the demo corpus: stories across outlets and languages, the reprint, claims
with statuses, merges and splits that survive re-runs, and bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from parallax.cli import app
from tests.pages import EXAMPLES

runner = CliRunner(env={"COLUMNS": "250"})
STORIES = {"fishing": {"Coastline Daily", "El Faro Austral", "The Andes Monitor"},
           "dam": {"The Meridian Herald", "Folha do Atlântico", "Brasil Now English", "The Daily Lantern"},
           "lender": {"Northbridge Post", "The Lakeside Observer", "Savannah Business Daily",
                      "Rheintal Wirtschaftsblatt"}}


def cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def export(db: Path) -> dict[str, Any]:
    code, output = cli("export", "--db", str(db))
    assert code == 0, output
    return json.loads(output)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("stories") / "demo.db"
    code, output = cli("analyze", str(EXAMPLES), "--db", str(db), "--quiet", "--workers", "0")
    assert code == 0, output
    return db


def story_of_outlets(document: dict[str, Any], outlets: set[str]) -> list[dict[str, Any]]:
    by_id = {a["id"]: a for a in document["articles"]}
    return [s for s in document["stories"] if outlets & {by_id[i]["outlet"] for i in s["article_ids"]}]


def test_each_story_gathers_its_outlets_and_languages(demo: Path) -> None:
    document = export(demo)
    for name, outlets in STORIES.items():
        homes = story_of_outlets(document, outlets)
        assert len(homes) == 1, f"{name} is spread over {[s['title'] for s in homes]}"
    dam = story_of_outlets(document, STORIES["dam"])[0]
    assert {a["language"] for a in dam["articles"]} == {"en", "pt"}
    assert {a["language"] for a in story_of_outlets(document, STORIES["lender"])[0]["articles"]} == {"en", "de"}
    assert {a["language"] for a in story_of_outlets(document, STORIES["fishing"])[0]["articles"]} >= {"en", "es"}


def test_the_reprint_names_its_original_and_is_no_second_source(demo: Path) -> None:
    document = export(demo)
    by_outlet = {a["outlet"]: a for a in document["articles"]}
    copy, original = by_outlet["The Lakeside Observer"], by_outlet["Northbridge Post"]
    assert copy["reprint_of"] == original["id"]
    lender = story_of_outlets(document, STORIES["lender"])[0]
    for claim in lender["claims"]:
        reporting = {m["article_id"] for m in claim["mentions"]}
        if reporting <= {copy["id"], original["id"]}:
            assert claim["status"] != "corroborated", claim["summary"]


def test_claims_align_across_outlets_and_across_languages(demo: Path) -> None:
    document = export(demo)
    by_id = {a["id"]: a for a in document["articles"]}
    dam = story_of_outlets(document, STORIES["dam"])[0]
    statuses = {c["status"] for c in dam["claims"]}
    assert statuses <= {"corroborated", "single-source", "disputed"} and "corroborated" in statuses
    crossing = [c for c in dam["claims"] if {by_id[m["article_id"]]["language"] for m in c["mentions"]} == {"en", "pt"}]
    assert crossing, "no claim of the Portuguese page aligned with its English translation"
    lender = story_of_outlets(document, STORIES["lender"])[0]
    german = [c for c in lender["claims"]
              if {by_id[m["article_id"]]["language"] for m in c["mentions"]} >= {"en", "de"}]
    assert len(german) >= 3, "the German translated copy's claims do not align with the English original's"
    assert all(c["status"] != "single-source" for c in german)
    for claim in dam["claims"]:
        for mention in claim["mentions"]:
            article = by_id[mention["article_id"]]
            assert article["text"][mention["start"]:mention["end"]] == mention["text"]
        assert claim["summary"] and all(other in {c["id"] for c in dam["claims"]} for other in claim["disputed_by"])
    matrix_outlets = set(dam["outlets"])
    assert all(set(row) == matrix_outlets for row in dam["matrix"].values())


def test_the_story_command_renders_the_matrix(demo: Path) -> None:
    document = export(demo)
    story_id = story_of_outlets(document, STORIES["fishing"])[0]["id"]
    code, output = cli("story", story_id[:6], "--db", str(demo))
    assert code == 0, output
    assert "claims × outlets" in output and "reports" in output and "Coastline Daily" in output
    code, output = cli("stories", "--db", str(demo))
    assert code == 0 and story_id in output
    assert cli("story", "nosuchstory", "--db", str(demo))[0] == 2


def test_merge_and_split_survive_reruns(demo: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    shutil.copy(demo, db)
    document = export(db)
    fishing = story_of_outlets(document, STORIES["fishing"])[0]
    lender = story_of_outlets(document, STORIES["lender"])[0]
    code, output = cli("merge", fishing["id"], lender["id"], "--db", str(db))
    assert code == 0, output
    merged = export(db)
    assert lender["id"] not in {s["id"] for s in merged["stories"]}
    assert set(fishing["article_ids"]) | set(lender["article_ids"]) <= set(
        next(s for s in merged["stories"] if s["id"] == fishing["id"])["article_ids"])
    moving = lender["article_ids"][0]
    code, output = cli("split", fishing["id"], moving[:10], "--db", str(db))
    assert code == 0, output
    after_split = export(db)
    code, _ = cli("analyze", str(EXAMPLES), "--db", str(db), "--quiet", "--workers", "0")
    assert code == 0
    assert export(db) == after_split  # the same inputs again: nothing moves, nothing is rebuilt differently
    homes = [s for s in after_split["stories"] if moving in s["article_ids"]]
    assert len(homes) == 1 and homes[0]["id"] != fishing["id"]
    assert cli("split", fishing["id"], "zzzz", "--db", str(db))[0] == 2


def test_a_story_of_one_undated_article_and_an_article_without_sentences(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "alone.txt").write_text(
        "Harbour pilots in Puerto Montt stop work\n\nHarbour pilots in Puerto Montt stopped work on Monday over "
        "unpaid overtime, the pilots' association said. \"We will not board another ship until we are paid,\" "
        "said Carla Muñoz, the association's president. Four cargo ships waited outside the bay on Tuesday, "
        "according to the port authority, which said talks would resume on Friday.\n", encoding="utf-8")
    (pages / "list.txt").write_text("Tide tables\n\n" + "\n".join(f"0{n}:00 1.{n} m" for n in range(1, 9)) + "\n",
                                    encoding="utf-8")
    db = tmp_path / "one.db"
    code, output = cli("analyze", str(pages), "--db", str(db), "--quiet", "--workers", "0")
    assert code in (0, 1), output
    document = export(db)
    alone = [s for s in document["stories"] if any("Puerto Montt" in (a["title"] or "") for a in s["articles"])]
    assert len(alone) == 1 and len(alone[0]["article_ids"]) == 1
    assert all(c["status"] == "single-source" for c in alone[0]["claims"] if not c["disputed_by"])


def test_stories_built_on_worker_processes_equal_stories_built_here(demo: Path, tmp_path: Path) -> None:
    """Featurising and claim alignment on the process pool give the very stories the in-process run gives."""
    from sqlalchemy import delete

    from parallax.pipeline import LocalExecutor
    from parallax.store import Store
    from parallax.store.schema import article_stories, stories, story_decisions
    from parallax.stories.runner import StoryRunner

    stores = []
    for name in ("here", "pool"):
        copy = tmp_path / f"{name}.db"
        shutil.copy(demo, copy)
        store = Store(f"sqlite:///{copy}")
        with store.engine.begin() as connection:
            for table in (story_decisions, article_stories, stories):
                connection.execute(delete(table))
        stores.append(store)
    engines: list[LocalExecutor] = []

    def pool() -> LocalExecutor:
        engines.append(LocalExecutor(2))
        return engines[-1]

    here = StoryRunner(stores[0]).update()
    pooled = StoryRunner(stores[1], executor_factory=pool, parallel_from=1).update()
    assert len(engines) == 1  # one pool for the features and the rebuilds
    assert (here.placed, here.new_stories, here.rebuilt) == (pooled.placed, pooled.new_stories, pooled.rebuilt)
    assert here.new_stories >= 3
    records = [sorted(store.stories.iter_stories(), key=lambda s: s["id"]) for store in stores]
    assert records[0] == records[1]
