"""The Ray engine runs the same stage objects as the local engines and gives the same store.

Its own module, because it starts a Ray runtime: `ray.init(num_cpus=4, include_dashboard=False)` once for the
module, actors at 0.5 CPU (whole-CPU actors can hang a 2-core machine: ray issue 44687), a time-out on every
test. Skipped when the optional extra is not installed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from parallax.analyze import default_stages
from parallax.ingest import Ingestor
from parallax.pipeline import InProcessExecutor, Pipeline, Resources, resources_of
from parallax.serve.export import iter_article_records
from parallax.store import Store

ray = pytest.importorskip("ray")

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def ray_runtime() -> Iterator[None]:
    ray.init(num_cpus=4, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def stored_records(store: Store) -> list[dict[str, Any]]:
    return sorted((json.loads(json.dumps(record, default=str)) for record in iter_article_records(store)),
                  key=lambda record: record["id"])


def analyse(store: Store, executor: Any, inputs: list[str]) -> Any:
    pipeline = Pipeline(default_stages(), store, executor, batch_size=4)
    return pipeline.run(Ingestor().iter_documents(inputs))


@pytest.fixture(scope="module")
def in_process_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """The demo corpus through every stage in this process (no stories yet): the store and the run's summary."""
    db = tmp_path_factory.mktemp("in-process") / "local.db"
    store = Store(f"sqlite:///{db}")
    summary = analyse(store, InProcessExecutor(), [str(EXAMPLES)])
    store.close()  # its file is copied whole by the tests
    return db, summary


def test_ray_and_in_process_runs_store_the_same_records(ray_runtime: None, in_process_run: tuple[Path, Any],
                                                        tmp_path: Path) -> None:
    from parallax.ray_executor import RayExecutor

    inputs = [str(EXAMPLES)]
    local = Store(f"sqlite:///{in_process_run[0]}")
    on_ray = Store(f"sqlite:///{tmp_path / 'ray.db'}")
    local_summary = in_process_run[1]
    ray_summary = analyse(on_ray, RayExecutor(workers=2, actor_cpus=0.5), inputs)
    assert ray_summary.counts == local_summary.counts
    assert local_summary.counts["stored"] >= 10
    local_records, ray_records = stored_records(local), stored_records(on_ray)
    assert [r["id"] for r in ray_records] == [r["id"] for r in local_records]
    assert ray_records == local_records
    assert any(r["attributions"] for r in ray_records) and any(r["events"] for r in ray_records)
    assert ray.is_initialized()  # the executor did not shut down a runtime it did not start


def test_a_bad_input_is_a_failure_on_ray_too(ray_runtime: None, tmp_path: Path) -> None:
    from parallax.ray_executor import RayExecutor

    broken = tmp_path / "broken.html"
    broken.write_bytes(b"\x00\x01\x02 not a page")
    store = Store(f"sqlite:///{tmp_path / 'r.db'}")
    summary = analyse(store, RayExecutor(workers=1, actor_cpus=0.5), [str(broken), str(EXAMPLES / "dumps")])
    assert summary.counts["failed"] == 1
    assert summary.counts["stored"] >= 1
    assert [f.source for f in summary.failures] == [str(broken)]


def test_resources_of_a_chain_is_the_most_any_stage_asks() -> None:
    class Heavy:
        name = "heavy"
        resources = Resources(cpus=2.0, memory_mb=1500, gpus=0.5)

    class Plain:
        name = "plain"

    assert resources_of([Plain(), Heavy()]) == Resources(cpus=2.0, memory_mb=1500, gpus=0.5)  # type: ignore[list-item]
    assert resources_of([Plain()]) == Resources()  # type: ignore[list-item]


def test_analyze_on_the_ray_engine_from_the_cli(ray_runtime: None, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from parallax.cli import app

    db = tmp_path / "cli.db"
    result = CliRunner().invoke(app, ["analyze", str(EXAMPLES / "dumps"), "--db", str(db), "--engine", "ray",
                                      "--workers", "2", "--no-stories", "--quiet"])
    assert result.exit_code == 0, result.output
    store = Store(f"sqlite:///{db}")
    assert store.count_articles() == len(list((EXAMPLES / "dumps").iterdir()))
    assert any(a.attributions for a in store.list_articles(with_annotations=True))


def test_stories_built_on_ray_actors_equal_stories_built_in_process(ray_runtime: None,
                                                                     in_process_run: tuple[Path, Any],
                                                                     tmp_path: Path) -> None:
    """The stories stage's featurising and claim alignment on Ray actors give the in-process stories."""
    import shutil

    from parallax.ray_executor import RayExecutor
    from parallax.stories.runner import StoryRunner

    stores = []
    for name in ("here", "ray"):
        shutil.copy(in_process_run[0], tmp_path / f"{name}.db")
        stores.append(Store(f"sqlite:///{tmp_path / f'{name}.db'}"))
    started: list[RayExecutor] = []

    def on_ray() -> RayExecutor:
        started.append(RayExecutor(workers=2, actor_cpus=0.5))
        return started[-1]

    here = StoryRunner(stores[0]).update()
    there = StoryRunner(stores[1], executor_factory=on_ray, parallel_from=1).update()
    assert len(started) == 1
    assert (here.placed, here.new_stories, here.rebuilt) == (there.placed, there.new_stories, there.rebuilt)
    assert here.new_stories >= 3
    assert list(stores[0].stories.iter_stories()) == list(stores[1].stories.iter_stories())


def test_reprint_bands_partitioned_on_ray_give_the_one_machine_answer(ray_runtime: None) -> None:
    import numpy as np

    from parallax.ray_executor import RayExecutor
    from parallax.stories.bands import find_reprints

    rng = np.random.default_rng(5)
    signatures = rng.integers(0, 2**32 - 1, size=(600, 128), dtype=np.uint64)
    for node in range(10, 600, 4):  # a quarter are copies of an older article, 5% of their values redrawn
        signatures[node] = signatures[int(rng.integers(0, node))]
        redrawn = rng.random(128) < 0.05
        signatures[node, redrawn] = rng.integers(0, 2**32 - 1, size=int(redrawn.sum()), dtype=np.uint64)
    ids = [f"d{n:03d}" for n in range(600)]
    days = [739_000 + n // 60 for n in range(600)]
    executor = RayExecutor(workers=2, actor_cpus=0.5)
    try:
        on_ray = find_reprints(ids, signatures, days, executor=executor, partitions=4)
    finally:
        executor.close()
    here = find_reprints(ids, signatures, days)
    assert on_ray == here
    assert len(here) >= 100
