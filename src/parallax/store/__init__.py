"""Store stage: the embedded SQLite store by default, any SQLAlchemy URL (PostgreSQL) otherwise.

`Store.write_batch` writes one batch of records in one transaction: a new article is stored, an
article whose cleaned text is already stored is recorded as a duplicate of it, a failure is
recorded with its reason. Inputs already seen with the same bytes are skipped before any work
(`Store.seen_inputs`), which makes re-running the same inputs a no-op.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, delete, event, func, insert, or_, select, tuple_, update

from parallax.records import Article, Failure, Record
from parallax.store.schema import (
    LATEST_VERSION,
    MIGRATIONS,
    articles,
    current_version,
    inputs,
    record_version,
)

DEFAULT_DB = "parallax.db"
ARTICLE_FIELDS = [c.name for c in articles.columns if c.name != "created_at"]


def database_url(db: str | None = None) -> str:
    """A SQLAlchemy URL from --db, PARALLAX_DB or the default file in the working folder."""
    value = db or os.environ.get("PARALLAX_DB") or DEFAULT_DB
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser()}"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(slots=True)
class BatchOutcome:
    """What one written batch did, counted by input status."""

    counts: Counter[str] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)


class Store:
    """Access to the articles and input ledger; safe to open many times on one database."""

    def __init__(self, url: str | None = None, *, engine: Engine | None = None) -> None:
        self.url = url or database_url()
        self.engine = engine or create_engine(self.url, future=True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.migrate()

    def migrate(self) -> None:
        with self.engine.begin() as connection:
            version = current_version(connection)
        for number in range(version + 1, LATEST_VERSION + 1):
            with self.engine.begin() as connection:
                MIGRATIONS[number - 1](connection)
                record_version(connection, number, _now())

    def close(self) -> None:
        self.engine.dispose()

    # -- writing -----------------------------------------------------------------------------

    def seen_inputs(self, keys: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """The (source, raw_hash) pairs already stored or recorded as duplicates."""
        if not keys:
            return set()
        query = select(inputs.c.source, inputs.c.raw_hash).where(
            tuple_(inputs.c.source, inputs.c.raw_hash).in_(list(keys)),
            inputs.c.status != "failed",
        )
        with self.engine.connect() as connection:
            return {(row.source, row.raw_hash) for row in connection.execute(query)}

    def write_batch(self, records: Iterable[Record]) -> BatchOutcome:
        outcome = BatchOutcome()
        now = _now()
        with self.engine.begin() as connection:
            for record in records:
                if isinstance(record, Article):
                    status = self._write_article(connection, record, now)
                elif isinstance(record, Failure):
                    status = self._write_failure(connection, record, now)
                    outcome.failures.append(record)
                else:
                    raise TypeError(f"the store cannot write a {type(record).__name__}")
                outcome.counts[status] += 1
        return outcome

    def _write_article(self, connection: Any, article: Article, now: str) -> str:
        key = (article.source, article.raw_hash)
        existing = connection.execute(
            select(inputs.c.status).where(inputs.c.source == key[0], inputs.c.raw_hash == key[1])
        ).first()
        if existing is not None and existing.status != "failed":
            return "unchanged"
        original = connection.execute(
            select(articles.c.id).where(articles.c.content_hash == article.content_hash)
        ).scalar()
        if original is None:
            row = {name: getattr(article, name) for name in ARTICLE_FIELDS}
            connection.execute(insert(articles).values(**row, created_at=now))
            status, article_id = "stored", article.id
        else:
            status, article_id = "duplicate", original
        # A source that now reads fine no longer counts among the failures.
        connection.execute(delete(inputs).where(inputs.c.source == key[0], inputs.c.status == "failed"))
        connection.execute(insert(inputs).values(
            source=key[0], raw_hash=key[1], status=status, article_id=article_id,
            first_seen=now, last_seen=now,
        ))
        return status

    def _write_failure(self, connection: Any, failure: Failure, now: str) -> str:
        existing = connection.execute(
            select(inputs.c.id, inputs.c.status).where(
                inputs.c.source == failure.source, inputs.c.raw_hash == failure.raw_hash)
        ).first()
        if existing is None:
            connection.execute(insert(inputs).values(
                source=failure.source, raw_hash=failure.raw_hash, status="failed", stage=failure.stage,
                reason=failure.reason, first_seen=now, last_seen=now,
            ))
        elif existing.status == "failed":
            connection.execute(update(inputs).where(inputs.c.id == existing.id).values(
                stage=failure.stage, reason=failure.reason, last_seen=now))
        return "failed"

    # -- reading -----------------------------------------------------------------------------

    def count_articles(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(articles)).scalar_one()

    def input_counts(self) -> dict[str, int]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(inputs.c.status, func.count()).group_by(inputs.c.status))
            return {row[0]: row[1] for row in rows}

    def list_articles(self, *, limit: int | None = None, offset: int = 0, outlet: str | None = None,
                      language: str | None = None) -> list[Article]:
        query = select(articles).order_by(articles.c.published.desc(), articles.c.created_at, articles.c.id)
        if outlet:
            query = query.where(articles.c.outlet.ilike(f"%{outlet}%"))
        if language:
            query = query.where(articles.c.language == language)
        query = query.offset(offset).limit(limit) if limit is not None else query.offset(offset)
        with self.engine.connect() as connection:
            return [_article_from_row(row._mapping) for row in connection.execute(query)]

    def get_article(self, id_or_prefix: str) -> Article | None:
        """The article with this id, or the only one whose id starts with it."""
        query = select(articles).where(
            or_(articles.c.id == id_or_prefix, articles.c.id.startswith(id_or_prefix, autoescape=True))
        ).limit(2)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        exact = [row for row in rows if row.id == id_or_prefix]
        if exact or len(rows) == 1:
            return _article_from_row((exact or rows)[0]._mapping)
        return None

    def sources_of(self, article_id: str) -> list[str]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(inputs.c.source).where(inputs.c.article_id == article_id)
                                      .order_by(inputs.c.id))
            return [row.source for row in rows]

    def list_failures(self) -> list[dict[str, Any]]:
        query = (select(inputs.c.source, inputs.c.stage, inputs.c.reason, inputs.c.last_seen)
                 .where(inputs.c.status == "failed").order_by(inputs.c.id))
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]


def _article_from_row(row: Any) -> Article:
    return Article(**{name: row[name] for name in ARTICLE_FIELDS})


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
