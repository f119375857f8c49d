"""One analysis run, shared by the CLI's `analyze` and the web app's ingest: inputs are read (`Ingestor`), go
through the stages into the store (`Pipeline`), then the stories stage places what was stored.

Callers pick the stages, the executor and whether stories are updated, and follow the run through two
progress callbacks; this module draws nothing and knows no command line or web request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from parallax.ingest import Ingestor, IngestSettings
from parallax.pipeline import Executor, Pipeline, ProgressCallback, RunSummary, Stage
from parallax.store import Store

if TYPE_CHECKING:
    from parallax.stories.runner import StoriesSummary, StoryRunner


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
