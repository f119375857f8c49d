"""Quotation spans: curly and straight marks, missing openings, unclosed quotes over paragraphs."""

from __future__ import annotations

import itertools

from parallax.attribute.quotes import find_quotes


def _inner(text: str) -> list[str]:
    return [text[quote.inner_start:quote.inner_end] for quote in find_quotes(text)]


def test_curly_and_straight_quotes_pair_in_order() -> None:
    text = ('“The harbour will reopen on Monday,” the port director said. '
            'Union leaders called the offer "an insult to every docker" and left.')
    assert _inner(text) == ["The harbour will reopen on Monday,", "an insult to every docker"]
    first = find_quotes(text)[0]
    assert first.opened and first.closed
    assert text[first.start] == "“" and text[first.end - 1] == "”"


def test_missing_opening_mark_starts_at_the_paragraph() -> None:
    text = ("The mayor spoke after the vote.\n\n"
            "We will rebuild every school the flood destroyed,” she said, promising “faster permits” too.")
    quotes = find_quotes(text)
    assert _inner(text) == ["We will rebuild every school the flood destroyed,", "faster permits"]
    assert not quotes[0].opened and quotes[0].closed
    assert quotes[0].start == text.index("We will")


def test_unclosed_quote_runs_to_paragraph_end_and_next_paragraph_continues_it() -> None:
    text = ("“The fleet left before dawn and none of the crews were warned about the storm.\n\n"
            "“Two boats are still missing,” the coastguard officer added.")
    quotes = find_quotes(text)
    assert len(quotes) == 2
    assert not quotes[0].closed
    assert text[quotes[0].inner_start:quotes[0].inner_end].endswith("about the storm.")
    assert quotes[1].continues_previous
    assert not quotes[0].continues_previous


def test_apostrophes_and_single_marks_are_not_quotes() -> None:
    text = "Kenya’s regulator said the lender’s ‘rapid loans’ broke the rules, and the lender's chief agreed."
    assert find_quotes(text) == []


def test_unbalanced_marks_everywhere_never_overlap() -> None:
    text = '“ ” “a “b ” c” d" "e "f" ”\n\n“' * 50
    quotes = find_quotes(text)
    for first, second in itertools.pairwise(quotes):
        assert first.end <= second.start
    assert all(0 <= quote.inner_start < quote.inner_end <= len(text) for quote in quotes)
