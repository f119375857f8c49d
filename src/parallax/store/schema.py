"""Tables of the store and the versioned migrations that create and evolve them.

Owns the table definitions: `articles` and the `inputs` ledger (version 1), the per-article
annotations `entities` and `attributions` (version 2), and `events`, `dates` and `quantities`
(version 3), the stories stage's `article_stories`, `stories` and `story_decisions` (version 4), the
full-text search index of the web app (version 5, SQLite only: `search_keys` and the FTS5 table
`search_index` over article titles and texts and story titles and claims, kept up to date by triggers
when articles are written and stories saved, merged or dropped; other engines search with LIKE), and the
pair signals of `article_stories` (version 6: `terms`, `signals`; rows placed before stay without them).
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
    inspect,
    select,
    text,
)
from sqlalchemy.types import TypeEngine

metadata = MetaData()


def _string(length: int) -> TypeEngine[str]:
    """VARCHAR(length) where the engine does not enforce it (SQLite); unbounded on PostgreSQL, which would
    refuse a longer value that SQLite stores and fail the whole batch with it. The lengths say what is expected."""
    return String(length).with_variant(String(), "postgresql")


schema_version = Table(
    "parallax_schema",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("applied_at", _string(32), nullable=False),
)

articles = Table(
    "articles",
    metadata,
    Column("id", _string(32), primary_key=True),
    Column("content_hash", _string(64), nullable=False, unique=True),
    Column("source", Text, nullable=False),
    Column("raw_hash", _string(64), nullable=False),
    Column("input_format", _string(16), nullable=False),
    Column("url", Text),
    Column("canonical_url", Text),
    Column("title", Text),
    Column("outlet", Text),
    Column("author", Text),
    Column("published", _string(10)),
    Column("page_date", _string(10)),
    Column("language", _string(8)),
    Column("extractor", _string(32)),
    Column("text", Text, nullable=False),
    Column("credits", JSON, nullable=False, default=list),
    Column("removed", JSON, nullable=False, default=list),
    Column("notes", JSON, nullable=False, default=list),
    Column("reprint_of", _string(32)),
    Column("created_at", _string(32), nullable=False),
    Index("ix_articles_published", "published"),
    Index("ix_articles_outlet", "outlet"),
)

def _annotation_keys() -> list[Column]:
    """The columns every annotation table starts with: its own id and the article it belongs to
    (deleted with the article)."""
    return [Column("id", Integer, primary_key=True, autoincrement=True),
            Column("article_id", _string(32), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False)]


# One row per input item ever seen: what became of it. (source, raw_hash) is the idempotence key.
inputs = Table(
    "inputs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False),
    Column("raw_hash", _string(64), nullable=False),
    Column("status", _string(16), nullable=False),  # stored | duplicate | failed
    Column("article_id", _string(32)),
    Column("stage", _string(32)),
    Column("reason", Text),
    Column("first_seen", _string(32), nullable=False),
    Column("last_seen", _string(32), nullable=False),
    UniqueConstraint("source", "raw_hash", name="uq_inputs_source_hash"),
    Index("ix_inputs_status", "status"),
)


# Named-entity mentions of an article (records.Entity); row order is the order of the article's list.
entities = Table(
    "entities",
    metadata,
    *_annotation_keys(),
    Column("text", Text, nullable=False),
    Column("type", _string(16), nullable=False),
    Column("canonical", Text, nullable=False),
    Column("country", _string(8)),
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
    Column("kind", _string(16), nullable=False),
    Column("speaker", Text),
    Column("speaker_text", Text),
    Column("speaker_start", Integer),
    Column("speaker_end", Integer),
    Column("speaker_type", _string(16)),
    Column("speaker_country", _string(8)),
    Column("cue", Text),
    Column("cue_start", Integer),
    Column("cue_end", Integer),
    Column("stance", _string(16)),
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
    Column("type", _string(32), nullable=False),
    Column("mode", _string(32)),
    Column("context", _string(32)),
    Column("cameo", _string(8)),
    Column("text", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("trigger", Text, nullable=False),
    Column("trigger_start", Integer, nullable=False),
    Column("trigger_end", Integer, nullable=False),
    Column("actor", Text),
    Column("actor_text", Text),
    Column("actor_country", _string(8)),
    Column("actor_sector", _string(16)),
    Column("target", Text),
    Column("target_text", Text),
    Column("target_country", _string(8)),
    Column("target_sector", _string(16)),
    Column("location", Text),
    Column("location_country", _string(8)),
    Column("date", _string(32)),
    Column("date_text", Text),
    Column("status", _string(16), nullable=False, default="asserted"),
    Column("according_to", Text),
    Column("negated", Boolean, nullable=False, default=False),
    Column("modality", _string(16)),
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
    Column("value", _string(32)),
    Column("granularity", _string(16)),
    Column("reference", _string(32)),
    Column("relation", _string(16)),
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
    Column("kind", _string(16), nullable=False, default="count"),
    Index("ix_quantities_article_id", "article_id"),
)


# What the stories stage knows of an article (stories.features.ArticleFeatures) and where it went: its
# story, the original it reprints, and whether a user placed it there (then the clustering leaves it).
article_stories = Table(
    "article_stories",
    metadata,
    Column("article_id", _string(32), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("story_id", _string(16), nullable=False),
    Column("vector", LargeBinary, nullable=False),  # float32 × 512, unit length
    Column("minhash", LargeBinary, nullable=False),  # uint64 × 128
    Column("entities", JSON, nullable=False, default=list),
    Column("day", Integer),
    Column("terms", LargeBinary),  # version 6: uint32 word hashes, then their float32 weights
    Column("signals", JSON),  # version 6: {"numbers", "years", "persons", "main_persons": [...], "language"}
    Column("reprint_of", _string(32)),
    Column("score", Float),
    Column("pinned", Boolean, nullable=False, default=False),
    Column("placed_at", _string(32), nullable=False),
    Index("ix_article_stories_story_id", "story_id"),
)

# One row per story: its record (records-like JSON: claims, matrix, ledger, numbers, timeline) rebuilt
# whenever its articles change.
stories = Table(
    "stories",
    metadata,
    Column("id", _string(16), primary_key=True),
    Column("title", Text),
    Column("article_count", Integer, nullable=False, default=0),
    Column("outlet_count", Integer, nullable=False, default=0),
    Column("claim_count", Integer, nullable=False, default=0),
    Column("first_date", _string(10)),
    Column("last_date", _string(10)),
    Column("record", JSON, nullable=False),
    Column("updated_at", _string(32), nullable=False),
    Index("ix_stories_last_date", "last_date"),
)

# Merges and splits asked by users, in order: kept so they are never undone by later runs.
story_decisions = Table(
    "story_decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", _string(8), nullable=False),  # merge | split
    Column("payload", JSON, nullable=False),
    Column("made_at", _string(32), nullable=False),
)


# The FTS5 rows' keys: an FTS5 row is found by its integer rowid only, so each article or story gets a stable
# INTEGER PRIMARY KEY here (a plain table's implicit rowid may change on VACUUM).
search_keys = Table(
    "search_keys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", _string(8), nullable=False),  # article | story
    Column("key", _string(32), nullable=False),
    UniqueConstraint("kind", "key", name="uq_search_keys_kind_key"),
)
SEARCH_INDEX = "search_index"  # FTS5: title, body (an article's text; a story's claim summaries)

_STORY_CLAIMS = ("(SELECT group_concat(json_extract(value, '$.summary'), char(10)) "
                 "FROM json_each({row}.record, '$.claims'))")


def _search_triggers(kind: str, table: str, row_title: str, body: str, watched: str) -> list[str]:
    """Triggers keeping `search_index` in step with one table (insert, update of the searched columns, delete)."""
    key = f"(SELECT id FROM search_keys WHERE kind = '{kind}' AND key = {{row}}.id)"
    add = (f"INSERT OR IGNORE INTO search_keys (kind, key) VALUES ('{kind}', new.id); "
           f"INSERT INTO {SEARCH_INDEX} (rowid, title, body) "
           f"VALUES ({key.format(row='new')}, new.{row_title}, {body.format(row='new')});")
    drop = f"DELETE FROM {SEARCH_INDEX} WHERE rowid = {key.format(row='old')};"
    forget = f"DELETE FROM search_keys WHERE kind = '{kind}' AND key = old.id;"
    return [f"CREATE TRIGGER search_{table}_insert AFTER INSERT ON {table} BEGIN {add} END",
            f"CREATE TRIGGER search_{table}_update AFTER UPDATE OF {watched} ON {table} "
            f"BEGIN {drop} {forget} {add} END",
            f"CREATE TRIGGER search_{table}_delete AFTER DELETE ON {table} BEGIN {drop} {forget} END"]


def _fts5_available(connection: Connection) -> bool:
    try:
        connection.exec_driver_sql("CREATE VIRTUAL TABLE temp.parallax_fts5_probe USING fts5(x)")
        connection.exec_driver_sql("DROP TABLE temp.parallax_fts5_probe")
    except Exception:  # an SQLite built without FTS5: searches fall back to LIKE
        return False
    return True


def _create_v1(connection: Connection) -> None:
    metadata.create_all(connection, tables=[articles, inputs])


def _create_v2(connection: Connection) -> None:
    metadata.create_all(connection, tables=[entities, attributions])


def _create_v3(connection: Connection) -> None:
    metadata.create_all(connection, tables=[events, dates, quantities])


def _create_v4(connection: Connection) -> None:
    metadata.create_all(connection, tables=[article_stories, stories, story_decisions])


def _create_v5(connection: Connection) -> None:
    if connection.dialect.name != "sqlite" or not _fts5_available(connection):
        return
    metadata.create_all(connection, tables=[search_keys])
    connection.exec_driver_sql(f"CREATE VIRTUAL TABLE {SEARCH_INDEX} USING fts5(title, body, "
                               "tokenize = 'unicode61 remove_diacritics 2')")
    for statement in [*_search_triggers("article", "articles", "title", "{row}.text", "title, text"),
                      *_search_triggers("story", "stories", "title", _STORY_CLAIMS, "title, record")]:
        connection.execute(text(statement))
    # Backfill what the store already holds.
    connection.exec_driver_sql("INSERT INTO search_keys (kind, key) SELECT 'article', id FROM articles")
    connection.exec_driver_sql("INSERT INTO search_keys (kind, key) SELECT 'story', id FROM stories")
    connection.exec_driver_sql(
        f"INSERT INTO {SEARCH_INDEX} (rowid, title, body) SELECT k.id, a.title, a.text FROM articles a "
        "JOIN search_keys k ON k.kind = 'article' AND k.key = a.id")
    connection.exec_driver_sql(
        f"INSERT INTO {SEARCH_INDEX} (rowid, title, body) SELECT k.id, s.title, {_STORY_CLAIMS.format(row='s')} "
        "FROM stories s JOIN search_keys k ON k.kind = 'story' AND k.key = s.id")


def _create_v6(connection: Connection) -> None:
    """The pair signals' columns, added where version 4 made the table without them."""
    present = {column["name"] for column in inspect(connection).get_columns(article_stories.name)}
    for name in ("terms", "signals"):
        if name not in present:
            column = article_stories.c[name]
            kind = column.type.compile(dialect=connection.dialect)
            connection.exec_driver_sql(f"ALTER TABLE {article_stories.name} ADD COLUMN {name} {kind}")


def has_search_index(connection: Connection) -> bool:
    """Whether this database has the FTS5 search index (SQLite with FTS5, migrated to version 5)."""
    if connection.dialect.name != "sqlite":
        return False
    return connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (SEARCH_INDEX,)).first() is not None


# Append new migrations; never edit or reorder the ones released.
MIGRATIONS: list[Callable[[Connection], None]] = [_create_v1, _create_v2, _create_v3, _create_v4, _create_v5,
                                                  _create_v6]
LATEST_VERSION = len(MIGRATIONS)


def current_version(connection: Connection) -> int:
    schema_version.create(connection, checkfirst=True)
    return connection.execute(select(schema_version.c.version).order_by(schema_version.c.version.desc())
                              ).scalar() or 0


def record_version(connection: Connection, version: int, applied_at: str) -> None:
    connection.execute(insert(schema_version).values(version=version, applied_at=applied_at))
