"""Main text and metadata from a plain-text page dump (a browser's select-all/copy of a news page).

This package owns the text-dump extractor. ``extract_text_dump`` splits the dump into lines, scores each
line with the shipped line model (``model.py``, features in ``features.py``), picks the headline
(``title.py``) and applies the rules layer (``rules.py``): furniture lines, temperatures, dates, bylines,
credit lines, repeated headlines and repeated lines are taken out of the text, and the headline, byline
(outlet/author), header date and credits become metadata. The title line and credit lines are not listed
in ``removed``; every other dropped line is.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np

from parallax.extract.page import ExtractedPage
from parallax.extract.textdump import rules
from parallax.extract.textdump.features import line_features
from parallax.extract.textdump.model import LineModel, Stage, load_model
from parallax.extract.textdump.title import find_title_index, first_body_index

__all__ = ["LineModel", "assemble", "extract_text_dump", "find_title_index", "split_lines"]

_Found = TypeVar("_Found")
SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


def split_lines(text: str) -> list[str]:
    """Non-blank lines of a dump, spaces collapsed."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = (SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return [line for line in lines if line]


def _token_set(line: str) -> set[str]:
    return {word.casefold() for word in rules.words_of(rules.fold(line))}


def _repeats_title(line: str, title_tokens: set[str], title_folded: str) -> bool:
    folded = rules.fold(line)
    if folded == title_folded:
        return True
    tokens = _token_set(line)
    if not tokens or not title_tokens:
        return False
    return len(tokens & title_tokens) / len(tokens | title_tokens) >= 0.9


@dataclass(slots=True)
class _Assembly:
    kept: list[int] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    bylines: list[tuple[int, rules.Byline]] = field(default_factory=list)
    source_outlets: list[tuple[int, str]] = field(default_factory=list)
    page_date: str | None = None
    published: str | None = None


def _nearest_to_article(found: list[tuple[int, _Found]], first_body: int, last_body: int,
                        title_index: int | None) -> _Found | None:
    """Of metadata lines found at several places, the one between headline and body, else in or just
    after the body, else the first one (teaser lists elsewhere on the page carry bylines too)."""
    if not found:
        return None
    header_start = title_index if title_index is not None else first_body - 3
    for index, item in found:
        if header_start <= index < first_body:
            return item
    for index, item in found:
        if first_body <= index <= last_body + 3:
            return item
    return found[0][1]


FALLBACK_WORDS = 40
DEK_WORDS = (8, 60)
DEK_MAX_DISTANCE = 4  # lines between headline and standfirst (ad slots, share bars)


def _find_dek(lines: list[str], result: _Assembly, title_index: int | None, keep: np.ndarray,
              title_tokens: set[str], title_folded: str) -> int | None:
    """The standfirst under the headline, which the line model drops with page furniture.

    Decks often carry the story's attributions ("…, officials say"), so they belong in the text as its
    first paragraph: a sentence-like line right under the headline, before the first body line, that
    no rule took out as furniture, byline or date.
    """
    if title_index is None or not result.kept:
        return None
    first_kept = result.kept[0]
    for index in range(title_index + 1, min(first_kept, title_index + 1 + DEK_MAX_DISTANCE)):
        line = lines[index]
        words = rules.words_of(line)
        if keep[index] or not DEK_WORDS[0] <= len(words) <= DEK_WORDS[1] or line.endswith(":"):
            continue
        if rules.is_ui_line(line) or rules.is_credit_line(line) or rules.parse_date_line(line):
            continue
        if _repeats_title(line, title_tokens, title_folded):
            continue
        if sum(word[:1].islower() for word in words) < len(words) / 3 or line not in result.removed:
            continue
        return index
    return None


def assemble(lines: list[str], keep_probability: np.ndarray, threshold: float,
             title_scorer: Stage | None = None) -> ExtractedPage:
    """Apply the rules layer to per-line probabilities and build the extracted page."""
    keep = keep_probability >= threshold
    if not keep.any():
        # Nothing looks like article prose (no sentence punctuation at all, say): a line of forty words
        # or more is still text someone wrote, never page furniture.
        keep = np.array([len(rules.words_of(line)) >= FALLBACK_WORDS for line in lines], dtype=bool)
    title_index = find_title_index(lines, keep_probability, threshold, title_scorer)
    title = lines[title_index] if title_index is not None else None
    title_folded = rules.fold(title) if title else ""
    title_tokens = _token_set(title) if title else set()
    first_body = first_body_index(lines, keep)
    result = _Assembly()
    seen: set[str] = set()
    for index, line in enumerate(lines):
        if index == title_index:
            continue
        if rules.is_credit_line(line):
            result.credits.append(line)
            outlet = rules.source_outlet(line)
            if outlet:
                result.source_outlets.append((index, outlet))
            continue
        date = rules.parse_date_line(line)
        if date:
            if title_index is not None and index < title_index:
                result.page_date = result.page_date or date
            elif index < first_body:
                result.published = result.published or date
            result.removed.append(line)
            continue
        byline = rules.parse_byline(line) if len(rules.words_of(line)) <= 12 else None
        if byline:
            result.bylines.append((index, byline))
            result.removed.append(line)
            continue
        folded = rules.fold(line)
        dropped = (
            not keep[index]
            or rules.is_ui_line(line)
            or rules.is_temperature(line)
            or (title is not None and _repeats_title(line, title_tokens, title_folded))
            or folded in seen
        )
        if dropped:
            result.removed.append(line)
            continue
        seen.add(folded)
        result.kept.append(index)
    dek = _find_dek(lines, result, title_index, keep, title_tokens, title_folded)
    if dek is not None:
        result.kept.insert(0, dek)
        result.removed.remove(lines[dek])
    last_body = result.kept[-1] if result.kept else first_body
    byline = _nearest_to_article(result.bylines, first_body, last_body, title_index)
    source = _nearest_to_article(result.source_outlets, first_body, last_body, title_index)
    header = lines[: title_index if title_index is not None else first_body]
    if byline and byline.author and byline.outlet is None and byline.author in header:
        # The byline repeats the site name printed alone in the page header: an outlet, not a person.
        byline = rules.Byline(author=None, outlet=byline.author)
    return ExtractedPage(
        text="\n\n".join(lines[index] for index in result.kept),
        title=title,
        author=byline.author if byline else None,
        outlet=(byline.outlet if byline else None) or source,
        published=result.published,
        page_date=result.page_date,
        credits=result.credits,
        removed=result.removed,
        extractor="textdump",
    )


def extract_text_dump(text: str, model: LineModel | None = None) -> ExtractedPage:
    """Main text (paragraphs joined by blank lines, title excluded) and metadata of a page dump."""
    lines = split_lines(text)
    if not lines:
        return ExtractedPage(text="", extractor="textdump")
    line_model = model if model is not None else load_model()
    probabilities = line_model.predict_proba(line_features(lines))
    return assemble(lines, probabilities, line_model.threshold, line_model.title)
