"""A streaming gzip reader that hands over everything it could decompress before a cut.

Python's `gzip.GzipFile.read` raises at a truncated end and loses the data of that read, and
FastWARC stops quietly at one; for a cut-off `.warc.gz` download we want both the complete
records before the cut and a recorded failure. Multi-member files (one member per WARC record)
are read member after member.
"""

from __future__ import annotations

import io
import zlib
from typing import IO

_CHUNK = 1 << 16
_GZIP_WBITS = 16 + zlib.MAX_WBITS


class TolerantGzipReader(io.RawIOBase):
    """Raw stream of decompressed bytes; `problem` says why it ended early, if it did."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._decompressor = zlib.decompressobj(_GZIP_WBITS)
        self._member_open = False
        self._pending = bytearray()
        self._finished = False
        self.problem: str | None = None

    def readable(self) -> bool:
        return True

    def _fill(self, wanted: int) -> None:
        while len(self._pending) < wanted and not self._finished:
            chunk = self._raw.read(_CHUNK)
            if not chunk:
                self._finished = True
                if self._member_open:
                    self.problem = "compressed file ended before the end-of-stream marker (truncated)"
                return
            self._feed(chunk)

    def _feed(self, data: bytes) -> None:
        while data:
            self._member_open = True
            try:
                self._pending += self._decompressor.decompress(data)
            except zlib.error as error:
                self.problem = f"corrupt gzip data: {error}"
                self._finished = True
                return
            if not self._decompressor.eof:
                return
            data = self._decompressor.unused_data
            self._decompressor = zlib.decompressobj(_GZIP_WBITS)
            self._member_open = False

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        self._fill(len(buffer))
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        del self._pending[:size]
        return size

    def close(self) -> None:
        self._raw.close()
        super().close()


class ForwardStream:
    """Adapter giving a forward-only stream the `tell`/`seek` FastWARC calls (forward seeks only)."""

    def __init__(self, inner: IO[bytes]) -> None:
        self._inner = inner
        self._position = 0

    def read(self, size: int = -1) -> bytes:
        data = self._inner.read(size)
        self._position += len(data)
        return data

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        target = offset if whence == io.SEEK_SET else self._position + offset
        if whence == io.SEEK_END or target < self._position:
            raise io.UnsupportedOperation("backward seek on a forward-only stream")
        while self._position < target and self.read(min(_CHUNK, target - self._position)):
            pass
        return self._position

    def close(self) -> None:
        self._inner.close()
