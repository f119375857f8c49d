"""Reading and writing the stories stage's tables: article placements, story records, user decisions.

`StoryStore` works on the same engine as `Store` (`Store.stories`). Placements are written once per
article (re-running the same input places nothing again); a story record is replaced whole when its
articles change; merges and splits are recorded with the placements they pin, in one transaction.
`StoryStore.search` finds stories by words (the FTS5 index of schema version 5 on SQLite, LIKE on other
engines) and by date, outlet, language and entity, latest first. Orders are spelled out, NULLs included, so
SQLite and PostgreSQL list (and cluster) in the same order; `StoryRunner` holds `Store.exclusive("stories")`
while it places and rebuilds, so two runs on one PostgreSQL store do not race for the same rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import (
    ColumnElement,
    Engine,
    Select,
    Text,
    bindparam,
    cast,
    column,
    delete,
    func,
    insert,
    literal_column,
    or_,
    select,
    table,
    update,
)

from parallax.store import _IN_CHUNK, _now
from parallax.store.schema import (
    SEARCH_INDEX,
    article_stories,
    articles,
    entities,
    has_search_index,
    search_keys,
    stories,
    story_decisions,
)
from parallax.stories.cluster import Assignment
from parallax.stories.features import DIMENSIONS, ArticleFeatures

_SUMMARY = (stories.c.id, stories.c.title, stories.c.article_count, stories.c.outlet_count, stories.c.claim_count,
            stories.c.first_date, stories.c.last_date)
_LATEST_FIRST = (stories.c.last_date.desc().nulls_last(), stories.c.article_count.desc(), stories.c.id)
_search_index = table(SEARCH_INDEX, column("rowid"))


@dataclass(frozen=True, slots=True)
class StoryFilter:
    """What a story search asks for; every part given must hold."""

    terms: tuple[str, ...] = ()  # words (a term with a space is a phrase) in a title, an article's text or a claim
    since: str | None = None  # ISO date: the story runs on or after it
    until: str | None = None  # ISO date: the story starts on or before it
    outlet: str | None = None  # an outlet of the story contains this, any case
    language: str | None = None  # an article of the story is in this language
    entity: str | None = None  # an article of the story mentions an entity whose name contains this, any case


def _written_signals(feature: ArticleFeatures) -> dict[str, Any]:
    """The `terms` and `signals` columns of an article's placement."""
    terms = feature.terms.astype(np.uint32).tobytes() + feature.weights.astype(np.float32).tobytes()
    return {"terms": terms, "signals": {"numbers": sorted(feature.numbers), "years": sorted(feature.years),
                                        "persons": sorted(feature.persons),
                                        "main_persons": sorted(feature.main_persons), "language": feature.language}}


def _read_signals(feature: ArticleFeatures, terms: bytes | None, signals: dict[str, Any] | None) -> None:
    """Back onto the features; a row placed before version 6 has neither (its pairs use the cross-lingual model)."""
    if terms:
        count = len(terms) // 8
        feature.terms = np.frombuffer(terms, dtype=np.uint32, count=count)
        feature.weights = np.frombuffer(terms, dtype=np.float32, count=count, offset=4 * count)
    if signals:
        feature.numbers = frozenset(signals.get("numbers") or ())
        feature.years = frozenset(signals.get("years") or ())
        feature.persons = frozenset(signals.get("persons") or ())
        feature.main_persons = frozenset(signals.get("main_persons") or ())  # absent before this signal
        feature.language = signals.get("language")


def _fts5_phrase(term: str) -> str:
    """One term as an FTS5 string (quotes doubled: no query syntax gets through); single words match as prefixes."""
    quoted = '"' + term.replace('"', '""') + '"'
    return quoted if " " in term else quoted + "*"


def _with_member(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """Stories with an article for which `condition` (over `articles`) holds."""
    return stories.c.id.in_(select(article_stories.c.story_id)
                            .join(articles, articles.c.id == article_stories.c.article_id).where(condition))


class StoryStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- placements --------------------------------------------------------------------------

    def unplaced_article_ids(self) -> list[str]:
        """Stored articles not yet in any story, oldest first."""
        query = (select(articles.c.id).outerjoin(article_stories, article_stories.c.article_id == articles.c.id)
                 .where(article_stories.c.article_id.is_(None))
                 .order_by(articles.c.published.nulls_first(), articles.c.created_at, articles.c.id))
        with self.engine.connect() as connection:
            return [row[0] for row in connection.execute(query)]

    def placed(self, page: int = 5000) -> Iterator[tuple[ArticleFeatures, str, str | None]]:
        """Every placed article's features, story and original (when a reprint), read `page` at a time."""
        last = ""
        while True:
            query = (select(article_stories).where(article_stories.c.article_id > last)
                     .order_by(article_stories.c.article_id).limit(page))
            with self.engine.connect() as connection:
                rows = [row._mapping for row in connection.execute(query)]
            if not rows:
                return
            for row in rows:
                features = ArticleFeatures(
                    article_id=row["article_id"],
                    vector=np.frombuffer(row["vector"], dtype=np.float32).reshape(DIMENSIONS),
                    minhash=np.frombuffer(row["minhash"], dtype=np.uint64),
                    entities=frozenset(row["entities"] or ()), day=row["day"])
                _read_signals(features, row["terms"], row["signals"])
                yield features, row["story_id"], row["reprint_of"]
            last = rows[-1]["article_id"]

    def place(self, features: Sequence[ArticleFeatures], assignments: Sequence[Assignment]) -> None:
        """Record where new articles went (and mark reprints on the articles), in one transaction."""
        by_id = {f.article_id: f for f in features}
        now = _now()
        with self.engine.begin() as connection:
            for assignment in assignments:
                feature = by_id[assignment.article_id]
                connection.execute(insert(article_stories).values(
                    article_id=feature.article_id, story_id=assignment.story_id,
                    vector=feature.vector.astype(np.float32).tobytes(),
                    minhash=feature.minhash.astype(np.uint64).tobytes(), entities=sorted(feature.entities),
                    day=feature.day, **_written_signals(feature), reprint_of=assignment.reprint_of,
                    score=round(assignment.score, 4), pinned=False, placed_at=now))
                if assignment.reprint_of:
                    connection.execute(update(articles).where(articles.c.id == assignment.article_id)
                                       .values(reprint_of=assignment.reprint_of))

    def members(self, story_id: str) -> list[str]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(article_stories.c.article_id)
                                      .where(article_stories.c.story_id == story_id)
                                      .order_by(article_stories.c.article_id))
            return [row[0] for row in rows]

    def members_named(self, story_id: str, given: Sequence[str]) -> list[str]:
        """The story's articles these ids or prefixes name, in the order given; ValueError naming the first
        that names no article of the story, or more than one."""
        members = self.members(story_id)
        chosen = []
        for prefix in given:
            matches = [m for m in members if m.startswith(prefix)] if prefix else []
            if len(matches) != 1:
                raise ValueError(f"{prefix!r} names {len(matches)} articles of story {story_id}")
            chosen.append(matches[0])
        return chosen

    def story_of(self, article_id: str) -> str | None:
        with self.engine.connect() as connection:
            return connection.execute(select(article_stories.c.story_id)
                                      .where(article_stories.c.article_id == article_id)).scalar()

    def reprints_of(self, article_ids: Sequence[str]) -> dict[str, str]:
        return self._placement_column(article_ids, article_stories.c.reprint_of,
                                      article_stories.c.reprint_of.is_not(None))

    def vectors_of(self, article_ids: Sequence[str]) -> dict[str, np.ndarray]:
        found = self._placement_column(article_ids, article_stories.c.vector)
        return {article_id: np.frombuffer(vector, dtype=np.float32) for article_id, vector in found.items()}

    def _placement_column(self, article_ids: Sequence[str], column: Any, *conditions: Any) -> dict[str, Any]:
        """article id → `column` of its placement, for the placed ones among these articles (IN clauses paged)."""
        found: dict[str, Any] = {}
        with self.engine.connect() as connection:
            for first in range(0, len(article_ids), _IN_CHUNK):
                chunk = list(article_ids[first:first + _IN_CHUNK])
                rows = connection.execute(select(article_stories.c.article_id, column)
                                          .where(article_stories.c.article_id.in_(chunk), *conditions))
                found.update((row[0], row[1]) for row in rows)
        return found

    # -- story records -----------------------------------------------------------------------

    def save_story(self, record: dict[str, Any]) -> None:
        values = {"title": record.get("title"), "article_count": len(record["article_ids"]),
                  "outlet_count": len(record.get("outlets", [])), "claim_count": len(record.get("claims", [])),
                  "first_date": record.get("first_date"), "last_date": record.get("last_date"),
                  "record": record, "updated_at": _now()}
        with self.engine.begin() as connection:
            exists = connection.execute(select(stories.c.id).where(stories.c.id == record["id"])).first()
            if exists:
                connection.execute(update(stories).where(stories.c.id == record["id"]).values(**values))
            else:
                connection.execute(insert(stories).values(id=record["id"], **values))

    def drop_story(self, story_id: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(stories).where(stories.c.id == story_id))

    def get_story(self, id_or_prefix: str) -> dict[str, Any] | None:
        """The story record with this id, or of the only story whose id starts with it."""
        found: dict[str, Any] | None = self._by_id_or_prefix(stories.c.record, id_or_prefix)
        return found

    def get_story_json(self, id_or_prefix: str) -> str | None:
        """`get_story`'s record as the JSON text the store holds (served as is: nothing parsed)."""
        found: str | None = self._by_id_or_prefix(cast(stories.c.record, Text), id_or_prefix)
        return found

    def _by_id_or_prefix(self, wanted: Any, id_or_prefix: str) -> Any:
        with self.engine.connect() as connection:
            rows = connection.execute(select(stories.c.id, wanted).where(stories.c.id == id_or_prefix)).all()
            if not rows:  # a prefix (any case), which scans
                rows = connection.execute(select(stories.c.id, wanted).where(
                    stories.c.id.istartswith(id_or_prefix, autoescape=True)).limit(2)).all()
        return rows[0][1] if len(rows) == 1 else None

    def list_stories(self, *, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
        """Story summaries, latest first (then the biggest)."""
        query = select(*_SUMMARY).order_by(*_LATEST_FIRST).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]

    def search(self, wanted: StoryFilter, *, limit: int = 50, offset: int = 0,
               full_text: bool | None = None) -> tuple[list[dict[str, Any]], int]:
        """A page of the story summaries that match, latest first, and how many match in all.

        Words go through the FTS5 index when the database has one (`full_text=None`), else through
        case-insensitive LIKE over story titles and records and article titles and texts (`full_text=False`
        forces that)."""
        conditions: list[ColumnElement[bool]] = []
        if wanted.since:
            conditions.append(func.coalesce(stories.c.last_date, stories.c.first_date) >= wanted.since)
        if wanted.until:
            conditions.append(func.coalesce(stories.c.first_date, stories.c.last_date) <= wanted.until)
        if wanted.outlet:
            conditions.append(_with_member(articles.c.outlet.icontains(wanted.outlet, autoescape=True)))
        if wanted.language:
            conditions.append(_with_member(articles.c.language == wanted.language))
        if wanted.entity:
            conditions.append(stories.c.id.in_(
                select(article_stories.c.story_id)
                .join(entities, entities.c.article_id == article_stories.c.article_id)
                .where(entities.c.canonical.icontains(wanted.entity, autoescape=True))))
        with self.engine.connect() as connection:
            if wanted.terms:
                use_index = has_search_index(connection) if full_text is None else full_text
                conditions.extend([self._matching(wanted.terms)] if use_index else
                                  [self._containing(term) for term in wanted.terms])
            total = connection.execute(select(func.count()).select_from(stories).where(*conditions)).scalar_one()
            query = select(*_SUMMARY).where(*conditions).order_by(*_LATEST_FIRST).offset(offset).limit(limit)
            return [dict(row._mapping) for row in connection.execute(query)], total

    @staticmethod
    def _matching(terms: Sequence[str]) -> ColumnElement[bool]:
        """Stories whose title or claims, or one of whose articles' title or text, hold every term (FTS5)."""
        found: Select[Any] = (select(search_keys.c.kind, search_keys.c.key)
                              .join(_search_index, _search_index.c.rowid == search_keys.c.id)
                              .where(literal_column(SEARCH_INDEX).op("MATCH")(
                                  bindparam("match", " ".join(_fts5_phrase(t) for t in terms)))))
        hits = found.subquery()
        by_article = (select(article_stories.c.story_id)
                      .where(article_stories.c.article_id.in_(select(hits.c.key).where(hits.c.kind == "article"))))
        return or_(stories.c.id.in_(select(hits.c.key).where(hits.c.kind == "story")), stories.c.id.in_(by_article))

    @staticmethod
    def _containing(term: str) -> ColumnElement[bool]:
        """Stories whose title or record, or one of whose articles' title or text, contain the term (LIKE)."""
        return or_(stories.c.title.icontains(term, autoescape=True),
                   cast(stories.c.record, Text).icontains(term, autoescape=True),
                   _with_member(or_(articles.c.title.icontains(term, autoescape=True),
                                    articles.c.text.icontains(term, autoescape=True))))

    def summaries(self, story_ids: Sequence[str]) -> list[dict[str, Any]]:
        """The summaries of these stories (those that exist), latest first."""
        if not story_ids:
            return []
        query = select(*_SUMMARY).where(stories.c.id.in_(list(story_ids))).order_by(*_LATEST_FIRST)
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]

    def stories_of(self, article_ids: Sequence[str]) -> dict[str, str]:
        """article id → its story, for the placed ones among these articles."""
        return self._placement_column(article_ids, article_stories.c.story_id)

    def iter_stories(self) -> Iterator[dict[str, Any]]:
        with self.engine.connect() as connection:
            for row in connection.execute(select(stories.c.record).order_by(stories.c.id)):
                yield row[0]

    def count(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(stories)).scalar_one()

    # -- user decisions ----------------------------------------------------------------------

    def merge(self, target: str, others: Sequence[str]) -> list[str]:
        """Move every article of `others` into `target`, pinned there; the decision is recorded."""
        with self.engine.begin() as connection:
            moved = [row[0] for row in connection.execute(
                select(article_stories.c.article_id).where(article_stories.c.story_id.in_(list(others)))
                .order_by(article_stories.c.article_id))]
            connection.execute(update(article_stories)
                               .where(article_stories.c.story_id.in_([target, *others]))
                               .values(story_id=target, pinned=True))
            connection.execute(delete(stories).where(stories.c.id.in_(list(others))))
            connection.execute(insert(story_decisions).values(
                kind="merge", payload={"into": target, "merged": list(others), "articles": moved}, made_at=_now()))
        return moved

    def split(self, story_id: str, article_ids: Sequence[str], new_story_id: str) -> None:
        """Move `article_ids` out of `story_id` into a new story, both sides pinned; recorded."""
        with self.engine.begin() as connection:
            connection.execute(update(article_stories)
                               .where(article_stories.c.story_id == story_id,
                                      article_stories.c.article_id.in_(list(article_ids)))
                               .values(story_id=new_story_id, pinned=True))
            connection.execute(update(article_stories).where(article_stories.c.story_id == story_id)
                               .values(pinned=True))
            connection.execute(insert(story_decisions).values(
                kind="split", payload={"from": story_id, "into": new_story_id, "articles": list(article_ids)},
                made_at=_now()))

    def decisions(self) -> list[dict[str, Any]]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(story_decisions).order_by(story_decisions.c.id))
            return [dict(row._mapping) for row in rows]
