"""Ingest stage: from what a user names (files, folders, globs, URLs) to raw documents.

`Ingestor.iter_documents` streams `RawDocument`s and `Failure`s; it never raises for a bad input,
so one broken file or URL is a recorded failure and the batch goes on.
"""

from __future__ import annotations

import glob
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from parallax.ingest.fetch import FetchError, FetchLimits, fetch_url
from parallax.ingest.readers import STAGE, ReadLimits, read_bytes, read_path
from parallax.records import Failure, RawDocument

__all__ = ["IngestSettings", "Ingestor", "expand_inputs", "is_url"]

_GLOB_CHARS = set("*?[")
# Walking a folder skips what is plainly not a page or a record file (code, docs, styles, images,
# fonts); a file named explicitly is always read, and fails with a reason if it is no page.
SKIPPED_IN_FOLDERS = frozenset({
    ".py", ".pyc", ".md", ".rst", ".toml", ".yaml", ".yml", ".cfg", ".ini", ".sh", ".js", ".css", ".map",
    ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".ico", ".woff", ".woff2", ".ttf", ".otf",
    ".db", ".db-wal", ".db-shm", ".db-journal", ".sqlite", ".sqlite3",
})


@dataclass(slots=True, frozen=True)
class IngestSettings:
    max_page_bytes: int = 10 * 1024 * 1024
    fetch_timeout_s: float = 15.0
    max_redirects: int = 5
    allow_private_urls: bool = False

    @property
    def read_limits(self) -> ReadLimits:
        return ReadLimits(max_page_bytes=self.max_page_bytes)

    @property
    def fetch_limits(self) -> FetchLimits:
        return FetchLimits(timeout_s=self.fetch_timeout_s, max_bytes=self.max_page_bytes,
                           max_redirects=self.max_redirects, allow_private=self.allow_private_urls)


def is_url(spec: str) -> bool:
    return spec.startswith(("http://", "https://"))


def _walkable(path: Path, root: Path) -> bool:
    hidden = any(part.startswith(".") for part in path.relative_to(root).parts)
    return path.is_file() and not hidden and path.suffix.lower() not in SKIPPED_IN_FOLDERS


def expand_inputs(specs: Iterable[str]) -> Iterator[str | Path | Failure]:
    """URLs as given, files, glob matches, and the page files under a folder (recursively); sorted."""
    for spec in specs:
        if is_url(spec):
            yield spec
            continue
        path = Path(spec).expanduser()
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if _walkable(p, path))
        elif path.is_file():
            yield path
        elif _GLOB_CHARS & set(spec):
            matches = sorted(Path(m) for m in glob.glob(str(path), recursive=True) if Path(m).is_file())
            if not matches:
                yield Failure(spec, STAGE, "glob matched no files")
            yield from matches
        else:
            yield Failure(spec, STAGE, "no such file, folder or URL")


class Ingestor:
    """Reads inputs into raw documents; holds no state between calls but its settings."""

    name = "ingest"

    def __init__(self, settings: IngestSettings | None = None) -> None:
        self.settings = settings or IngestSettings()

    def iter_documents(self, specs: Iterable[str]) -> Iterator[RawDocument | Failure]:
        for item in expand_inputs(specs):
            if isinstance(item, Failure):
                yield item
            elif isinstance(item, Path):
                yield from read_path(item, self.settings.read_limits)
            else:
                yield from self.fetch(item)

    def fetch(self, url: str) -> Iterator[RawDocument | Failure]:
        try:
            page = fetch_url(url, self.settings.fetch_limits)
        except FetchError as error:
            yield Failure(url, STAGE, str(error))
            return
        yield from read_bytes(page.body, url, page.content_type, self.settings.read_limits, url=page.url)
