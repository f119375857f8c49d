"""Readers that turn one input file (or fetched body) into raw documents.

Single pages (HTML, text dumps) become one document; containers (JSON, JSON Lines, WARC, feeds)
are streamed item by item, each item its own source "<input>#<n>", so one bad item is one
recorded failure and the rest of the container still goes through.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import feedparser

from parallax.common.dates import iso_date
from parallax.ingest.encoding import EncodingError, charset_from_content_type, decode_bytes
from parallax.ingest.formats import GZIP_MAGIC, InputFormat, binary_kind, sniff_format
from parallax.ingest.gzipstream import ForwardStream, TolerantGzipReader
from parallax.records import Failure, RawDocument, bytes_hash

SNIFF_BYTES = 65_536
STAGE = "ingest"

# Field names used for the same thing by common JSON shapes (news-please, scrapers, APIs).
URL_FIELDS = ("url", "link", "source_url", "canonical_url")
HTML_FIELDS = ("html", "raw_html", "content_html", "html_content")
TEXT_FIELDS = ("text", "maintext", "content", "body", "article", "article_text", "description")
TITLE_FIELDS = ("title", "headline")
DATE_FIELDS = ("date", "date_publish", "published", "publish_date", "pubDate", "datePublished", "published_at")
OUTLET_FIELDS = ("outlet", "source_domain", "site_name", "sitename", "source", "publisher")
AUTHOR_FIELDS = ("author", "authors", "byline")
LANGUAGE_FIELDS = ("language", "lang")
LIST_FIELDS = ("articles", "items", "records", "data", "results")


class InputError(Exception):
    """An input that cannot be read at all; the message is the one-line reason."""


@dataclass(slots=True, frozen=True)
class ReadLimits:
    max_page_bytes: int = 10 * 1024 * 1024


def is_gzip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(2) == GZIP_MAGIC


def open_input(path: Path) -> io.BufferedReader:
    """Open a file for reading, transparently decompressing gzip (sniffed, whatever the name)."""
    if is_gzip(path):
        return io.BufferedReader(TolerantGzipReader(path.open("rb")), buffer_size=SNIFF_BYTES)
    return path.open("rb")


def gzip_problem(stream: IO[bytes]) -> str | None:
    """Why a stream from `open_input` ended early (truncated or corrupt gzip), if it did."""
    raw = getattr(stream, "raw", None)
    return raw.problem if isinstance(raw, TolerantGzipReader) else None


def read_head(path: Path) -> bytes:
    with open_input(path) as stream:
        head = stream.read(SNIFF_BYTES)
        problem = gzip_problem(stream)
    if problem and not head:
        raise InputError(f"truncated or corrupt gzip: {problem}")
    return head


def read_capped(stream: IO[bytes], limit: int, what: str) -> bytes:
    data = stream.read(limit + 1)
    if problem := gzip_problem(stream):
        raise InputError(f"truncated or corrupt gzip: {problem}")
    if len(data) > limit:
        raise InputError(f"{what} larger than the {limit / 1_048_576:g} MB limit")
    return data


def first_field(record: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        value = record.get(name)
        if value not in (None, "", []):
            return value
    return None


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return ", ".join(str(v) for v in value if v) or None
    if isinstance(value, Mapping):
        return _as_text(first_field(value, ("name", "title", "domain")))
    return str(value).strip() or None


def page_document(
    data: bytes, source: str, input_format: InputFormat, *, url: str | None = None,
    header_charset: str | None = None, limits: ReadLimits,
) -> RawDocument | Failure:
    """One HTML page or text dump from its bytes."""
    raw_hash = bytes_hash(data)
    if len(data) > limits.max_page_bytes:
        return Failure(source, STAGE, f"page larger than the {limits.max_page_bytes / 1_048_576:g} MB limit",
                       raw_hash)
    try:
        text, encoding = decode_bytes(data, header_charset)
    except EncodingError as error:
        return Failure(source, STAGE, str(error), raw_hash)
    if not text.strip():
        return Failure(source, STAGE, "empty page", raw_hash)
    kind = "html" if input_format == "html" else "text"
    return RawDocument(source=source, kind=kind, content=text, raw_hash=raw_hash, input_format=input_format,
                       url=url, encoding=encoding)


_SURROGATE = re.compile("[\ud800-\udfff]")  # only lone ones: json.loads joins paired escapes


def record_document(record: Any, source: str, input_format: str, limits: ReadLimits) -> RawDocument | Failure:
    """One JSON object in any of the common article shapes."""
    serialised_text = json.dumps(record, sort_keys=True, ensure_ascii=False)
    if _SURROGATE.search(serialised_text):
        # JSON allows lone surrogate escapes ("\ud800") that no text can hold (nor the store write):
        # replace them with U+FFFD, as undecodable bytes are replaced when a page is decoded.
        serialised_text = _SURROGATE.sub("\ufffd", serialised_text)
        record = json.loads(serialised_text)
    serialised = serialised_text.encode("utf-8")
    raw_hash = bytes_hash(serialised)
    if not isinstance(record, Mapping):
        return Failure(source, STAGE, f"JSON item is a {type(record).__name__}, not an object", raw_hash)
    html = first_field(record, HTML_FIELDS)
    text = first_field(record, TEXT_FIELDS)
    body = html if isinstance(html, str) and html.strip() else text
    if not isinstance(body, str) or not body.strip():
        return Failure(source, STAGE, "record has neither html nor text", raw_hash)
    if len(body.encode("utf-8")) > limits.max_page_bytes:
        return Failure(source, STAGE, f"record larger than the {limits.max_page_bytes / 1_048_576:g} MB limit",
                       raw_hash)
    return RawDocument(
        source=source,
        kind="html" if body is html else "text",
        content=body,
        raw_hash=raw_hash,
        input_format=input_format,
        url=_as_text(first_field(record, URL_FIELDS)),
        title=_as_text(first_field(record, TITLE_FIELDS)),
        published=iso_date(first_field(record, DATE_FIELDS)),
        outlet=_as_text(first_field(record, OUTLET_FIELDS)),
        author=_as_text(first_field(record, AUTHOR_FIELDS)),
        language=_as_text(first_field(record, LANGUAGE_FIELDS)),
        encoding="utf-8",
    )


def read_json(stream: IO[bytes], source: str, limits: ReadLimits) -> Iterator[RawDocument | Failure]:
    """A JSON document: one article object, a list of them, or an object wrapping a list."""
    data = read_capped(stream, 64 * limits.max_page_bytes, "JSON file")
    try:
        document = json.loads(decode_bytes(data)[0])
    except (ValueError, EncodingError) as error:
        yield Failure(source, STAGE, f"invalid JSON: {error}", bytes_hash(data))
        return
    if isinstance(document, Mapping):
        wrapped = first_field(document, LIST_FIELDS)
        if isinstance(wrapped, list) and not first_field(document, HTML_FIELDS + TEXT_FIELDS):
            document = wrapped
    if isinstance(document, list):
        for number, item in enumerate(document, start=1):
            yield record_document(item, f"{source}#{number}", "json", limits)
    else:
        yield record_document(document, source, "json", limits)


def read_jsonl(stream: IO[bytes], source: str, limits: ReadLimits) -> Iterator[RawDocument | Failure]:
    """JSON Lines, streamed; a bad line is a failure of its own and the rest go on."""
    try:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            item_source = f"{source}#{number}"
            try:
                record = json.loads(line)
            except ValueError as error:
                yield Failure(item_source, STAGE, f"invalid JSON on line {number}: {error}", bytes_hash(line))
                continue
            yield record_document(record, item_source, "jsonl", limits)
    except OSError as error:
        yield Failure(source, STAGE, f"cannot read: {error}")
    if problem := gzip_problem(stream):
        yield Failure(source, STAGE, f"truncated or corrupt gzip: {problem}")


def read_warc(origin: Path | IO[bytes], source: str, limits: ReadLimits) -> Iterator[RawDocument | Failure]:
    """HTTP response records of a WARC file (plain or gzip) or decompressed stream, streamed with FastWARC."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    # FastWARC stops quietly at a cut-off gzip member, so gzip is ours (TolerantGzipReader) and says
    # whether the file was complete. auto_decode undoes chunked/compressed HTTP transfer encodings.
    stream: IO[bytes] | str = origin if not isinstance(origin, Path) else (
        open_input(origin) if is_gzip(origin) else str(origin))
    records = ArchiveIterator(
        ForwardStream(stream) if not isinstance(stream, str) else stream,
        record_types=WarcRecordType.response, parse_http=True, auto_decode="all", stream_detect=False,
    )
    count = 0
    try:
        for record in records:
            count += 1
            item_source = f"{source}#{count}"
            uri = record.headers.get("WARC-Target-URI")
            status = record.http_headers.status_code if record.is_http else None
            content_type = record.http_content_type or ""
            body = record.reader.read(limits.max_page_bytes + 1)
            if status is not None and status != 200:
                continue
            if content_type and "html" not in content_type.lower() and "xml" not in content_type.lower():
                continue
            if len(body) > limits.max_page_bytes:
                yield Failure(item_source, STAGE, f"WARC record larger than the "
                              f"{limits.max_page_bytes / 1_048_576:g} MB limit")
                continue
            yield page_document(body, item_source, "html", url=uri, limits=limits,
                                header_charset=record.http_charset)
    except Exception as error:  # FastWARC raises plain exceptions on malformed records
        yield Failure(source, STAGE, f"corrupt WARC after {count} records: {error}")
        return
    finally:
        if not isinstance(stream, str):
            stream.close()
    if not isinstance(stream, str) and (problem := gzip_problem(stream)):
        yield Failure(source, STAGE, f"truncated or corrupt WARC.gz after {count} response records: {problem}")
    elif count == 0:
        # FastWARC stops quietly at garbage; a WARC with no readable record is a failure, not a no-op.
        yield Failure(source, STAGE, "no readable WARC response records (truncated, corrupt or empty)")


def read_feed(data: bytes, source: str, limits: ReadLimits) -> Iterator[RawDocument | Failure]:
    """RSS/Atom/RDF items with their full content, else their summary."""
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    outlet = _as_text(parsed.feed.get("title"))
    for number, entry in enumerate(parsed.entries, start=1):
        item_source = f"{source}#{number}"
        contents = entry.get("content") or []
        html = next((c.get("value") for c in contents if c.get("value")), None) or entry.get("summary")
        item = {"title": entry.get("title"), "url": entry.get("link"), "html": html, "outlet": outlet,
                "author": entry.get("author"),
                "date": entry.get("published") or entry.get("updated")}
        yield record_document(item, item_source, "feed", limits)
    if parsed.bozo:
        problem = parsed.get("bozo_exception")
        salvaged = f"; {len(parsed.entries)} items salvaged" if parsed.entries else ""
        yield Failure(source, STAGE, f"broken feed XML: {problem}{salvaged}", bytes_hash(data))
    elif not parsed.entries:
        yield Failure(source, STAGE, "feed has no items", bytes_hash(data))


def read_sniffed(head: bytes, source: str, open_stream: Callable[[], IO[bytes]], limits: ReadLimits, *,
                 warc: Path | None = None, url: str | None = None, content_type: str | None = None,
                 ) -> Iterator[RawDocument | Failure]:
    """Raw documents of one input whose leading (decompressed) bytes are `head`.

    `open_stream` opens the whole decompressed input; `warc` is the file FastWARC may read directly.
    """
    input_format = sniff_format(head)
    if content_type and "html" in content_type.lower() and input_format == "text":
        input_format = "html"
    if input_format == "empty":
        yield Failure(source, STAGE, "empty file" if warc else "empty response", bytes_hash(head))
        return
    if input_format == "binary":
        yield Failure(source, STAGE, f"binary content ({binary_kind(head)}), not a page or a record file",
                      bytes_hash(head))
        return
    if input_format == "warc":
        yield from read_warc(warc or open_stream(), source, limits)
        return
    with open_stream() as stream:
        if input_format == "jsonl":
            yield from read_jsonl(stream, source, limits)
            return
        try:
            if input_format == "json":
                yield from read_json(stream, source, limits)
            elif input_format == "feed":
                yield from read_feed(read_capped(stream, 64 * limits.max_page_bytes, "feed"), source, limits)
            else:
                data = read_capped(stream, limits.max_page_bytes, "page")
                yield page_document(data, source, input_format, url=url, limits=limits,
                                    header_charset=charset_from_content_type(content_type))
        except InputError as error:
            yield Failure(source, STAGE, str(error))


def read_path(path: Path, limits: ReadLimits) -> Iterator[RawDocument | Failure]:
    """Every raw document in one local file, whatever its format."""
    source = str(path)
    try:
        if path.stat().st_size == 0:
            yield Failure(source, STAGE, "empty file", bytes_hash(b""))
            return
        head = read_head(path)
    except (InputError, OSError) as error:
        yield Failure(source, STAGE, str(error) if isinstance(error, InputError) else f"cannot read: {error}")
        return
    yield from read_sniffed(head, source, lambda: open_input(path), limits, warc=path)


def read_bytes(data: bytes, source: str, content_type: str | None, limits: ReadLimits,
               url: str | None = None) -> Iterator[RawDocument | Failure]:
    """Raw documents from an in-memory body (a fetched URL or an upload)."""
    if data[:2] == GZIP_MAGIC:
        try:
            data = gzip.decompress(data)
        except (EOFError, OSError, zlib.error) as error:
            yield Failure(source, STAGE, f"truncated or corrupt gzip: {error}", bytes_hash(data))
            return
    yield from read_sniffed(data[:SNIFF_BYTES], source, lambda: io.BytesIO(data), limits, url=url,
                            content_type=content_type)
