"""One analysis run, shared by the CLI's `analyze` and the web app's ingest: inputs are read (`Ingestor`), go
through the stages into the store (`Pipeline`), then the stories stage places what was stored.

Also the choices both make the same way: which stages run (`default_stages`, `nlp_stages`) and on which
engine (`make_executor`). Callers follow the run through two progress callbacks; this module draws nothing
and knows no command line or web request.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from parallax.extract import Extractor
from parallax.ingest import Ingestor, IngestSettings
from parallax.pipeline import (
    Executor,
    InProcessExecutor,
    LocalExecutor,
    Pipeline,
    ProgressCallback,
    RunSummary,
    Stage,
)
from parallax.store import Store

if TYPE_CHECKING:
    from parallax.stories.runner import StoriesSummary, StoryRunner


def nlp_stages(model: str | None = None) -> list[Stage]:
    """The annotate, attribute and events stages, imported only when a command needs them (they load
    spaCy); the spaCy model is checked here so a wrong name is a usage error before any work starts."""
    from parallax.annotate import AnnotateSettings, Annotator, find_model
    from parallax.attribute import Attributor
    from parallax.events import EventExtractor

    return [Annotator(AnnotateSettings(model=find_model(model))), Attributor(keep_parse=True), EventExtractor()]


def default_stages(nlp: bool = True, model: str | None = None) -> list[Stage]:
    """The stages `analyze` runs: extraction, then (unless `nlp` is off) annotation and attribution."""
    return [Extractor(), *nlp_stages(model)] if nlp else [Extractor()]


def make_executor(workers: int | None, engine: str = "local", ray_address: str | None = None) -> Executor:
    """The engine a command runs its stages on: this machine's process pool (0 workers: this process) or Ray."""
    if workers is None:
        workers = os.cpu_count() or 1
    if engine == "ray":
        from parallax.ray_executor import RayExecutor

        return RayExecutor(workers=max(1, workers), address=ray_address)
    return LocalExecutor(workers) if workers > 0 else InProcessExecutor()


@dataclass(slots=True)
class AnalysisResult:
    """What a run did: inputs by outcome, and the stories stage's summary (None when it did not run)."""

    summary: RunSummary
    stories: StoriesSummary | None = None


def run_analysis(store: Store, inputs: Iterable[str], stages: Sequence[Stage], executor: Executor, *,
                 settings: IngestSettings | None = None, batch_size: int = 32,
                 story_runner: StoryRunner | None = None, progress: ProgressCallback | None = None,
                 story_progress: Callable[[StoriesSummary], None] | None = None) -> AnalysisResult:
    """Ingest `inputs` (files, folders, globs, URLs) through `stages` into `store`, then, with a
    `story_runner`, place the new articles into stories."""
    pipeline = Pipeline(stages, store, executor, batch_size=batch_size)
    summary = pipeline.run(Ingestor(settings or IngestSettings()).iter_documents(inputs), progress=progress)
    placed = story_runner.update(story_progress) if story_runner is not None else None
    return AnalysisResult(summary, placed)
