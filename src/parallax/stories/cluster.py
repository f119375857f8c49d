"""Streaming story clustering and reprint detection: each new article joins a story or starts one.

Our own code over two libraries, because no library does online clustering with these signals:

- **Reprints** (`ReprintFinder`): datasketch's MinHash LSH over word 5-shingles. An article whose estimated
  Jaccard similarity with an earlier one is at least `reprint_threshold` is a copy: it joins the earlier
  article's story and names, as `reprint_of`, the earliest-published article of its copy group (the
  original, whatever order they arrive in: the group's root is kept, a thousand copies of one wire story
  all point at one original). Reprints are not independent sources later on.
- **Stories** (`StoryClusterer`): approximate nearest-neighbour indexes (usearch, cosine, 8-bit) over the
  article vectors of `features`, one per span of `window_days` days plus one for undated articles, so a
  search only visits the spans a match can come from (the index per span stays small however long the
  stream runs). A new article is compared with its `neighbours` nearest articles; a neighbour counts when
  both dates are known and within `window_days` of each other (or a date is missing) and its lead cosine
  reaches `pairs.CANDIDATE_FLOOR`; only the `per_story` nearest of one story are scored (a big story's
  members would fill every place, for little: its best match is among its nearest). A neighbour's score is
  the probability that the two tell one story, from the pair signals of `pairs` (lead cosine, shared words,
  entities, people and the people most named, numbers, years) weighed by the learnt `PairModel` that fits
  the pair (one language or two); the article joins the story of the best-scoring neighbour when that
  probability reaches `threshold`, else it starts a new story. Nothing already assigned moves: a batch adds
  to what is there (no recomputation), so decisions a user made (merge, split) stay as they are.

The models and the threshold are settings, fitted and tuned on ECB+ train (`bench/stories_ecbplus.py`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
from datasketch import LeanMinHash, MinHashLSH

from parallax.stories.features import DIMENSIONS, PERMUTATIONS, SCHEME, ArticleFeatures
from parallax.stories.pairs import CANDIDATE_FLOOR, CROSS_LINGUAL, LEXICAL, PairModel, same_story_probability

if TYPE_CHECKING:
    from usearch.index import Index

_NO_VECTOR = np.zeros(0, dtype=np.float32)
_NO_SIGNATURE = np.zeros(0, dtype=np.uint64)


@dataclass(slots=True, frozen=True)
class ClusterSettings:
    threshold: float = 0.75  # the probability of one story from which an article joins its best neighbour's
    lexical: PairModel = LEXICAL
    cross_lingual: PairModel = CROSS_LINGUAL
    candidate_floor: float = CANDIDATE_FLOOR
    window_days: int = 10
    neighbours: int = 30
    per_story: int = 3  # neighbours scored per story, the nearest by lead cosine
    reprint_threshold: float = 0.8
    index_dtype: str = "i8"  # usearch's scalar type for stored vectors: "i8", "f16" or "f32"


@dataclass(slots=True)
class Assignment:
    """Where one article went: its story, and the original it reprints (None when it is no copy)."""

    article_id: str
    story_id: str
    reprint_of: str | None = None
    score: float = 0.0  # the best neighbour's probability (1.0 for a reprint; below the threshold: a new story)


def story_id_for(article_id: str) -> str:
    """A story's id, stable: derived from the article that started it."""
    return "s" + hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:11]


def _signature(hashvalues: np.ndarray) -> LeanMinHash:
    """A stored signature back as datasketch's lean sketch (no permutations rebuilt: ~4 µs, not ~160 µs)."""
    return LeanMinHash(seed=1, hashvalues=hashvalues, scheme=SCHEME)


class ReprintFinder:
    """MinHash LSH over the articles seen so far."""

    def __init__(self, threshold: float = 0.8) -> None:
        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=PERMUTATIONS)
        self._signatures: dict[str, LeanMinHash] = {}

    def __contains__(self, article_id: str) -> bool:
        return article_id in self._signatures

    def add(self, article_id: str, hashvalues: np.ndarray) -> None:
        if article_id in self._signatures:
            return
        signature = _signature(hashvalues)
        self._signatures[article_id] = signature
        self._lsh.insert(article_id, signature)

    def copies_of(self, hashvalues: np.ndarray) -> list[tuple[str, float]]:
        """Earlier articles this text is a copy of, with their estimated Jaccard similarity, best first."""
        signature = _signature(hashvalues)
        found = []
        for other in self._lsh.query(signature):
            similarity = signature.jaccard(self._signatures[other])
            if similarity >= self.threshold:
                found.append((other, similarity))
        return sorted(found, key=lambda item: -item[1])


class StoryClusterer:
    """The clustering state (index, reprint finder, assignments) and the rule that adds to it.

    Memory per article: its vector in its span's index (one byte a dimension at "i8"), what the pair
    signals read (day, entity and person sets, numbers, years, up to `features.TERM_LIMIT` hashed words), its
    story; the MinHash signature only when one is given (an empty signature skips reprint detection).
    """

    CHUNK = 1024  # articles searched and placed together; earlier ones in the chunk are compared directly

    def __init__(self, settings: ClusterSettings | None = None) -> None:
        self.settings = settings or ClusterSettings()
        self._span_days = max(1, self.settings.window_days)
        self._indexes: dict[int | None, Index] = {}  # span of days (None: undated) → its index
        self._keys: list[str] = []  # index key → article id
        self._known: dict[str, ArticleFeatures] = {}  # article id → its features, less vector and signature
        self.story_of: dict[str, str] = {}
        self.reprint_of: dict[str, str] = {}
        self.reprints = ReprintFinder(self.settings.reprint_threshold)

    def __len__(self) -> int:
        return len(self._keys)

    def load(self, features: Iterable[ArticleFeatures], stories: dict[str, str],
             reprints: dict[str, str] | None = None) -> None:
        """State from the store: articles already placed, their stories and the reprints known."""
        chunk: list[ArticleFeatures] = []
        for feature in features:
            if feature.article_id not in stories or feature.article_id in self._known:
                continue
            self._remember(feature, stories[feature.article_id])
            chunk.append(feature)
            if len(chunk) >= self.CHUNK:
                self._index_vectors(chunk)
                chunk = []
        self._index_vectors(chunk)
        self.reprint_of.update(reprints or {})

    def add(self, batch: Sequence[ArticleFeatures]) -> list[Assignment]:
        """Place a batch of new articles, oldest first (an original before its copies, when dates say so)."""
        ordered = sorted((f for f in batch if f.article_id not in self._known),
                         key=lambda f: (f.day if f.day is not None else 1 << 30, f.article_id))
        out = []
        for first in range(0, len(ordered), self.CHUNK):
            chunk = ordered[first:first + self.CHUNK]
            vectors = np.stack([f.vector for f in chunk]).astype(np.float32)
            found = self._search(vectors, [f.day for f in chunk])
            within = vectors @ vectors.T  # each article against the earlier ones of its chunk
            within[np.triu_indices(len(chunk))] = -2.0
            nearest = self.settings.neighbours
            for position, feature in enumerate(chunk):
                assignment = self._reprint(feature)
                if assignment is None:
                    earlier = within[position]
                    if position > nearest:  # only the nearest earlier ones, as for the index
                        picked = np.argpartition(-earlier[:position], nearest)[:nearest]
                    else:
                        picked = np.arange(position)
                    candidates = found[position] + [(chunk[int(other)].article_id, float(earlier[int(other)]))
                                                    for other in picked]
                    assignment = self._best(feature, candidates)
                self._remember(feature, assignment.story_id)
                if assignment.reprint_of:
                    self.reprint_of[feature.article_id] = assignment.reprint_of
                out.append(assignment)
            self._index_vectors(chunk)
        return out

    # -- internals ----------------------------------------------------------------------------------

    def _remember(self, feature: ArticleFeatures, story_id: str) -> None:
        self._known[feature.article_id] = replace(feature, vector=_NO_VECTOR, minhash=_NO_SIGNATURE, title=None,
                                                  outlet=None, published=None)
        self.story_of[feature.article_id] = story_id
        if len(feature.minhash):
            self.reprints.add(feature.article_id, feature.minhash)

    def _span(self, day: int | None) -> int | None:
        return None if day is None else day // self._span_days

    def _index_vectors(self, features: Sequence[ArticleFeatures]) -> None:
        from usearch.index import Index

        first = len(self._keys)
        self._keys.extend(f.article_id for f in features)
        by_span: dict[int | None, list[int]] = {}
        for offset, feature in enumerate(features):
            by_span.setdefault(self._span(feature.day), []).append(offset)
        for span, offsets in by_span.items():
            index = self._indexes.get(span)
            if index is None:
                index = self._indexes[span] = Index(ndim=DIMENSIONS, metric="cos", dtype=self.settings.index_dtype)
            keys = np.asarray([first + offset for offset in offsets], dtype=np.uint64)
            index.add(keys, np.stack([features[offset].vector for offset in offsets]).astype(np.float32), threads=0)

    def _search(self, vectors: np.ndarray, days: Sequence[int | None]) -> list[list[tuple[str, float]]]:
        """The `neighbours` nearest indexed articles of each vector, among the spans its day can match: its own
        span and the two beside it (a match is at most `window_days` away), the undated; every span for an
        undated article."""
        found: list[list[tuple[str, float]]] = [[] for _ in range(len(vectors))]
        spans = [self._span(day) for day in days]
        for span, index in self._indexes.items():
            rows = [row for row, own in enumerate(spans)
                    if span is None or own is None or abs(own - span) <= 1]
            if not rows or not len(index):
                continue
            matches = index.search(vectors[rows], self.settings.neighbours, threads=0)
            for position, row in enumerate(rows):
                keys, distances = _row_matches(matches, position, len(rows))
                found[row].extend((self._keys[int(key)], 1.0 - float(distance))
                                  for key, distance in zip(keys, distances, strict=True))
        if len(self._indexes) > 1:
            found = [sorted(row, key=lambda match: -match[1])[:self.settings.neighbours] for row in found]
        return found

    def _reprint(self, feature: ArticleFeatures) -> Assignment | None:
        if not len(feature.minhash):
            return None
        copies = [(other, similarity) for other, similarity in self.reprints.copies_of(feature.minhash)
                  if other != feature.article_id]
        if not copies:
            return None
        other = copies[0][0]
        original = self.reprint_of.get(other, other)
        return Assignment(feature.article_id, self.story_of[other], reprint_of=original, score=1.0)

    def _best(self, feature: ArticleFeatures, candidates: Sequence[tuple[str, float]]) -> Assignment:
        settings = self.settings
        best_story, best_score = None, 0.0
        scored: dict[str, int] = {}  # story → neighbours of it scored
        for other_id, cosine in sorted(candidates, key=lambda candidate: -candidate[1]):
            if cosine < settings.candidate_floor:
                break
            other = self._known[other_id]
            if (feature.day is not None and other.day is not None
                    and abs(feature.day - other.day) > settings.window_days):
                continue
            story = self.story_of[other_id]
            if scored.get(story, 0) >= settings.per_story:
                continue
            scored[story] = scored.get(story, 0) + 1
            score = same_story_probability(feature, other, cosine, settings.lexical, settings.cross_lingual)
            if score > best_score:
                best_story, best_score = story, score
        if best_story is not None and best_score >= settings.threshold:
            return Assignment(feature.article_id, best_story, score=best_score)
        return Assignment(feature.article_id, story_id_for(feature.article_id), score=best_score)


def _row_matches(matches: Any, position: int, rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Keys and distances of one query's matches (usearch answers a single query with a plain `Matches`)."""
    if rows == 1 and not hasattr(matches, "counts"):
        return matches.keys, matches.distances
    count = int(matches.counts[position])
    return matches.keys[position][:count], matches.distances[position][:count]
