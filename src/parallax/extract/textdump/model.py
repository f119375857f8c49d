"""The shipped line classifier: loading its JSON file and scoring lines with numpy only.

This module owns the model format. A model has one or two stages; each stage is either a logistic
regression (standardisation + weights) or boosted trees (nodes packed into flat arrays, evaluated for all
lines and trees at once). Stage 1 scores line features; the optional stage 2 rescores each line from the
stage-1 probabilities of its neighbours and of the run of likely-content lines it lies in (sequence
smoothing) plus a few line features; the optional title stage scores headline candidates (title.py). Training lives in
bench/textdump_train.py; nothing here imports scikit-learn.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from parallax.extract.textdump.features import feature_names

MODEL_PATH = Path(__file__).resolve().parent / "textdump_model.json"
SMOOTHING_OFFSETS: tuple[int, ...] = (-5, -4, -3, -2, -1, 1, 2, 3, 4, 5)
SMOOTHING_LINE_FEATURES: tuple[str, ...] = (
    "log_words", "ends_sentence", "is_rich", "ui_line", "lex_any", "in_main_block", "stopword_ratio",
    "relative_position", "log_repeats", "headline_like", "credit_like", "byline_like",
)


def _sigmoid(raw: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(raw, -40.0, 40.0)))


@dataclass(slots=True)
class LogisticStage:
    """Standardised logistic regression."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def raw_scores(self, features: np.ndarray) -> np.ndarray:
        return ((features - self.mean) / self.scale) @ self.coef + self.intercept

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "logistic", "mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "coef": self.coef.tolist(), "intercept": self.intercept}


@dataclass(slots=True)
class TreeStage:
    """Boosted regression trees over float32 features; a line goes left when feature <= threshold.

    Leaves point to themselves, so every path can be walked max_depth steps for all lines and trees at once.
    """

    base_score: float
    roots: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    max_depth: int

    def raw_scores(self, features: np.ndarray) -> np.ndarray:
        n_lines = features.shape[0]
        node = np.broadcast_to(self.roots, (n_lines, self.roots.shape[0])).copy()
        rows = np.arange(n_lines)[:, None]
        for _ in range(self.max_depth):
            goes_left = features[rows, self.feature[node]] <= self.threshold[node]
            node = np.where(goes_left, self.left[node], self.right[node])
        return self.base_score + self.value[node].sum(axis=1)

    def to_dict(self) -> dict[str, Any]:
        # thresholds are float32 values (features are float32): their shortest form reads back exactly
        thresholds = [float(str(np.float32(threshold))) for threshold in self.threshold]
        values = [float(f"{value:.7g}") for value in self.value]
        return {"kind": "trees", "base_score": self.base_score, "roots": self.roots.tolist(),
                "feature": self.feature.tolist(), "threshold": thresholds,
                "left": self.left.tolist(), "right": self.right.tolist(), "value": values,
                "max_depth": self.max_depth}


Stage = LogisticStage | TreeStage


def stage_from_dict(data: dict[str, Any]) -> Stage:
    if data["kind"] == "logistic":
        return LogisticStage(np.asarray(data["mean"]), np.asarray(data["scale"]), np.asarray(data["coef"]),
                             float(data["intercept"]))
    return TreeStage(
        base_score=float(data["base_score"]), roots=np.asarray(data["roots"], dtype=np.int64),
        feature=np.asarray(data["feature"], dtype=np.int64),
        threshold=np.asarray(data["threshold"], dtype=np.float32),
        left=np.asarray(data["left"], dtype=np.int64), right=np.asarray(data["right"], dtype=np.int64),
        value=np.asarray(data["value"], dtype=np.float64), max_depth=int(data["max_depth"]),
    )


RUN_MAX_GAP = 3  # lines of low probability a run of likely-content lines may bridge


def _run_features(first_stage: np.ndarray, word_counts: np.ndarray) -> np.ndarray:
    """Where each line lies relative to runs of likely-content lines (the largest run is the article)."""
    n_lines = first_stage.shape[0]
    likely = np.flatnonzero(first_stage >= 0.5)
    features = np.zeros((n_lines, 6))
    if likely.size == 0:
        features[:, 4] = math.log1p(n_lines)
        features[:, 5] = math.log1p(n_lines)
        return features
    breaks = np.flatnonzero(np.diff(likely) > RUN_MAX_GAP + 1)
    starts = np.concatenate([[likely[0]], likely[breaks + 1]])
    ends = np.concatenate([likely[breaks], [likely[-1]]])
    cumulative = np.concatenate([[0.0], np.cumsum(word_counts * (first_stage >= 0.5))])
    run_words = cumulative[ends + 1] - cumulative[starts]
    largest = int(np.argmax(run_words))
    share = run_words / max(1.0, float(run_words.sum()))
    index = np.arange(n_lines)
    run_of_line = np.searchsorted(starts, index, side="right") - 1
    inside = (run_of_line >= 0) & (index <= ends[np.clip(run_of_line, 0, None)])
    features[inside, 0] = np.log1p(run_words[run_of_line[inside]])
    features[inside, 1] = share[run_of_line[inside]]
    features[inside, 2] = run_of_line[inside] == largest
    features[:, 3] = (index >= starts[largest]) & (index <= ends[largest])
    features[:, 4] = np.log1p(np.clip(starts[largest] - index, 0, None))
    features[:, 5] = np.log1p(np.clip(index - ends[largest], 0, None))
    return features


def smoothing_features(first_stage: np.ndarray, features: np.ndarray) -> np.ndarray:
    """Stage-2 inputs: a line's stage-1 probability, its neighbours', the run it lies in, a few features."""
    n_lines = first_stage.shape[0]
    padded_width = max(abs(offset) for offset in SMOOTHING_OFFSETS)
    padded = np.full(n_lines + 2 * padded_width, -1.0)
    padded[padded_width:padded_width + n_lines] = first_stage
    columns = [first_stage]
    for offset in SMOOTHING_OFFSETS:
        columns.append(padded[padded_width + offset:padded_width + offset + n_lines])
    shifted = np.stack(columns[1:], axis=1)
    present = shifted >= 0
    before = shifted[:, : len(SMOOTHING_OFFSETS) // 2]
    after = shifted[:, len(SMOOTHING_OFFSETS) // 2:]
    mean_near = np.where(present, shifted, 0).sum(axis=1) / np.maximum(1, present.sum(axis=1))
    columns += [mean_near, before.max(axis=1), after.max(axis=1)]
    names = feature_names()
    for name in SMOOTHING_LINE_FEATURES:
        columns.append(features[:, names.index(name)])
    word_counts = np.expm1(features[:, names.index("log_words")].astype(np.float64))
    run = _run_features(first_stage, word_counts)
    columns += [run[:, column] for column in range(run.shape[1])]
    return np.stack(columns, axis=1).astype(np.float32)


@dataclass(slots=True)
class LineModel:
    """Probability that each line of a page dump is article text."""

    first: Stage
    second: Stage | None
    threshold: float
    names: list[str]
    title: Stage | None = None  # scores headline candidates (features in title.py)

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        if features.shape[0] == 0:
            return np.zeros(0)
        probability = _sigmoid(self.first.raw_scores(features))
        if self.second is not None:
            probability = _sigmoid(self.second.raw_scores(smoothing_features(probability, features)))
        return probability

    def to_dict(self) -> dict[str, Any]:
        return {"version": 1, "feature_names": self.names, "threshold": self.threshold,
                "first": self.first.to_dict(), "second": self.second.to_dict() if self.second else None,
                "title": self.title.to_dict() if self.title else None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LineModel:
        if data["feature_names"] != feature_names():
            raise ValueError("model was trained on other features; retrain with bench/textdump_train.py")
        second = stage_from_dict(data["second"]) if data.get("second") else None
        title = stage_from_dict(data["title"]) if data.get("title") else None
        return cls(stage_from_dict(data["first"]), second, float(data["threshold"]), list(data["feature_names"]),
                   title)


@cache
def load_model(path: Path = MODEL_PATH) -> LineModel:
    """The shipped model, read once."""
    return LineModel.from_dict(json.loads(path.read_text("utf8")))
