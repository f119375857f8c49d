"""Line features for the text-dump line classifier, shared by training (bench/) and run time.

This module owns the numeric description of every non-blank line of a page dump: the line's own shape
(length, punctuation, stop words, capitals, digits, furniture lexicon hits, repeats), its place in the
page (position, distance to the main block of running text) and its neighbours' shapes (context
window). ``line_features`` returns a float32 matrix whose columns are named by ``feature_names``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import cache

import numpy as np

from parallax.extract.textdump import rules

_STOPWORD_TEXT = """a an the and or but if of to in on at by for with from as is are was were be been being has have had
    do does did not no that this these those it its he she they we you i his her their our your him them
    who whom which what when where why how than then there here also into over after before about said says
    will would can could may might should must just more most some any all such only other new up out one
    two first last while during against between under since until because so very de la el en y los las
    del se que por con para una un o e os as do da dos das em no na um uma não le les des du et est pour
    dans sur pas der die das und ist nicht mit von zu den"""
STOPWORDS: frozenset[str] = frozenset(_STOPWORD_TEXT.split())  # frequent function words of en/es/pt/fr/de
SENTENCE_BREAK = re.compile(r"[.!?…][\"'”’)\]]*\s+[\"'“‘(]?[A-Z0-9À-Ý]")
SEPARATORS = re.compile(r"[|•›»·©®™→←▶►«]")
HASHTAG_OR_HANDLE = re.compile(r"(?:^|\s)[#@]\w")
COMMENT_SIGN_OFF = re.compile(
    r"\b(?:says|said|wrote|writes|replied)\s*:\s*$|\bat \d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\s*(?:said|says)?:?$",
    re.IGNORECASE,
)  # "Alex on May 3, 2023 at 6:34 am said:"; looked for in the last COMMENT_TAIL_CHARS characters only
COMMENT_TAIL_CHARS = 48
COMMENT_ACTION = re.compile(r"^(?:reply|report|flag|like|quote)(?:\s+\S+)?$", re.IGNORECASE)
COMMENT_MARKER = re.compile(
    r"^(?:\d+|no|one|two|three)\s+(?:comments?|responses?|replies|thoughts?)\b|^(?:comments?|responses?)\s*\(\d+\)"
    r"|^(?:leave|post|add|write|submit) (?:a|your) (?:comment|reply|response)|^join the (?:discussion|conversation)"
    r"|^(?:reader )?comments?$|^discussion$|^(?:\d+ )?thoughts? on\b|^responses? to\b|^comments? (?:are|is) closed",
    re.IGNORECASE,
)
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")

OWN_FEATURES: tuple[str, ...] = (
    "log_chars", "log_words", "ends_sentence", "ends_colon", "log_sentence_breaks", "punct_ratio",
    "commas_per_word", "stopword_ratio", "capitalised_ratio", "digit_ratio", "upper_ratio", "starts_lower",
    "starts_quote_or_dash", "mean_word_length", "has_separator", "lex_social", "lex_account", "lex_comment",
    "lex_legal", "lex_ads", "lex_related", "lex_media", "lex_nav", "lex_any", "date_mention", "is_date_line",
    "url_or_email", "byline_like", "credit_like", "ui_line", "temperature", "log_repeats", "is_later_repeat",
    "title_case", "single_word", "hashtag", "relative_length", "is_rich", "headline_like", "comment_header",
    "comment_marker",
)
CONTEXT_FEATURES: tuple[str, ...] = (
    "log_words", "ends_sentence", "stopword_ratio", "lex_any", "is_rich", "capitalised_ratio", "ui_line",
    "date_mention", "headline_like",
)
CONTEXT_OFFSETS: tuple[int, ...] = (-3, -2, -1, 1, 2, 3)
PAGE_FEATURES: tuple[str, ...] = (
    "relative_position", "log_lines_before", "log_lines_after", "log_page_lines", "word_position",
    "in_main_block", "log_lines_before_block", "log_lines_after_block", "main_block_word_share",
    "log_distance_to_rich", "rich_share_window5", "mean_log_words_window5", "in_any_block",
    "lines_share_before_first_rich", "block_rank", "after_comment_marker", "log_distance_previous_rich",
    "log_distance_next_rich", "rich_share_before15", "rich_share_after15", "headline_share_window5",
    "sentence_end_share_window5", "date_share_window5", "same_shape_as_minus2", "same_shape_as_plus2",
    "same_shape_as_minus3", "same_shape_as_plus3", "same_shape_share_window6",
)
RICH_MIN_WORDS = 10
BLOCK_MAX_GAP = 4


def feature_names() -> list[str]:
    """Column names of the matrix ``line_features`` returns."""
    names = list(OWN_FEATURES) + list(PAGE_FEATURES)
    for offset in CONTEXT_OFFSETS:
        names += [f"{name}@{offset:+d}" for name in CONTEXT_FEATURES]
        names.append(f"exists@{offset:+d}")
    return names


_OWN_INDEX = {name: index for index, name in enumerate(OWN_FEATURES)}


@cache
def _lexicon_lookup() -> dict[str, tuple[str, ...]]:
    """Furniture word -> the lexicon groups (rules.LEXICON_GROUPS) it belongs to."""
    lookup: dict[str, list[str]] = {}
    for group, words in rules.LEXICON_GROUPS.items():
        for word in words:
            lookup.setdefault(word, []).append(group)
    return {word: tuple(groups) for word, groups in lookup.items()}


CLOSING_MARKS = "\"'”’»)]」』 "
SENTENCE_MARKS = ".!?…。！？"


def _has_spaceless_script(line: str) -> bool:
    return not line.isascii() and CJK.search(line) is not None


def effective_word_count(line: str, words: list[str] | None = None) -> int:
    """Words in a line; CJK text (written without spaces) counts one word per two characters."""
    n_words = len(words if words is not None else rules.words_of(line))
    if not _has_spaceless_script(line):
        return n_words
    return max(n_words, len(CJK.findall(line)) // 2)


def ends_like_sentence(line: str) -> bool:
    """The line's last mark (closing quotes and brackets aside) ends a sentence."""
    return line.rstrip(CLOSING_MARKS)[-1:] in SENTENCE_MARKS if line else False


def _own_features(line: str, repeats: int, is_later_repeat: bool, max_words: int) -> list[float]:
    """The line's own features, in OWN_FEATURES order."""
    words = rules.words_of(line)
    n_words = effective_word_count(line, words)
    n_chars = len(line)
    ends_sentence = ends_like_sentence(line)
    letters = sum(map(str.isalpha, line))
    uppers = sum(map(str.isupper, line))
    digits = sum(map(str.isdigit, line))
    punctuation = n_chars - letters - digits - sum(map(str.isspace, line))
    lowered = [word.casefold() for word in words]
    stop_ratio = sum(word in STOPWORDS for word in lowered) / max(1, n_words)
    alpha_words = [word for word in words if word[:1].isalpha()]
    lexicon_counts = dict.fromkeys(rules.LEXICON_GROUPS, 0.0)
    lookup = _lexicon_lookup()
    hits = 0
    for word in lowered:
        for group in lookup.get(word, ()):
            lexicon_counts[group] += 1.0
            hits += 1
    if "©" in line:
        lexicon_counts["legal"] += 1.0
        hits += 1
    length_damping = 1.0 + 0.1 * n_words
    feature: dict[str, float] = {
        "log_chars": math.log1p(n_chars),
        "log_words": math.log1p(n_words),
        "ends_sentence": float(ends_sentence),
        "ends_colon": float(line.rstrip().endswith(":")),
        "log_sentence_breaks": math.log1p(len(SENTENCE_BREAK.findall(line))),
        "punct_ratio": punctuation / max(1, n_chars),
        "commas_per_word": line.count(",") / max(1, n_words),
        "stopword_ratio": stop_ratio,
        "capitalised_ratio": sum(word[:1].isupper() for word in alpha_words) / max(1, len(alpha_words)),
        "digit_ratio": digits / max(1, n_chars),
        "upper_ratio": uppers / max(1, letters),
        "starts_lower": float(line[:1].islower()),
        "starts_quote_or_dash": float(line[:1] in "\"'“‘«-–—•*("),
        "mean_word_length": sum(len(word) for word in words) / max(1, n_words),
        "has_separator": float(SEPARATORS.search(line) is not None),
        "lex_any": min(hits, 5) / length_damping,
        "date_mention": float(digits > 0 and rules.DATE_MENTION.search(line) is not None),
        "is_date_line": float(rules.parse_date_line(line) is not None),
        "url_or_email": float(_mentions_address(line)),
        "byline_like": float(n_words <= 12 and rules.BYLINE.match(line) is not None),
        "credit_like": float(rules.is_credit_line(line)),
        "ui_line": float(rules.is_ui_line(line)),
        "temperature": float(rules.is_temperature(line)),
        "log_repeats": math.log(max(1, repeats)),
        "is_later_repeat": float(is_later_repeat),
        "title_case": float(len(alpha_words) >= 2 and all(word[:1].isupper() for word in alpha_words)),
        "single_word": float(n_words == 1),
        "hashtag": float(("#" in line or "@" in line) and HASHTAG_OR_HANDLE.search(line) is not None),
        "relative_length": n_words / max(1, max_words),
        "is_rich": float(_is_rich(n_words, ends_sentence, stop_ratio, _has_spaceless_script(line))),
        "headline_like": float(rules.is_headline_candidate(line)),
        "comment_header": float(_is_comment_header(line)),
        "comment_marker": float(COMMENT_MARKER.search(line) is not None),
    }
    for group, count in lexicon_counts.items():
        feature[f"lex_{group}"] = min(count, 3.0) / length_damping
    return [feature[name] for name in OWN_FEATURES]


def _is_comment_header(line: str) -> bool:
    """A comment's header or action line: "Alex on May 3, 2023 at 6:34 am said:", "Reply"."""
    if COMMENT_ACTION.match(line):
        return True
    tail = line[-COMMENT_TAIL_CHARS:]
    return (tail.rstrip().endswith(":") or any(map(str.isdigit, tail))) and COMMENT_SIGN_OFF.search(tail) is not None


def _mentions_address(line: str) -> bool:
    lowered = line.casefold()
    if not any(mark in lowered for mark in ("http", "www.", "@", ".com", ".org", ".net")):
        return False
    return rules.URL_OR_EMAIL.search(line) is not None


def _is_rich(n_words: int, ends_sentence: bool, stop_ratio: float, spaceless_script: bool = False) -> bool:
    """A line of running text: long enough, ends like a sentence (or is long), has function words."""
    has_function_words = stop_ratio >= 0.15 or spaceless_script
    return (n_words >= RICH_MIN_WORDS and ends_sentence and has_function_words) or (
        n_words >= 2 * RICH_MIN_WORDS and (stop_ratio >= 0.2 or spaceless_script)
    )


def _blocks(rich: np.ndarray, word_counts: np.ndarray) -> list[tuple[int, int, float]]:
    """Runs of rich lines (gaps of at most BLOCK_MAX_GAP other lines) as (start, end, rich words)."""
    blocks: list[tuple[int, int, float]] = []
    start = end = -1
    words = 0.0
    for index in np.flatnonzero(rich):
        if start >= 0 and index - end <= BLOCK_MAX_GAP:
            end = int(index)
            words += float(word_counts[index])
            continue
        if start >= 0:
            blocks.append((start, end, words))
        start = end = int(index)
        words = float(word_counts[index])
    if start >= 0:
        blocks.append((start, end, words))
    return blocks


def _page_features(own: np.ndarray, word_counts: np.ndarray) -> np.ndarray:
    """Where each line sits in the page, in PAGE_FEATURES order."""
    n_lines = own.shape[0]
    index = np.arange(n_lines, dtype=np.float64)
    total_words = max(1.0, float(word_counts.sum()))
    rich = own[:, _OWN_INDEX["is_rich"]] > 0
    column: dict[str, np.ndarray] = {name: np.zeros(n_lines) for name in PAGE_FEATURES}
    column["relative_position"] = index / max(1, n_lines - 1)
    column["log_lines_before"] = np.log1p(index)
    column["log_lines_after"] = np.log1p(n_lines - 1 - index)
    column["log_page_lines"][:] = math.log1p(n_lines)
    column["word_position"] = (np.cumsum(word_counts) - word_counts) / total_words
    blocks = _blocks(rich, word_counts)
    if blocks:
        ranked = sorted(blocks, key=lambda block: block[2], reverse=True)
        main_start, main_end, main_words = ranked[0]
        column["in_main_block"] = ((index >= main_start) & (index <= main_end)).astype(np.float64)
        column["log_lines_before_block"] = np.log1p(np.clip(main_start - index, 0, None))
        column["log_lines_after_block"] = np.log1p(np.clip(index - main_end, 0, None))
        column["main_block_word_share"][:] = main_words / total_words
        rich_positions = np.flatnonzero(rich)
        column["log_distance_to_rich"] = np.log1p(np.abs(index[:, None] - rich_positions[None, :]).min(axis=1))
        for rank, (start, end, _words) in enumerate(ranked, start=1):
            inside = (index >= start) & (index <= end)
            column["in_any_block"][inside] = 1.0
            column["block_rank"][inside] = 1.0 / rank
        column["lines_share_before_first_rich"][:] = rich_positions[0] / max(1, n_lines)
    else:
        column["log_lines_before_block"] = np.log1p(index)
        column["log_lines_after_block"] = np.log1p(n_lines - 1 - index)
        column["log_distance_to_rich"][:] = math.log1p(n_lines)
        column["lines_share_before_first_rich"][:] = 1.0
    column["rich_share_window5"] = _window_mean(rich.astype(np.float64), 5)
    column["mean_log_words_window5"] = _window_mean(own[:, _OWN_INDEX["log_words"]], 5)
    markers = own[:, _OWN_INDEX["comment_marker"]]
    column["after_comment_marker"] = ((np.cumsum(markers) - markers) > 0).astype(np.float64)
    rich_index = np.where(rich, index, np.nan)
    previous_rich = _forward_fill(rich_index)
    next_rich = _forward_fill(rich_index[::-1])[::-1]
    column["log_distance_previous_rich"] = np.log1p(np.nan_to_num(index - previous_rich, nan=n_lines))
    column["log_distance_next_rich"] = np.log1p(np.nan_to_num(next_rich - index, nan=n_lines))
    rich_cumulative = np.concatenate([[0.0], np.cumsum(rich.astype(np.float64))])
    position = np.arange(n_lines)
    column["rich_share_before15"] = (
        rich_cumulative[position] - rich_cumulative[np.clip(position - 15, 0, None)]) / 15.0
    column["rich_share_after15"] = (
        rich_cumulative[np.clip(position + 16, 0, n_lines)] - rich_cumulative[position + 1]) / 15.0
    column["headline_share_window5"] = _window_mean(own[:, _OWN_INDEX["headline_like"]], 5)
    column["sentence_end_share_window5"] = _window_mean(own[:, _OWN_INDEX["ends_sentence"]], 5)
    column["date_share_window5"] = _window_mean(own[:, _OWN_INDEX["date_mention"]], 5)
    shapes = _line_shapes(own)
    for offset in (-2, 2, -3, 3):
        name = f"same_shape_as_{'minus' if offset < 0 else 'plus'}{abs(offset)}"
        column[name] = _same_shape_at(shapes, offset)
    nearby_offsets = (-6, -5, -4, -3, -2, -1, 1, 2, 3, 4, 5, 6)
    column["same_shape_share_window6"] = sum(_same_shape_at(shapes, offset) for offset in nearby_offsets) / 12.0
    return np.stack([column[name] for name in PAGE_FEATURES], axis=1)


def _line_shapes(own: np.ndarray) -> np.ndarray:
    """A coarse shape code per line (length bucket, sentence end, date, byline, headline-like)."""
    length_bucket = np.minimum(np.expm1(own[:, _OWN_INDEX["log_words"]]) // 4, 8)
    flags = (own[:, _OWN_INDEX["ends_sentence"]] + 2 * own[:, _OWN_INDEX["date_mention"]]
             + 4 * own[:, _OWN_INDEX["byline_like"]] + 8 * own[:, _OWN_INDEX["headline_like"]])
    return (length_bucket * 16 + flags).astype(np.int64)


def _same_shape_at(shapes: np.ndarray, offset: int) -> np.ndarray:
    """1 where the line ``offset`` lines away exists and has the same shape code."""
    same = np.zeros(shapes.shape[0])
    if offset > 0 and offset < shapes.shape[0]:
        same[:-offset] = shapes[:-offset] == shapes[offset:]
    elif offset < 0 and -offset < shapes.shape[0]:
        same[-offset:] = shapes[-offset:] == shapes[:offset]
    return same


def _forward_fill(values: np.ndarray) -> np.ndarray:
    """Each NaN replaced by the last non-NaN value before it (NaN when there is none)."""
    positions = np.where(np.isnan(values), 0, np.arange(values.shape[0]))
    np.maximum.accumulate(positions, out=positions)
    filled = values[positions]
    if values.shape[0] and np.isnan(values[0]):
        first_valid = np.flatnonzero(~np.isnan(values))
        limit = first_valid[0] if first_valid.size else values.shape[0]
        filled[:limit] = np.nan
    return filled


def _window_mean(values: np.ndarray, radius: int) -> np.ndarray:
    """Mean of values[i - radius : i + radius + 1] (clipped at the page edges) for every i."""
    cumulative = np.concatenate([[0.0], np.cumsum(values)])
    index = np.arange(values.shape[0])
    low = np.clip(index - radius, 0, values.shape[0])
    high = np.clip(index + radius + 1, 0, values.shape[0])
    return (cumulative[high] - cumulative[low]) / (high - low)


def _context_features(own: np.ndarray) -> np.ndarray:
    n_lines = own.shape[0]
    columns = [_OWN_INDEX[name] for name in CONTEXT_FEATURES]
    selected = own[:, columns]
    width = len(columns) + 1
    context = np.zeros((n_lines, width * len(CONTEXT_OFFSETS)), dtype=np.float64)
    for slot, offset in enumerate(CONTEXT_OFFSETS):
        if abs(offset) >= n_lines:
            continue  # no line that far away
        target = slice(max(0, -offset), min(n_lines, n_lines - offset))
        source = slice(max(0, offset), min(n_lines, n_lines + offset))
        base = slot * width
        context[target, base:base + len(columns)] = selected[source]
        context[target, base + len(columns)] = 1.0
    return context


def line_features(lines: list[str]) -> np.ndarray:
    """Feature matrix (one row per line, columns named by ``feature_names``) for non-blank lines."""
    if not lines:
        return np.zeros((0, len(feature_names())), dtype=np.float32)
    folded = [rules.fold(line) for line in lines]
    repeats = Counter(folded)
    seen: set[str] = set()
    word_counts = np.array([effective_word_count(line) for line in lines], dtype=np.float64)
    max_words = int(word_counts.max()) if len(word_counts) else 1
    own_rows = []
    for line, key in zip(lines, folded, strict=True):
        own_rows.append(_own_features(line, repeats[key], key in seen, max_words))
        seen.add(key)
    own = np.asarray(own_rows, dtype=np.float64)
    matrix = np.hstack([own, _page_features(own, word_counts), _context_features(own)])
    return matrix.astype(np.float32)
