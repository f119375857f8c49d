"""The stories search of the web app and the API: the words and filters a user types, checked and turned
into a `StoryFilter` (the store runs it: SQLite FTS5 when the database has the index, LIKE otherwise).

Words are split on white space; "double quotes" keep a phrase together. Every word must match (a title,
an article's text or a claim of the story); a single word matches as a prefix ("sanction" finds
"sanctions"). Dates are ISO (YYYY-MM-DD); a bad date is the caller's 422.
"""

from __future__ import annotations

import datetime as dt
import re

from parallax.store.stories import StoryFilter

_TERM = re.compile(r'"([^"]*)"|(\S+)')
MAX_TERMS = 12


def parse_terms(query: str | None) -> tuple[str, ...]:
    """The words and "phrases" of a query, in order, without duplicates or empty pieces."""
    terms: list[str] = []
    for phrase, word in _TERM.findall(query or ""):
        term = " ".join((phrase or word).split()).strip('"')
        if term and term not in terms:
            terms.append(term)
    return tuple(terms[:MAX_TERMS])


def check_date(value: str | None, name: str) -> str | None:
    """The ISO date, or None when empty; ValueError naming the parameter when it is not a date."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError as error:
        raise ValueError(f"{name} must be a date like 2025-03-04, not {value!r}") from error


def story_filter(q: str | None = None, since: str | None = None, until: str | None = None,
                 outlet: str | None = None, language: str | None = None, entity: str | None = None) -> StoryFilter:
    """The filter for these request parameters (blank ones ignored); ValueError for a bad date."""
    return StoryFilter(terms=parse_terms(q), since=check_date(since, "since"), until=check_date(until, "until"),
                       outlet=(outlet or "").strip() or None, language=(language or "").strip().lower() or None,
                       entity=(entity or "").strip() or None)
