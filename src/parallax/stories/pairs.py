"""How likely two articles tell one story: the signals of a pair and the learnt model that weighs them.

Our own code (a logistic regression is a dot product; scikit-learn fits it in `bench/stories_ecbplus.py`, the
library only applies it). Two events of one kind (two DUI arrests of one team's players, two quakes on one
island) share a topic, most of their words and some entities; what tells them apart is who, when and how
many. So a pair is described by:

- `cosine`: of the two multilingual lead vectors (`features`), the one signal that crosses languages;
- `terms`: cosine of the two term vectors (content words, sublinear tf), only within one language;
- `entities`: Jaccard of the canonical entity sets (`UNKNOWN_OVERLAP` when a side has none: a page in a
  language the NLP stages do not parse); `persons`: Jaccard of the people named; `person_conflict`: both
  name people and share none; `main_person_conflict`: the people each names most (`features.main_persons`)
  differ, though each may name the other's in passing ("the team's second arrest this month");
- `numbers`: Jaccard of the numbers written (years apart); `year_conflict`: both write years and share
  none; `year_shared`: they share one.

`LEXICAL` weighs them all, for two articles in one language; `CROSS_LINGUAL` only those that mean the same
in any language (the lead cosine, numbers, years), for two languages or a side stored without its words.
Both were fitted on the ECB+ train split (pairs whose lead cosine reaches `CANDIDATE_FLOOR`); the
coefficients are in `bench/results/stories_ecbplus.json`. Being English, those pairs know nothing of the
encoder's loss across languages: a lead and its translation have a cosine of about 0.82, not 1
(`bench/stories_crosslingual.py`), so between two languages the cosine is divided by `CROSS_LINGUAL_COSINE`
before the model reads it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from parallax.stories.features import term_cosine

# The entity overlap assumed when one side has no entities at all: about what two articles of one story
# share, so an unparsed translation is not held back.
UNKNOWN_OVERLAP = 0.1
# Neighbours less similar than this are never scored: the models were fitted on pairs above it.
CANDIDATE_FLOOR = 0.2
# The mean lead cosine of a text and its translation (`bench/results/stories_crosslingual.json`).
CROSS_LINGUAL_COSINE = 0.82
SIGNALS = ("cosine", "terms", "entities", "persons", "person_conflict", "main_person_conflict", "numbers",
           "year_conflict", "year_shared")


class PairSide(Protocol):
    """What the pair signals read of one article (`features.ArticleFeatures` has it all)."""

    entities: frozenset[str]
    persons: frozenset[str]
    main_persons: frozenset[str]
    numbers: frozenset[str]
    years: frozenset[str]
    terms: np.ndarray
    weights: np.ndarray
    language: str | None


@dataclass(slots=True, frozen=True)
class PairModel:
    """A logistic regression over named signals: P(one story) = σ(intercept + Σ weight × signal)."""

    intercept: float
    weights: tuple[tuple[str, float], ...]

    def __post_init__(self) -> None:
        unknown = [name for name, _ in self.weights if name not in SIGNALS]
        if unknown:
            raise ValueError(f"unknown pair signals {unknown}; known: {', '.join(SIGNALS)}")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.weights)

    def probability(self, signals: dict[str, float]) -> float:
        logit = self.intercept + sum(weight * signals[name] for name, weight in self.weights)
        return 1.0 / (1.0 + math.exp(-logit)) if logit > -700 else 0.0


# Fitted by `bench/stories_ecbplus.py` on ECB+ train (scikit-learn LogisticRegression, C=1), rounded.
LEXICAL = PairModel(intercept=-7.06, weights=(
    ("cosine", 4.29), ("terms", 10.37), ("entities", 7.85), ("persons", 3.76), ("person_conflict", -0.48),
    ("main_person_conflict", -2.03), ("numbers", 5.5), ("year_conflict", -1.04), ("year_shared", 1.91)))
CROSS_LINGUAL = PairModel(intercept=-10.15, weights=(
    ("cosine", 14.23), ("numbers", 5.05), ("year_conflict", -1.52), ("year_shared", 1.34)))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def two_languages(a: PairSide, b: PairSide) -> bool:
    return bool(a.language and b.language and a.language != b.language)


def comparable_cosine(a: PairSide, b: PairSide, cosine: float) -> float:
    """The lead cosine on the scale of two texts in one language."""
    return min(1.0, cosine / CROSS_LINGUAL_COSINE) if two_languages(a, b) else cosine


def lexical_pair(a: PairSide, b: PairSide) -> bool:
    """Whether the two term vectors can be compared: both articles have them, in one language."""
    return bool(len(a.terms) and len(b.terms)) and (a.language or "") == (b.language or "")


def pair_signals(a: PairSide, b: PairSide, cosine: float, lexical: bool | None = None) -> dict[str, float]:
    """Every signal of the pair (`terms` is 0.0 when the term vectors cannot be compared); `cosine` is the lead
    vectors' own, put on the one-language scale here."""
    if lexical is None:
        lexical = lexical_pair(a, b)
    entities = jaccard(a.entities, b.entities) if a.entities and b.entities else UNKNOWN_OVERLAP
    return {
        "cosine": comparable_cosine(a, b, cosine),
        "terms": term_cosine(a.terms, a.weights, b.terms, b.weights) if lexical else 0.0,
        "entities": entities,
        "persons": jaccard(a.persons, b.persons),
        "person_conflict": float(bool(a.persons and b.persons and not a.persons & b.persons)),
        "main_person_conflict": float(bool(a.main_persons and b.main_persons
                                           and not a.main_persons & b.main_persons)),
        "numbers": jaccard(a.numbers, b.numbers),
        "year_conflict": float(bool(a.years and b.years and not a.years & b.years)),
        "year_shared": float(bool(a.years & b.years)),
    }


def same_story_probability(a: PairSide, b: PairSide, cosine: float, lexical_model: PairModel = LEXICAL,
                           cross_model: PairModel = CROSS_LINGUAL) -> float:
    lexical = lexical_pair(a, b)
    model = lexical_model if lexical else cross_model
    return model.probability(pair_signals(a, b, cosine, lexical))
