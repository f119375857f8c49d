"""Events, date mentions and quantities in the store: written with their article, read back, replaced,
listed by type and party, exported (contract JSON, CSV counts, the GDELT-style events CSV), shown by
`parallax events` and `parallax show`, and the v2 → v3 schema upgrade. No spaCy: the records are made
by hand on sentences written for these tests."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, delete, func, insert, inspect, select
from typer.testing import CliRunner

from parallax.cli import app
from parallax.records import Article, Attribution, DateMention, Entity, Event, Quantity, content_hash
from parallax.serve.export import EVENT_CSV_FIELDS, EventNames, event_row, export_string
from parallax.store import Store
from parallax.store.schema import (
    LATEST_VERSION,
    MIGRATIONS,
    articles,
    current_version,
    dates,
    entities,
    events,
    quantities,
    record_version,
    schema_version,
)

runner = CliRunner(env={"COLUMNS": "250"})

COD_TEXT = (
    "Norway imposed sanctions on three Chilean trawler companies on Monday, freezing about 12 million dollars "
    "in assets. "
    "Fisheries minister Ingrid Solberg said the Chilean fleet had landed more than 4,000 tonnes of undeclared "
    "cod off Svalbard. "
    "Santiago will not recall its ambassador, a spokesperson for the foreign ministry said."
)

FLOOD_TEXT = (
    "Peru sent two field hospitals to Ecuador on 14 February after the floods in Guayaquil. "
    "Ecuadorian officials said the hospitals would stay until the end of March."
)


def span(text: str, piece: str, after: int = 0) -> tuple[int, int]:
    start = text.index(piece, after)
    return start, start + len(piece)


def sentence(text: str, number: int) -> tuple[int, int]:
    """Offsets of the n-th sentence (these texts end every sentence with ". ")."""
    starts = [0] + [i + 2 for i in range(len(text)) if text.startswith(". ", i)]
    start = starts[number]
    end = text.find(". ", start)
    return start, (end + 1 if end >= 0 else len(text))


def quantity(text: str, piece: str, value: float | None, unit: str | None, **rest: object) -> Quantity:
    start, end = span(text, piece)
    return Quantity(text=piece, start=start, end=end, value=value, unit=unit, **rest)  # type: ignore[arg-type]


def date(text: str, piece: str, value: str | None, **rest: str) -> DateMention:
    start, end = span(text, piece)
    return DateMention(text=piece, start=start, end=end, value=value, **rest)


def event(text: str, number: int, trigger: str, type_: str, **rest: object) -> Event:
    start, end = sentence(text, number)
    trigger_start, trigger_end = span(text, trigger, start)
    return Event(type=type_, text=text[start:end], start=start, end=end, trigger=trigger,
                 trigger_start=trigger_start, trigger_end=trigger_end, **rest)  # type: ignore[arg-type]


def cod_article(source: str = "pages/cod.html", article_id: str = "c0" * 8) -> Article:
    text = COD_TEXT
    money = quantity(text, "about 12 million dollars", 12_000_000.0, "USD", qualifier="about", approximate=True,
                     kind="money")
    tonnes = quantity(text, "more than 4,000 tonnes", 4000.0, "tonnes", qualifier="more than", kind="measure")
    firms = quantity(text, "three Chilean trawler companies", 3.0, "companies")
    speaker = span(text, "Ingrid Solberg")
    said = span(text, "said", speaker[1])
    claim = span(text, "the Chilean fleet had landed more than 4,000 tonnes of undeclared cod off Svalbard")
    return Article(
        id=article_id, source=source, raw_hash="r-" + source, input_format="html", text=text,
        content_hash=content_hash(text), title="Norway sanctions Chilean trawler firms", outlet="Nordic Ledger",
        published="2025-03-05", language="en", extractor="trafilatura",
        entities=[
            Entity(text="Norway", type="GPE", canonical="Norway", start=0, end=6, country="NOR", cluster=1),
            Entity(text="Ingrid Solberg", type="PERSON", canonical="Ingrid Solberg", start=speaker[0],
                   end=speaker[1], country="NOR", roles=["Fisheries minister"], cluster=2),
        ],
        attributions=[
            Attribution(content=text[claim[0]:claim[1]], start=claim[0], end=claim[1], kind="indirect",
                        speaker="Ingrid Solberg", speaker_text="Ingrid Solberg", speaker_start=speaker[0],
                        speaker_end=speaker[1], speaker_type="PERSON", speaker_country="NOR", cue="said",
                        cue_start=said[0], cue_end=said[1]),
        ],
        events=[
            event(text, 0, "sanctions", "SANCTION", mode="economic", cameo="163", actor="Norway",
                  actor_text="Norway", actor_country="NOR", actor_sector="GOV", target="Chile",
                  target_text="three Chilean trawler companies", target_country="CHL", target_sector="BUS",
                  date="2025-03-03", date_text="on Monday", quantities=[firms, money]),
            event(text, 1, "landed", "ACCUSE", cameo="112", actor="Ingrid Solberg", actor_text="Ingrid Solberg",
                  actor_country="NOR", actor_sector="GOV", target="Chile", target_text="the Chilean fleet",
                  target_country="CHL", location="Svalbard", location_country="NOR", status="claimed",
                  according_to="Ingrid Solberg", quantities=[tonnes]),
            event(text, 2, "recall", "REDUCE", mode="diplomatic", cameo="161", actor="Chile",
                  actor_text="Santiago", actor_country="CHL", actor_sector="GOV", date="2025-03",
                  status="reported", negated=True, modality="future"),
        ],
        dates=[date(text, "on Monday", "2025-03-03", granularity="day", reference="2025-03-05",
                    relation="relative")],
        quantities=[firms, money, tonnes],
    )


def flood_article() -> Article:
    text = FLOOD_TEXT
    hospitals = quantity(text, "two field hospitals", 2.0, "field hospitals")
    return Article(
        id="f1" * 8, source="feeds/andes.xml#3", raw_hash="r-flood", input_format="feed", text=text,
        content_hash=content_hash(text), title="Peruvian field hospitals reach Guayaquil", outlet="Andes Wire",
        url="https://andes-wire.example/flood-aid", published="2025-02-15", language="en", extractor="fragment",
        events=[event(text, 0, "sent", "AID", mode="humanitarian", cameo="073", actor="Peru", actor_text="Peru",
                      actor_country="PER", actor_sector="GOV", target="Ecuador", target_text="Ecuador",
                      target_country="ECU", location="Guayaquil", location_country="ECU", date="2025-02-14",
                      date_text="on 14 February", quantities=[hospitals])],
        dates=[date(text, "on 14 February", "2025-02-14", granularity="day", reference="2025-02-15",
                    relation="absolute"),
               date(text, "the end of March", "2025-03", granularity="month", reference="2025-02-15",
                    relation="anchored")],
        quantities=[hospitals],
    )


def counts(store: Store) -> tuple[int, int, int]:
    found = store.count_annotations()
    return found["events"], found["dates"], found["quantities"]


def test_fixture_offsets_point_at_their_text() -> None:
    for article in (cod_article(), flood_article()):
        for found in article.events:
            assert article.text[found.start:found.end] == found.text and found.text.endswith(".")
            assert article.text[found.trigger_start:found.trigger_end] == found.trigger
            assert all(article.text[q.start:q.end] == q.text for q in found.quantities)
        for mention in [*article.dates, *article.quantities]:
            assert article.text[mention.start:mention.end] == mention.text


def test_written_with_the_article_and_read_back_equal(store: Store) -> None:
    cod, flood = cod_article(), flood_article()
    assert dict(store.write_batch([cod, flood]).counts) == {"stored": 2}
    assert store.count_annotations() == {"entities": 2, "attributions": 1, "events": 4, "dates": 3,
                                         "quantities": 4}
    back = store.get_article(cod.id)
    assert back == cod
    assert back is not None and back.events[2].negated is True and back.events[0].negated is False
    assert back.quantities[1].approximate is True and back.quantities[1].value == 12_000_000
    assert back.events[0].quantities == [cod.quantities[0], cod.quantities[1]]
    assert store.list_articles(with_annotations=True) == [cod, flood]
    assert {a.id: a for a in store.iter_all_articles(page=1, with_annotations=True)} == {cod.id: cod,
                                                                                        flood.id: flood}
    cheap = store.get_article(cod.id, with_annotations=False)
    assert cheap is not None and (cheap.events, cheap.dates, cheap.quantities) == ([], [], [])


def test_a_duplicate_or_a_repeat_writes_nothing_more(store: Store) -> None:
    store.write_batch([cod_article()])
    before = counts(store)
    copy = cod_article(source="wire/cod.json", article_id="d1" * 8)
    assert dict(store.write_batch([copy]).counts) == {"duplicate": 1}
    assert dict(store.write_batch([cod_article()]).counts) == {"unchanged": 1}
    assert counts(store) == before == (3, 1, 3)


def test_replace_annotations_replaces_events_dates_and_quantities(store: Store) -> None:
    cod, flood = cod_article(), flood_article()
    store.write_batch([cod, flood])
    store.replace_annotations(cod.id, cod.entities, cod.attributions, events=cod.events[:1],
                              dates=[], quantities=cod.quantities[2:])
    back = store.get_article(cod.id)
    assert back is not None
    assert (back.events, back.dates, back.quantities) == (cod.events[:1], [], cod.quantities[2:])
    assert back.entities == cod.entities and store.get_article(flood.id) == flood
    # Annotations not given are replaced by none: they are recomputed together.
    store.replace_annotations(cod.id, [], [])
    assert counts(store) == (1, 2, 1)

    cod.events, flood.events, flood.dates = cod.events[1:], [], flood.dates[:1]
    assert store.replace_annotations_of([cod, flood]) == 2
    assert store.get_article(cod.id) == cod and store.get_article(flood.id) == flood
    assert counts(store) == (2, 2, 4)
    with pytest.raises(KeyError):
        store.replace_annotations_of([Article(id="nope", source="x", raw_hash="x", input_format="text", text="x",
                                              content_hash="x")])


def test_they_go_with_their_article(store: Store) -> None:
    store.write_batch([cod_article(), flood_article()])
    with store.engine.begin() as connection:
        connection.execute(delete(articles).where(articles.c.id == cod_article().id))
    assert counts(store) == (1, 2, 1)


def test_list_events_by_type_party_and_article(store: Store) -> None:
    cod, flood = cod_article(), flood_article()
    store.write_batch([flood, cod])

    everything = store.list_events()
    assert [(ref.id, found.type) for ref, found in everything] == [
        (cod.id, "SANCTION"), (cod.id, "ACCUSE"), (cod.id, "REDUCE"), (flood.id, "AID")]
    ref = everything[0][0]
    assert (ref.outlet, ref.title, ref.published) == ("Nordic Ledger", cod.title, "2025-03-05")
    assert everything[0][1] == cod.events[0]

    def types(**filters: object) -> list[str]:
        return [found.type for _, found in store.list_events(**filters)]  # type: ignore[arg-type]

    assert types(type="sanction") == ["SANCTION"]
    assert types(type="SANCT") == []  # the type is matched whole
    assert types(actor="NOR") == ["SANCTION", "ACCUSE"]
    assert types(actor="chl") == ["REDUCE"]  # a country code in any case
    assert types(actor="solberg") == ["ACCUSE"]  # part of the canonical name
    assert types(actor="santiago") == ["REDUCE"]  # part of the mention as written
    assert types(target="CHL") == ["SANCTION", "ACCUSE"]
    assert types(target="trawler") == ["SANCTION"]
    assert types(target="ecuador", actor="PER") == ["AID"]
    assert types(actor="PER", target="CHL") == []
    assert types(actor="%") == []  # LIKE wildcards are escaped
    assert types(article_id=flood.id[:4]) == ["AID"]
    assert types(article_id="c0%") == []
    assert types(limit=2) == ["SANCTION", "ACCUSE"]


def test_export_has_the_contract_fields(store: Store) -> None:
    cod, flood = cod_article(), flood_article()
    store.write_batch([cod, flood])
    exported = {a["id"]: a for a in json.loads(export_string(store))["articles"]}
    sanction, accuse, reduce = exported[cod.id]["events"]
    contract = {"type", "actor", "actor_country", "target", "target_country", "date", "status", "according_to",
                "quantities", "text"}
    assert set(sanction) == contract | {"start", "end", "mode", "context", "cameo", "trigger", "trigger_start",
                                        "trigger_end", "actor_text", "actor_sector", "target_text", "target_sector",
                                        "location", "location_country", "date_text", "negated", "modality"}
    assert {k: sanction[k] for k in contract - {"quantities"}} == {
        "type": "SANCTION", "actor": "Norway", "actor_country": "NOR", "target": "Chile", "target_country": "CHL",
        "date": "2025-03-03", "status": "asserted", "according_to": None, "text": cod.events[0].text}
    assert sanction["quantities"][1] == {"value": 12_000_000, "unit": "USD", "text": "about 12 million dollars",
                                         "start": cod.quantities[1].start, "end": cod.quantities[1].end,
                                         "qualifier": "about", "approximate": True, "low": None, "high": None,
                                         "kind": "money"}
    assert (accuse["status"], accuse["according_to"], accuse["location"]) == ("claimed", "Ingrid Solberg",
                                                                              "Svalbard")
    assert (reduce["negated"], reduce["modality"], reduce["date"]) == (True, "future", "2025-03")
    assert [q["text"] for q in exported[cod.id]["quantities"]] == [q.text for q in cod.quantities]
    assert exported[flood.id]["dates"] == [
        {"text": "on 14 February", "value": "2025-02-14", "start": flood.dates[0].start, "end": flood.dates[0].end,
         "granularity": "day", "reference": "2025-02-15", "relation": "absolute"},
        {"text": "the end of March", "value": "2025-03", "start": flood.dates[1].start, "end": flood.dates[1].end,
         "granularity": "month", "reference": "2025-02-15", "relation": "anchored"}]

    rows = list(csv.DictReader(io.StringIO(export_string(store, "csv"))))
    assert [(r["id"], r["events"], r["quantities"], r["dates"]) for r in rows] == [
        (cod.id, "3", "3", "1"), (flood.id, "1", "1", "2")]


def test_export_maps_event_parties_to_store_wide_names(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    store.write_batch([cod_article()])
    names = {("Ingrid Solberg", "PERSON", "NOR"): "Ingrid M. Solberg", ("Norway", "GPE", "NOR"): "Norway",
             ("Chile", "GPE", "CHL"): "Chile"}
    monkeypatch.setattr(Store, "canonical_names", lambda self: names)
    found = json.loads(export_string(store))["articles"][0]["events"]
    assert [(e["actor"], e["target"], e["according_to"]) for e in found] == [
        ("Norway", "Chile", None), ("Ingrid M. Solberg", "Chile", "Ingrid M. Solberg"), ("Chile", None, None)]
    rows = list(csv.DictReader(io.StringIO(export_string(store, "events-csv"))))
    assert rows[1]["Actor1Name"] == "Ingrid M. Solberg" and rows[1]["AccordingTo"] == "Ingrid M. Solberg"


def test_event_names_map_only_unambiguous_names() -> None:
    parties = EventNames.build({
        ("Kirby", "PERSON", "USA"): "John Kirby",
        ("Georgia", "GPE", "GEO"): "Georgia",
        ("Georgia", "PERSON", None): "Georgia Lane",
        ("CPJ", "ORG", None): "Committee to Protect Journalists",
    })
    assert parties.get("Kirby", "USA") == "John Kirby"
    assert parties.get("Kirby") == "John Kirby"  # no country: any key of the name, when they agree
    assert parties.get("Kirby", "GBR") == "John Kirby"  # no key with that country: all keys of the name
    assert parties.get("Georgia", "GEO") == "Georgia"
    assert parties.get("Georgia") == "Georgia"  # two names for it: kept as it is
    assert parties.get("CPJ", None) == "Committee to Protect Journalists"
    assert parties.get("Hamas", "PSE") == "Hamas" and parties.get(None) is None
    assert EventNames.build(None).get("Kirby", "USA") == "Kirby"


def test_events_csv_has_gdelt_style_columns(store: Store) -> None:
    cod, flood = cod_article(), flood_article()
    store.write_batch([cod, flood])
    text = export_string(store, "events-csv")
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames == EVENT_CSV_FIELDS
    rows = list(reader)
    assert [r["GlobalEventID"] for r in rows] == [f"{cod.id}:0", f"{cod.id}:1", f"{cod.id}:2", f"{flood.id}:0"]
    sanction, accuse, reduce, aid = rows
    assert {k: sanction[k] for k in ("Day", "MonthYear", "Year", "Actor1Name", "Actor1CountryCode",
                                     "Actor1Type1Code", "Actor2Name", "Actor2CountryCode", "Actor2Type1Code",
                                     "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "PLOVERType",
                                     "PLOVERMode", "Status", "Negated", "NumArticles", "SOURCEURL",
                                     "Quantities")} == {
        "Day": "20250303", "MonthYear": "202503", "Year": "2025", "Actor1Name": "Norway",
        "Actor1CountryCode": "NOR", "Actor1Type1Code": "GOV", "Actor2Name": "Chile", "Actor2CountryCode": "CHL",
        "Actor2Type1Code": "BUS", "EventCode": "163", "EventBaseCode": "163", "EventRootCode": "16",
        "QuadClass": "4", "PLOVERType": "SANCTION", "PLOVERMode": "economic", "Status": "asserted", "Negated": "0",
        "NumArticles": "1", "SOURCEURL": "pages/cod.html",
        "Quantities": "three Chilean trawler companies; about 12 million dollars"}
    assert sanction["Sentence"] == cod.events[0].text and sanction["ArticleID"] == cod.id
    # No day of its own: the publication date; a month is kept in EventDate.
    assert (accuse["Day"], accuse["EventDate"], accuse["AccordingTo"]) == ("20250305", "", "Ingrid Solberg")
    assert (accuse["ActionGeo_FullName"], accuse["ActionGeo_CountryCode"], accuse["QuadClass"]) == (
        "Svalbard", "NOR", "3")
    assert (reduce["Day"], reduce["EventDate"], reduce["Negated"], reduce["Modality"]) == (
        "20250305", "2025-03", "1", "future")
    assert (reduce["Actor2Name"], reduce["Actor2CountryCode"]) == ("", "")
    assert (aid["EventRootCode"], aid["QuadClass"], aid["SOURCEURL"]) == (
        "07", "2", "https://andes-wire.example/flood-aid")


def test_event_row_without_any_date_or_code() -> None:
    bare = Article(id="e0" * 8, source="notes.txt", raw_hash="r", input_format="text", text=FLOOD_TEXT,
                   content_hash="h")
    row = event_row(bare, 0, event(FLOOD_TEXT, 1, "stay", "CONSULT", date="2025-W11"))
    assert (row["Day"], row["MonthYear"], row["Year"], row["EventDate"]) == ("", "", "", "2025-W11")
    assert (row["EventCode"], row["EventRootCode"], row["QuadClass"]) == ("", "", "")
    assert row["Actor1Name"] == "" and row["Sentence"].startswith("Ecuadorian officials")


def test_a_v2_database_upgrades_in_place(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'v2.db'}"
    engine = create_engine(url)
    old = cod_article()
    with engine.begin() as connection:
        assert current_version(connection) == 0
        for number in (1, 2):
            MIGRATIONS[number - 1](connection)
            record_version(connection, number, "2025-01-01T00:00:00+00:00")
        connection.execute(insert(articles).values(
            id=old.id, content_hash=old.content_hash, source=old.source, raw_hash=old.raw_hash,
            input_format=old.input_format, text=old.text, title=old.title, outlet=old.outlet,
            published=old.published, language=old.language, extractor=old.extractor, credits=[], removed=[],
            notes=[], created_at="2025-01-01T00:00:00+00:00"))
        found = old.entities[0]
        connection.execute(insert(entities).values(
            article_id=old.id, text=found.text, type=found.type, canonical=found.canonical, country=found.country,
            start=found.start, end=found.end, roles=[], cluster=found.cluster))
    assert not inspect(engine).has_table("events")
    engine.dispose()

    store = Store(url)
    assert LATEST_VERSION >= 3
    assert {"events", "dates", "quantities"} <= set(inspect(store.engine).get_table_names())
    with store.engine.connect() as connection:
        assert connection.execute(select(schema_version.c.version)).scalars().all() == list(
            range(1, LATEST_VERSION + 1))
        for table in (events, dates, quantities):
            assert connection.execute(select(func.count()).select_from(table)).scalar_one() == 0
    kept = store.get_article(old.id)
    assert kept is not None and kept.text == old.text and kept.entities == old.entities[:1] and kept.events == []
    assert store.replace_annotations_of([old]) == 1
    assert store.get_article(old.id) == old
    store.close()
    assert Store(url).count_annotations()["events"] == 3  # opening again migrates nothing


# -- the `events`, `show` and `export` commands ----------------------------------------------------


def filled_db(tmp_path: Path) -> str:
    db = str(tmp_path / "events.db")
    store = Store(f"sqlite:///{db}")
    store.write_batch([cod_article(), flood_article()])
    store.close()
    return db


def test_events_command_lists_what_happened(tmp_path: Path) -> None:
    db = filled_db(tmp_path)
    result = runner.invoke(app, ["events", "--db", db])
    assert result.exit_code == 0, result.output
    output = result.output
    assert "4 events" in output
    assert "SANCTION" in output and "economic" in output and "Norway [NOR]" in output
    assert "Chile (three Chilean trawler companies) [CHL]" in output
    assert "according to Ingrid Solberg" in output and "denied" not in output
    assert "reported (negated)" in output and "2025-03-03" in output
    assert "c0c0c0c0 Nordic Ledger" in output and "f1f1f1f1 Andes Wire" in output
    assert "Peru sent two field hospitals" in output

    result = runner.invoke(app, ["events", "--db", db, "--actor", "NOR", "--limit", "1"])
    assert result.exit_code == 0 and "1 events (more: raise --limit)" in result.output
    assert "SANCTION" in result.output and "ACCUSE" not in result.output

    result = runner.invoke(app, ["events", "--db", db, "--type", "aid", "--target", "ecu"])
    assert result.exit_code == 0 and "1 events" in result.output and "Guayaquil" in result.output


def test_events_command_as_json_lines(tmp_path: Path) -> None:
    db = filled_db(tmp_path)
    result = runner.invoke(app, ["events", "--db", db, "--article", "c0c0", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [row["type"] for row in rows] == ["SANCTION", "ACCUSE", "REDUCE"]
    assert rows[0]["article_id"] == cod_article().id and rows[0]["outlet"] == "Nordic Ledger"
    assert rows[0]["quantities"][1]["value"] == 12_000_000 and rows[2]["negated"] is True


def test_events_command_with_no_match_says_so(tmp_path: Path) -> None:
    db = filled_db(tmp_path)
    result = runner.invoke(app, ["events", "--db", db, "--type", "assault", "--actor", "PER"])
    assert result.exit_code == 0 and "no events match type 'assault' and actor 'PER'" in result.output
    result = runner.invoke(app, ["events", "--db", str(tmp_path / "empty.db")])
    assert result.exit_code == 0 and "no events in the store yet" in result.output


def test_show_counts_events_dates_and_quantities(tmp_path: Path) -> None:
    db = filled_db(tmp_path)
    result = runner.invoke(app, ["show", "f1f1", "--db", db])
    assert result.exit_code == 0, result.output
    assert "1 events, 2 dates, 1 quantities (parallax events --article f1f1f1f1)" in result.output


def test_export_command_writes_the_events_csv(tmp_path: Path) -> None:
    db = filled_db(tmp_path)
    out = tmp_path / "events.csv"
    result = runner.invoke(app, ["export", "--db", db, "-f", "events-csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote 4 events" in result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert [r["PLOVERType"] for r in rows] == ["SANCTION", "ACCUSE", "REDUCE", "AID"]
    result = runner.invoke(app, ["export", "--db", db, "-f", "gdelt"])
    assert result.exit_code == 2 and "events-csv" in result.output
