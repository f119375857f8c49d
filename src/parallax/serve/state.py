"""What the web app shares between requests: its settings, the store, the store-wide names (cached), who
may read and write, and the ingest jobs.

Access: writes (ingest, merge, split) need the bearer token set by `PARALLAX_TOKEN` and are refused
altogether while it is unset. Reads follow `read_access`: `local` (default) lets loopback clients in
and asks others for the token, `open` lets everyone in, `token` always asks for the token.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import threading
import time
from dataclasses import dataclass
from typing import Literal

from fastapi import HTTPException, Request

from parallax.serve.export import CanonicalNames, EventNames, store_names
from parallax.serve.jobs import IngestJobs
from parallax.store import Store, database_url

ReadAccess = Literal["local", "open", "token"]
READ_ACCESS: tuple[ReadAccess, ...] = ("local", "open", "token")
TOKEN_ENV = "PARALLAX_TOKEN"


@dataclass(slots=True)
class WebSettings:
    """How `parallax serve` runs."""

    db: str | None = None  # SQLite path or SQLAlchemy URL; PARALLAX_DB or parallax.db when None
    token: str | None = None  # the write token; PARALLAX_TOKEN when None (empty: writes refused)
    read_access: ReadAccess = "local"
    ingest_workers: int = 0  # worker processes of an ingest job; 0 runs it in the job thread
    max_upload_mb: float = 10.0  # per uploaded file
    names_ttl_s: float = 30.0  # how long the store-wide names are cached


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def bearer(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


class AppState:
    """One per app: the store and the caches over it."""

    def __init__(self, settings: WebSettings, jobs: IngestJobs | None = None) -> None:
        self.settings = settings
        self.token = settings.token if settings.token is not None else os.environ.get(TOKEN_ENV) or None
        self.store = Store(database_url(settings.db))
        self.jobs = jobs or IngestJobs(self.store, workers=settings.ingest_workers, on_change=self.invalidate)
        self._names: tuple[float, dict[tuple[str, str, str | None], str], EventNames] | None = None
        self._lock = threading.Lock()

    def names(self) -> tuple[CanonicalNames, EventNames]:
        """The store-wide canonical names and the event-party index built on them (cached a little while)."""
        with self._lock:
            now = time.monotonic()
            if self._names is None or now - self._names[0] > self.settings.names_ttl_s:
                names = store_names(self.store)
                self._names = (now, names, EventNames.build(names))
            return self._names[1], self._names[2]

    def invalidate(self) -> None:
        with self._lock:
            self._names = None

    def token_matches(self, given: str | None) -> bool:
        return bool(self.token and given and hmac.compare_digest(given.encode(), self.token.encode()))

    def check_write(self, given: str | None) -> None:
        """Refuse a write: 403 while no token is configured, 401 without the right one."""
        if not self.token:
            raise HTTPException(403, f"writes are disabled: start the server with {TOKEN_ENV} set")
        if not self.token_matches(given):
            raise HTTPException(401, "a valid bearer token is needed for this", headers={"WWW-Authenticate": "Bearer"})

    def check_read(self, request: Request) -> None:
        access = self.settings.read_access
        if access == "open" or (access == "local" and is_loopback(request.client.host if request.client else None)):
            return
        if not self.token_matches(bearer(request)):
            raise HTTPException(401, "reading needs a bearer token from this address",
                                headers={"WWW-Authenticate": "Bearer"})

    def close(self) -> None:
        self.jobs.shutdown()
        self.store.close()


def app_state(request: Request) -> AppState:
    state: AppState = request.app.state.parallax
    return state


def require_read(request: Request) -> None:
    """Dependency of every read route (pages and API)."""
    app_state(request).check_read(request)
