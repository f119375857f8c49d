"""Ingest jobs of the web app: uploaded files and submitted URLs analysed in a background thread, with
progress to poll.

A job runs `parallax.analyze.run_analysis`, the very run of `parallax analyze`: the same stages (loaded
once, in the job thread, and kept for later jobs), the same store, then the stories stage. Jobs run one at
a time (SQLite has one writer); uploads live in a temporary folder removed when their job ends.
"""

from __future__ import annotations

import shutil
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from parallax.analyze import default_stages, make_executor, run_analysis
from parallax.ingest import IngestSettings
from parallax.pipeline import RunSummary, Stage
from parallax.store import Store

if TYPE_CHECKING:
    from parallax.stories.runner import StoriesSummary

JobState = Literal["queued", "running", "done", "failed"]
_KEEP = 200  # finished jobs remembered


@dataclass(slots=True)
class Job:
    """One ingest request and how far it got."""

    id: str
    inputs: list[str]  # what the user gave: file names and URLs
    state: JobState = "queued"
    counts: dict[str, int] = field(default_factory=dict)  # stored, duplicate, unchanged, failed
    placed: int = 0  # articles placed into stories
    new_stories: int = 0
    failures: list[dict[str, str]] = field(default_factory=list)
    error: str | None = None
    submitted_at: float = field(default_factory=time.time)
    finished_at: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "state": self.state, "inputs": list(self.inputs), "counts": dict(self.counts),
                "processed": sum(self.counts.values()), "placed": self.placed, "new_stories": self.new_stories,
                "failures": list(self.failures), "error": self.error, "finished": self.state in ("done", "failed")}


class IngestJobs:
    """Runs ingest jobs in one background thread; `submit` returns at once, `get` tells the progress."""

    def __init__(self, store: Store, *, workers: int = 0, settings: IngestSettings | None = None,
                 stages: Callable[[], list[Stage]] = default_stages, stories: bool = True,
                 on_change: Callable[[], None] | None = None) -> None:
        self.store = store
        self.workers = workers
        self.settings = settings or IngestSettings()
        self._build_stages = stages
        self._stages: list[Stage] | None = None
        self._stories = stories
        self._embedder: Any = None
        self._on_change = on_change
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parallax-ingest")

    def submit(self, inputs: Sequence[str], shown: Sequence[str], cleanup: Path | None = None) -> Job:
        job = Job(id=uuid.uuid4().hex[:12], inputs=list(shown))
        with self._lock:
            self._jobs[job.id] = job
            finished = [j.id for j in self._jobs.values() if j.finished_at is not None]
            for old in finished[:-_KEEP]:
                del self._jobs[old]
        self._pool.submit(self._run, job, list(inputs), cleanup)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _run(self, job: Job, inputs: list[str], cleanup: Path | None) -> None:
        job.state = "running"

        def progress(summary: RunSummary) -> None:
            job.counts = dict(summary.counts)
            job.failures = [{"source": f.source, "reason": f.reason} for f in summary.failures[:50]]

        def placed(done: StoriesSummary) -> None:
            job.placed, job.new_stories = done.placed, done.new_stories

        try:
            if self._stages is None:
                self._stages = self._build_stages()
            result = run_analysis(self.store, inputs, self._stages, make_executor(self.workers), settings=self.settings,
                                  story_runner=self._story_runner(), progress=progress, story_progress=placed)
            progress(result.summary)
            if result.stories is not None:
                placed(result.stories)
            job.state = "done"
        except Exception as error:  # the job reports it; the server goes on
            job.error = f"{type(error).__name__}: {error}"
            job.state = "failed"
        finally:
            job.finished_at = time.time()
            if cleanup is not None:
                shutil.rmtree(cleanup, ignore_errors=True)
            if self._on_change:
                self._on_change()

    def _story_runner(self) -> Any:
        if not self._stories:
            return None
        from parallax.stories.features import Embedder
        from parallax.stories.runner import StoryRunner

        if self._embedder is None:
            self._embedder = Embedder()
        return StoryRunner(self.store, embedder=self._embedder)
