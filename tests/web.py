"""Helpers of the web tests: a live server in a thread, the XSS probe record, waiting for ingest jobs."""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from parallax.serve.state import WebSettings
from parallax.serve.web import create_app

# An article whose title, text and URL try every way into the page: a script tag, an event handler
# attribute and javascript: links. Rendered, none of it may run or become a link.
XSS_TITLE = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2"> Harbour pilots strike'
XSS_TEXT = (
    "Harbour pilots in the port of Valdivia walked out on Monday, the pilots' union said, after talks on "
    "night-shift pay broke down.\n\n"
    "\u201cWe will not guide a single vessel until the port authority signs,\u201d union leader Marta Quiroga "
    "told reporters, pointing to a leaflet that read <script>window.__xss = 3</script> and "
    '<a href="javascript:window.__xss = 4">click here</a> in large letters.\n\n'
    'The port authority said the strike was illegal and that 14 ships were waiting <img src=x onerror='
    '"window.__xss = 5"> outside the breakwater, with more expected by Wednesday.\n\n'
    "Shipping agents said the delays could cost exporters more than $3 million a day if the strike lasts."
)


def xss_record() -> bytes:
    return json.dumps([{"url": "javascript:window.__xss = 6", "title": XSS_TITLE, "date": "2025-03-07",
                        "text": XSS_TEXT}]).encode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class LiveServer:
    """A uvicorn server running the app in a thread."""

    TOKEN = "test-token-7f3a"
    url: str
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.TOKEN}"}


def start_server(db: Path, token: str | None = None) -> LiveServer:
    port = free_port()
    app = create_app(WebSettings(db=str(db), token=token))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    return LiveServer(f"http://127.0.0.1:{port}", server, thread)


def wait_for_job(client: httpx.Client, job_id: str, timeout_s: float = 120) -> dict[str, Any]:
    """Poll an ingest job until it is finished; its last state."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/api/v1/jobs/{job_id}").json()
        if job["finished"]:
            return job
        time.sleep(0.3)
    raise TimeoutError(f"ingest job {job_id} did not finish in {timeout_s} s")
