"""Given names: which words are first names, and the gender they usually mark.

The list (`data/given_names.json`) is ours, a few hundred common given names across languages. The
attribution stage uses the gender to resolve "he"/"she"; entity linking uses the list to keep a bare
title + given name ("King Hassan") from matching a listed figure by surname.
"""

from __future__ import annotations

import functools
import json
from importlib import resources


@functools.cache
def given_name_genders() -> dict[str, str]:
    """Given name → "m" or "f"."""
    data = json.loads(resources.files("parallax.annotate").joinpath("data/given_names.json").read_text("utf-8"))
    return {**dict.fromkeys(data["male"], "m"), **dict.fromkeys(data["female"], "f")}


@functools.cache
def _folded_given_names() -> frozenset[str]:
    return frozenset(name.casefold() for name in given_name_genders())


def is_given_name(word: str) -> bool:
    """Whether a word is a common given name ("Hassan", "Maria"), case-insensitive."""
    return word.casefold() in _folded_given_names()
