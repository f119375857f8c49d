"""Store stage: the embedded SQLite store by default, PostgreSQL (`--db postgresql://user@host/db`) for
multi-user and cluster runs.

Owns reading and writing articles, their annotations (entity mentions, attributions, events, date
mentions and quantities) and the input ledger. `Store.write_batch` writes one batch of records in
one transaction: a new article is stored with all its annotations, an article whose cleaned text is
already stored is recorded as a duplicate of it (nothing else of it is written), a failure is
recorded with its reason. Inputs already seen with the same bytes are skipped before any work
(`Store.seen_inputs`), which makes re-running the same inputs a no-op. `Store.replace_annotations`
swaps the annotations of stored articles (re-annotation with a newer model: events, dates and
quantities are annotations too, recomputed with the rest); `Store.canonical_names` maps per-article
canonical names to store-wide ones; `Store.list_attributions` and `Store.list_events` list across
articles. Reading an article is cheap; its annotations are loaded only when asked for
(`with_annotations`), one query per table and page of articles.

Many processes may write one PostgreSQL store at once: rows whose key another writer stored first are
skipped (INSERT … ON CONFLICT DO NOTHING: the input then counts as a duplicate, or unchanged), a batch
that loses a deadlock is written again, migrations and the stories stage take turns (`Store.exclusive`).
Every query whose order matters says it, NULLs included (SQLite puts them first, PostgreSQL last).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import threading
import time
import zlib
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Engine,
    Executable,
    Table,
    create_engine,
    delete,
    event,
    func,
    insert,
    make_url,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from parallax.records import (
    Article,
    Attribution,
    DateMention,
    Entity,
    Event,
    Failure,
    ParsedArticle,
    Quantity,
    Record,
)
from parallax.store.schema import (
    LATEST_VERSION,
    MIGRATIONS,
    articles,
    attributions,
    current_version,
    dates,
    entities,
    events,
    inputs,
    quantities,
    record_version,
)

DEFAULT_DB = "parallax.db"
ARTICLE_FIELDS = [c.name for c in articles.columns if c.name != "created_at"]
ENTITY_FIELDS = ["text", "type", "canonical", "country", "start", "end", "roles", "cluster"]
ATTRIBUTION_FIELDS = ["content", "start", "end", "kind", "speaker", "speaker_text", "speaker_start", "speaker_end",
                      "speaker_type", "speaker_country", "cue", "cue_start", "cue_end", "stance", "segments",
                      "sentence_start", "sentence_end"]
EVENT_FIELDS = ["type", "text", "start", "end", "trigger", "trigger_start", "trigger_end", "mode", "context", "cameo",
                "actor", "actor_text", "actor_country", "actor_sector", "target", "target_text", "target_country",
                "target_sector", "location", "location_country", "date", "date_text", "status", "according_to",
                "negated", "modality", "quantities"]
DATE_FIELDS = ["text", "start", "end", "value", "granularity", "reference", "relation"]
QUANTITY_FIELDS = ["text", "start", "end", "value", "unit", "qualifier", "approximate", "low", "high", "kind"]
SQLITE_CACHE_MB = 64  # page cache per connection
SQLITE_MMAP_MB = 512  # reads through the OS page cache, without copying
_IN_CHUNK = 500  # ids per IN (…) clause: well under every backend's bound-parameter limit
_RETRIED_SQLSTATES = {"40P01", "40001"}  # PostgreSQL: deadlock detected, serialization failure
_WRITE_ATTEMPTS = 5

if TYPE_CHECKING:
    from parallax.store.stories import StoryStore

NameKey = tuple[str, str, str | None]  # (canonical, type, country) of an entity, or of a speaker


def database_url(db: str | None = None) -> str:
    """A SQLAlchemy URL from --db, PARALLAX_DB or the default file in the working folder.

    A plain `postgresql://` or `postgres://` URL goes through psycopg 3 (SQLAlchemy's default for it is
    psycopg2, which is not installed); a URL that names its driver (`postgresql+…://`) is left as it is."""
    value = db or os.environ.get("PARALLAX_DB") or DEFAULT_DB
    if "://" in value:
        scheme, rest = value.split("://", 1)
        if scheme.lower() in ("postgresql", "postgres"):
            return f"postgresql+psycopg://{rest}"
        return value
    return f"sqlite:///{Path(value).expanduser()}"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(slots=True)
class BatchOutcome:
    """What one written batch did, counted by input status."""

    counts: Counter[str] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """The few article fields shown next to an attribution or an event in listings."""

    id: str
    outlet: str | None
    title: str | None
    published: str | None


class Store:
    """Access to the articles and input ledger; safe to open many times on one database."""

    def __init__(self, url: str | None = None, *, engine: Engine | None = None) -> None:
        self.url = database_url(url)
        if engine is None:
            # A server may drop idle connections (restart, time-outs): check one before use (SQLite has none to lose).
            server = make_url(self.url).get_backend_name() != "sqlite"
            engine = create_engine(self.url, future=True, pool_pre_ping=server)
        self.engine = engine
        self._held = threading.local()
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.migrate()

    def migrate(self) -> None:
        """Bring the schema to the latest version; processes opening a new server database at once take
        turns, and a migration another process applied meanwhile is not applied again."""
        with self.engine.begin() as connection:
            _lock_transaction(connection, "migrate")
            version = current_version(connection)
        for number in range(version + 1, LATEST_VERSION + 1):
            with self.engine.begin() as connection:
                _lock_transaction(connection, "migrate")
                if current_version(connection) >= number:
                    continue
                MIGRATIONS[number - 1](connection)
                record_version(connection, number, _now())

    @contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        """Hold the store-wide lock `name` while the block runs: on PostgreSQL an advisory lock, so two
        processes (the stories stage of two `analyze` runs) take turns instead of racing on the same rows.
        Re-entrant within a thread. SQLite serialises its writers itself: there it is a no-op."""
        if not hasattr(self._held, "names"):
            self._held.names = set()
        held: set[str] = self._held.names
        if self.engine.dialect.name != "postgresql" or name in held:
            yield
            return
        key = _lock_key(name)
        with self.engine.connect() as connection:
            connection.execute(select(func.pg_advisory_lock(key)))
            connection.commit()  # the lock belongs to the session: leave no transaction open while it is held
            held.add(name)
            try:
                yield
            finally:
                held.discard(name)
                connection.execute(select(func.pg_advisory_unlock(key)))
                connection.commit()

    def close(self) -> None:
        self.engine.dispose()

    @property
    def stories(self) -> StoryStore:
        """The stories stage's tables (placements, story records, user decisions)."""
        from parallax.store.stories import StoryStore

        return StoryStore(self.engine)

    # -- writing -----------------------------------------------------------------------------

    def seen_inputs(self, keys: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """The (source, raw_hash) pairs already stored or recorded as duplicates."""
        return set(self.input_outcomes(keys))

    def input_outcomes(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str | None]]:
        """(status, article id) in the input ledger of each (source, raw_hash) pair stored or recorded as a
        duplicate (for a duplicate, the id of the article it repeats); failures are left out."""
        found: dict[tuple[str, str], tuple[str, str | None]] = {}
        unique = list(dict.fromkeys(keys))
        with self.engine.connect() as connection:
            for first in range(0, len(unique), _IN_CHUNK):
                query = select(inputs.c.source, inputs.c.raw_hash, inputs.c.status, inputs.c.article_id).where(
                    tuple_(inputs.c.source, inputs.c.raw_hash).in_(unique[first:first + _IN_CHUNK]),
                    inputs.c.status != "failed")
                for row in connection.execute(query):
                    found[(row.source, row.raw_hash)] = (row.status, row.article_id)
        return found

    def write_batch(self, records: Iterable[Record]) -> BatchOutcome:
        """Write one batch in one transaction. On PostgreSQL a batch chosen as a deadlock's victim (two
        writers storing overlapping articles in different orders) is rolled back by the server and written
        again here, seeing what the other writer committed."""
        batch = list(records)
        for attempt in range(1, _WRITE_ATTEMPTS + 1):
            try:
                return self._write_batch_once(batch)
            except DBAPIError as error:
                if attempt == _WRITE_ATTEMPTS or getattr(error.orig, "sqlstate", None) not in _RETRIED_SQLSTATES:
                    raise
                time.sleep(random.uniform(0.05, 0.2) * attempt)
        raise AssertionError("unreachable")

    def _write_batch_once(self, batch: Sequence[Record]) -> BatchOutcome:
        outcome = BatchOutcome()
        now = _now()
        with self.engine.begin() as connection:
            for item in batch:
                # A pipeline that ends at the annotate stage hands over parsed articles: store the article.
                record = item.article if isinstance(item, ParsedArticle) else item
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
        row = {name: _without_nul(getattr(article, name)) for name in ARTICLE_FIELDS}
        # Skipped when an article with this text is stored already, by an earlier batch or by another writer
        # right now (on PostgreSQL the insert then waits for that writer's transaction to end).
        if _insert_new(connection, articles, {**row, "created_at": now}, ["content_hash"]):
            _insert_annotations(connection, article.id, Annotations.of(article))
            status, article_id = "stored", article.id
        else:
            original = connection.execute(
                select(articles.c.id).where(articles.c.content_hash == article.content_hash)
            ).scalar()
            status, article_id = "duplicate", original
        # A source that now reads fine no longer counts among the failures.
        connection.execute(delete(inputs).where(inputs.c.source == key[0], inputs.c.status == "failed"))
        recorded = _insert_new(connection, inputs, {
            "source": key[0], "raw_hash": key[1], "status": status, "article_id": article_id,
            "first_seen": now, "last_seen": now,
        }, ["source", "raw_hash"])
        # Not recorded: another writer recorded this very input (same source, same bytes) since we looked.
        return status if recorded else "unchanged"

    def _write_failure(self, connection: Any, failure: Failure, now: str) -> str:
        where = (inputs.c.source == failure.source, inputs.c.raw_hash == failure.raw_hash)
        existing = connection.execute(select(inputs.c.id, inputs.c.status).where(*where)).first()
        reason = _without_nul(failure.reason)
        if existing is None and not _insert_new(connection, inputs, {
                "source": failure.source, "raw_hash": failure.raw_hash, "status": "failed", "stage": failure.stage,
                "reason": reason, "first_seen": now, "last_seen": now}, ["source", "raw_hash"]):
            existing = connection.execute(select(inputs.c.id, inputs.c.status).where(*where)).first()
        if existing is not None and existing.status == "failed":
            connection.execute(update(inputs).where(inputs.c.id == existing.id).values(
                stage=failure.stage, reason=reason, last_seen=now))
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
                      language: str | None = None, with_annotations: bool = False) -> list[Article]:
        """A page of articles, latest first; with their annotations when asked."""
        query = select(articles).order_by(*_LATEST_ARTICLES_FIRST)
        if outlet:
            query = query.where(articles.c.outlet.ilike(f"%{outlet}%"))
        if language:
            query = query.where(articles.c.language == language)
        query = query.offset(offset).limit(limit) if limit is not None else query.offset(offset)
        with self.engine.connect() as connection:
            page = [_article_from_row(row._mapping) for row in connection.execute(query)]
            if with_annotations:
                _attach_annotations(connection, page)
        return page

    def iter_all_articles(self, page: int = 500, *, with_annotations: bool = False) -> Iterator[Article]:
        """Every stored article in id order, read `page` at a time (keyset paging: memory stays bounded,
        and annotations replaced while iterating do not shift the pages)."""
        last = ""
        while True:
            query = select(articles).where(articles.c.id > last).order_by(articles.c.id).limit(page)
            with self.engine.connect() as connection:
                batch = [_article_from_row(row._mapping) for row in connection.execute(query)]
                if with_annotations:
                    _attach_annotations(connection, batch)
            if not batch:
                return
            yield from batch
            last = batch[-1].id

    def get_article(self, id_or_prefix: str, *, with_annotations: bool = True) -> Article | None:
        """The article with this id, or the only one whose id starts with it (any case), with its annotations."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(articles).where(articles.c.id == id_or_prefix)).all()
            if not rows:  # not a whole id (found through the primary key's index): a prefix, which scans
                rows = connection.execute(select(articles).where(
                    articles.c.id.istartswith(id_or_prefix, autoescape=True)).limit(2)).all()
            if len(rows) != 1:
                return None
            article = _article_from_row(rows[0]._mapping)
            if with_annotations:
                _attach_annotations(connection, [article])
        return article

    def get_articles(self, ids: Sequence[str], *, with_annotations: bool = True) -> list[Article]:
        """The articles with these ids (those that exist), in the order asked."""
        found: dict[str, Article] = {}
        with self.engine.connect() as connection:
            for first in range(0, len(ids), _IN_CHUNK):
                chunk = list(ids[first:first + _IN_CHUNK])
                page = [_article_from_row(row._mapping)
                        for row in connection.execute(select(articles).where(articles.c.id.in_(chunk)))]
                if with_annotations:
                    _attach_annotations(connection, page)
                found.update((article.id, article) for article in page)
        return [found[i] for i in ids if i in found]

    def replace_annotations(self, article_id: str, entities: Sequence[Entity],
                            attributions: Sequence[Attribution], *, events: Sequence[Event] = (),
                            dates: Sequence[DateMention] = (), quantities: Sequence[Quantity] = ()) -> None:
        """Replace every annotation of one stored article with these, in one transaction (what is not
        given is replaced by nothing: the annotations are recomputed together)."""
        with self.engine.begin() as connection:
            _replace_annotations(connection, article_id,
                                 Annotations(entities, attributions, events, dates, quantities))

    def replace_annotations_of(self, annotated: Iterable[Article]) -> int:
        """Replace the annotations of many stored articles with those they carry (entities,
        attributions, events, dates, quantities), in one transaction; return how many were replaced."""
        count = 0
        with self.engine.begin() as connection:
            for article in annotated:
                _replace_annotations(connection, article.id, Annotations.of(article))
                count += 1
        return count

    def count_annotations(self) -> dict[str, int]:
        """How many entity mentions, attributions, events, date mentions and quantities the store holds."""
        with self.engine.connect() as connection:
            return {name: connection.execute(select(func.count()).select_from(table)).scalar_one()
                    for name, table in _ANNOTATION_TABLES.items()}

    def list_attributions(self, speaker: str | None = None, article_id: str | None = None,
                          limit: int | None = None, *, also_speakers: Collection[str] = (),
                          offset: int = 0) -> list[tuple[ArticleRef, Attribution]]:
        """Attributions with the article they come from, latest articles first, in text order.

        `speaker` matches, case-insensitively, any part of the speaker's canonical name or of the
        mention as written ("kirby" finds "John Kirby" and "Mr. Kirby"); `also_speakers` are canonical
        names that match too (the store-wide aliases of the name asked for). `article_id` is an id
        or an id prefix.
        """
        query = (select(articles.c.id.label("article_ref_id"), articles.c.outlet, articles.c.title,
                        articles.c.published, *(attributions.c[name] for name in ATTRIBUTION_FIELDS))
                 .join(articles, attributions.c.article_id == articles.c.id)
                 .order_by(*_LATEST_ARTICLES_FIRST, attributions.c.position))
        if speaker:
            conditions = [attributions.c.speaker.icontains(speaker, autoescape=True),
                          attributions.c.speaker_text.icontains(speaker, autoescape=True)]
            if also_speakers:
                conditions.append(attributions.c.speaker.in_(list(also_speakers)))
            query = query.where(or_(*conditions))
        if article_id:
            query = query.where(attributions.c.article_id.istartswith(article_id, autoescape=True))
        query = query.offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as connection:
            return [(ArticleRef(row.article_ref_id, row.outlet, row.title, row.published),
                     _attribution_from_row(row._mapping)) for row in connection.execute(query)]

    def list_events(self, type: str | None = None, actor: str | None = None, target: str | None = None,
                    article_id: str | None = None, limit: int | None = None,
                    offset: int = 0) -> list[tuple[ArticleRef, Event]]:
        """Events with the article they come from, latest articles first, in text order.

        `type` is a PLOVER type, any case ("sanction"). `actor` and `target` match the party's country
        code (ISO alpha-3, any case: "irn") or, case-insensitively, any part of its canonical name or
        of the mention as written ("tehran" finds "Tehran"). `article_id` is an id or an id prefix.
        """
        query = (select(articles.c.id.label("article_ref_id"), articles.c.outlet, articles.c.title,
                        articles.c.published, *(events.c[name] for name in EVENT_FIELDS))
                 .join(articles, events.c.article_id == articles.c.id)
                 .order_by(*_LATEST_ARTICLES_FIRST, events.c.position))
        if type:
            query = query.where(func.lower(events.c["type"]) == type.lower())
        for wanted, prefix in ((actor, "actor"), (target, "target")):
            if wanted:
                query = query.where(or_(events.c[f"{prefix}_country"] == wanted.upper(),
                                        events.c[prefix].icontains(wanted, autoescape=True),
                                        events.c[f"{prefix}_text"].icontains(wanted, autoescape=True)))
        if article_id:
            query = query.where(events.c.article_id.istartswith(article_id, autoescape=True))
        query = query.offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as connection:
            return [(ArticleRef(row.article_ref_id, row.outlet, row.title, row.published),
                     _event_from_row(row._mapping)) for row in connection.execute(query)]

    def canonical_names(self) -> dict[NameKey, str]:
        """Store-wide canonical names: (canonical, type, country) of the stored entities mapped to one
        name across articles ("Kirby" → "John Kirby" when that is the only Kirby)."""
        from parallax.annotate.entities import merge_across_articles

        query = select(entities.c.canonical, entities.c["type"], entities.c.country).distinct()
        with self.engine.connect() as connection:
            triples = [(row[0], row[1], row[2]) for row in connection.execute(query)]
        return merge_across_articles(triples)

    def entity_overview(self, names: Collection[str]) -> list[dict[str, Any]]:
        """The stored senses of entity names (article-level canonicals, any case): type, country, and in how
        many articles each is mentioned; empty when no article mentions them."""
        query = (select(entities.c.canonical, entities.c["type"], entities.c.country,
                        func.count(func.distinct(entities.c.article_id)).label("articles"))
                 .where(func.lower(entities.c.canonical).in_([name.lower() for name in names]))
                 .group_by(entities.c.canonical, entities.c["type"], entities.c.country)
                 .order_by(func.count(func.distinct(entities.c.article_id)).desc(), entities.c.canonical,
                           entities.c["type"], entities.c.country.nulls_first()))
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]

    def facets(self) -> dict[str, list[str]]:
        """The outlets and languages of the stored articles (for search filters), sorted."""
        with self.engine.connect() as connection:
            return {name: sorted(row[0] for row in connection.execute(select(column).distinct()) if row[0])
                    for name, column in (("outlets", articles.c.outlet), ("languages", articles.c.language))}

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


# Latest first; undated articles last on every engine (SQLite sorts NULL first, PostgreSQL last).
_LATEST_ARTICLES_FIRST = (articles.c.published.desc().nulls_last(), articles.c.created_at, articles.c.id)


def _lock_key(name: str) -> int:
    """A fixed 31-bit key for an advisory lock of this store (PostgreSQL's keys are bigints)."""
    return zlib.crc32(f"parallax:{name}".encode()) & 0x7FFFFFFF


def _lock_transaction(connection: Any, name: str) -> None:
    """Take the lock `name` until the transaction ends (PostgreSQL; other engines serialise DDL themselves)."""
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(_lock_key(name))))


def _insert_new(connection: Any, table: Table, values: dict[str, Any], key: Sequence[str]) -> bool:
    """Insert one row unless a row with the same unique `key` exists (or is being written by another
    transaction, which is waited for); whether it was inserted. Any other constraint still fails."""
    statement: Executable
    if connection.dialect.name == "postgresql":
        statement = postgresql.insert(table).values(**values).on_conflict_do_nothing(index_elements=list(key))
    elif connection.dialect.name == "sqlite":
        statement = sqlite.insert(table).values(**values).on_conflict_do_nothing(index_elements=list(key))
    else:  # other engines: a unique-key race there is an error, as it was before
        statement = insert(table).values(**values)
    # psycopg's rowcount is gone once SQLAlchemy closes the cursor of an INSERT: ask it to keep the count.
    return bool(connection.execute(statement.execution_options(preserve_rowcount=True)).rowcount == 1)


def _without_nul(value: Any) -> Any:
    """Strings without NUL characters: PostgreSQL text cannot hold them (a title read from a JSON record can)."""
    return value.replace("\x00", "") if isinstance(value, str) else value


def _article_from_row(row: Any) -> Article:
    return Article(**{name: row[name] for name in ARTICLE_FIELDS})


def _entity_from_row(row: Any) -> Entity:
    values = {name: row[name] for name in ENTITY_FIELDS}
    values["roles"] = list(values["roles"] or [])
    return Entity(**values)


def _attribution_from_row(row: Any) -> Attribution:
    values = {name: row[name] for name in ATTRIBUTION_FIELDS}
    values["segments"] = [(int(a), int(b)) for a, b in values["segments"] or []]
    return Attribution(**values)


def _quantity_from_values(values: Any) -> Quantity:
    quantity = Quantity(**{name: values[name] for name in QUANTITY_FIELDS})
    quantity.approximate = bool(quantity.approximate)
    return quantity


def _event_from_row(row: Any) -> Event:
    values = {name: row[name] for name in EVENT_FIELDS}
    values["negated"] = bool(values["negated"])
    values["quantities"] = [_quantity_from_values(q) for q in values["quantities"] or []]
    return Event(**values)


def _date_from_row(row: Any) -> DateMention:
    return DateMention(**{name: row[name] for name in DATE_FIELDS})


@dataclass(slots=True)
class Annotations:
    """Everything the NLP stages add to one article, written and replaced together."""

    entities: Sequence[Entity] = ()
    attributions: Sequence[Attribution] = ()
    events: Sequence[Event] = ()
    dates: Sequence[DateMention] = ()
    quantities: Sequence[Quantity] = ()

    @classmethod
    def of(cls, article: Article) -> Annotations:
        return cls(article.entities, article.attributions, article.events, article.dates, article.quantities)


_ANNOTATION_TABLES = {"entities": entities, "attributions": attributions, "events": events, "dates": dates,
                      "quantities": quantities}


def _insert_annotations(connection: Any, article_id: str, found: Annotations) -> None:
    if found.entities:
        connection.execute(insert(entities), [
            {"article_id": article_id, **{name: getattr(e, name) for name in ENTITY_FIELDS},
             "roles": list(e.roles)} for e in found.entities])
    if found.attributions:
        connection.execute(insert(attributions), [
            {"article_id": article_id, "position": position,
             **{name: getattr(a, name) for name in ATTRIBUTION_FIELDS},
             "segments": [list(segment) for segment in a.segments]} for position, a in enumerate(found.attributions)])
    if found.events:
        connection.execute(insert(events), [
            {"article_id": article_id, "position": position, **{name: getattr(e, name) for name in EVENT_FIELDS},
             "negated": bool(e.negated),
             "quantities": [{name: getattr(q, name) for name in QUANTITY_FIELDS} for q in e.quantities]}
            for position, e in enumerate(found.events)])
    if found.dates:
        connection.execute(insert(dates), [
            {"article_id": article_id, "position": position, **{name: getattr(d, name) for name in DATE_FIELDS}}
            for position, d in enumerate(found.dates)])
    if found.quantities:
        connection.execute(insert(quantities), [
            {"article_id": article_id, "position": position, **{name: getattr(q, name) for name in QUANTITY_FIELDS},
             "approximate": bool(q.approximate)}
            for position, q in enumerate(found.quantities)])


def _replace_annotations(connection: Any, article_id: str, found: Annotations) -> None:
    if connection.execute(select(articles.c.id).where(articles.c.id == article_id)).first() is None:
        raise KeyError(f"no stored article with id {article_id!r}")
    for table in _ANNOTATION_TABLES.values():
        connection.execute(delete(table).where(table.c.article_id == article_id))
    _insert_annotations(connection, article_id, found)


def _attach_annotations(connection: Any, page: list[Article]) -> None:
    """Fill the annotations of these articles: one query per table and id chunk."""
    by_id = {article.id: article for article in page}
    for article in page:
        article.entities, article.attributions, article.events, article.dates, article.quantities = [], [], [], [], []
    ids = list(by_id)
    loaders = ((entities, "entities", _entity_from_row, entities.c.id),
               (attributions, "attributions", _attribution_from_row, attributions.c.position),
               (events, "events", _event_from_row, events.c.position),
               (dates, "dates", _date_from_row, dates.c.position),
               (quantities, "quantities", _quantity_from_values, quantities.c.position))
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start:start + _IN_CHUNK]
        for table, attribute, build, order in loaders:
            rows = connection.execute(select(table).where(table.c.article_id.in_(chunk))
                                      .order_by(table.c.article_id, order))
            for row in rows:
                getattr(by_id[row.article_id], attribute).append(build(row._mapping))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # SQLite's default page cache is 2 MB: once a store's indexes (hash keys, so writes land on random pages)
    # outgrow it, every write reads pages back and a run's time grows faster than its size.
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_MB * 1024}")
    cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_MB * 1_048_576}")
    cursor.close()
