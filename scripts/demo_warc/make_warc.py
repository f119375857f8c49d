"""Build the demo WARC file `examples/warc/demo-crawl.warc.gz` from the pages in `scripts/demo_warc/pages/`.

The archive imitates a small crawl: one `warcinfo` record, one `request` record (which readers must
skip) and one `response` record per page, each with HTTP/1.1 200 headers and the page's HTML as the
payload. Record ids and dates are fixed, so running the script again writes the same records.

Usage (from the repository root):

    .venv/bin/python examples/make_warc.py

All page text is invented for the Parallax demo.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HERE = Path(__file__).resolve().parent
PAGES_DIR = HERE / "pages"
OUTPUT = HERE.parents[1] / "examples" / "warc" / "demo-crawl.warc.gz"
NAMESPACE = uuid.UUID("6b1f0e52-8c3a-4c7e-9d1a-2f5b7c9e0a11")


@dataclass(frozen=True)
class Capture:
    """Where and when one page of `PAGES_DIR` was (notionally) fetched."""

    filename: str
    url: str
    warc_date: str  # capture time, ISO 8601 UTC, as written in WARC-Date
    http_date: str  # the same time in HTTP-date form, for the response's Date header
    with_request: bool = False


CAPTURES: tuple[Capture, ...] = (
    Capture(
        filename="lakeside-observer-harakapesa-reprint.html",
        url="https://lakesideobserver.co.ke/business/kenyan-regulator-slaps-harakapesa-with-sh620m-fine",
        warc_date="2025-03-05T06:12:40Z",
        http_date="Wed, 05 Mar 2025 06:12:40 GMT",
        with_request=True,
    ),
    Capture(
        filename="andes-monitor-dozen-boats.html",
        url="https://www.andesmonitor.com/region/peru/chilean-owners-say-peru-seized-a-dozen-boats",
        warc_date="2025-03-05T18:03:09Z",
        http_date="Wed, 05 Mar 2025 18:03:09 GMT",
    ),
)


def record_id(*parts: str) -> str:
    """A stable WARC-Record-ID derived from the given parts."""
    return f"<urn:uuid:{uuid.uuid5(NAMESPACE, '|'.join(parts))}>"


def write_warcinfo(writer: WARCWriter) -> None:
    info = {
        "software": "parallax-demo make_warc.py (warcio)",
        "format": "WARC File Format 1.0",
        "conformsTo": "http://bibnum.bnf.fr/WARC/WARC_ISO_28500_version1_latestdraft.pdf",
        "description": "Invented demo pages for Parallax; not real news.",
        "robots": "obey",
    }
    record = writer.create_warcinfo_record(OUTPUT.name, info)
    record.rec_headers.replace_header("WARC-Record-ID", record_id("warcinfo", OUTPUT.name))
    record.rec_headers.replace_header("WARC-Date", CAPTURES[0].warc_date)
    writer.write_record(record)


def write_request(writer: WARCWriter, capture: Capture) -> None:
    host = capture.url.split("/")[2]
    path = "/" + capture.url.split("/", 3)[3]
    http_headers = StatusAndHeaders(
        f"GET {path} HTTP/1.1",
        [
            ("Host", host),
            ("User-Agent", "Mozilla/5.0 (compatible; ParallaxDemoBot/0.1)"),
            ("Accept", "text/html,application/xhtml+xml"),
            ("Accept-Language", "en;q=0.9"),
        ],
        is_http_request=True,
    )
    record = writer.create_warc_record(
        capture.url,
        "request",
        payload=BytesIO(b""),
        length=0,
        http_headers=http_headers,
        warc_headers_dict={
            "WARC-Record-ID": record_id("request", capture.url),
            "WARC-Date": capture.warc_date,
        },
    )
    writer.write_record(record)


def write_response(writer: WARCWriter, capture: Capture) -> None:
    body = (PAGES_DIR / capture.filename).read_bytes()
    http_headers = StatusAndHeaders(
        "200 OK",
        [
            ("Date", capture.http_date),
            ("Server", "nginx"),
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "max-age=300"),
        ],
        protocol="HTTP/1.1",
    )
    warc_headers = {
        "WARC-Record-ID": record_id("response", capture.url),
        "WARC-Date": capture.warc_date,
    }
    if capture.with_request:
        warc_headers["WARC-Concurrent-To"] = record_id("request", capture.url)
    record = writer.create_warc_record(
        capture.url,
        "response",
        payload=BytesIO(body),
        length=len(body),
        http_headers=http_headers,
        warc_headers_dict=warc_headers,
    )
    writer.write_record(record)


def main() -> None:
    on_disk = {p.name for p in PAGES_DIR.glob("*.html")}
    listed = {c.filename for c in CAPTURES}
    if on_disk != listed:
        raise SystemExit(
            f"pages in {PAGES_DIR} and CAPTURES differ: missing {sorted(listed - on_disk)}, "
            f"unlisted {sorted(on_disk - listed)}"
        )
    with OUTPUT.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version="1.0")
        write_warcinfo(writer)
        for capture in CAPTURES:
            if capture.with_request:
                write_request(writer, capture)
            write_response(writer, capture)
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes, {len(CAPTURES)} responses)")


if __name__ == "__main__":
    main()
