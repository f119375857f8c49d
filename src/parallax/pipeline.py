"""The pipeline: named stages over batches of records, run by an executor, written to a store.

A stage is any object with a `name`, a `setup()` that loads what it needs once per worker, and a
`process_batch(records) -> records`; records a stage does not handle pass through unchanged, so a
`Failure` from ingest reaches the store like any article. A stage may declare the `resources` one of its
workers needs (`Resources`: CPUs, memory, GPUs); executors that schedule (Ray) read them. The CLI, the web
app and other engines are thin shells over `Pipeline.run`; the executors here run on this machine, and
`parallax.ray_executor.RayExecutor` runs the same stage objects on a Ray cluster.
"""

from __future__ import annotations

import collections
import itertools
import multiprocessing
import multiprocessing.pool
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from parallax.records import Failure, RawDocument, Record
from parallax.store import BatchOutcome, Store


@dataclass(frozen=True, slots=True)
class Resources:
    """What one worker of a stage needs; a stage without a `resources` attribute needs the defaults."""

    cpus: float = 1.0
    memory_mb: int = 0
    gpus: float = 0.0


def resources_of(stages: Sequence[Stage]) -> Resources:
    """What one worker running all these stages in a chain needs: the most any of them asks for."""
    asked = [getattr(stage, "resources", None) or Resources() for stage in stages] or [Resources()]
    return Resources(cpus=max(r.cpus for r in asked), memory_mb=max(r.memory_mb for r in asked),
                     gpus=max(r.gpus for r in asked))


@runtime_checkable
class Stage(Protocol):
    name: str

    def setup(self) -> None: ...

    def process_batch(self, records: Sequence[Record]) -> list[Record]: ...


def batched(items: Iterable[Record], size: int) -> Iterator[list[Record]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def run_stages(stages: Sequence[Stage], batch: list[Record]) -> list[Record]:
    for stage in stages:
        batch = stage.process_batch(batch)
    return batch


class InProcessExecutor:
    """Runs every stage in this process: the simplest engine, and the one tests use."""

    def map_batches(self, stages: Sequence[Stage], batches: Iterable[list[Record]]) -> Iterator[list[Record]]:
        for stage in stages:
            stage.setup()
        for batch in batches:
            yield run_stages(stages, batch)

    def close(self) -> None:
        pass


_worker_stages: Sequence[Stage] = ()


def _init_worker(stages: Sequence[Stage]) -> None:
    global _worker_stages
    _worker_stages = stages
    for stage in stages:
        stage.setup()


def _run_in_worker(batch: list[Record]) -> list[Record]:
    return run_stages(_worker_stages, batch)


class LocalExecutor:
    """A process pool on this machine; each worker sets the stages up once; batches stay in order.

    At most `2 × workers` batches are in flight, so a long input stream is read only as fast as the
    workers keep up (bounded memory), and reading stays in the calling thread.
    """

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self._pool: multiprocessing.pool.Pool | None = None
        self._stages: list[Stage] = []

    def map_batches(self, stages: Sequence[Stage], batches: Iterable[list[Record]]) -> Iterator[list[Record]]:
        """Batches through the stages; a later call with the very same stage objects reuses the workers (their
        models stay loaded), a call with other stages replaces them."""
        if self._pool is None or not same_stages(self._stages, stages):
            self.close()
            context = multiprocessing.get_context("spawn")
            self._pool = context.Pool(self.workers, initializer=_init_worker, initargs=(list(stages),))
            self._stages = list(stages)
        in_flight: collections.deque[multiprocessing.pool.AsyncResult[list[Record]]] = collections.deque()
        for batch in batches:
            in_flight.append(self._pool.apply_async(_run_in_worker, (batch,)))
            if len(in_flight) >= 2 * self.workers:
                yield in_flight.popleft().get()
        while in_flight:
            yield in_flight.popleft().get()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None
            self._stages = []


def same_stages(running: Sequence[Stage], asked: Sequence[Stage]) -> bool:
    """Whether an engine's workers already run exactly these stage objects (so they can be reused)."""
    return len(running) == len(asked) and all(a is b for a, b in zip(running, asked, strict=True))


class Executor(Protocol):
    """What `Pipeline` needs of an engine: batches through the stages, in order, then a clean close."""

    def map_batches(self, stages: Sequence[Stage], batches: Iterable[list[Record]]) -> Iterator[list[Record]]: ...

    def close(self) -> None: ...


@dataclass(slots=True)
class RunSummary:
    """Counts of one run, by what became of each input item."""

    counts: Counter[str] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)

    @property
    def inputs(self) -> int:
        return sum(self.counts.values())


ProgressCallback = Callable[[RunSummary], None]
# One input batch after its write: its inputs the store already held (not processed), the records written
# from the rest, and what the store made of them.
BatchCallback = Callable[[list[RawDocument], list[Record], BatchOutcome], None]


class Pipeline:
    """Streams records from a source through stages into a store, one transaction per batch."""

    def __init__(self, stages: Sequence[Stage], store: Store, executor: Executor | None = None,
                 batch_size: int = 32) -> None:
        self.stages = list(stages)
        self.store = store
        self.executor = executor or InProcessExecutor()
        self.batch_size = batch_size

    def _skip_seen(self, batches: Iterable[list[Record]], summary: RunSummary,
                   pending: collections.deque[tuple[list[RawDocument], bool]] | None = None,
                   ) -> Iterator[list[Record]]:
        """Batches with the inputs the store already holds (same source, same bytes) left out; with `pending`,
        each input batch also leaves (its unchanged inputs, whether a batch went on) there, in order."""
        for batch in batches:
            keys = [(r.source, r.raw_hash) for r in batch if isinstance(r, RawDocument)]
            seen = self.store.seen_inputs(keys)
            fresh: list[Record] = []
            unchanged: list[RawDocument] = []
            for record in batch:
                if isinstance(record, RawDocument) and (record.source, record.raw_hash) in seen:
                    unchanged.append(record)
                else:
                    fresh.append(record)
            if unchanged:
                summary.counts["unchanged"] += len(unchanged)
            if pending is not None:
                pending.append((unchanged, bool(fresh)))
            if fresh:
                yield fresh

    def run(self, records: Iterable[Record], progress: ProgressCallback | None = None) -> RunSummary:
        return self.run_batches(batched(records, self.batch_size), progress)

    def run_batches(self, batches: Iterable[list[Record]], progress: ProgressCallback | None = None,
                    on_batch: BatchCallback | None = None) -> RunSummary:
        """`run` over batches the caller formed; `on_batch` hears of every input batch once, in input order,
        after its write (callers that group inputs, such as shards, learn when a group is all stored)."""
        summary = RunSummary()
        pending: collections.deque[tuple[list[RawDocument], bool]] = collections.deque()
        try:
            fresh = self._skip_seen(batches, summary, pending if on_batch else None)
            for batch in self.executor.map_batches(self.stages, fresh):
                outcome = self.store.write_batch(batch)
                summary.counts.update(outcome.counts)
                summary.failures.extend(outcome.failures)
                if on_batch:
                    _report_through(pending, on_batch, batch, outcome)
                if progress:
                    progress(summary)
            if on_batch:
                _report_through(pending, on_batch, None, BatchOutcome())
        finally:
            self.executor.close()
        return summary


def _report_through(pending: collections.deque[tuple[list[RawDocument], bool]], on_batch: BatchCallback,
                    written: list[Record] | None, outcome: BatchOutcome) -> None:
    """Report the pending input batches up to the one `written` came from (every one left, when None); input
    batches that were all unchanged sent nothing on, so they are reported as they come, with nothing written."""
    while pending:
        unchanged, went_on = pending.popleft()
        if went_on and written is not None:
            on_batch(unchanged, written, outcome)
            return
        on_batch(unchanged, [], BatchOutcome())
