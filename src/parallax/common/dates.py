"""Normalising the publication dates that inputs carry as metadata to ISO 8601 dates.

Feeds use RFC 2822 ("Tue, 04 Mar 2025 10:15:00 GMT"), news-please uses "2025-03-04 10:15:00",
APIs use ISO 8601 with zones. Resolving dates written in article prose is the events stage's job.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re

_ISO_PREFIX = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
_EARLIEST_YEAR = 1900


def iso_date(value: object) -> str | None:
    """A YYYY-MM-DD string for a date-like value, or None when it is missing or not a real date."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        try:
            return dt.datetime.fromtimestamp(value, tz=dt.UTC).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    text = str(value).strip()
    match = _ISO_PREFIX.match(text)
    if match:
        try:
            parsed = dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
        return parsed.isoformat() if parsed.year >= _EARLIEST_YEAR else None
    try:
        return email.utils.parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        from dateutil import parser as dateutil_parser

        return dateutil_parser.parse(text, fuzzy=False).date().isoformat()
    except (ValueError, OverflowError, ImportError):
        return None
