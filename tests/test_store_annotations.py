"""Annotations in the store: entities and attributions written with their article, read back, replaced,
listed by speaker, exported, shown by `parallax quotes`, and the v1 → v2 schema upgrade."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from sqlalchemy import create_engine, delete, func, insert, inspect, select
from typer.testing import CliRunner

from parallax import cli as cli_module
from parallax.cli import app
from parallax.records import Article, Attribution, Entity, ParsedArticle, Record, content_hash
from parallax.serve.export import export_string
from parallax.store import Store
from parallax.store.schema import (
    LATEST_VERSION,
    MIGRATIONS,
    articles,
    attributions,
    current_version,
    entities,
    record_version,
    schema_version,
)

runner = CliRunner(env={"COLUMNS": "250"})

HARBOUR_TEXT = (
    "Harbour master Lucía Ferreyra said on Tuesday that the trawler fleet would stay in port in Puerto Alcázar "
    "until every catch had been weighed. "
    "“We will not allow a single vessel to sail,” Ferreyra told reporters, “until the logbooks match the holds.” "
    "The Chilean fisheries ministry backed the decision. "
    "The owners' association denied that any catch had gone undeclared."
)

BRIDGE_TEXT = (
    "The Danube Bridge Authority said on Monday that the crossing at Ruse would reopen to lorries on Friday. "
    "“The cracks were in the expansion joints, not in the deck,” chief engineer Petar Ivanov said. "
    "Ivanov warned that heavy traffic could be diverted again if the winter is harsh."
)


def span(text: str, piece: str, after: int = 0) -> tuple[int, int]:
    start = text.index(piece, after)
    return start, start + len(piece)


def entity(text: str, mention: str, type_: str, canonical: str, country: str | None = None,
           roles: Sequence[str] = (), cluster: int = 0, after: int = 0) -> Entity:
    start, end = span(text, mention, after)
    return Entity(text=mention, type=type_, canonical=canonical, start=start, end=end, country=country,
                  roles=list(roles), cluster=cluster)


def harbour_article(source: str = "pages/harbour.html", article_id: str = "a1" * 8) -> Article:
    text = HARBOUR_TEXT
    quote_one = span(text, "We will not allow a single vessel to sail")
    quote_two = span(text, "until the logbooks match the holds.")
    said = span(text, "said")
    claim = span(text, "the trawler fleet would stay in port in Puerto Alcázar until every catch had been weighed")
    denial = span(text, "that any catch had gone undeclared")
    first_sentence = (0, text.index("weighed.") + len("weighed."))
    quote_sentence = span(text, "“We will not allow a single vessel to sail,” Ferreyra told reporters, "
                                "“until the logbooks match the holds.”")
    last_sentence = span(text, "The owners' association denied that any catch had gone undeclared.")
    return Article(
        id=article_id, source=source, raw_hash="r-" + source, input_format="html", text=text,
        content_hash=content_hash(text), title="Trawlers held in Puerto Alcázar", outlet="Pacific Ledger",
        published="2025-03-04", language="en", extractor="trafilatura",
        entities=[
            entity(text, "Lucía Ferreyra", "PERSON", "Lucía Ferreyra", "CHL", ["harbour master"], cluster=1),
            entity(text, "Puerto Alcázar", "GPE", "Puerto Alcázar", "CHL", cluster=2),
            entity(text, "Ferreyra", "PERSON", "Lucía Ferreyra", "CHL", cluster=1, after=quote_one[1]),
            entity(text, "Chilean", "NORP", "Chile", "CHL", cluster=3),
        ],
        attributions=[
            Attribution(content=text[claim[0]:claim[1]], start=claim[0], end=claim[1], kind="indirect",
                        speaker="Lucía Ferreyra", speaker_text="Lucía Ferreyra",
                        speaker_start=text.index("Lucía"), speaker_end=text.index("Lucía") + len("Lucía Ferreyra"),
                        speaker_type="PERSON", speaker_country="CHL", cue="said", cue_start=said[0],
                        cue_end=said[1], sentence_start=first_sentence[0], sentence_end=first_sentence[1]),
            Attribution(content=f"{text[quote_one[0]:quote_one[1]]} … {text[quote_two[0]:quote_two[1]]}",
                        start=quote_one[0], end=quote_two[1], kind="direct", speaker="Lucía Ferreyra",
                        speaker_text="Ferreyra", speaker_start=text.index("Ferreyra", quote_one[1]),
                        speaker_end=text.index("Ferreyra", quote_one[1]) + len("Ferreyra"),
                        speaker_type="PERSON", speaker_country="CHL", cue="told reporters",
                        cue_start=text.index("told reporters"),
                        cue_end=text.index("told reporters") + len("told reporters"),
                        segments=[quote_one, quote_two], sentence_start=quote_sentence[0],
                        sentence_end=quote_sentence[1]),
            Attribution(content=text[denial[0]:denial[1]], start=denial[0], end=denial[1], kind="indirect",
                        speaker=None, speaker_text="The owners' association",
                        speaker_start=last_sentence[0], speaker_end=last_sentence[0] + len("The owners' association"),
                        cue="denied", cue_start=text.index("denied"), cue_end=text.index("denied") + len("denied"),
                        stance="deny", sentence_start=last_sentence[0], sentence_end=last_sentence[1]),
        ],
    )


def bridge_article() -> Article:
    text = BRIDGE_TEXT
    quote = span(text, "The cracks were in the expansion joints, not in the deck")
    warning = span(text, "heavy traffic could be diverted again if the winter is harsh")
    return Article(
        id="b2" * 8, source="pages/bridge.html", raw_hash="r-bridge", input_format="html", text=text,
        content_hash=content_hash(text), title="Ruse crossing to reopen", outlet="Danube Courier",
        published="2025-02-10", language="en", extractor="trafilatura",
        entities=[
            entity(text, "Danube Bridge Authority", "ORG", "Danube Bridge Authority", "BGR"),
            entity(text, "Petar Ivanov", "PERSON", "Petar Ivanov", "BGR", ["chief engineer"], cluster=1),
            entity(text, "Ivanov", "PERSON", "Petar Ivanov", "BGR", cluster=1, after=span(text, "Petar Ivanov")[1]),
        ],
        attributions=[
            Attribution(content=text[quote[0]:quote[1]], start=quote[0], end=quote[1], kind="direct",
                        speaker="Petar Ivanov", speaker_text="Petar Ivanov", speaker_type="PERSON",
                        speaker_country="BGR", cue="said"),
            Attribution(content=text[warning[0]:warning[1]], start=warning[0], end=warning[1], kind="indirect",
                        speaker="Petar Ivanov", speaker_text="Ivanov", speaker_type="PERSON",
                        speaker_country="BGR", cue="warned", stance="warn"),
        ],
    )


def row_counts(store: Store) -> tuple[int, int]:
    counts = store.count_annotations()
    return counts["entities"], counts["attributions"]


def test_fixture_offsets_point_at_their_text() -> None:
    for article in (harbour_article(), bridge_article()):
        for found in article.entities:
            assert article.text[found.start:found.end] == found.text
        for said in article.attributions:
            if said.segments:
                assert all(article.text[a:b] in said.content for a, b in said.segments)
            else:
                assert article.text[said.start:said.end] == said.content
            if said.cue_start is not None:
                assert article.text[said.cue_start:said.cue_end] == said.cue


def test_annotations_are_written_with_the_article_and_read_back_equal(store: Store) -> None:
    harbour, bridge = harbour_article(), bridge_article()
    assert dict(store.write_batch([harbour, bridge]).counts) == {"stored": 2}
    assert row_counts(store) == (7, 5)

    assert store.get_article(harbour.id) == harbour
    assert store.get_article(harbour.id[:6]) == harbour
    back = store.get_article(harbour.id)
    assert back is not None and back.attributions[1].segments == harbour.attributions[1].segments
    assert isinstance(back.attributions[1].segments[0], tuple)

    cheap = store.get_article(harbour.id, with_annotations=False)
    assert cheap is not None and cheap.entities == [] and cheap.attributions == []
    assert all(a.entities == [] and a.attributions == [] for a in store.list_articles())
    assert store.list_articles(with_annotations=True) == [harbour, bridge]  # latest first
    assert store.list_articles(limit=1, offset=1, with_annotations=True) == [bridge]


def test_iter_all_articles_pages_through_every_article(store: Store) -> None:
    stored = [Article(id=f"{n:016x}", source=f"s{n}", raw_hash=f"h{n}", input_format="text",
                      text=f"Council meeting number {n} was adjourned.", content_hash=f"c{n}") for n in range(7)]
    store.write_batch([harbour_article(), *stored])
    seen = list(store.iter_all_articles(page=3))
    assert [a.id for a in seen] == sorted([a.id for a in stored] + [harbour_article().id])
    assert all(a.entities == [] for a in seen)
    annotated = {a.id: a for a in store.iter_all_articles(page=2, with_annotations=True)}
    assert annotated[harbour_article().id] == harbour_article()


def test_a_parsed_article_is_stored_as_its_article(store: Store) -> None:
    harbour = harbour_article()
    records: list[Record] = [ParsedArticle(harbour, doc=None)]
    assert dict(store.write_batch(records).counts) == {"stored": 1}
    assert store.get_article(harbour.id) == harbour


def test_a_duplicate_writes_no_annotations(store: Store) -> None:
    store.write_batch([harbour_article()])
    before = row_counts(store)
    copy = harbour_article(source="wire/harbour.json", article_id="c3" * 8)
    copy.entities = copy.entities[:1]
    assert dict(store.write_batch([copy]).counts) == {"duplicate": 1}
    assert row_counts(store) == before
    assert store.get_article(copy.id) is None
    # Writing the same input again is a no-op too.
    assert dict(store.write_batch([harbour_article()]).counts) == {"unchanged": 1}
    assert row_counts(store) == before


def test_replace_annotations(store: Store) -> None:
    harbour, bridge = harbour_article(), bridge_article()
    store.write_batch([harbour, bridge])
    newer = [entity(harbour.text, "Puerto Alcázar", "GPE", "Puerto Alcázar", "CHL", cluster=1)]
    store.replace_annotations(harbour.id, newer, harbour.attributions[:1])
    back = store.get_article(harbour.id)
    assert back is not None and back.entities == newer and back.attributions == harbour.attributions[:1]
    assert store.get_article(bridge.id) == bridge
    store.replace_annotations(harbour.id, [], [])
    assert row_counts(store) == (len(bridge.entities), len(bridge.attributions))
    with pytest.raises(KeyError):
        store.replace_annotations("no-such-article", newer, [])

    bridge.entities, bridge.attributions = bridge.entities[:1], []
    assert store.replace_annotations_of([bridge]) == 1
    assert row_counts(store) == (1, 0)


def test_annotations_go_with_their_article(store: Store) -> None:
    store.write_batch([harbour_article(), bridge_article()])
    with store.engine.begin() as connection:
        connection.execute(delete(articles).where(articles.c.id == harbour_article().id))
    assert row_counts(store) == (3, 2)


def test_list_attributions_by_speaker_and_article(store: Store) -> None:
    harbour, bridge = harbour_article(), bridge_article()
    store.write_batch([bridge, harbour])

    everything = store.list_attributions()
    assert [(ref.id, said.content) for ref, said in everything] == (
        [(harbour.id, a.content) for a in harbour.attributions] + [(bridge.id, a.content) for a in bridge.attributions])
    ref = everything[0][0]
    assert (ref.outlet, ref.title, ref.published) == ("Pacific Ledger", "Trawlers held in Puerto Alcázar", "2025-03-04")

    by_ferreyra = store.list_attributions(speaker="FERREYRA")
    assert [said for _, said in by_ferreyra] == harbour.attributions[:2]
    # The mention as written counts too, for speakers with no canonical name.
    assert [said.stance for _, said in store.list_attributions(speaker="owners' assoc")] == ["deny"]
    assert [said.cue for _, said in store.list_attributions(speaker="ivanov", limit=1)] == ["said"]
    assert store.list_attributions(speaker="Kirby") == []
    # Aliases: canonical names that a store-wide name maps the query onto.
    assert len(store.list_attributions(speaker="Lucía F. Ferreyra", also_speakers={"Lucía Ferreyra"})) == 2

    only_bridge = store.list_attributions(article_id=bridge.id[:5])
    assert [said for _, said in only_bridge] == bridge.attributions
    assert store.list_attributions(speaker="ferreyra", article_id=bridge.id) == []
    assert store.list_attributions(article_id="b2%") == []  # LIKE wildcards are escaped


def test_export_carries_entities_and_attributions(store: Store) -> None:
    harbour, bridge = harbour_article(), bridge_article()
    store.write_batch([harbour, bridge])
    document = json.loads(export_string(store))
    exported = {a["id"]: a for a in document["articles"]}
    first = exported[harbour.id]
    assert first["entities"][0] == {"text": "Lucía Ferreyra", "type": "PERSON", "canonical": "Lucía Ferreyra",
                                    "country": "CHL", "start": harbour.entities[0].start,
                                    "end": harbour.entities[0].end, "roles": ["harbour master"]}
    quote = first["attributions"][1]
    assert set(quote) == {"speaker", "speaker_text", "speaker_type", "speaker_country", "cue", "content", "kind",
                          "start", "end", "stance", "segments", "speaker_start", "speaker_end", "cue_start", "cue_end"}
    assert quote["speaker"] == "Lucía Ferreyra" and quote["speaker_text"] == "Ferreyra"
    assert quote["cue"] == "told reporters" and quote["kind"] == "direct"
    assert quote["segments"] == [list(s) for s in harbour.attributions[1].segments]
    assert first["text"][quote["start"]:quote["start"] + 10] == "We will no"
    assert first["attributions"][2]["stance"] == "deny" and first["attributions"][2]["speaker"] is None

    lines = [json.loads(line) for line in export_string(store, "jsonl").splitlines()]
    assert [len(a["attributions"]) for a in lines] == [3, 2]
    rows = list(csv.DictReader(io.StringIO(export_string(store, "csv"))))
    assert [(r["entities"], r["attributions"]) for r in rows] == [("4", "3"), ("3", "2")]


def test_export_applies_store_wide_names(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    store.write_batch([harbour_article()])
    names = {("Lucía Ferreyra", "PERSON", "CHL"): "Lucía Ferreyra Soto"}
    monkeypatch.setattr(Store, "canonical_names", lambda self: names)
    article = json.loads(export_string(store))["articles"][0]
    assert [e["canonical"] for e in article["entities"]] == [
        "Lucía Ferreyra Soto", "Puerto Alcázar", "Lucía Ferreyra Soto", "Chile"]
    assert [a["speaker"] for a in article["attributions"]] == ["Lucía Ferreyra Soto", "Lucía Ferreyra Soto", None]


def test_canonical_names_merge_across_articles(store: Store) -> None:
    pytest.importorskip("parallax.annotate.entities")
    text = ("Mr. Kirby told reporters that the talks in Geneva would resume next week. "
            "Kirby said the delegation had been briefed.")
    short = Article(id="d4" * 8, source="pages/kirby.html", raw_hash="r-kirby", input_format="html", text=text,
                    content_hash=content_hash(text), published="2025-03-05", language="en",
                    entities=[entity(text, "Mr. Kirby", "PERSON", "Kirby", "USA", cluster=1),
                              entity(text, "Kirby", "PERSON", "Kirby", "USA", cluster=1, after=20)])
    full_text = "John Kirby, the White House spokesman, said the meeting had been productive."
    full = Article(id="e5" * 8, source="pages/full.html", raw_hash="r-full", input_format="html", text=full_text,
                   content_hash=content_hash(full_text), published="2025-03-04", language="en",
                   entities=[entity(full_text, "John Kirby", "PERSON", "John Kirby", "USA", cluster=1)])
    store.write_batch([short, full])
    names = store.canonical_names()
    assert names[("Kirby", "PERSON", "USA")] == "John Kirby"
    assert names[("John Kirby", "PERSON", "USA")] == "John Kirby"


def test_a_v1_database_upgrades_in_place(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        assert current_version(connection) == 0
        MIGRATIONS[0](connection)
        record_version(connection, 1, "2025-01-01T00:00:00+00:00")
        old = harbour_article()
        connection.execute(insert(articles).values(
            id=old.id, content_hash=old.content_hash, source=old.source, raw_hash=old.raw_hash,
            input_format=old.input_format, text=old.text, title=old.title, outlet=old.outlet,
            published=old.published, language=old.language, extractor=old.extractor, credits=[], removed=[],
            notes=[], created_at="2025-01-01T00:00:00+00:00"))
    assert not inspect(engine).has_table("entities")
    engine.dispose()

    store = Store(url)
    tables = set(inspect(store.engine).get_table_names())
    assert {"articles", "inputs", "entities", "attributions"} <= tables
    with store.engine.connect() as connection:
        assert connection.execute(select(schema_version.c.version)).scalars().all() == list(
            range(1, LATEST_VERSION + 1))
        assert connection.execute(select(func.count()).select_from(entities)).scalar_one() == 0
        assert connection.execute(select(func.count()).select_from(attributions)).scalar_one() == 0
    kept = store.get_article(old.id)
    assert kept is not None and kept.text == old.text and kept.entities == []
    store.replace_annotations(old.id, old.entities, old.attributions)
    assert store.get_article(old.id) == old
    store.close()


# -- the `quotes` and `reannotate` commands ------------------------------------------------------


def filled_db(tmp_path: Path) -> str:
    db = str(tmp_path / "quotes.db")
    store = Store(f"sqlite:///{db}")
    store.write_batch([harbour_article(), bridge_article()])
    store.close()
    return db


def test_quotes_lists_who_said_what(tmp_path: Path) -> None:
    db = filled_db(tmp_path)
    result = runner.invoke(app, ["quotes", "--db", db])
    assert result.exit_code == 0, result.output
    assert "5 attributions" in result.output
    assert "Lucía Ferreyra (Ferreyra)" in result.output and "told reporters" in result.output
    assert "Petar Ivanov" in result.output and "warn" in result.output
    assert "a1a1a1a1 Pacific Ledger" in result.output

    result = runner.invoke(app, ["quotes", "--db", db, "--speaker", "ivanov", "--limit", "1"])
    assert result.exit_code == 0 and "1 attributions (more: raise --limit)" in result.output
    assert "expansion joints" in result.output and "Ferreyra" not in result.output


def test_quotes_as_json_lines(tmp_path: Path) -> None:
    db = filled_db(tmp_path)
    result = runner.invoke(app, ["quotes", "--db", db, "--article", "a1a1", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [row["kind"] for row in rows] == ["indirect", "direct", "indirect"]
    assert rows[0]["article_id"] == harbour_article().id and rows[0]["outlet"] == "Pacific Ledger"
    assert rows[2]["speaker_text"] == "The owners' association" and rows[2]["stance"] == "deny"


def test_quotes_with_no_match_says_so(tmp_path: Path) -> None:
    db = filled_db(tmp_path)
    result = runner.invoke(app, ["quotes", "--db", db, "--speaker", "Kirby"])
    assert result.exit_code == 0 and "no attributions match speaker 'Kirby'" in result.output
    empty = str(tmp_path / "empty.db")
    result = runner.invoke(app, ["quotes", "--db", empty])
    assert result.exit_code == 0 and "no attributions in the store yet" in result.output


class _CueTagger:
    """A stand-in for the annotate + attribute stages: marks every "said" as an attribution cue."""

    name = "fake-attribute"

    def setup(self) -> None:
        pass

    def process_batch(self, records: Sequence[Record]) -> list[Record]:
        out: list[Record] = []
        for record in records:
            assert isinstance(record, Article)
            start = record.text.index("said")
            record.entities = []
            record.attributions = [Attribution(content=record.text[:start].strip(), start=0, end=start - 1,
                                               kind="indirect", cue="said", cue_start=start, cue_end=start + 4)]
            out.append(ParsedArticle(record))
        return out


def test_reannotate_replaces_the_annotations_of_every_article(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    db = filled_db(tmp_path)
    monkeypatch.setattr(cli_module, "nlp_stages", lambda *_: [_CueTagger()])
    result = runner.invoke(app, ["reannotate", "--db", db, "--workers", "0", "--batch-size", "1"])
    assert result.exit_code == 0, result.output
    assert "re-annotated 2 of 2 articles" in result.output
    store = Store(f"sqlite:///{db}")
    assert row_counts(store) == (0, 2)
    back = store.get_article(bridge_article().id)
    assert back is not None and back.attributions[0].content == "The Danube Bridge Authority"
    store.close()


def test_quotes_finds_speakers_by_their_store_wide_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = filled_db(tmp_path)
    names = {("Lucía Ferreyra", "PERSON", "CHL"): "Lucía Ferreyra Soto"}
    monkeypatch.setattr(Store, "canonical_names", lambda self: names)
    result = runner.invoke(app, ["quotes", "--db", db, "--speaker", "soto", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [(row["speaker"], row["speaker_text"]) for row in rows] == [
        ("Lucía Ferreyra Soto", "Lucía Ferreyra"), ("Lucía Ferreyra Soto", "Ferreyra")]


def test_analyze_without_nlp_only_extracts(tmp_path: Path) -> None:
    from tests.pages import news_html

    (tmp_path / "page.html").write_text(news_html(), encoding="utf-8")
    db = str(tmp_path / "plain.db")
    result = runner.invoke(app, ["analyze", str(tmp_path / "page.html"), "--db", db, "--no-nlp", "--workers", "0",
                                 "--quiet"])
    assert result.exit_code == 0, result.output
    store = Store(f"sqlite:///{db}")
    assert store.count_articles() == 1 and row_counts(store) == (0, 0)
    store.close()
    assert "no attributions in the store yet" in runner.invoke(app, ["quotes", "--db", db]).output


# -- the stories stage's placements ------------------------------------------------------------------


def test_placements_keep_the_pair_signals(store: Store) -> None:
    import numpy as np

    from parallax.stories.cluster import Assignment
    from parallax.stories.features import ArticleFeatures, numbers_and_years, term_vector

    harbour = harbour_article()
    store.write_batch([harbour])
    terms, weights = term_vector(harbour.text, "en")
    numbers, years = numbers_and_years(harbour.text)
    vector = np.zeros(512, dtype=np.float32)
    vector[0] = 1.0
    placed = ArticleFeatures(article_id=harbour.id, vector=vector, minhash=np.arange(128, dtype=np.uint64),
                             entities=frozenset({"valparaíso"}), day=739000, language="en", terms=terms,
                             weights=weights, numbers=numbers, years=years, persons=frozenset({"ana rojas"}),
                             main_persons=frozenset({"rojas"}))
    store.stories.place([placed], [Assignment(harbour.id, "s-harbour")])
    back, story, original = next(iter(store.stories.placed()))
    assert (story, original) == ("s-harbour", None)
    assert np.array_equal(back.terms, terms) and np.array_equal(back.weights, weights) and len(terms) > 5
    assert (back.numbers, back.years, back.persons, back.language) == (numbers, years, {"ana rojas"}, "en")
    assert back.main_persons == {"rojas"}


def test_a_store_placed_before_the_pair_signals_gains_their_columns(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'v5.db'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        assert current_version(connection) == 0
        for version, migration in enumerate(MIGRATIONS[:5], start=1):
            migration(connection)
            record_version(connection, version, "2025-01-01T00:00:00+00:00")
        for column in ("terms", "signals"):  # version 4 made the table without them
            connection.exec_driver_sql(f"ALTER TABLE article_stories DROP COLUMN {column}")
    engine.dispose()
    store = Store(url)
    columns = {column["name"] for column in inspect(store.engine).get_columns("article_stories")}
    assert {"terms", "signals"} <= columns
    store.close()
