"""Tables of the store and the versioned migrations that create and evolve them.

Owns the table definitions: `articles` and the `inputs` ledger (version 1), the per-article
annotations `entities` and `attributions` (version 2), and `events`, `dates` and `quantities`
(version 3), and the stories stage's `article_stories`, `stories` and `story_decisions` (version 4).
Annotation rows go with their article (ON DELETE CASCADE), keep the article's offsets
and a `position` that keeps the order of the article's list. A tiny versioned scheme rather than Alembic:
the schema is small, migrations ship inside the package and run at open time, each in its own
transaction, recorded in `parallax_schema`.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
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

def _annotation_keys() -> list[Column]:
    """The columns every annotation table starts with: its own id and the article it belongs to
    (deleted with the article)."""
    return [Column("id", Integer, primary_key=True, autoincrement=True),
            Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False)]


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


# Named-entity mentions of an article (records.Entity); row order is the order of the article's list.
entities = Table(
    "entities",
    metadata,
    *_annotation_keys(),
    Column("text", Text, nullable=False),
    Column("type", String(16), nullable=False),
    Column("canonical", Text, nullable=False),
    Column("country", String(8)),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("roles", JSON, nullable=False, default=list),
    Column("cluster", Integer, nullable=False, default=0),
    Index("ix_entities_canonical", "canonical"),
    Index("ix_entities_article_id", "article_id"),
)

# Who said what in an article (records.Attribution); `position` keeps the article's order.
attributions = Table(
    "attributions",
    metadata,
    *_annotation_keys(),
    Column("position", Integer, nullable=False),
    Column("content", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("speaker", Text),
    Column("speaker_text", Text),
    Column("speaker_start", Integer),
    Column("speaker_end", Integer),
    Column("speaker_type", String(16)),
    Column("speaker_country", String(8)),
    Column("cue", Text),
    Column("cue_start", Integer),
    Column("cue_end", Integer),
    Column("stance", String(16)),
    Column("segments", JSON, nullable=False, default=list),
    Column("sentence_start", Integer, nullable=False, default=0),
    Column("sentence_end", Integer, nullable=False, default=0),
    Index("ix_attributions_speaker", "speaker"),
    Index("ix_attributions_article_id", "article_id"),
)


# What happened (records.Event): PLOVER type and mode, CAMEO code, actor, target, place, date, status.
events = Table(
    "events",
    metadata,
    *_annotation_keys(),
    Column("position", Integer, nullable=False),
    Column("type", String(32), nullable=False),
    Column("mode", String(32)),
    Column("context", String(32)),
    Column("cameo", String(8)),
    Column("text", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("trigger", Text, nullable=False),
    Column("trigger_start", Integer, nullable=False),
    Column("trigger_end", Integer, nullable=False),
    Column("actor", Text),
    Column("actor_text", Text),
    Column("actor_country", String(8)),
    Column("actor_sector", String(16)),
    Column("target", Text),
    Column("target_text", Text),
    Column("target_country", String(8)),
    Column("target_sector", String(16)),
    Column("location", Text),
    Column("location_country", String(8)),
    Column("date", String(32)),
    Column("date_text", Text),
    Column("status", String(16), nullable=False, default="asserted"),
    Column("according_to", Text),
    Column("negated", Boolean, nullable=False, default=False),
    Column("modality", String(16)),
    Column("quantities", JSON, nullable=False, default=list),  # records.Quantity fields, one dict each
    Index("ix_events_type", "type"),
    Index("ix_events_actor_country", "actor_country"),
    Index("ix_events_target_country", "target_country"),
    Index("ix_events_article_id", "article_id"),
)

# Time expressions (records.DateMention), resolved against the article's reference date.
dates = Table(
    "dates",
    metadata,
    *_annotation_keys(),
    Column("position", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("value", String(32)),
    Column("granularity", String(16)),
    Column("reference", String(32)),
    Column("relation", String(16)),
    Index("ix_dates_article_id", "article_id"),
)

# Numbers with what they count (records.Quantity).
quantities = Table(
    "quantities",
    metadata,
    *_annotation_keys(),
    Column("position", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("value", Float),
    Column("unit", Text),
    Column("qualifier", Text),
    Column("approximate", Boolean, nullable=False, default=False),
    Column("low", Float),
    Column("high", Float),
    Column("kind", String(16), nullable=False, default="count"),
    Index("ix_quantities_article_id", "article_id"),
)


# What the stories stage knows of an article (stories.features.ArticleFeatures) and where it went: its
# story, the original it reprints, and whether a user placed it there (then the clustering leaves it).
article_stories = Table(
    "article_stories",
    metadata,
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("story_id", String(16), nullable=False),
    Column("vector", LargeBinary, nullable=False),  # float32 × 512, unit length
    Column("minhash", LargeBinary, nullable=False),  # uint64 × 128
    Column("entities", JSON, nullable=False, default=list),
    Column("day", Integer),
    Column("reprint_of", String(32)),
    Column("score", Float),
    Column("pinned", Boolean, nullable=False, default=False),
    Column("placed_at", String(32), nullable=False),
    Index("ix_article_stories_story_id", "story_id"),
)

# One row per story: its record (records-like JSON: claims, matrix, ledger, numbers, timeline) rebuilt
# whenever its articles change.
stories = Table(
    "stories",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("title", Text),
    Column("article_count", Integer, nullable=False, default=0),
    Column("outlet_count", Integer, nullable=False, default=0),
    Column("claim_count", Integer, nullable=False, default=0),
    Column("first_date", String(10)),
    Column("last_date", String(10)),
    Column("record", JSON, nullable=False),
    Column("updated_at", String(32), nullable=False),
    Index("ix_stories_last_date", "last_date"),
)

# Merges and splits asked by users, in order: kept so they are never undone by later runs.
story_decisions = Table(
    "story_decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(8), nullable=False),  # merge | split
    Column("payload", JSON, nullable=False),
    Column("made_at", String(32), nullable=False),
)


def _create_v1(connection: Connection) -> None:
    metadata.create_all(connection, tables=[articles, inputs])


def _create_v2(connection: Connection) -> None:
    metadata.create_all(connection, tables=[entities, attributions])


def _create_v3(connection: Connection) -> None:
    metadata.create_all(connection, tables=[events, dates, quantities])


def _create_v4(connection: Connection) -> None:
    metadata.create_all(connection, tables=[article_stories, stories, story_decisions])


# Append new migrations; never edit or reorder the ones released.
MIGRATIONS: list[Callable[[Connection], None]] = [_create_v1, _create_v2, _create_v3, _create_v4]
LATEST_VERSION = len(MIGRATIONS)


def current_version(connection: Connection) -> int:
    schema_version.create(connection, checkfirst=True)
    return connection.execute(select(schema_version.c.version).order_by(schema_version.c.version.desc())
                              ).scalar() or 0


def record_version(connection: Connection, version: int, applied_at: str) -> None:
    connection.execute(insert(schema_version).values(version=version, applied_at=applied_at))
