"""Running the stories stage over a store: place new articles, lend story dates, rebuild touched stories.

The stage's parts know nothing of the store (`features`, `cluster`, `claims`, `story`); this runner reads
what they need from a `Store`, calls them in order and writes back, so the CLI (and later the web app and
other engines) share one entry point:

1. the clustering state is loaded from the placements already stored (no recomputation), and the articles
   not yet placed are featurised and placed in batches, oldest first;
2. an article with no date of its own (no published date, no page date) re-resolves its time expressions
   against the dates of the other articles of its story (`events.dates.reference_date`'s third source);
3. every story that got an article is rebuilt: claims aligned, statuses, the record saved whole.

Featurising (1) and rebuilding (3) are `workers.StoryWorker` batches: with an `executor_factory` and enough new
articles they run on that engine's workers (the local process pool, Ray), else in this process, with the same
results; placing (1) and lending dates (2) stay here, in order.

Merges and splits move placements, pin them (the clustering never moves an article again) and rebuild
the stories on both sides. Running it twice changes nothing. Each of these holds `Store.exclusive("stories")`
(on PostgreSQL: two `analyze` runs over one store place their articles in turn, never the same one twice).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from parallax.events.dates import find_dates, reference_date
from parallax.records import Article
from parallax.store import Store
from parallax.stories.claims import ClaimSettings
from parallax.stories.cluster import ClusterSettings, StoryClusterer, story_id_for
from parallax.stories.features import ArticleFeatures, Embedder
from parallax.stories.workers import StoryWork, StoryWorker, build_story

if TYPE_CHECKING:
    from parallax.pipeline import Executor

BATCH = 256  # new articles placed per clustering step
WORK_BATCH = 32  # articles per featurising batch on a worker: the same on every engine, so the same vectors
WORK_ARTICLES = 64  # articles per batch of stories to rebuild
PARALLEL_FROM = 256  # new articles from which the executor's workers pay for their start
BatchRunner = Callable[[Iterable[list[Any]]], Iterator[list[Any]]]


@dataclass(slots=True)
class StoriesSummary:
    placed: int = 0
    reprints: int = 0
    new_stories: int = 0
    rebuilt: int = 0
    dated_from_story: int = 0
    touched: set[str] = field(default_factory=set)


def simple_names(store: Store) -> dict[str, str]:
    """Article-level canonical names → the store-wide name, where every sense of the name agrees."""
    merged: dict[str, set[str]] = {}
    for (canonical, _type, _country), name in store.canonical_names().items():
        merged.setdefault(canonical, set()).add(name)
    return {canonical: next(iter(found)) for canonical, found in merged.items() if len(found) == 1}


class StoryRunner:
    """The stories stage over one store."""

    def __init__(self, store: Store, settings: ClusterSettings | None = None,
                 claim_settings: ClaimSettings | None = None, embedder: Embedder | None = None,
                 executor_factory: Callable[[], Executor] | None = None, parallel_from: int = PARALLEL_FROM) -> None:
        self.store = store
        self.settings = settings or ClusterSettings()
        self.claim_settings = claim_settings or ClaimSettings()
        self.embedder = embedder or Embedder()
        self.executor_factory = executor_factory
        self.parallel_from = parallel_from
        self._names: dict[str, str] | None = None

    @property
    def names(self) -> dict[str, str]:
        if self._names is None:
            self._names = simple_names(self.store)
        return self._names

    def update(self, progress: Callable[[StoriesSummary], None] | None = None) -> StoriesSummary:
        with self.store.exclusive("stories"):
            return self._update(progress)

    def _update(self, progress: Callable[[StoriesSummary], None] | None) -> StoriesSummary:
        summary = StoriesSummary()
        new_ids = self.store.stories.unplaced_article_ids()
        if not new_ids:
            return summary
        clusterer = StoryClusterer(self.settings)
        placed = list(self.store.stories.placed())
        clusterer.load((f for f, _, _ in placed), {f.article_id: story for f, story, _ in placed},
                       {f.article_id: original for f, _, original in placed if original})
        known_stories = set(clusterer.story_of.values())
        worker = StoryWorker(self.names, self.claim_settings, self.embedder)
        with self._engine(worker, len(new_ids)) as run:  # one engine, its workers set up once, for both steps
            for batch, features in self._featurized(new_ids, run):
                assignments = clusterer.add(features)
                self.store.stories.place(features, assignments)
                summary.placed += len(assignments)
                summary.reprints += sum(1 for a in assignments if a.reprint_of)
                fresh = {a.story_id for a in assignments} - known_stories
                summary.new_stories += len(fresh)
                known_stories |= fresh
                summary.touched |= {a.story_id for a in assignments}
                summary.dated_from_story += self._lend_dates(batch, {a.article_id: a.story_id for a in assignments})
                if progress:
                    progress(summary)
            for built in run(self._story_work(sorted(summary.touched))):
                for story in built:
                    self.store.stories.save_story(story.record)
                    summary.rebuilt += 1
        return summary

    @contextmanager
    def _engine(self, worker: StoryWorker, articles: int) -> Iterator[BatchRunner]:
        """How the worker's batches run: on the executor when one is given and the work is big enough to pay
        for starting its workers, else here."""
        if self.executor_factory is None or articles < self.parallel_from:
            worker.setup()
            yield lambda batches: (worker.process_batch(batch) for batch in batches)
            return
        executor = self.executor_factory()
        try:
            yield lambda batches: executor.map_batches([worker], batches)
        finally:
            executor.close()

    def _featurized(self, new_ids: Sequence[str], run: BatchRunner,
                    ) -> Iterator[tuple[list[Article], list[ArticleFeatures]]]:
        """Pages of BATCH new articles, oldest first, with their features (computed in WORK_BATCH pieces)."""
        pages: deque[list[Article]] = deque()

        def pieces() -> Iterator[list[Any]]:
            for first in range(0, len(new_ids), BATCH):
                page = self.store.get_articles(new_ids[first:first + BATCH])
                if page:
                    pages.append(page)
                    yield from (page[i:i + WORK_BATCH] for i in range(0, len(page), WORK_BATCH))

        collected: list[ArticleFeatures] = []
        for features in run(pieces()):
            collected.extend(features)
            if len(collected) == len(pages[0]):
                yield pages.popleft(), collected
                collected = []

    def _story_work(self, story_ids: Sequence[str]) -> Iterator[list[StoryWork]]:
        """Batches of stories to rebuild, about WORK_ARTICLES articles each (a bigger story goes alone)."""
        batch: list[StoryWork] = []
        size = 0
        for story_id in story_ids:
            work = self._work_for(story_id)
            if work is None:
                continue
            if batch and size + len(work.articles) > WORK_ARTICLES:
                yield batch
                batch, size = [], 0
            batch.append(work)
            size += len(work.articles)
        if batch:
            yield batch

    def _work_for(self, story_id: str) -> StoryWork | None:
        ids = self.store.stories.members(story_id)
        if not ids:
            return None
        return StoryWork(story_id, self.store.get_articles(ids), self.store.stories.reprints_of(ids),
                         self.store.stories.vectors_of(ids))

    def rebuild(self, story_id: str) -> dict | None:
        """Align the claims of one story and save its record (a story with no articles left is dropped)."""
        work = self._work_for(story_id)
        if work is None:
            self.store.stories.drop_story(story_id)
            return None
        record = build_story(work, self.embedder, self.names, self.claim_settings)
        self.store.stories.save_story(record)
        return record

    def merge(self, target: str, others: Sequence[str]) -> dict | None:
        others = [other for other in others if other != target]
        with self.store.exclusive("stories"):
            self.store.stories.merge(target, others)
            return self.rebuild(target)

    def split(self, story_id: str, article_ids: Sequence[str]) -> str:
        """Move `article_ids` into a new story; returns its id."""
        with self.store.exclusive("stories"):
            members = set(self.store.stories.members(story_id))
            moving = [a for a in article_ids if a in members]
            if not moving:
                raise ValueError(f"none of these articles is in story {story_id}")
            if len(moving) == len(members):
                raise ValueError(f"splitting off every article of story {story_id} leaves it empty")
            new_id = story_id_for(sorted(moving)[0] + "|split|" + story_id)
            self.store.stories.split(story_id, moving, new_id)
            self.rebuild(story_id)
            self.rebuild(new_id)
            return new_id

    def _lend_dates(self, batch: Sequence[Article], story_of: dict[str, str]) -> int:
        """Articles with no date of their own resolve their time expressions against their story's dates
        (its other articles, as placed so far: this batch's placements are already stored)."""
        lent = 0
        for article in batch:
            if article.published or article.page_date or not article.text or article.id not in story_of:
                continue
            others = [i for i in self.store.stories.members(story_of[article.id]) if i != article.id]
            dated = [a.published or a.page_date for a in self.store.get_articles(others, with_annotations=False)
                     if a.published or a.page_date]
            reference, _ = reference_date(None, None, dated)
            if reference is None:
                continue
            dates = find_dates(article.text, reference, None, article.language or "en")
            events = []
            for event in article.events:
                mention = next((d for d in dates if event.start <= d.start < event.end and d.text == event.date_text),
                               None) if event.date_text else None
                events.append(replace(event, date=mention.value) if mention else event)
            self.store.replace_annotations(article.id, article.entities, article.attributions, events=events,
                                           dates=dates, quantities=article.quantities)
            lent += 1
        return lent
