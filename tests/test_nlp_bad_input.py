"""Bad input for the NLP stages, end to end: nothing crashes, every article is kept, the batch goes on.

A folder of awkward inputs (one word, a ~60,000-word article, no sentence punctuation, unbalanced
quote marks everywhere, a Portuguese article) next to two ordinary English reports goes through the
real `parallax analyze` (in this process and in spawned workers), then `export`, `quotes` and
`reannotate`; a stage that raises on one article goes through `Pipeline` with the real stages; a JSON
record holding a lone surrogate escape goes through `analyze`. All the text is written for these tests.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import parallax.attribute
from parallax.annotate import Annotator
from parallax.attribute import Attributor
from parallax.cli import app
from parallax.extract import Extractor
from parallax.ingest import Ingestor
from parallax.pipeline import Pipeline
from parallax.records import Article, Attribution, Entity
from parallax.store import Store

runner = CliRunner(env={"COLUMNS": "250"})

# -- the corpus -----------------------------------------------------------------------------------


def page(title: str, paragraphs: Sequence[str]) -> str:
    """A plain-text article: the headline, then one paragraph a line, blank lines between."""
    return "\n\n".join([title, *paragraphs]) + "\n"


HARBOUR_REPORT = page(
    "Port of Valmora reopens after storm damage",
    [
        "Dock workers at the Port of Valmora returned to the container terminal on Tuesday, five days after a"
        " winter storm tore two cranes from their rails and flooded the customs sheds.",
        "“We expect to clear the backlog of ships by the end of next week,” said Marisol Okafor, the port's "
        "operations director, at a briefing in the terminal car park.",
        "Okafor said that insurers had already inspected the damaged cranes and that a replacement for the "
        "larger one would arrive from Rotterdam in March.",
        "The regional government announced an emergency fund of 12 million euros for businesses that lost "
        "stock in the flooding, according to a statement from the economy ministry.",
        "Shipping agents were less optimistic. “Nobody on the quay believes the end of next week,” said Tomas"
        " Bergqvist, who represents the carriers' association. “We are telling customers to plan for the end "
        "of the month.”",
    ],
)

BRIDGE_REPORT = page(
    "Inspectors order weight limit on Kessler Bridge",
    [
        "Engineers from the state transport agency ordered a 7.5-tonne weight limit on the Kessler Bridge on "
        "Thursday after finding corrosion in two of its steel bearings.",
        "“The bridge is safe for cars and buses, but it is not safe for loaded lorries until the bearings are"
        " replaced,” the agency's chief engineer, Adaeze Nwosu, told reporters at the site.",
        "Nwosu said the repairs would take about four months and cost roughly 3 million dollars.",
        "Haulage companies warned that the detour would add forty minutes to every delivery into the city "
        "centre. The mayor, Henrik Falk, said he would ask the agency to let refrigerated lorries cross at "
        "night.",
    ],
)

NO_PUNCTUATION = (
    "city council members met again on monday evening to argue over the new bus lanes along the river road "
    "the transport committee wants the lanes painted before the summer festival while shop owners on the "
    "east bank say deliveries will stop and customers will stay away the chair of the committee told the room "
    "that the plan had been delayed long enough and that a vote would come next month residents who spoke "
    "at the meeting were split some asked for more buses at night others wanted the parking spaces kept and "
    "one man read out a petition signed by three hundred neighbours nobody from the bus company attended the "
    "meeting which ended after eleven with no decision and a promise to publish the full traffic study"
)

UNBALANCED_QUOTES = """“The council will decide, said the mayor on Friday, “and then we will see.

Residents replied that “nobody asked us ” and that the consultation was “a formality.

" Officials said the budget was final. "We have no more money, one of them added, ” and no more time“.

The opposition called the plan “rushed, “unfair” and “ , while a spokesman insisted: " it is all legal.

“ ” “ “ " " ” ”
"""

PORTUGUESE_REPORT = page(
    "Chuvas fortes deixam centenas de desalojados no litoral norte",
    [
        "As chuvas que caíram durante a noite de domingo provocaram deslizamentos de terra e alagamentos em "
        "quatro municípios do litoral norte, segundo a Defesa Civil estadual. Mais de seiscentas pessoas "
        "tiveram de deixar as suas casas e passaram a noite em escolas e ginásios.",
        "“A prioridade agora é chegar às famílias que continuam isoladas nas comunidades mais altas”, afirmou"
        " o coordenador regional da Defesa Civil, Ricardo Albuquerque, em entrevista coletiva na manhã de "
        "segunda-feira.",
        "A prefeitura de Ubatuba decretou situação de emergência e suspendeu as aulas da rede municipal até "
        "quarta-feira. Equipes de bombeiros trabalham com cães farejadores numa encosta onde duas casas "
        "desabaram, mas não há confirmação de vítimas.",
        "O governo do estado prometeu liberar recursos para a reconstrução das estradas danificadas. Os "
        "meteorologistas preveem que a chuva continue, com menor intensidade, até o fim da semana.",
    ],
)

# A long-running story, its paragraphs varied by round so that no line repeats (the text-dump
# extractor drops exact repeats, and a real 60,000-word article does not repeat itself either).
_LONG_PARAGRAPHS = (
    "In round {n} of the hearings on the {place} water scheme, the planning board heard from {count} residents "
    "who live along the canal, most of whom said the new pumping station would be too close to their homes.",
    "“We have waited {count} years for clean water, and we can wait {small} more weeks to get it right,” "
    "said {speaker}, who chairs the residents' committee of {place}.",
    "The board's engineer told session {n} that the station would run at night only in dry months, and that the "
    "noise at the nearest house would stay below {small}0 decibels, according to the draft assessment.",
    "{speaker} said the committee had asked for an independent study in week {n} and was still waiting for an "
    "answer from the ministry, which declined to comment on the timetable.",
    "Farmers from the upper valley, who rely on the same canal for irrigation, warned that any cut in the flow "
    "during the harvest of year {n} would cost them dearly, and several of them asked the board to delay the vote.",
    "The utility's director, Joaquim Reyes, told reporters after session {n} that the company had already spent "
    "{count} thousand euros on surveys and could not keep the contractors waiting much longer.",
)
LONG_SPEAKERS = ("Ingrid Halvorsen", "Samuel Achterberg", "Nadia Karimova", "Owen Pritchard")
LONG_PLACES = ("Eastmere", "Lowbridge", "Saint Ives Quay", "Harrowgate Fen", "Millbrook")


def long_article(words: int = 60_000) -> str:
    """A headline and varied paragraphs up to about `words` words, one paragraph a line."""
    lines = ["Water scheme hearings drag on as residents and farmers dig in"]
    total, n = 0, 0
    while total < words:
        n += 1
        values = {"n": n, "count": 40 + n, "small": 2 + n % 7, "speaker": LONG_SPEAKERS[n % len(LONG_SPEAKERS)],
                  "place": LONG_PLACES[n % len(LONG_PLACES)]}
        for template in _LONG_PARAGRAPHS:
            paragraph = template.format(**values)
            lines.append(paragraph)
            total += len(paragraph.split())
    return "\n\n".join(lines) + "\n"


ONE_WORD_RECORD = "Developing"
# The unpunctuated text comes twice (a file and a record): stored once, the second copy is a duplicate.
STORED_SOURCES = {"harbour.txt", "bridge.txt", "long.txt", "unbalanced_quotes.txt", "portuguese.txt",
                  "no_punctuation.txt", "records.jsonl#2"}
FAILED_SOURCES = {"one_word.txt"}


def write_corpus(folder: Path) -> Path:
    """The awkward inputs and the two ordinary reports, as text files in one folder.

    The text-dump extractor keeps no line of a one-word dump or of a dump with no sentence
    punctuation (both are recorded extraction failures), so the same two texts also come as article
    records (`records.jsonl`), whose bodies are taken as they are: that is how they reach the NLP stages.
    """
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "harbour.txt").write_text(HARBOUR_REPORT, encoding="utf-8")
    (folder / "bridge.txt").write_text(BRIDGE_REPORT, encoding="utf-8")
    (folder / "one_word.txt").write_text("Breaking\n", encoding="utf-8")
    (folder / "long.txt").write_text(long_article(), encoding="utf-8")
    (folder / "no_punctuation.txt").write_text(NO_PUNCTUATION + "\n", encoding="utf-8")
    (folder / "unbalanced_quotes.txt").write_text(UNBALANCED_QUOTES, encoding="utf-8")
    (folder / "portuguese.txt").write_text(PORTUGUESE_REPORT, encoding="utf-8")
    records = [{"url": "https://metro.example/bus-lanes", "title": "Bus lane row drags on", "maintext": NO_PUNCTUATION},
               {"url": "https://metro.example/flash", "title": "Flash", "maintext": ONE_WORD_RECORD}]
    (folder / "records.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("nlp-bad-input") / "pages")


# -- helpers --------------------------------------------------------------------------------------


def cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def analyze(folder: Path, db: Path, *extra: str) -> tuple[int, str]:
    return cli("analyze", str(folder), "--db", str(db), *extra)


def exported(db: Path) -> list[dict[str, Any]]:
    code, output = cli("export", "--db", str(db), "--format", "json")
    assert code == 0, output
    articles: list[dict[str, Any]] = json.loads(output)["articles"]
    return articles


def by_source(articles: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {Path(article["source"]).name: article for article in articles}


def stored_articles(db: Path) -> dict[str, Article]:
    """Every stored article by source file name, with its notes (which the export leaves out)."""
    store = Store(f"sqlite:///{db}")
    try:
        return {Path(article.source).name: article for article in store.list_articles(with_annotations=True)}
    finally:
        store.close()


def failures_of(db: Path) -> dict[str, str]:
    store = Store(f"sqlite:///{db}")
    try:
        return {Path(row["source"]).name: row["reason"] for row in store.list_failures()}
    finally:
        store.close()


def attribution_count(articles: Sequence[dict[str, Any]]) -> int:
    return sum(len(article["attributions"]) for article in articles)


def assert_offsets_exact(text: str, attributions: Sequence[dict[str, Any]] | Sequence[Attribution]) -> None:
    """Content, speaker mention and cue of every attribution are exactly the text at their offsets."""
    for item in attributions:
        a = item if isinstance(item, dict) else item.to_dict()
        assert 0 <= a["start"] < a["end"] <= len(text), a
        assert text[a["start"]:a["end"]] == a["content"], a
        if a["speaker_start"] is not None:
            assert text[a["speaker_start"]:a["speaker_end"]] == a["speaker_text"], a
        if a["cue_start"] is not None:
            assert text[a["cue_start"]:a["cue_end"]] == a["cue"], a
        for start, end in a["segments"]:
            assert a["start"] <= start < end <= a["end"], a


def copy_db(db: Path, target: Path) -> Path:
    """A copy of a closed SQLite store (with its WAL, if one is left), to change without touching the original."""
    for suffix in ("", "-wal", "-shm"):
        source = db.with_name(db.name + suffix)
        if source.exists():
            target.with_name(target.name + suffix).write_bytes(source.read_bytes())
    return target


@dataclass(frozen=True, slots=True)
class Run:
    db: Path
    code: int
    output: str


@pytest.fixture(scope="module")
def in_process_run(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """`analyze --workers 0` over the corpus, once for the module."""
    db = tmp_path_factory.mktemp("in-process") / "news.db"
    code, output = analyze(corpus, db, "--workers", "0", "--batch-size", "3")
    return Run(db, code, output)


# -- analyze --------------------------------------------------------------------------------------


def check_run(run: Run, corpus: Path, *, quiet: bool = False) -> list[dict[str, Any]]:
    """What must hold after one `analyze` of the corpus, however it ran; returns the export."""
    # One input failed extraction, so the run exits with the "some inputs failed" code, having stored the rest.
    assert run.code == 1, run.output
    failures = failures_of(run.db)
    assert set(failures) == FAILED_SOURCES
    for name in FAILED_SOURCES:
        assert failures[name] == "no main text found (page has no article body)"
        if not quiet:  # the failure is named on the console, with its reason
            assert f"failed {corpus / name}: no main text found" in " ".join(run.output.split())
    if not quiet:
        assert "stored as new articles │ 7" in " ".join(run.output.split())

    articles = exported(run.db)
    found = by_source(articles)
    assert set(found) == STORED_SOURCES
    notes = {name: article.notes for name, article in stored_articles(run.db).items()}

    # The ordinary reports: who said what, with exact offsets.
    for name in ("harbour.txt", "bridge.txt"):
        article = found[name]
        assert article["language"] == "en" and article["attributions"], name
        assert_offsets_exact(article["text"], article["attributions"])
        assert notes[name] == []
    harbour = {(a["speaker"], a["content"]) for a in found["harbour.txt"]["attributions"]}
    assert ("Marisol Okafor", "“We expect to clear the backlog of ships by the end of next week,”") in harbour
    bridge_speakers = {a["speaker"] for a in found["bridge.txt"]["attributions"]}
    assert {"Adaeze Nwosu", "Henrik Falk"} <= bridge_speakers

    # Portuguese: kept, not parsed, and the article says why.
    portuguese = found["portuguese.txt"]
    assert portuguese["language"] == "pt" and "Ricardo Albuquerque" in portuguese["text"]
    assert portuguese["attributions"] == [] and portuguese["entities"] == []
    assert notes["portuguese.txt"] == ["annotate: not parsed: language is 'pt', the parser is English-only"]

    # The long article: stored whole, parsed in chunks, offsets exact across the chunk joins.
    long = found["long.txt"]
    written = (corpus / "long.txt").read_text(encoding="utf-8").strip().split("\n\n")[1:]  # headline is the title
    kept = long["text"].split("\n\n")
    # Nothing is cut from the middle; the line model may take a dump's last line for page furniture.
    assert kept == written[:len(kept)] and len(kept) >= len(written) - 1
    assert len(long["text"].split()) > 59_000
    assert_offsets_exact(long["text"], long["attributions"])
    rounds = long["text"].count("for clean water")
    quoted = [a for a in long["attributions"] if "for clean water" in a["content"]]
    assert rounds > 280 and len(quoted) == rounds
    assert {a["speaker"] for a in quoted} == set(LONG_SPEAKERS)
    assert notes["long.txt"] == []

    # Unbalanced quote marks: stored, parsed, and whatever was attributed points at its own text.
    unbalanced = found["unbalanced_quotes.txt"]
    assert unbalanced["language"] == "en"
    assert_offsets_exact(unbalanced["text"], unbalanced["attributions"])
    assert any(a["content"] == "the budget was final" for a in unbalanced["attributions"])

    # No sentence punctuation and one word, as article records: parsed without a crash, nothing invented.
    no_punctuation, one_word = found["no_punctuation.txt"], found["records.jsonl#2"]
    assert no_punctuation["text"] == NO_PUNCTUATION and no_punctuation["language"] == "en"
    assert_offsets_exact(no_punctuation["text"], no_punctuation["attributions"])
    assert one_word["text"] == ONE_WORD_RECORD and one_word["attributions"] == []
    assert notes["no_punctuation.txt"] == []
    assert notes["records.jsonl#2"] == ["annotate: not parsed: 1 word is too short to hold an attribution"]
    return articles


def test_analyze_in_process_keeps_every_article_and_records_the_failures(in_process_run: Run, corpus: Path) -> None:
    check_run(in_process_run, corpus)


def test_analyze_in_spawned_workers_gives_the_same_store(in_process_run: Run, corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "workers.db"
    # Small batches, so that both workers get some; each sets the stages up after unpickling them.
    run = Run(db, *analyze(corpus, db, "--workers", "2", "--batch-size", "2", "--quiet"))
    articles = check_run(run, corpus, quiet=True)
    # The same articles with the same annotations, whichever process parsed them (listing order follows
    # the time each batch was written, so compare by id).
    assert {a["id"]: a for a in articles} == {a["id"]: a for a in exported(in_process_run.db)}


def test_analyzing_the_same_folder_twice_changes_nothing(in_process_run: Run, corpus: Path, tmp_path: Path) -> None:
    db = copy_db(in_process_run.db, tmp_path / "again.db")
    before = exported(db)
    code, output = analyze(corpus, db, "--workers", "0")
    assert code == 1, output  # the extraction failure is retried and fails again
    summary = " ".join(output.split())
    assert "already ingested, unchanged │ 8" in summary and "stored as new articles │ 0" in summary
    after = exported(db)
    assert len(after) == len(before) == len(STORED_SOURCES)
    assert attribution_count(after) == attribution_count(before) > 0
    assert after == before
    assert set(failures_of(db)) == FAILED_SOURCES


def test_quotes_finds_a_speaker_and_reannotate_keeps_the_attributions(in_process_run: Run,
                                                                     tmp_path: Path) -> None:
    db = copy_db(in_process_run.db, tmp_path / "quotes.db")
    before = exported(db)
    harbour_id = by_source(before)["harbour.txt"]["id"]
    code, output = cli("quotes", "--db", str(db), "--speaker", "okafor", "--json")
    assert code == 0, output
    rows = [json.loads(line) for line in output.splitlines()]
    assert rows and {row["speaker"] for row in rows} == {"Marisol Okafor"}
    assert {row["article_id"] for row in rows} == {harbour_id}
    assert any("backlog of ships" in row["content"] for row in rows)

    code, output = cli("reannotate", "--db", str(db), "--workers", "0", "--quiet")
    assert code == 0, output
    after = exported(db)
    assert attribution_count(after) == attribution_count(before)
    assert {a["id"]: len(a["attributions"]) for a in after} == {a["id"]: len(a["attributions"]) for a in before}
    notes = {name: article.notes for name, article in stored_articles(db).items()}
    assert notes["portuguese.txt"] == ["annotate: not parsed: language is 'pt', the parser is English-only"]


# -- a stage that raises on one article -----------------------------------------------------------


def test_attribution_raising_on_one_article_does_not_stop_the_batch(tmp_path: Path, store: Store,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    for name, text in (("harbour.txt", HARBOUR_REPORT), ("bridge.txt", BRIDGE_REPORT),
                       ("unbalanced_quotes.txt", UNBALANCED_QUOTES), ("portuguese.txt", PORTUGUESE_REPORT)):
        (folder / name).write_text(text, encoding="utf-8")
    original: Callable[[Any, list[Entity], Any], list[Attribution]] = parallax.attribute.attribute_doc

    def attribute_doc(doc: Any, entities: list[Entity], gazetteer: Any) -> list[Attribution]:
        if "Kessler Bridge" in doc.text:
            raise RuntimeError("cue table out of step with the parse")
        return original(doc, entities, gazetteer)

    monkeypatch.setattr(parallax.attribute, "attribute_doc", attribute_doc)
    pipeline = Pipeline([Extractor(), Annotator(), Attributor()], store, batch_size=4)
    summary = pipeline.run(Ingestor().iter_documents([str(folder)]))

    assert dict(summary.counts) == {"stored": 4} and summary.failures == []
    found = {Path(article.source).name: article for article in store.list_articles(with_annotations=True)}
    bridge = found["bridge.txt"]
    assert bridge.notes == ["attribute: failed on this article (RuntimeError: cue table out of step with the parse)"]
    assert bridge.attributions == []
    assert bridge.entities, "the annotate stage's work on the article is kept"
    for name in ("harbour.txt", "unbalanced_quotes.txt"):
        assert found[name].attributions and found[name].notes == [], name
        assert_offsets_exact(found[name].text, found[name].attributions)
    assert found["portuguese.txt"].notes == ["annotate: not parsed: language is 'pt', the parser is English-only"]


# -- text no store can hold -----------------------------------------------------------------------


def test_a_record_with_a_lone_surrogate_escape_is_kept_and_does_not_stop_the_run(tmp_path: Path) -> None:
    """JSON may carry "\\ud800" escapes, which are no text: replaced with U+FFFD, the article goes through."""
    folder = tmp_path / "pages"
    folder.mkdir()
    broken = ('{"title": "Deck repairs", "maintext": "The mayor said the Kessler Bridge would reopen on Monday '
              '\\ud800 once crews had finished resurfacing the deck."}')
    fine = json.dumps({"title": "Port closed", "maintext": "The harbour master said that the port would stay "
                       "closed until the storm had passed and every crane had been checked."})
    (folder / "records.jsonl").write_text(broken + "\n" + fine + "\n", encoding="utf-8")
    db = tmp_path / "surrogate.db"
    code, output = analyze(folder, db, "--workers", "0", "--quiet")
    assert code == 0, output
    found = by_source(exported(db))
    assert set(found) == {"records.jsonl#1", "records.jsonl#2"}
    repaired = found["records.jsonl#1"]
    assert "on Monday \ufffd once crews" in repaired["text"]
    assert any("would reopen on Monday" in a["content"] for a in repaired["attributions"])
    assert found["records.jsonl#2"]["attributions"]
    code, output = analyze(folder, db, "--workers", "0")
    assert code == 0 and "already ingested, unchanged │ 2" in " ".join(output.split())
