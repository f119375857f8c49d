"""Finding the headline of a page dump among the lines before its first body paragraph.

This module owns headline selection: which lines are candidates (headline-like lines in a window before
the first body line), their features (distance to the body, shape, words shared with the body, what
follows them), and the choice: the candidate a learned scorer (logistic stage of the shipped model,
trained on benchmark pages whose <h1> is known) rates best, or the first candidate without a scorer; a
long chosen line with a shorter headline-like line just above it is a deck, and the line above wins.
"""

from __future__ import annotations

import math

import numpy as np

from parallax.extract.textdump import rules
from parallax.extract.textdump.features import STOPWORDS, effective_word_count
from parallax.extract.textdump.model import Stage

TITLE_WINDOW = 25  # lines before the first body line where the headline is looked for
BODY_MIN_WORDS = 8
BODY_SAMPLE_LINES = 6
TITLE_FEATURES: tuple[str, ...] = (
    "log_lines_to_body", "log_candidates_between", "is_first_candidate", "is_last_candidate", "log_words",
    "capitalised_ratio", "ends_question", "has_colon", "stopword_ratio", "date_mention", "digit_ratio",
    "lexicon_hits", "log_repeats", "body_overlap", "keep_probability", "byline_or_date_follows",
    "has_separator", "relative_position", "follows_furniture", "upper_ratio", "is_first_line",
    "long_deck_like", "shorter_headline_just_before", "longer_headline_just_after",
)
BYLINE_DISTANCE = 4  # a headline, its repeated copy, a section label and "Photo of author", then the byline
PAIR_DISTANCE = 3  # a headline and its deck (standfirst) are at most this many lines apart
DECK_MIN_HEADLINE_WORDS = 5
DECK_MIN_WORDS = 15  # a standfirst is a sentence; headlines are mostly shorter


def first_body_index(lines: list[str], keep: np.ndarray) -> int:
    """The first kept line long enough to be a body paragraph (headline-like lines are passed over)."""
    fallback = len(lines)
    for index, line in enumerate(lines):
        if keep[index] and effective_word_count(line) >= BODY_MIN_WORDS:
            if not rules.is_headline_candidate(line):
                return index
            fallback = min(fallback, index)
    return fallback


def candidate_indices(lines: list[str], first_body: int) -> list[int]:
    """Headline-like lines in the window before the first body line (else anywhere before it)."""
    window_start = max(0, first_body - TITLE_WINDOW)
    inside = [i for i in range(window_start, first_body) if rules.is_headline_candidate(lines[i])]
    if inside:
        return inside
    return [i for i in range(0, window_start) if rules.is_headline_candidate(lines[i])][:5]


def _content_tokens(line: str) -> set[str]:
    return {word.casefold() for word in rules.words_of(rules.fold(line))
            if len(word) > 2 and word.casefold() not in STOPWORDS}


def candidate_features(lines: list[str], keep_probability: np.ndarray, threshold: float,
                       first_body: int, candidates: list[int]) -> np.ndarray:
    """One row of TITLE_FEATURES per candidate line."""
    keep = keep_probability >= threshold
    body_tokens: set[str] = set()
    body_lines = [line for index, line in enumerate(lines[first_body:], start=first_body) if keep[index]]
    for line in body_lines[:BODY_SAMPLE_LINES]:
        body_tokens |= _content_tokens(line)
    folded_counts: dict[str, int] = {}
    for line in lines:
        key = rules.fold(line)
        folded_counts[key] = folded_counts.get(key, 0) + 1
    rows = np.zeros((len(candidates), len(TITLE_FEATURES)), dtype=np.float64)
    n_lines = max(1, len(lines))
    candidate_words = {index: effective_word_count(lines[index]) for index in candidates}
    for row, index in enumerate(candidates):
        own_words = candidate_words[index]
        before = [candidate_words[other] for other in candidates if index - PAIR_DISTANCE <= other < index]
        after = [candidate_words[other] for other in candidates if index < other <= index + PAIR_DISTANCE]
        line = lines[index]
        words = rules.words_of(line)
        alpha_words = [word for word in words if word[:1].isalpha()]
        letters = [char for char in line if char.isalpha()]
        tokens = _content_tokens(line)
        following = lines[index + 1:index + 4]
        previous = lines[index - 1] if index > 0 else ""
        rows[row] = [
            math.log1p(max(0, first_body - index)),
            math.log1p(sum(1 for other in candidates if index < other < first_body)),
            float(row == 0),
            float(row == len(candidates) - 1),
            math.log1p(effective_word_count(line)),
            sum(word[:1].isupper() for word in alpha_words) / max(1, len(alpha_words)),
            float(line.rstrip("\"'”’ ").endswith(("?", "!"))),
            float(":" in line),
            sum(word.casefold() in STOPWORDS for word in words) / max(1, len(words)),
            float(bool(rules.DATE_MENTION.search(line))),
            sum(char.isdigit() for char in line) / max(1, len(line)),
            float(sum(word.casefold() in group for word in words for group in rules.LEXICON_GROUPS.values())),
            math.log(folded_counts.get(rules.fold(line), 1)),
            len(tokens & body_tokens) / max(1, len(tokens)),
            float(keep_probability[index]),
            float(any(rules.parse_byline(next_line) or rules.parse_date_line(next_line)
                      or rules.DATE_MENTION.search(next_line) for next_line in following)),
            float(any(mark in line for mark in "|»›•")),
            index / n_lines,
            float(index == 0 or rules.is_ui_line(previous) or rules.is_temperature(previous)
                  or rules.parse_date_line(previous) is not None),
            sum(char.isupper() for char in letters) / max(1, len(letters)),
            float(index == 0),
            float(len(words) > 20),
            float(any(4 <= other < own_words for other in before)),
            float(own_words >= 4 and any(other > own_words for other in after)),
        ]
    return rows


def find_title_index(lines: list[str], keep_probability: np.ndarray, threshold: float,
                     scorer: Stage | None = None) -> int | None:
    """Index of the headline line, or None when no line looks like one (first candidate without scorer)."""
    first_body = first_body_index(lines, keep_probability >= threshold)
    candidates = candidate_indices(lines, first_body)
    if not candidates:
        return None
    candidates = candidates_above_byline(lines, candidates) or candidates
    if scorer is None or len(candidates) == 1:
        return candidates[0]
    scores = scorer.raw_scores(candidate_features(lines, keep_probability, threshold, first_body, candidates))
    return headline_before_deck(lines, candidates, candidates[int(np.argmax(scores))])


def candidates_above_byline(lines: list[str], candidates: list[int]) -> list[int]:
    """Headline candidates just above the article's byline ("By …", maybe after a kicker, "Photo of author"
    or a repeated copy of the headline): captions and teaser lists never sit there, the headline does.
    Teaser lists carry bylines too, so only the byline nearest the body counts."""
    last_candidate = candidates[-1]
    for byline_index in range(min(len(lines) - 1, last_candidate + BYLINE_DISTANCE), -1, -1):
        line = lines[byline_index]
        if len(rules.words_of(line)) > 12 or rules.parse_byline(line) is None:
            continue
        return [index for index in candidates if byline_index - BYLINE_DISTANCE <= index < byline_index]
    return []


def headline_before_deck(lines: list[str], candidates: list[int], chosen: int) -> int:
    """A shorter headline-like line just above the chosen one is the headline, the chosen one its deck."""
    chosen_words = effective_word_count(lines[chosen])
    if chosen_words < DECK_MIN_WORDS:
        return chosen
    for index in reversed(candidates):
        if chosen - PAIR_DISTANCE <= index < chosen:
            words = effective_word_count(lines[index])
            digit_share = sum(map(str.isdigit, lines[index])) / max(1, len(lines[index]))
            if DECK_MIN_HEADLINE_WORDS <= words < chosen_words and digit_share < 0.2:
                return index
    return chosen
