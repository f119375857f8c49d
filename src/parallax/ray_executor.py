"""The Ray engine: the same stage objects as the local process pool, run by Ray actors (optional extra `ray`).

Each actor is one worker: it receives the chain of stages once, calls `setup()` once (models load once per
worker, as in `LocalExecutor`), then takes batches. Batches go to the actors in turn and come back in input
order; at most `2 × workers` are in flight, so a long input stream is read only as fast as the cluster keeps up
(backpressure, bounded memory on the driver) and the store is written by the driver alone, as on one machine.

Why actors and not Ray Data's `map_batches`: the pipeline's input is a lazy stream (folders, WARC files, URLs)
read by the driver, and its records are Python objects; a Ray Data dataset wants a materialised or
datasource-backed input and table-shaped batches. The actor pool gives the same reuse of loaded models, the
same per-actor resources and the same streaming with far less machinery.

`ray.init` is called only when no Ray runtime is up (then this executor shuts it down on `close`); pass
`address` to join a cluster ("auto", "ray://head:10001").
"""

from __future__ import annotations

import collections
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from parallax.pipeline import Stage, resources_of, run_stages, same_stages
from parallax.records import Record


class _StageWorker:
    """One Ray actor: a chain of stages, set up once."""

    def __init__(self, stages: Sequence[Stage]) -> None:
        self.stages = list(stages)
        for stage in self.stages:
            stage.setup()

    def process(self, batch: list[Record]) -> list[Record]:
        return run_stages(self.stages, batch)


class RayExecutor:
    """Runs the stages on Ray actors; `actor_cpus` overrides the CPUs the stages ask for (e.g. 0.5 so that a
    small machine can hold more actors than cores: ray issue 44687)."""

    def __init__(self, workers: int = 2, address: str | None = None, actor_cpus: float | None = None,
                 init_options: dict[str, Any] | None = None) -> None:
        self.workers = max(1, workers)
        self.address = address
        self.actor_cpus = actor_cpus
        self.init_options = init_options or {}
        self._actors: list[Any] = []
        self._stages: list[Stage] = []
        self._started_ray = False

    def map_batches(self, stages: Sequence[Stage], batches: Iterable[list[Record]]) -> Iterator[list[Record]]:
        try:
            import ray
        except ImportError as error:  # the optional extra is missing
            raise RuntimeError("the Ray engine needs the optional extra: pip install 'parallax[ray]'") from error
        if not ray.is_initialized():
            ray.init(address=self.address, include_dashboard=False, log_to_driver=False, **self.init_options)
            self._started_ray = True
        if self._actors and same_stages(self._stages, stages):
            yield from self._map(batches)
            return
        for actor in self._actors:  # other stages: other actors
            ray.kill(actor)
        needs = resources_of(stages)
        options: dict[str, Any] = {"num_cpus": self.actor_cpus if self.actor_cpus is not None else needs.cpus}
        if needs.gpus:
            options["num_gpus"] = needs.gpus
        if needs.memory_mb:
            options["memory"] = needs.memory_mb * 1024 * 1024
        worker = ray.remote(_StageWorker).options(**options)
        self._actors = [worker.remote(list(stages)) for _ in range(self.workers)]
        self._stages = list(stages)
        yield from self._map(batches)

    def _map(self, batches: Iterable[list[Record]]) -> Iterator[list[Record]]:
        import ray

        in_flight: collections.deque[Any] = collections.deque()
        for number, batch in enumerate(batches):
            in_flight.append(self._actors[number % len(self._actors)].process.remote(batch))
            if len(in_flight) >= 2 * len(self._actors):
                yield ray.get(in_flight.popleft())
        while in_flight:
            yield ray.get(in_flight.popleft())

    def close(self) -> None:
        if not self._actors and not self._started_ray:
            return
        import ray

        for actor in self._actors:
            ray.kill(actor)
        self._actors = []
        self._stages = []
        if self._started_ray:
            ray.shutdown()
            self._started_ray = False
