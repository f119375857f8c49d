"""The stories stage's heavy, independent work as a pipeline stage, so that any executor can run it on workers.

Two kinds of work need the sentence encoder and touch one item at a time: the features of an article (its lead
embedded, its MinHash) and the rebuild of one story (claims embedded and aligned, the record built). Placing
articles into stories is sequential by nature (each decision sees the ones before it) and stays with
`StoryRunner`; this module owns the rest. `StoryWorker` is a `Stage`: records in, records out, the encoder
loaded once per worker in `setup()`, so the local process pool and Ray run it as they run extraction or NLP —
claim alignment partitioned by story. Batches are formed by the runner in the same way whatever the engine, and
each worker encodes exactly the sentences of its batch, so every engine gives the same vectors and the same
stories.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from parallax.records import Article
from parallax.stories.claims import ClaimSettings, build_claims
from parallax.stories.features import Embedder, featurize
from parallax.stories.story import story_record


@dataclass(slots=True)
class StoryWork:
    """One story to rebuild: its articles (with annotations), which are reprints of which, their vectors."""

    story_id: str
    articles: list[Article]
    reprint_of: dict[str, str] = field(default_factory=dict)
    vectors: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass(slots=True)
class BuiltStory:
    story_id: str
    record: dict[str, Any]


def build_story(work: StoryWork, embedder: Embedder, names: Mapping[str, str],
                settings: ClaimSettings) -> dict[str, Any]:
    """A story's record: its claims aligned across the articles, statuses, matrix, ledger, numbers."""
    claims = build_claims(work.articles, embedder, reprint_of=work.reprint_of, names=names, settings=settings,
                          story_id=work.story_id)
    return story_record(work.story_id, work.articles, claims, work.vectors, work.reprint_of)


class StoryWorker:
    """Stage: an `Article` becomes its `ArticleFeatures`, a `StoryWork` its `BuiltStory`; anything else passes."""

    name = "stories"

    def __init__(self, names: Mapping[str, str] | None = None, claim_settings: ClaimSettings | None = None,
                 embedder: Embedder | None = None) -> None:
        self.names = dict(names or {})
        self.claim_settings = claim_settings or ClaimSettings()
        self.embedder = embedder or Embedder()

    def setup(self) -> None:
        self.embedder.setup()

    def process_batch(self, records: Sequence[Any]) -> list[Any]:
        articles = [record for record in records if isinstance(record, Article)]
        features = iter(featurize(articles, self.embedder, self.names) if articles else ())
        out: list[Any] = []
        for record in records:
            if isinstance(record, Article):
                out.append(next(features))
            elif isinstance(record, StoryWork):
                out.append(BuiltStory(record.story_id,
                                      build_story(record, self.embedder, self.names, self.claim_settings)))
            else:
                out.append(record)
        return out
