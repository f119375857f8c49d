"""Fetching pages by URL with the limits a crawler on a shared machine needs.

Every hop of a redirect chain is checked: http(s) only, a bounded number of redirects, a time-out,
a size cap enforced while streaming, and no private, loopback, link-local or otherwise reserved
address unless the caller allows it (server-side request forgery guard). The address check
resolves the host before connecting; a DNS answer that changes between the check and the
connection (rebinding) is outside what this guard covers.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from parallax import __version__


class FetchError(Exception):
    """A URL could not be fetched within the rules; the message is the one-line reason."""


@dataclass(slots=True, frozen=True)
class FetchLimits:
    timeout_s: float = 15.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    allow_private: bool = False


@dataclass(slots=True)
class FetchedPage:
    url: str  # the final URL after redirects
    body: bytes
    content_type: str | None


def _refuse_private_host(host: str, port: int) -> None:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror as error:
        raise FetchError(f"cannot resolve host {host!r}: {error.strerror}") from error
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global or address.is_multicast:
            raise FetchError(
                f"refused: {host} resolves to non-public address {address} (allow with --allow-private-urls)"
            )


def _check_url(url: str, limits: FetchLimits) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"unsupported URL scheme {parts.scheme!r}")
    if not parts.hostname:
        raise FetchError("URL has no host")
    if not limits.allow_private:
        _refuse_private_host(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))


def fetch_url(url: str, limits: FetchLimits, client: httpx.Client | None = None) -> FetchedPage:
    """GET a page, following at most `limits.max_redirects` redirects; raise FetchError on any breach."""
    own_client = client is None
    http = client or httpx.Client(
        timeout=limits.timeout_s,
        follow_redirects=False,
        headers={"User-Agent": f"parallax/{__version__} (+news analysis)"},
    )
    try:
        current = url
        for _hop in range(limits.max_redirects + 1):
            _check_url(current, limits)
            try:
                with http.stream("GET", current) as response:
                    if response.is_redirect:
                        location = response.headers.get("location")
                        if not location:
                            raise FetchError(f"HTTP {response.status_code} redirect without a Location")
                        current = urljoin(current, location)
                        continue
                    if response.status_code >= 400:
                        raise FetchError(f"HTTP {response.status_code} {response.reason_phrase}".strip())
                    declared = response.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > limits.max_bytes:
                        raise FetchError(f"page larger than the {limits.max_bytes // 1_048_576} MB limit")
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body.extend(chunk)
                        if len(body) > limits.max_bytes:
                            raise FetchError(f"page larger than the {limits.max_bytes // 1_048_576} MB limit")
                    return FetchedPage(str(response.url), bytes(body), response.headers.get("content-type"))
            except httpx.TimeoutException as error:
                raise FetchError(f"timed out after {limits.timeout_s:g} s") from error
            except httpx.HTTPError as error:
                raise FetchError(f"network error: {error}") from error
        raise FetchError(f"more than {limits.max_redirects} redirects")
    finally:
        if own_client:
            http.close()
