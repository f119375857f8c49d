"""The `parallax` command line: a thin shell over the pipeline, the store and the export.

Commands: `analyze` (ingest → extract → annotate → attribute → store; `--no-nlp` stops after
extraction), `ingest-warc` (the same over WARC files, one resumable shard per file), `reannotate`
(annotate and attribute the stored articles again, replacing their annotations), `articles`, `show`,
`quotes` (who said what), `events` (who did what to whom), `stories`, `story`, `merge`, `split`, `export`,
`failures` and `serve` (the web app and REST API).
Exit codes: 0 everything went through, 1 some inputs failed (what could be stored was stored),
2 usage error (bad option, unknown article id).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from parallax.analyze import default_stages, make_executor, nlp_stages, run_analysis
from parallax.ingest import IngestSettings
from parallax.pipeline import RunSummary, Stage, batched
from parallax.records import Article, Attribution, Event, Failure, ParsedArticle
from parallax.serve.export import (
    EXPORT_FORMATS,
    EventNames,
    ExportFormat,
    attribution_record,
    event_record,
    speaker_name,
    store_names,
    write_export,
)
from parallax.store import ArticleRef, Store, database_url

app = typer.Typer(
    name="parallax",
    help="Every side of a news story: turn piles of news pages into clean, comparable articles.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)


def console() -> Console:
    """Standard output, sized from the terminal (or COLUMNS) at the time of the call."""
    return Console()


def errors() -> Console:
    return Console(stderr=True)


DbOption = Annotated[
    str | None,
    typer.Option("--db", envvar="PARALLAX_DB", show_default="parallax.db",
                 help="Store: a SQLite file path or a SQLAlchemy URL (postgresql://…)."),
]
# Options of the commands that run inputs through the stages (`analyze`, `ingest-warc`).
WorkersOption = Annotated[int | None, typer.Option(
    min=0, show_default="one per CPU", help="Worker processes for extraction and NLP; 0 runs in this process.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
BatchSizeOption = Annotated[int, typer.Option(min=1, help="Records per batch and per store transaction.")]
NlpOption = Annotated[bool, typer.Option(
    "--nlp/--no-nlp", help="Annotate entities and attributions (--no-nlp: extraction only, much faster).")]
MaxPageOption = Annotated[float, typer.Option(min=0.01, help="Largest page accepted, in MB.")]
StoriesOption = Annotated[bool, typer.Option(
    "--stories/--no-stories", help="Group the new articles into stories and align their claims.")]

EXIT_OK, EXIT_INPUT_FAILED, EXIT_USAGE = 0, 1, 2

if TYPE_CHECKING:
    from parallax.shards import Shard
    from parallax.stories.runner import StoriesSummary, StoryRunner


def open_store(db: str | None) -> Store:
    return Store(database_url(db))


SpacyModelOption = Annotated[str | None, typer.Option(
    "--spacy-model", envvar="PARALLAX_SPACY_MODEL", show_default="en_core_web_sm",
    help="spaCy pipeline to parse with (package name or path), e.g. en_core_web_md.")]


class Engine(StrEnum):
    local = "local"
    ray = "ray"


EngineOption = Annotated[Engine, typer.Option(
    help="Where the stages run: a process pool on this machine, or Ray actors (optional extra parallax[ray]).")]
RayAddressOption = Annotated[str | None, typer.Option(
    help="Ray cluster to join (e.g. auto, ray://head:10001); default: start Ray on this machine.")]


def _stages_or_exit(build: Callable[[], list[Stage]]) -> list[Stage]:
    try:
        return build()
    except ImportError as error:
        errors().print(f"[red]the annotate/attribute stages are not available[/red] ({error}); "
                       "use --no-nlp to only extract", highlight=False)
        raise typer.Exit(EXIT_USAGE) from error
    except OSError as error:
        errors().print(f"[red]{error}[/red]", highlight=False)
        raise typer.Exit(EXIT_USAGE) from error


def _summary_table(summary: RunSummary, seconds: float) -> Table:
    table = Table(title="Analysis summary", show_header=True, header_style="bold")
    table.add_column("outcome")
    table.add_column("inputs", justify="right")
    labels = {"stored": "stored as new articles", "duplicate": "duplicates of stored articles",
              "unchanged": "already ingested, unchanged", "failed": "failed"}
    for key, label in labels.items():
        table.add_row(label, str(summary.counts.get(key, 0)))
    rate = summary.inputs / seconds if seconds > 0 else 0.0
    table.caption = f"{summary.inputs} inputs in {seconds:.1f} s ({rate:.1f} pages/s)"
    return table


def _run_progress(label: str, quiet: bool) -> Progress:
    """The live line of a run over inputs (on standard error; gone when it ends)."""
    return Progress(
        SpinnerColumn(), TextColumn(f"[bold]{label}[/bold]"),
        TextColumn("{task.completed} inputs"), TextColumn("{task.fields[rate]:.1f} pages/s"),
        TextColumn("[green]{task.fields[stored]} stored[/green]"),
        TextColumn("[red]{task.fields[failed]} failed[/red]"), TimeElapsedColumn(),
        console=errors(), disable=quiet, transient=True,
    )


def _progress_reporters(progress: Progress, started: float, quiet: bool,
                        ) -> tuple[Callable[[RunSummary], None], Callable[[StoriesSummary], None]]:
    """The pipeline's and the stories stage's progress callbacks, drawing on `progress`."""
    task = progress.add_task("inputs", total=None, rate=0.0, stored=0, failed=0)
    story_task = progress.add_task("stories", total=None, rate=0.0, stored=0, failed=0, visible=False)

    def report(summary: RunSummary) -> None:
        elapsed = max(time.perf_counter() - started, 1e-6)
        progress.update(task, completed=summary.inputs, rate=summary.inputs / elapsed,
                        stored=summary.counts["stored"], failed=summary.counts["failed"])

    def report_stories(done: StoriesSummary) -> None:
        progress.update(story_task, completed=done.placed, visible=not quiet)

    return report, report_stories


def _print_failures(failures: Sequence[Failure]) -> None:
    for failure in failures[:20]:
        errors().print(f"[red]failed[/red] {escape(failure.source)}: {escape(failure.reason)}", highlight=False)
    if len(failures) > 20:
        errors().print(f"… and {len(failures) - 20} more: see `parallax failures`")


@app.command()
def analyze(
    inputs: Annotated[list[str], typer.Argument(help="Files, folders (recursive), globs or http(s) URLs.")],
    db: DbOption = None,
    workers: WorkersOption = None,
    engine: EngineOption = Engine.local,
    ray_address: RayAddressOption = None,
    batch_size: BatchSizeOption = 32,
    nlp: NlpOption = True,
    spacy_model: SpacyModelOption = None,
    max_page_mb: MaxPageOption = 10.0,
    timeout: Annotated[float, typer.Option(min=0.1, help="Time-out for fetching a URL, in seconds.")] = 15.0,
    allow_private_urls: Annotated[bool, typer.Option(
        help="Allow fetching loopback, private and link-local addresses (off: refused).")] = False,
    stories: StoriesOption = True,
    shards: Annotated[Path | None, typer.Option(
        "--shards", help="Run resumably in shards of --chunk-size inputs: each finished shard's results (Parquet) "
        "and completion marker go to this folder, and a rerun skips finished shards.")] = None,
    chunk_size: Annotated[int, typer.Option(min=1, help="Inputs (files or URLs) per shard, with --shards.")] = 1000,
    by_date: Annotated[bool, typer.Option(
        "--by-date", help="With --shards: partition the inputs by the day their path names (2024-05-01/, "
        "2024/05/01/, 20240501), then chunk each day; files naming no day form an 'undated' partition.")] = False,
    quiet: QuietOption = False,
) -> None:
    """Ingest and clean news pages into the store.

    Reads HTML pages (any encoding), visible-text page dumps, JSON/JSONL records, WARC files, RSS/Atom
    feeds (any of them gzipped) and URLs, then finds named entities and who said what. Running the
    same inputs again adds nothing.

    Example: [bold]parallax analyze examples/ https://example.org/news/story.html --db news.db[/bold]
    """
    settings = IngestSettings(max_page_bytes=int(max_page_mb * 1_048_576), fetch_timeout_s=timeout,
                              allow_private_urls=allow_private_urls)
    if shards is not None:
        from parallax.shards import plan_file_chunks

        planned = plan_file_chunks(inputs, chunk_size, by_date=by_date)
        _run_sharded(planned, shards, db, settings, label="analyzing in shards", workers=workers, engine=engine,
                     ray_address=ray_address, batch_size=batch_size, nlp=nlp, spacy_model=spacy_model,
                     stories=stories, quiet=quiet)
    stages = _stages_or_exit(lambda: default_stages(nlp, spacy_model))
    store = open_store(db)
    started = time.perf_counter()
    with _run_progress("analyzing", quiet) as progress:
        report, report_stories = _progress_reporters(progress, started, quiet)
        executor = make_executor(workers, engine.value, ray_address)
        runner = _story_runner(store, workers, engine, ray_address) if stories and nlp else None
        result = run_analysis(store, inputs, stages, executor, settings=settings, batch_size=batch_size,
                              story_runner=runner, progress=report, story_progress=report_stories)
    summary, placed = result.summary, result.stories
    elapsed = time.perf_counter() - started
    store.close()
    if not quiet:
        console().print(_summary_table(summary, elapsed))
        _print_stories(placed)
        _print_failures(summary.failures)
    raise typer.Exit(EXIT_INPUT_FAILED if summary.counts["failed"] else EXIT_OK)


def _print_stories(placed: StoriesSummary | None) -> None:
    if placed is not None and placed.placed:
        console().print(f"stories: {placed.placed} articles placed ({placed.reprints} reprints), "
                        f"{placed.new_stories} new stories, {placed.rebuilt} rebuilt", highlight=False)


@app.command(name="ingest-warc")
def ingest_warc(
    specs: Annotated[list[str], typer.Argument(
        help="WARC files (.warc, .warc.gz; e.g. CC-NEWS): paths, folders, globs, https:// or s3:// URLs or globs.")],
    db: DbOption = None,
    out: Annotated[Path, typer.Option(
        "--out", help="Folder of each shard's results (Parquet) and completion marker (.done).")
    ] = Path("parallax-shards"),
    workers: WorkersOption = None,
    engine: EngineOption = Engine.local,
    ray_address: RayAddressOption = None,
    batch_size: BatchSizeOption = 32,
    nlp: NlpOption = True,
    spacy_model: SpacyModelOption = None,
    max_page_mb: MaxPageOption = 10.0,
    stories: StoriesOption = True,
    quiet: QuietOption = False,
) -> None:
    """Ingest WARC files shard by shard (one shard per file), resumably: a rerun skips finished shards.

    Each WARC is streamed (remote ones through fsspec, never downloaded whole); when a shard is all stored,
    its results go to OUT/<shard>.parquet (one row per page: stored, duplicate, failed or unchanged) and its
    completion marker to OUT/<shard>.done. A shard that cannot be read through (missing, 404, truncated) gets
    no marker and is tried again by the next run. s3:// needs the extra parallax\\[s3].

    Example: [bold]parallax ingest-warc 'crawl/CC-NEWS-*.warc.gz' --db news.db --out shards/ --no-nlp[/bold]
    """
    from parallax.shards import ShardPlanError, plan_warc_shards

    try:
        planned = plan_warc_shards(specs)
    except ShardPlanError as error:
        errors().print(f"[red]{escape(str(error))}[/red]", highlight=False)
        raise typer.Exit(EXIT_USAGE) from error
    _run_sharded(planned, out, db, IngestSettings(max_page_bytes=int(max_page_mb * 1_048_576)),
                 label="ingesting WARC shards", workers=workers, engine=engine, ray_address=ray_address,
                 batch_size=batch_size, nlp=nlp, spacy_model=spacy_model, stories=stories, quiet=quiet)


def _run_sharded(planned: list[Shard], out: Path, db: str | None, settings: IngestSettings, *, label: str,
                 workers: int | None, engine: Engine, ray_address: str | None, batch_size: int, nlp: bool,
                 spacy_model: str | None, stories: bool, quiet: bool) -> NoReturn:
    """Run planned shards (`ingest-warc`, `analyze --shards`), print what became of them, exit as `analyze`."""
    from parallax.shards import ShardedRun, ShardResult

    stages = _stages_or_exit(lambda: default_stages(nlp, spacy_model))
    store = open_store(db)
    started = time.perf_counter()
    with _run_progress(label, quiet) as progress:
        report, report_stories = _progress_reporters(progress, started, quiet)

        def report_shard(result: ShardResult) -> None:
            if quiet or result.status == "skipped":
                return
            counts = ", ".join(f"{result.counts.get(key, 0)} {key}" for key in ("stored", "duplicate", "failed"))
            style = "green" if result.status == "done" else "red"
            progress.console.print(f"[{style}]shard {result.status}[/{style}] {escape(result.shard.id)} ({counts})",
                                   highlight=False)

        runner = _story_runner(store, workers, engine, ray_address) if stories and nlp else None
        run = ShardedRun(store, stages, make_executor(workers, engine.value, ray_address), out,
                         batch_size=batch_size, story_runner=runner, settings=settings)
        result = run.run(planned, progress=report, on_shard=report_shard, story_progress=report_stories)
    elapsed = time.perf_counter() - started
    store.close()
    by_status = result.by_status()
    if not quiet:
        console().print(_summary_table(result.summary, elapsed))
        console().print(f"shards: {by_status['done']} done, {by_status['skipped']} skipped (finished before), "
                        f"{by_status['failed']} failed; results and markers in {out}", highlight=False)
        _print_stories(result.stories)
    if not quiet:
        shard_errors = set()
        for failed in (r for r in result.shards if r.status == "failed"):
            for error in failed.errors:
                shard_errors.add((error.source, error.reason))
                errors().print(f"[red]shard failed[/red] {escape(failed.shard.id)}: {escape(error.source)}: "
                               f"{escape(error.reason)}", highlight=False)
        _print_failures([f for f in result.summary.failures if (f.source, f.reason) not in shard_errors])
    failed_inputs = result.summary.counts["failed"] or by_status["failed"]
    raise typer.Exit(EXIT_INPUT_FAILED if failed_inputs else EXIT_OK)


def _story_runner(store: Store, workers: int | None, engine: Engine, ray_address: str | None) -> StoryRunner:
    """The stories stage over the store (imported only when a command needs it: it loads the sentence encoder);
    its heavy work runs on the same engine and workers as the run's other stages."""
    from parallax.stories.runner import StoryRunner

    return StoryRunner(store, executor_factory=lambda: make_executor(workers, engine.value, ray_address))


@app.command()
def reannotate(
    db: DbOption = None,
    workers: Annotated[int | None, typer.Option(
        min=0, show_default="one per CPU", help="Worker processes; 0 runs in this process.")] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Articles per batch and per store transaction.")] = 32,
    spacy_model: SpacyModelOption = None,
    quiet: QuietOption = False,
) -> None:
    """Annotate and attribute every stored article again, replacing its entities and attributions.

    Use it after upgrading the models or the attribution rules; the articles themselves are kept.

    Example: [bold]parallax reannotate --db news.db --workers 4[/bold]
    """
    stages = _stages_or_exit(lambda: nlp_stages(spacy_model))
    store = open_store(db)
    total = store.count_articles()
    executor = make_executor(workers)
    done = 0
    failed: list[Failure] = []
    started = time.perf_counter()
    with Progress(
        SpinnerColumn(), TextColumn("[bold]re-annotating[/bold]"),
        TextColumn("{task.completed}/{task.total} articles"), TimeElapsedColumn(),
        console=errors(), disable=quiet, transient=True,
    ) as progress:
        task = progress.add_task("reannotate", total=total)
        try:
            for batch in executor.map_batches(stages, batched(store.iter_all_articles(), batch_size)):
                annotated: list[Article] = []
                for item in batch:
                    record = item.article if isinstance(item, ParsedArticle) else item
                    if isinstance(record, Article):
                        annotated.append(record)
                    elif isinstance(record, Failure):
                        failed.append(record)
                done += store.replace_annotations_of(annotated)
                progress.update(task, completed=done + len(failed))
        finally:
            executor.close()
    counts = store.count_annotations()
    store.close()
    if not quiet:
        console().print(f"re-annotated {done} of {total} articles in {time.perf_counter() - started:.1f} s: "
                        f"{counts['entities']} entity mentions, {counts['attributions']} attributions in the store",
                        highlight=False)
        for failure in failed[:20]:
            errors().print(f"[red]failed[/red] {failure.source}: {failure.reason}", highlight=False)
    raise typer.Exit(EXIT_INPUT_FAILED if failed else EXIT_OK)


@app.command()
def articles(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(min=1, help="How many to list.")] = 50,
    outlet: Annotated[str | None, typer.Option(help="Only outlets whose name contains this.")] = None,
    language: Annotated[str | None, typer.Option(help="Only this ISO 639-1 language.")] = None,
) -> None:
    """List stored articles, latest first.

    Example: [bold]parallax articles --language en --limit 20[/bold]
    """
    store = open_store(db)
    rows = store.list_articles(limit=limit, outlet=outlet, language=language)
    table = Table(title=f"{store.count_articles()} articles in {store.url}", header_style="bold")
    for column in ("id", "published", "lang", "outlet", "title", "words"):
        table.add_column(column, overflow="fold")
    for article in rows:
        table.add_row(article.id, article.published or "", article.language or "", article.outlet or "",
                      article.title or "", str(len(article.text.split())))
    console().print(table)


@app.command()
def show(
    article_id: Annotated[str, typer.Argument(help="Article id, or a unique prefix of it.")],
    db: DbOption = None,
    removed: Annotated[bool, typer.Option(help="Also list the lines dropped as boilerplate.")] = False,
) -> None:
    """Show one article: metadata and cleaned text.

    Example: [bold]parallax show 3f9a2c[/bold]
    """
    store = open_store(db)
    article = store.get_article(article_id)
    if article is None:
        errors().print(f"no article with id (or unique prefix) {article_id!r}")
        raise typer.Exit(EXIT_USAGE)
    meta = Table.grid(padding=(0, 2))
    for label, value in [("id", article.id), ("title", article.title), ("outlet", article.outlet),
                         ("author", article.author), ("published", article.published),
                         ("page date", article.page_date), ("language", article.language),
                         ("url", article.url), ("extractor", article.extractor),
                         ("credits", "; ".join(article.credits)),
                         ("sources", "\n".join(store.sources_of(article.id))),
                         ("annotations", f"{len(article.entities)} entity mentions, {len(article.attributions)} "
                          f"attributions (parallax quotes --article {article.id[:8]})"
                          if article.entities or article.attributions else ""),
                         ("events", f"{len(article.events)} events, {len(article.dates)} dates, "
                          f"{len(article.quantities)} quantities (parallax events --article {article.id[:8]})"
                          if article.events or article.dates or article.quantities else ""),
                         ("notes", "\n".join(article.notes))]:
        if value:
            meta.add_row(f"[bold]{label}[/bold]", str(value))
    console().print(meta)
    console().rule()
    console().print(article.text, highlight=False)
    if removed and article.removed:
        console().rule("removed as boilerplate")
        for line in article.removed:
            console().print(f"[dim]{line}[/dim]", highlight=False)


def _speaker_aliases(names: dict[tuple[str, str, str | None], str], wanted: str) -> set[str]:
    """Article-level speaker names whose store-wide name contains `wanted` ("john" → {"Kirby"})."""
    folded = wanted.casefold()
    return {key[0] for key, name in names.items() if folded in name.casefold()}


def _speaker_cell(attribution: Attribution, name: str | None) -> Text:
    written = attribution.speaker_text
    if name is None:
        return Text(f"? ({written})" if written else "?", style="dim")
    return Text(f"{name} ({written})" if written and written != name else name)


def _trim(text: str, width: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _printed_plainly(rows: Sequence[tuple[Any, Any]], what: str, filters: Sequence[tuple[str, str | None]],
                     as_json: bool, record: Callable[[Any], dict[str, Any]]) -> bool:
    """The shared ends of the listing commands: a clear message when nothing matches (exit 0) and JSON
    lines when asked; True when the listing is done, False when the caller draws its table."""
    if not rows:
        wanted = " and ".join(f"{label} {value!r}" for label, value in filters if value)
        message = f"no {what} match {wanted}" if wanted else f"no {what} in the store yet"
        (errors() if as_json else console()).print(message, highlight=False)
        raise typer.Exit(EXIT_OK)
    if not as_json:
        return False
    for ref, item in rows:
        typer.echo(json.dumps({"article_id": ref.id, "outlet": ref.outlet, "title": ref.title,
                               "published": ref.published, **record(item)}, ensure_ascii=False))
    return True


@app.command()
def quotes(
    db: DbOption = None,
    speaker: Annotated[str | None, typer.Option(
        help="Only speakers whose name, or the mention as written, contains this (any case).")] = None,
    article: Annotated[str | None, typer.Option("--article", help="Only this article (id or id prefix).")] = None,
    limit: Annotated[int, typer.Option(min=0, help="How many to list; 0 lists all.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line instead of a table.")] = False,
) -> None:
    """List who said what: quotes and reported claims with their speaker, cue and article.

    Example: [bold]parallax quotes --speaker kirby --limit 20[/bold]
    """
    store = open_store(db)
    names = store_names(store)
    aliases = _speaker_aliases(names, speaker) if speaker else set()
    rows: list[tuple[ArticleRef, Attribution]] = store.list_attributions(
        speaker=speaker, article_id=article, limit=limit + 1 if limit else None, also_speakers=aliases)
    more = bool(limit) and len(rows) > limit
    rows = rows[:limit] if limit else rows
    store.close()
    filters = (("speaker", speaker), ("article", article))
    if _printed_plainly(rows, "attributions", filters, as_json, lambda item: attribution_record(item, names)):
        return
    table = Table(title=f"{len(rows)} attributions" + (" (more: raise --limit)" if more else ""),
                  header_style="bold")
    for column in ("speaker", "cue", "kind", "stance", "content", "article"):
        table.add_column(column, overflow="fold")
    for ref, attribution in rows:
        table.add_row(_speaker_cell(attribution, speaker_name(attribution, names)), Text(attribution.cue or ""),
                      attribution.kind, attribution.stance or "", Text(_trim(attribution.content)),
                      Text(f"{ref.id[:8]} {ref.outlet or ''}".strip()))
    console().print(table)


def _party_cell(name: str | None, written: str | None, country: str | None) -> Text:
    label = name or written or ""
    if written and name and written != name:
        label = f"{name} ({written})"
    if country:
        label = f"{label} [{country}]" if label else f"[{country}]"
    return Text(label) if label else Text("?", style="dim")


def _event_status(event: Event) -> str:
    parts = [event.status + (" (negated)" if event.negated else "")]
    if event.modality:
        parts.append(event.modality)
    if event.according_to:
        parts.append(f"according to {event.according_to}")
    return "\n".join(parts)


@app.command()
def events(
    db: DbOption = None,
    event_type: Annotated[str | None, typer.Option(
        "--type", help="Only this PLOVER event type (any case), e.g. SANCTION, ACCUSE, ASSAULT.")] = None,
    actor: Annotated[str | None, typer.Option(
        help="Only actors with this country code (ISO alpha-3) or whose name contains this (any case).")] = None,
    target: Annotated[str | None, typer.Option(
        help="Only targets with this country code (ISO alpha-3) or whose name contains this (any case).")] = None,
    article: Annotated[str | None, typer.Option("--article", help="Only this article (id or id prefix).")] = None,
    limit: Annotated[int, typer.Option(min=0, help="How many to list; 0 lists all.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line instead of a table.")] = False,
) -> None:
    """List what happened: events with their type, actor, target, status, date and sentence.

    Example: [bold]parallax events --type sanction --actor AUS --target iran[/bold]
    """
    store = open_store(db)
    parties = EventNames.build(store_names(store))
    rows = store.list_events(type=event_type, actor=actor, target=target, article_id=article,
                             limit=limit + 1 if limit else None)
    more = bool(limit) and len(rows) > limit
    rows = rows[:limit] if limit else rows
    store.close()
    filters = (("type", event_type), ("actor", actor), ("target", target), ("article", article))
    if _printed_plainly(rows, "events", filters, as_json, lambda item: event_record(item, parties)):
        return
    table = Table(title=f"{len(rows)} events" + (" (more: raise --limit)" if more else ""), header_style="bold")
    for column in ("type", "actor", "target", "status", "date", "sentence", "article"):
        table.add_column(column, overflow="fold")
    for ref, event in rows:
        table.add_row(Text(event.type + (f"\n{event.mode}" if event.mode else "")),
                      _party_cell(parties.get(event.actor, event.actor_country), event.actor_text,
                                  event.actor_country),
                      _party_cell(parties.get(event.target, event.target_country), event.target_text,
                                  event.target_country),
                      Text(_event_status(event)), Text(event.date or ""), Text(_trim(event.text)),
                      Text(f"{ref.id[:8]} {ref.outlet or ''}".strip()))
    console().print(table)


@app.command(name="stories")
def list_stories(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(min=0, help="How many to list; 0 lists all.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line instead of a table.")] = False,
) -> None:
    """List stories, latest first: outlets, articles and claims of each.

    Example: [bold]parallax stories --limit 20[/bold]
    """
    store = open_store(db)
    rows = store.stories.list_stories(limit=limit or None)
    store.close()
    if as_json:
        for row in rows:
            console().print_json(json.dumps(row, ensure_ascii=False))
        return
    table = Table(title=f"{len(rows)} stories", header_style="bold")
    for column in ("id", "title", "articles", "outlets", "claims", "dates"):
        table.add_column(column, overflow="fold")
    for row in rows:
        dates = " – ".join(d for d in dict.fromkeys((row["first_date"], row["last_date"])) if d)
        table.add_row(row["id"], Text(row["title"] or ""), str(row["article_count"]), str(row["outlet_count"]),
                      str(row["claim_count"]), dates)
    console().print(table)


STATUS_STYLE = {"corroborated": "green", "single-source": "yellow", "disputed": "red"}
CELL_MARK = {"reports": ("●", "green", "reports"), "omits": ("·", "dim", "omits"),
             "contradicts": ("✗", "red", "contradicts")}


@app.command()
def story(
    story_id: Annotated[str, typer.Argument(help="Story id or id prefix.")],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="The whole story record as JSON.")] = False,
) -> None:
    """One story: its articles, its claims with their status, the claim matrix, the quote ledger and numbers.

    Example: [bold]parallax story s3f2a[/bold]
    """
    store = open_store(db)
    record = store.stories.get_story(story_id)
    store.close()
    if record is None:
        errors().print(f"no story {story_id!r} (see `parallax stories`)")
        raise typer.Exit(EXIT_USAGE)
    if as_json:
        console().print_json(json.dumps(record, ensure_ascii=False))
        return
    out = console()
    out.print(Text(f"{record['title'] or '(no title)'}", style="bold"), Text(f"  {record['id']}", style="dim"))
    articles = Table(title="articles", header_style="bold")
    for column in ("id", "outlet", "date", "lang", "title"):
        articles.add_column(column, overflow="fold")
    for article in record["articles"]:
        reprint = f" (reprint of {article['reprint_of'][:8]})" if article.get("reprint_of") else ""
        articles.add_row(article["id"][:8], Text((article["outlet"] or "?") + reprint), article["published"] or "",
                         article["language"] or "", Text(article["title"] or ""))
    out.print(articles)
    outlets = record["outlets"]
    matrix = Table(title="claims × outlets", header_style="bold")
    matrix.add_column("claim", overflow="fold", ratio=3)
    matrix.add_column("status")
    for outlet in outlets:
        matrix.add_column(Text(outlet), justify="center")
    for claim in record["claims"]:
        speaker = f"{claim['speaker']}: " if claim.get("speaker") else ""
        cells = []
        for outlet in outlets:
            mark, style, label = CELL_MARK[record["matrix"][claim["id"]].get(outlet, "omits")]
            cells.append(Text(f"{mark} {label}", style=style))
        status = Text(claim["status"], style=STATUS_STYLE.get(claim["status"], ""))
        matrix.add_row(Text(speaker + _trim(claim["summary"], 140)), status, *cells)
    out.print(matrix)
    disputed = [c for c in record["claims"] if c["disputed_by"]]
    by_id = {c["id"]: c for c in record["claims"]}
    for claim in disputed:
        for other, reason in zip(claim["disputed_by"], claim["dispute_reasons"], strict=False):
            if other in by_id and claim["id"] < other:
                out.print(Text("disputed: ", style="red"), Text(_trim(claim["summary"], 100)), Text("  ⟷  "),
                          Text(_trim(by_id[other]["summary"], 100)), Text(f"  ({reason})", style="dim"))
    for speaker, entries in record["quote_ledger"].items():
        for entry in entries:
            if len(entry["wordings"]) < 2:
                continue
            out.print(Text(f"{speaker}", style="bold"), Text(f" — {_trim(entry['summary'], 100)}"))
            for wording in entry["wordings"]:
                out.print(Text(f"   {wording['outlet'] or wording['article_id'][:8]} [{wording['wording']}]: ",
                               style="dim"), Text(_trim(wording["text"], 140)))
    for unit, rows in record["numbers"].items():
        if len({row["outlet"] for row in rows}) < 2 and len({row["text"] for row in rows}) < 2:
            continue
        figures = "; ".join(f"{row['outlet'] or '?'}: {row['text']}" for row in rows)
        out.print(Text(f"{unit}: ", style="bold"), Text(figures))


@app.command()
def merge(
    story_ids: Annotated[list[str], typer.Argument(help="Two or more story ids: the first keeps its id.")],
    db: DbOption = None,
) -> None:
    """Merge stories into the first one; the decision is kept across later runs.

    Example: [bold]parallax merge s3f2a s9c01[/bold]
    """
    store = open_store(db)
    ids = [_story_id_or_exit(store, given) for given in story_ids]
    if len(set(ids)) < 2:
        errors().print("merge needs two different stories")
        raise typer.Exit(EXIT_USAGE)
    from parallax.stories.runner import StoryRunner

    record = StoryRunner(store).merge(ids[0], ids[1:])
    store.close()
    console().print(f"merged into {ids[0]}: {len(record['article_ids']) if record else 0} articles")


@app.command()
def split(
    story_id: Annotated[str, typer.Argument(help="The story to split.")],
    article_ids: Annotated[list[str], typer.Argument(help="Articles (ids or prefixes) to move to a new story.")],
    db: DbOption = None,
) -> None:
    """Move articles out of a story into a new one; the decision is kept across later runs.

    Example: [bold]parallax split s3f2a 8c1e 77ab[/bold]
    """
    store = open_store(db)
    sid = _story_id_or_exit(store, story_id)
    from parallax.stories.runner import StoryRunner

    try:
        chosen = store.stories.members_named(sid, article_ids)
        new_id = StoryRunner(store).split(sid, chosen)
    except ValueError as error:
        errors().print(str(error))
        raise typer.Exit(EXIT_USAGE) from error
    finally:
        store.close()
    console().print(f"split {len(chosen)} articles from {sid} into {new_id}")


def _story_id_or_exit(store: Store, given: str) -> str:
    record = store.stories.get_story(given)
    if record is None:
        errors().print(f"no story {given!r} (see `parallax stories`)")
        raise typer.Exit(EXIT_USAGE)
    return record["id"]


@app.command()
def export(
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="json | jsonl | csv | events-csv")] = "json",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write; default stdout.")] = None,
) -> None:
    """Export the store: JSON in the acceptance-contract shape, JSON Lines, CSV (one row per article)
    or events-csv (one row per event, GDELT-style columns).

    Example: [bold]parallax export --format json -o export.json[/bold]
    """
    if fmt not in EXPORT_FORMATS:
        errors().print(f"unknown format {fmt!r}: use {', '.join(EXPORT_FORMATS)}")
        raise typer.Exit(EXIT_USAGE)
    fmt_checked: ExportFormat = fmt  # type: ignore[assignment]
    store = open_store(db)
    if output is None:
        write_export(store, sys.stdout, fmt_checked)
        return
    with output.open("w", encoding="utf-8", newline="") as handle:
        count = write_export(store, handle, fmt_checked)
    errors().print(f"wrote {count} {'events' if fmt == 'events-csv' else 'articles'} to {output}")


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0: every interface).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    read_access: Annotated[str, typer.Option(
        envvar="PARALLAX_READ_ACCESS",
        help="Who may read: local (loopback clients; others need the token), open (everyone), token (token only).")
    ] = "local",
    ingest_workers: Annotated[int, typer.Option(
        min=0, help="Worker processes of an ingest job; 0 runs it in the server's job thread.")] = 0,
) -> None:
    """Serve the web app and the REST API (/api/v1, docs at /docs) over the store.

    Writes (ingest, merge, split) need the bearer token set by PARALLAX_TOKEN; without it they are refused.

    Example: [bold]PARALLAX_TOKEN=secret parallax serve --db news.db --port 8000[/bold]
    """
    import uvicorn

    from parallax.serve.state import READ_ACCESS, WebSettings
    from parallax.serve.web import create_app

    if read_access not in READ_ACCESS:
        errors().print(f"unknown read access {read_access!r}: use {', '.join(READ_ACCESS)}")
        raise typer.Exit(EXIT_USAGE)
    settings = WebSettings(db=database_url(db), read_access=read_access,  # type: ignore[arg-type]
                           ingest_workers=ingest_workers)
    errors().print(f"serving {settings.db} on http://{host}:{port}/ (API docs: /docs)", highlight=False)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


@app.command()
def failures(db: DbOption = None) -> None:
    """List inputs that failed, with the reason and the stage where they stopped.

    Example: [bold]parallax failures --db news.db[/bold]
    """
    store = open_store(db)
    rows = store.list_failures()
    table = Table(title=f"{len(rows)} failed inputs", header_style="bold")
    for column in ("source", "stage", "reason", "last seen"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(row["source"], row["stage"] or "", row["reason"] or "", row["last_seen"])
    console().print(table)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
