"""Sharded, resumable batch runs: shards of input, each finished with its results file and a completion marker.

Owns the unit of work of a large run: a `Shard` (one WARC file, local or remote, one chunk of an input folder, or
one chunk of a date partition: the files whose path names one day, as crawls file them), the planners that turn
what a user names into shards (`plan_warc_shards`, `plan_file_chunks`), and `ShardedRun`, which streams the shards'
records through one executor into the store and, as each shard's last batch is written, writes
`<out>/<shard-id>.parquet` (one row per input item and what became of it) and then `<out>/<shard-id>.done` (JSON:
counts, inputs, when), both atomically. A rerun skips the shards with a marker and redoes the others; the store
stays the source of truth and is idempotent (inputs already stored are skipped before any work, equal articles are
duplicates), so a shard redone after a kill adds nothing twice. A shard whose input cannot be read through
(missing, 404, truncated or corrupt) is failed and gets no marker, so the next run tries it again. Like `analyze`,
this module draws nothing and knows no command line.
"""

from __future__ import annotations

import collections
import datetime as dt
import glob
import hashlib
import importlib.util
import io
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq

import parallax
from parallax.ingest import Ingestor, IngestSettings, expand_inputs
from parallax.ingest.formats import GZIP_MAGIC
from parallax.ingest.gzipstream import TolerantGzipReader
from parallax.ingest.readers import SNIFF_BYTES, STAGE, ReadLimits, read_warc
from parallax.pipeline import BatchOutcome, Executor, Pipeline, ProgressCallback, RunSummary, Stage, batched
from parallax.records import Article, Failure, ParsedArticle, RawDocument, Record
from parallax.store import Store

if TYPE_CHECKING:
    from parallax.stories.runner import StoriesSummary, StoryRunner

ShardKind = Literal["warc", "files"]
ShardStatus = Literal["done", "skipped", "failed"]
OUTCOMES = ("stored", "duplicate", "unchanged", "failed")
WARC_SUFFIXES = (".warc", ".warc.gz")
_GLOB_CHARS = set("*?[")
UNDATED = "undated"
# A day in a path: 2024-05-01, 2024_05_01, 2024/05/01 or 20240501 (CC-NEWS-20240501123456-00001.warc.gz)
_PATH_DAY = re.compile(r"(?<!\d)((?:19|20)\d\d)([-_/]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?!\d{0,1}[-_/]\d)")
# Rows buffered per shard before they go to its Parquet file as a row group: small, so that a shard holds little
# and the memory Arrow takes for writing is taken once, early in a run, not after thousands of pages.
_ROW_GROUP = 1_000
# Remote WARCs are streamed (fsspec's streaming HTTP file), never fetched whole; a stalled server is an error.
_HTTP_READ_TIMEOUT_S = 120.0
_HTTP_CONNECT_TIMEOUT_S = 30.0


class ShardPlanError(ValueError):
    """Inputs that cannot be planned at all (an s3:// URL without the s3 extra); the message names the input."""


@dataclass(frozen=True, slots=True)
class Shard:
    """One unit of work: its stable id, the input specs it covers, and how to read them (lazily, `records`).

    `required` are the inputs whose own failure (not one of their items') fails the shard: it gets no marker.
    """

    id: str
    inputs: tuple[str, ...]
    kind: ShardKind
    required: tuple[str, ...] = ()

    def records(self, settings: IngestSettings | None = None) -> Iterator[RawDocument | Failure]:
        settings = settings or IngestSettings()
        if self.kind == "warc":
            for source in self.inputs:
                yield from warc_records(source, settings.read_limits)
        else:
            yield from Ingestor(settings).iter_documents(self.inputs)


def is_remote(spec: str) -> bool:
    return "://" in spec and not spec.lower().startswith("file://")


def _protocol(spec: str) -> str:
    return spec.split("://", 1)[0].lower()


def shard_id(canonical: str, name: str) -> str:
    """A readable slug of `name` and a short hash of the canonical input spec: stable across reruns."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")[:60] or "input"
    return f"{slug}-{hashlib.sha256(canonical.encode('utf-8')).hexdigest()[:10]}"


def _check_extra(spec: str) -> None:
    if _protocol(spec) in ("s3", "s3a") and importlib.util.find_spec("s3fs") is None:
        raise ShardPlanError(f"{spec}: s3:// inputs need s3fs, the optional extra parallax[s3] "
                             "(pip install 'parallax[s3]')")


def _storage_options(spec: str) -> dict[str, Any]:
    if _protocol(spec) not in ("http", "https"):
        return {}
    import aiohttp

    return {"client_kwargs": {"timeout": aiohttp.ClientTimeout(
        total=None, sock_connect=_HTTP_CONNECT_TIMEOUT_S, sock_read=_HTTP_READ_TIMEOUT_S)}}


def _remote_matches(spec: str) -> list[str]:
    """The URLs a remote spec names: itself, or the matches of its glob (the query string is no glob)."""
    path = spec.split("?", 1)[0] if _protocol(spec) in ("http", "https") else spec
    wildcards = {"*", "["} if _protocol(spec) in ("http", "https") else _GLOB_CHARS
    if not wildcards & set(path.split("://", 1)[1]):
        return [spec]
    import fsspec

    try:
        fs, root = fsspec.core.url_to_fs(spec, **_storage_options(spec))
        return sorted(fs.unstrip_protocol(match) for match in fs.glob(root))
    except Exception:  # listing failed: the spec becomes a shard of its own, whose opening names the problem
        return []


def _local_path(spec: str) -> Path:
    return Path(spec[len("file://"):] if spec.lower().startswith("file://") else spec).expanduser()


def _local_matches(spec: str) -> list[Path]:
    path = _local_path(spec)
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(WARC_SUFFIXES))
    if path.exists() or not _GLOB_CHARS & set(str(path)):
        return [path]
    return sorted(Path(m) for m in glob.glob(str(path), recursive=True) if Path(m).is_file())


def plan_warc_shards(specs: Iterable[str]) -> list[Shard]:
    """One shard per WARC file: local paths, folders (their .warc/.warc.gz files), globs, http(s):// and s3://
    URLs and globs. A spec that names nothing is a shard of its own, which fails with the reason."""
    shards: dict[str, Shard] = {}
    for spec in specs:
        if is_remote(spec):
            _check_extra(spec)
            sources = _remote_matches(spec) or [spec]
        else:
            sources = [str(p.resolve()) for p in _local_matches(spec)] or [str(_local_path(spec).resolve())]
        for source in sources:
            name = source.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
            shard = Shard(id=shard_id(source, name), inputs=(source,), kind="warc", required=(source,))
            shards.setdefault(shard.id, shard)
    return list(shards.values())


def plan_file_chunks(specs: Iterable[str], chunk_size: int, *, by_date: bool = False) -> list[Shard]:
    """Shards of `chunk_size` files (or URLs) each, per input spec (a folder is walked as `analyze` walks it);
    with `by_date`, per day within each spec first: the files whose path names a day (`day_in_path`) are that
    day's partition, chunked on their own, and files naming none go to an "undated" partition.

    A chunk's id hashes its members, so the marker of a chunk holds for exactly those files. URLs and specs
    that name nothing are required: a 404 or a missing file fails the chunk, to be tried again."""
    if chunk_size < 1:
        raise ShardPlanError(f"chunk size must be at least 1, not {chunk_size}")
    shards: dict[str, Shard] = {}
    for spec in specs:
        members: list[str] = []
        required: set[str] = set()
        for item in expand_inputs([spec]):
            if isinstance(item, Failure):
                members.append(item.source)
                required.add(item.source)
            elif isinstance(item, Path):
                members.append(str(item.resolve()))
            else:
                members.append(item)
                required.add(item)
        name = Path(spec.split("?", 1)[0].rstrip("/")).name or "input"
        root = _spec_root(spec) if by_date else ""
        partitions: dict[str, list[str]] = {}
        for member in members:
            day = (day_in_path(member.removeprefix(root)) or UNDATED) if by_date else ""
            partitions.setdefault(day, []).append(member)
        for day, group in sorted(partitions.items()):
            prefix = f"{name}-{day}" if by_date else name
            for number, first in enumerate(range(0, len(group), chunk_size)):
                chunk = tuple(group[first:first + chunk_size])
                shard = Shard(id=shard_id("\n".join(chunk), f"{prefix}-{number:05d}"), inputs=chunk, kind="files",
                              required=tuple(m for m in chunk if m in required))
                shards.setdefault(shard.id, shard)
    return list(shards.values())


def day_in_path(path: str) -> str | None:
    """The last valid day a path names (folder or file name), as YYYY-MM-DD; None when it names none."""
    found = None
    for match in _PATH_DAY.finditer(path):
        try:
            found = dt.date(int(match.group(1)), int(match.group(3)), int(match.group(4))).isoformat()
        except ValueError:
            continue
    return found


def _spec_root(spec: str) -> str:
    """The resolved folder a local spec names (its members' paths start with it), else the spec itself: a day
    in the path above the input folder says nothing about its files."""
    if is_remote(spec):
        return spec
    path = _local_path(spec)
    return str(path.resolve()) if path.is_dir() else ""


class _Rewound(io.RawIOBase):
    """A forward-only stream with the bytes already read from it (to sniff gzip) put back in front."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        data = self._rest.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self._rest.close()
        super().close()


def open_remote(url: str) -> IO[bytes]:
    """A remote file as a forward stream, decompressed when it is gzip (sniffed); read through as it is read."""
    import fsspec

    fs, path = fsspec.core.url_to_fs(url, **_storage_options(url))
    # block_size=0: fsspec's streaming HTTP file (one GET, read as consumed), not a download or range requests.
    handle = fs.open(path, "rb", block_size=0) if _protocol(url) in ("http", "https") else fs.open(path, "rb")
    head = b""
    while len(head) < 2 and (more := handle.read(2 - len(head))):
        head += more
    stream = io.BufferedReader(_Rewound(head, handle), buffer_size=SNIFF_BYTES)
    if head == GZIP_MAGIC:
        return io.BufferedReader(TolerantGzipReader(stream), buffer_size=SNIFF_BYTES)
    return stream


def warc_records(source: str, limits: ReadLimits) -> Iterator[RawDocument | Failure]:
    """The response records of one WARC file (local path or URL), streamed; a failure names `source`."""
    if is_remote(source):
        try:
            _check_extra(source)
            stream = open_remote(source)
        except ShardPlanError as error:
            yield Failure(source, STAGE, str(error))
            return
        except FileNotFoundError:
            wildcard = _GLOB_CHARS & set(source.split("://", 1)[1].split("?", 1)[0])
            yield Failure(source, STAGE, "glob matched no files" if wildcard else "cannot open: not found")
            return
        except Exception as error:  # fsspec and aiohttp raise many kinds; any is this input's failure
            yield Failure(source, STAGE, f"cannot open: {type(error).__name__}: {error}")
            return
        yield from read_warc(stream, source, limits)
        return
    path = Path(source)
    if not path.is_file():
        if path.is_dir():
            yield Failure(source, STAGE, "folder holds no .warc or .warc.gz files")
        else:
            yield Failure(source, STAGE, "glob matched no files" if _GLOB_CHARS & set(path.name)
                          else "cannot open: no such file")
        return
    try:
        with path.open("rb"):
            pass
    except OSError as error:
        yield Failure(source, STAGE, f"cannot open: {error}")
        return
    yield from read_warc(path, source, limits)


# -- results and markers -------------------------------------------------------------------------------------


def _results_schema() -> pa.Schema:
    return pa.schema([("source", pa.string()), ("outcome", pa.string()), ("article_id", pa.string()),
                      ("url", pa.string()), ("title", pa.string()), ("outlet", pa.string()),
                      ("language", pa.string()), ("published", pa.string()), ("text_length", pa.int64()),
                      ("failure_reason", pa.string())])


def marker_path(out_dir: Path, shard: Shard) -> Path:
    return out_dir / f"{shard.id}.done"


def parquet_path(out_dir: Path, shard: Shard) -> Path:
    return out_dir / f"{shard.id}.parquet"


def read_marker(out_dir: Path, shard: Shard) -> dict[str, Any] | None:
    """The completion marker of a shard, or None when it has none (or an unreadable one: the shard is redone)."""
    try:
        marker = json.loads(marker_path(out_dir, shard).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return marker if isinstance(marker, dict) and marker.get("shard") == shard.id else None


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(slots=True)
class ShardResult:
    """What became of one shard: done (results and marker written), skipped (marked done before) or failed
    (`errors`: why its input could not be read through; no marker). `counts`: its inputs by outcome."""

    shard: Shard
    status: ShardStatus
    counts: Counter[str] = field(default_factory=Counter)
    errors: list[Failure] = field(default_factory=list)
    parquet: Path | None = None


@dataclass(slots=True)
class ShardedResult:
    """A sharded run: its inputs by outcome (shards it read), each shard's result, and the stories stage's."""

    summary: RunSummary
    shards: list[ShardResult]
    stories: StoriesSummary | None = None

    def by_status(self) -> Counter[str]:
        return Counter(result.status for result in self.shards)


class _OpenShard:
    """A shard being read and written: its result rows streamed to a temporary Parquet file, batch by batch."""

    def __init__(self, shard: Shard, out_dir: Path) -> None:
        self.shard = shard
        self.out_dir = out_dir
        self.sent = 0  # input batches handed to the pipeline
        self.reported = 0  # input batches written and reported back
        self.read_all = False
        self.counts: Counter[str] = Counter()
        self.errors: list[Failure] = []
        self.rows: list[dict[str, Any]] = []
        self.writer: pq.ParquetWriter | None = None
        self.started = _now()

    @property
    def temporary(self) -> Path:
        return parquet_path(self.out_dir, self.shard).with_suffix(".parquet.tmp")

    def watch(self, records: Iterable[RawDocument | Failure]) -> Iterator[RawDocument | Failure]:
        required = set(self.shard.required)
        for record in records:
            if isinstance(record, Failure) and record.source in required:
                self.errors.append(record)
            yield record

    def add(self, rows: list[dict[str, Any]]) -> None:
        self.counts.update(row["outcome"] for row in rows)
        self.rows.extend(rows)
        if len(self.rows) >= _ROW_GROUP:
            self._flush()

    def _flush(self) -> pq.ParquetWriter:
        schema = _results_schema()
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.temporary, schema)
        if self.rows:
            self.writer.write_table(pa.Table.from_pylist(self.rows, schema=schema))
            self.rows = []
        return self.writer

    def finish(self) -> ShardResult:
        if self.errors:
            self.abandon()
            return ShardResult(self.shard, "failed", self.counts, self.errors)
        self._flush().close()
        self.writer = None
        with self.temporary.open("rb+") as handle:
            os.fsync(handle.fileno())
        final = parquet_path(self.out_dir, self.shard)
        os.replace(self.temporary, final)
        marker = {"shard": self.shard.id, "kind": self.shard.kind, "inputs": list(self.shard.inputs),
                  "counts": {key: self.counts.get(key, 0) for key in OUTCOMES}, "items": sum(self.counts.values()),
                  "parquet": final.name, "started_at": self.started, "finished_at": _now(),
                  "parallax_version": parallax.__version__}
        _write_atomically(marker_path(self.out_dir, self.shard),
                          (json.dumps(marker, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        return ShardResult(self.shard, "done", self.counts, [], final)

    def abandon(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        self.temporary.unlink(missing_ok=True)
        self.rows = []


def _row(source: str, outcome: str, article_id: str | None = None, *, url: str | None = None,
         title: str | None = None, outlet: str | None = None, language: str | None = None,
         published: str | None = None, text_length: int | None = None, reason: str | None = None) -> dict[str, Any]:
    return {"source": source, "outcome": outcome, "article_id": article_id, "url": url, "title": title,
            "outlet": outlet, "language": language, "published": published, "text_length": text_length,
            "failure_reason": reason}


def result_rows(store: Store, unchanged: Sequence[RawDocument], written: Sequence[Record]) -> list[dict[str, Any]]:
    """One results row per input item of a batch: the written ones with what the store made of them (stored,
    duplicate of which article, failed and why), then the ones it already held (unchanged)."""
    articles = [item.article if isinstance(item, ParsedArticle) else item for item in written]
    keys = [(a.source, a.raw_hash) for a in articles if isinstance(a, Article)]
    keys += [(d.source, d.raw_hash) for d in unchanged]
    ledger = store.input_outcomes(keys)
    rows = []
    for record in articles:
        if isinstance(record, Failure):
            rows.append(_row(record.source, "failed", reason=f"{record.stage}: {record.reason}"))
        elif isinstance(record, Article):
            status, article_id = ledger.get((record.source, record.raw_hash), ("stored", record.id))
            rows.append(_row(record.source, status, article_id, url=record.url, title=record.title,
                             outlet=record.outlet, language=record.language, published=record.published,
                             text_length=len(record.text)))
    for document in unchanged:
        _, article_id = ledger.get((document.source, document.raw_hash), ("unchanged", None))
        rows.append(_row(document.source, "unchanged", article_id, url=document.url, title=document.title,
                         outlet=document.outlet, language=document.language, published=document.published))
    return rows


class ShardedRun:
    """Runs shards through the stages into the store on one executor, skipping those finished before.

    Batches never span two shards and come back in order, so a shard is complete once it has been read to the
    end and its last batch is written: then its results and its marker are written.
    """

    def __init__(self, store: Store, stages: Sequence[Stage], executor: Executor, out_dir: Path,
                 batch_size: int = 32, story_runner: StoryRunner | None = None,
                 settings: IngestSettings | None = None) -> None:
        self.store = store
        self.stages = list(stages)
        self.executor = executor
        self.out_dir = Path(out_dir)
        self.batch_size = batch_size
        self.story_runner = story_runner
        self.settings = settings or IngestSettings()

    def run(self, shards: Iterable[Shard], progress: ProgressCallback | None = None,
            on_shard: Callable[[ShardResult], None] | None = None,
            story_progress: Callable[[StoriesSummary], None] | None = None) -> ShardedResult:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        results: list[ShardResult] = []

        def record(result: ShardResult) -> None:
            results.append(result)
            if on_shard:
                on_shard(result)

        todo: list[Shard] = []
        planned: dict[str, Shard] = {}
        for shard in shards:
            if shard.id in planned:
                continue
            planned[shard.id] = shard
            marker = read_marker(self.out_dir, shard)
            if marker is None:
                todo.append(shard)
            else:
                record(ShardResult(shard, "skipped", Counter(marker.get("counts", {})),
                                   parquet=parquet_path(self.out_dir, shard)))

        summary = RunSummary()
        if todo:
            summary = self._read(todo, progress, record)
        else:
            self.executor.close()
        order = {shard_id: number for number, shard_id in enumerate(planned)}
        results.sort(key=lambda result: order[result.shard.id])
        placed = self.story_runner.update(story_progress) if self.story_runner is not None else None
        return ShardedResult(summary, results, placed)

    def _read(self, todo: list[Shard], progress: ProgressCallback | None,
              record: Callable[[ShardResult], None]) -> RunSummary:
        open_shards: list[_OpenShard] = []
        owners: collections.deque[_OpenShard] = collections.deque()  # the shard of each input batch sent, in order

        def finish_if_complete(state: _OpenShard) -> None:
            if state.read_all and state.reported == state.sent:
                open_shards.remove(state)
                record(state.finish())

        def feed() -> Iterator[list[Record]]:
            for shard in todo:
                state = _OpenShard(shard, self.out_dir)
                open_shards.append(state)
                for batch in batched(state.watch(shard.records(self.settings)), self.batch_size):
                    state.sent += 1
                    owners.append(state)
                    yield batch
                state.read_all = True
                finish_if_complete(state)

        def on_batch(unchanged: list[RawDocument], written: list[Record], _outcome: BatchOutcome) -> None:
            state = owners.popleft()
            state.add(result_rows(self.store, unchanged, written))
            state.reported += 1
            finish_if_complete(state)

        pipeline = Pipeline(self.stages, self.store, self.executor, batch_size=self.batch_size)
        try:
            return pipeline.run_batches(feed(), progress, on_batch)
        finally:
            for state in open_shards:  # only after an error: what was not finished leaves no results file
                state.abandon()
