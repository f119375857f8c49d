"""Reading and writing the stories stage's tables: article placements, story records, user decisions.

`StoryStore` works on the same engine as `Store` (`Store.stories`). Placements are written once per
article (re-running the same input places nothing again); a story record is replaced whole when its
articles change; merges and splits are recorded with the placements they pin, in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from sqlalchemy import Engine, delete, func, insert, select, update

from parallax.store import _now
from parallax.store.schema import article_stories, articles, stories, story_decisions
from parallax.stories.cluster import Assignment
from parallax.stories.features import DIMENSIONS, ArticleFeatures


class StoryStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- placements --------------------------------------------------------------------------

    def unplaced_article_ids(self) -> list[str]:
        """Stored articles not yet in any story, oldest first."""
        query = (select(articles.c.id).outerjoin(article_stories, article_stories.c.article_id == articles.c.id)
                 .where(article_stories.c.article_id.is_(None))
                 .order_by(articles.c.published, articles.c.created_at, articles.c.id))
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
                    day=feature.day, reprint_of=assignment.reprint_of, score=round(assignment.score, 4),
                    pinned=False, placed_at=now))
                if assignment.reprint_of:
                    connection.execute(update(articles).where(articles.c.id == assignment.article_id)
                                       .values(reprint_of=assignment.reprint_of))

    def members(self, story_id: str) -> list[str]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(article_stories.c.article_id)
                                      .where(article_stories.c.story_id == story_id)
                                      .order_by(article_stories.c.article_id))
            return [row[0] for row in rows]

    def story_of(self, article_id: str) -> str | None:
        with self.engine.connect() as connection:
            return connection.execute(select(article_stories.c.story_id)
                                      .where(article_stories.c.article_id == article_id)).scalar()

    def reprints_of(self, article_ids: Sequence[str]) -> dict[str, str]:
        if not article_ids:
            return {}
        with self.engine.connect() as connection:
            rows = connection.execute(select(article_stories.c.article_id, article_stories.c.reprint_of)
                                      .where(article_stories.c.article_id.in_(list(article_ids)),
                                             article_stories.c.reprint_of.is_not(None)))
            return {row[0]: row[1] for row in rows}

    def vectors_of(self, article_ids: Sequence[str]) -> dict[str, np.ndarray]:
        if not article_ids:
            return {}
        with self.engine.connect() as connection:
            rows = connection.execute(select(article_stories.c.article_id, article_stories.c.vector)
                                      .where(article_stories.c.article_id.in_(list(article_ids))))
            return {row[0]: np.frombuffer(row[1], dtype=np.float32) for row in rows}

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
        query = select(stories.c.id, stories.c.record).where(
            (stories.c.id == id_or_prefix) | stories.c.id.startswith(id_or_prefix, autoescape=True)).limit(2)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        exact = [row for row in rows if row[0] == id_or_prefix]
        if exact:
            return exact[0][1]
        return rows[0][1] if len(rows) == 1 else None

    def list_stories(self, *, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
        """Story summaries, latest first (then the biggest)."""
        query = (select(stories.c.id, stories.c.title, stories.c.article_count, stories.c.outlet_count,
                        stories.c.claim_count, stories.c.first_date, stories.c.last_date)
                 .order_by(stories.c.last_date.desc(), stories.c.article_count.desc(), stories.c.id)
                 .offset(offset))
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]

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
                select(article_stories.c.article_id).where(article_stories.c.story_id.in_(list(others))))]
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
