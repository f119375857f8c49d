"""Fetching URLs against a local server: limits, redirects, errors and the private-address guard."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from parallax.ingest import Ingestor, IngestSettings
from parallax.records import Failure, RawDocument
from tests.pages import news_html

PAGE = news_html().encode("utf-8")


class NewsHandler(BaseHTTPRequestHandler):
    def log_message(self, *_args: object) -> None:
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path == "/story":
            self._send(200, PAGE, {"Content-Type": "text/html; charset=utf-8"})
        elif self.path == "/old-story":
            self._send(301, headers={"Location": "/story"})
        elif self.path == "/loop":
            self._send(302, headers={"Location": "/loop"})
        elif self.path == "/broken":
            self._send(500, b"Internal Server Error")
        elif self.path == "/slow":
            time.sleep(2)
            self._send(200, PAGE, {"Content-Type": "text/html"})
        elif self.path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()  # no Content-Length: the cap must hold while streaming
            chunk = b"<p>" + b"Quota talks resumed. " * 500 + b"</p>"
            try:
                for _ in range(400):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
        else:
            self._send(404, b"not found")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), NewsHandler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def fetch(url: str, **settings: object) -> list[RawDocument | Failure]:
    options = {"allow_private_urls": True, "fetch_timeout_s": 0.5, **settings}
    return list(Ingestor(IngestSettings(**options)).iter_documents([url]))  # type: ignore[arg-type]


def test_fetches_a_page_and_follows_a_redirect(server: str) -> None:
    [document] = fetch(f"{server}/old-story")
    assert isinstance(document, RawDocument)
    assert document.kind == "html" and document.source == f"{server}/old-story"
    assert document.url == f"{server}/story"
    assert "42 trawlers" in document.content


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/broken", "HTTP 500"),
        ("/slow", "timed out after 0.5 s"),
        ("/loop", "more than 5 redirects"),
        ("/missing", "HTTP 404"),
    ],
)
def test_fetch_failures_are_recorded_with_a_reason(server: str, path: str, reason: str) -> None:
    [failure] = fetch(f"{server}{path}")
    assert isinstance(failure, Failure)
    assert failure.source == f"{server}{path}"
    assert failure.reason.startswith(reason), failure.reason


def test_size_cap_holds_while_streaming(server: str) -> None:
    [failure] = fetch(f"{server}/huge", max_page_bytes=1_048_576)
    assert isinstance(failure, Failure)
    assert "larger than the 1 MB limit" in failure.reason


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "10.1.2.3", "192.168.0.7", "169.254.169.254", "[::1]"])
def test_private_addresses_are_refused_without_the_flag(host: str) -> None:
    [failure] = fetch(f"http://{host}:9/story", allow_private_urls=False)
    assert isinstance(failure, Failure)
    assert failure.reason.startswith("refused:"), failure.reason


def test_other_schemes_are_refused() -> None:
    [failure] = fetch("http://", allow_private_urls=False)
    assert isinstance(failure, Failure)
    assert "no host" in failure.reason
