"""Tables of the store and the versioned migrations that create and evolve them.

A tiny versioned scheme rather than Alembic: the schema is small, migrations ship inside the
package and run at open time, each in its own transaction, recorded in `parallax_schema`.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    insert,
    select,
)

metadata = MetaData()

schema_version = Table(
    "parallax_schema",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("applied_at", String(32), nullable=False),
)

articles = Table(
    "articles",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("source", Text, nullable=False),
    Column("raw_hash", String(64), nullable=False),
    Column("input_format", String(16), nullable=False),
    Column("url", Text),
    Column("canonical_url", Text),
    Column("title", Text),
    Column("outlet", Text),
    Column("author", Text),
    Column("published", String(10)),
    Column("page_date", String(10)),
    Column("language", String(8)),
    Column("extractor", String(32)),
    Column("text", Text, nullable=False),
    Column("credits", JSON, nullable=False, default=list),
    Column("removed", JSON, nullable=False, default=list),
    Column("notes", JSON, nullable=False, default=list),
    Column("reprint_of", String(32)),
    Column("created_at", String(32), nullable=False),
    Index("ix_articles_published", "published"),
    Index("ix_articles_outlet", "outlet"),
)

# One row per input item ever seen: what became of it. (source, raw_hash) is the idempotence key.
inputs = Table(
    "inputs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False),
    Column("raw_hash", String(64), nullable=False),
    Column("status", String(16), nullable=False),  # stored | duplicate | failed
    Column("article_id", String(32)),
    Column("stage", String(32)),
    Column("reason", Text),
    Column("first_seen", String(32), nullable=False),
    Column("last_seen", String(32), nullable=False),
    UniqueConstraint("source", "raw_hash", name="uq_inputs_source_hash"),
    Index("ix_inputs_status", "status"),
)


def _create_v1(connection: Connection) -> None:
    metadata.create_all(connection, tables=[articles, inputs])


# Append new migrations; never edit or reorder the ones released.
MIGRATIONS: list[Callable[[Connection], None]] = [_create_v1]
LATEST_VERSION = len(MIGRATIONS)


def current_version(connection: Connection) -> int:
    schema_version.create(connection, checkfirst=True)
    return connection.execute(select(schema_version.c.version).order_by(schema_version.c.version.desc())
                              ).scalar() or 0


def record_version(connection: Connection, version: int, applied_at: str) -> None:
    connection.execute(insert(schema_version).values(version=version, applied_at=applied_at))
