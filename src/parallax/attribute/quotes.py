"""Quotation spans in cleaned article text: curly and straight marks, unbalanced and missing ones.

Our own code: quote-pairing libraries assume balanced marks, and scraped or machine-translated news
often is not. The rules, applied paragraph by paragraph (a blank line ends a paragraph):

- “…” and "…" pair in order; a straight mark opens when it follows a space, a bracket or the start
  of the paragraph and closes otherwise.
- A closing mark with no opening one before it in the paragraph opens at the paragraph start (or
  just after the previous quote): the opening mark went missing.
- An opening mark never closed runs to the end of the paragraph; the convention for a quote over
  several paragraphs is to reopen it at the start of each, so the next paragraph's opening quote is
  marked as its continuation.
- Single marks (‘…’) are not quotations here: in English news they are apostrophes or headline
  scare quotes, and pairing them against apostrophes does more harm than good.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

OPENING = "“«„"
CLOSING = "”»"
STRAIGHT = '"'
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_WORD = re.compile(r"\w+")


@dataclass(slots=True, frozen=True)
class QuoteSpan:
    """A quotation: `start`/`end` include the marks present; inner offsets exclude them."""

    start: int
    end: int
    inner_start: int
    inner_end: int
    opened: bool  # the opening mark is present
    closed: bool  # the closing mark is present
    continues_previous: bool = False  # opens a paragraph right after a paragraph whose quote never closed

    def words(self, text: str) -> int:
        return len(_WORD.findall(text, self.inner_start, self.inner_end))


class QuoteIndex(list[QuoteSpan]):
    """Quotations in text order, with range look-ups in logarithmic time (long articles have thousands)."""

    def __init__(self, quotes: Iterable[QuoteSpan] = ()) -> None:
        super().__init__(sorted(quotes, key=lambda quote: quote.start))
        self.starts = [quote.start for quote in self]

    def near(self, start: int, end: int) -> list[QuoteSpan]:
        """The quotations that overlap [start, end)."""
        first = max(0, bisect.bisect_right(self.starts, start) - 1)
        last = bisect.bisect_left(self.starts, end)
        return [quote for quote in self[first:last] if quote.end > start]

    def from_offset(self, offset: int) -> list[QuoteSpan]:
        """The quotations that start at or after `offset`."""
        return self[bisect.bisect_left(self.starts, offset):]


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    position = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, len(text)))
    return [(start, end) for start, end in spans if end > start]


def _marks(text: str, start: int, end: int) -> list[tuple[int, str]]:
    """(offset, "open" | "close") for every double quotation mark in text[start:end]."""
    marks: list[tuple[int, str]] = []
    for offset in range(start, end):
        char = text[offset]
        if char in OPENING:
            marks.append((offset, "open"))
        elif char in CLOSING:
            marks.append((offset, "close"))
        elif char == STRAIGHT:
            before = text[offset - 1] if offset > start else " "
            after = text[offset + 1] if offset + 1 < end else " "
            opens = (before.isspace() or before in "([{—–-/") and not after.isspace()
            marks.append((offset, "open" if opens else "close"))
    return marks


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def find_quotes(text: str) -> QuoteIndex:
    """Every quotation in the text, in order, never overlapping."""
    quotes: list[QuoteSpan] = []
    previous_unclosed = False
    for para_start, para_end in paragraph_spans(text):
        floor = para_start  # a quote with a missing opening mark starts here
        open_at: int | None = None
        first_in_paragraph = True
        paragraph_unclosed = False
        for offset, role in _marks(text, para_start, para_end):
            if role == "open":
                if open_at is not None:  # two openings in a row: the first quote ends before the second
                    inner = _trim(text, open_at + 1, offset)
                    quotes.append(QuoteSpan(open_at, inner[1], *inner, opened=True, closed=False))
                open_at = offset
                continue
            if open_at is not None:
                inner = _trim(text, open_at + 1, offset)
                continues = first_in_paragraph and previous_unclosed and open_at == para_start
                quotes.append(QuoteSpan(open_at, offset + 1, *inner, opened=True, closed=True,
                                        continues_previous=continues))
                open_at = None
            else:
                inner = _trim(text, floor, offset)
                if inner[1] > inner[0]:
                    quotes.append(QuoteSpan(inner[0], offset + 1, *inner, opened=False, closed=True))
            floor = offset + 1
            first_in_paragraph = False
        if open_at is not None:
            inner = _trim(text, open_at + 1, para_end)
            if inner[1] > inner[0]:
                continues = first_in_paragraph and previous_unclosed and open_at == para_start
                quotes.append(QuoteSpan(open_at, inner[1], *inner, opened=True, closed=False,
                                        continues_previous=continues))
                paragraph_unclosed = True
        previous_unclosed = paragraph_unclosed
    return QuoteIndex(quote for quote in quotes if quote.inner_end > quote.inner_start)
