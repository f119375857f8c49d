"""An experiment for issue 5, not the library: does a learnt pair score separate ECB+'s look-alike events?

    .venv/bin/python bench/stories_ecbplus_pairs.py

The library's rule scores a new article against its nearest earlier ones as lead-vector cosine + w × entity
Jaccard. Here each pair of documents gets more signals, and a logistic regression (scikit-learn), fitted on the
TRAIN pairs only, turns them into a probability of "same event":

- `cos`: cosine of the library's lead vectors (USE, lead of 6 sentences);
- `tfidf`: TF-IDF cosine (sublinear tf, English stop words, IDF fitted on train);
- `entities`: Jaccard of the library's entity keys; `persons`: Jaccard of PERSON names; `person_conflict`: both
  name people and share none;
- `numbers`: Jaccard of the numbers written (years left out); `year_conflict`: both write years and share none;
  `year_shared`: they share one.

Pairs with a lead cosine under 0.2 are left out of the fit (they never become candidates). Documents are then
placed as the library places them (file order, batches of 50, the 30 nearest earlier documents by lead cosine
as candidates): a document joins the story of its most probable candidate when that probability reaches t, t
chosen on TRAIN; DEV is reported at the train-chosen t, and, labelled oracle (no claim), at every t. Feature
sets are compared from the library's two signals up to all of them. Uses the features cache of
`stories_ecbplus.py` (run it first). Writes `bench/results/stories_ecbplus_pairs.json`.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from common import write_results
from stories_ecbplus import (
    FOLDS,
    Doc,
    DocFeatures,
    batches_of,
    folds_by_topic,
    load_docs,
    load_features,
    scores,
    tfidf_vectors,
)

BASE = ("cos", "tfidf", "entities", "persons", "person_conflict", "numbers", "year_conflict", "year_shared")
MAIN_PERSON = ("person_cover", "top_person_same", "top_person_differs")
NAMES = BASE + MAIN_PERSON
FEATURE_SETS = {
    "library signals (cos, entities)": ("cos", "entities"),
    "+ tfidf": ("cos", "tfidf", "entities"),
    "+ persons": ("cos", "entities", "persons", "person_conflict"),
    "+ numbers and years": ("cos", "entities", "numbers", "year_conflict", "year_shared"),
    "all": BASE,
    "all + main person": NAMES,
}
PERSON_COVER_UNKNOWN = 0.5  # when a side names nobody
THRESHOLDS = tuple(round(0.2 + 0.05 * i, 2) for i in range(15))
CANDIDATE_FLOOR = 0.2
NEIGHBOURS = 30
BATCH = 50
_NUMBER = re.compile(r"(?<![\w.])\d[\d,.]*\d|\b\d\b")
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-3]\d)\b")


def numbers_in(text: str) -> frozenset[str]:
    return frozenset(v for v in (m.group(0).replace(",", "") for m in _NUMBER.finditer(text))
                     if not _YEAR.fullmatch(v))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def person_counts(feature: DocFeatures) -> Counter[str]:
    return Counter(name for kind, name in feature.typed_entities if kind == "PERSON")


def _same_person(name: str, other: str) -> bool:
    """One person: the same name, or the same surname ("jackson" and "vincent jackson")."""
    return name == other or name.split()[-1] == other.split()[-1]


def person_cover(mine: Counter[str], theirs: Counter[str]) -> float:
    """The share of my person mentions that name someone the other document names too."""
    return sum(count for name, count in mine.items() if any(_same_person(name, o) for o in theirs)) / sum(
        mine.values())


def main_person_signals(mine: Counter[str], theirs: Counter[str]) -> tuple[float, float, float]:
    """(the smaller of the two person covers, top persons the same, top persons differ); neutral values when a
    side names nobody."""
    if not mine or not theirs:
        return PERSON_COVER_UNKNOWN, 0.0, 0.0
    same = _same_person(mine.most_common(1)[0][0], theirs.most_common(1)[0][0])
    return min(person_cover(mine, theirs), person_cover(theirs, mine)), float(same), float(not same)


def pair_matrix(docs: Sequence[Doc], features: dict[str, DocFeatures], fit: Sequence[str]) -> np.ndarray:
    """(n, n, len(NAMES)) float32: every pair's signals."""
    vectors = np.stack([features[d.id].vector for d in docs])
    cos = vectors @ vectors.T
    tfidf = tfidf_vectors(docs, fit)
    tf = tfidf @ tfidf.T
    entities = [features[d.id].entities for d in docs]
    persons = [frozenset(n for t, n in features[d.id].typed_entities if t == "PERSON") for d in docs]
    numbers = [numbers_in(d.text) for d in docs]
    years = [frozenset(_YEAR.findall(d.text)) for d in docs]
    people = [person_counts(features[d.id]) for d in docs]
    n = len(docs)
    out = np.zeros((n, n, len(NAMES)), dtype=np.float32)
    for i in range(n):
        for j in range(i + 1, n):
            row = (cos[i, j], tf[i, j], jaccard(entities[i], entities[j]), jaccard(persons[i], persons[j]),
                   float(bool(persons[i] and persons[j] and not persons[i] & persons[j])),
                   jaccard(numbers[i], numbers[j]), float(bool(years[i] and years[j] and not years[i] & years[j])),
                   float(bool(years[i] & years[j])), *main_person_signals(people[i], people[j]))
            out[i, j] = out[j, i] = row
    return out


def place(docs: Sequence[Doc], probability: np.ndarray, cos: np.ndarray, threshold: float) -> list[int]:
    """The library's streaming placement over pair probabilities instead of its additive score."""
    label = list(range(len(docs)))
    seen: list[int] = []
    for batch in batches_of([d.id for d in docs], [None] * len(docs), BATCH):
        for i in batch:
            if seen:
                candidates = np.asarray(seen)
                if len(candidates) > NEIGHBOURS:
                    candidates = candidates[np.argpartition(-cos[i, candidates], NEIGHBOURS)[:NEIGHBOURS]]
                best = int(candidates[int(np.argmax(probability[i, candidates]))])
                if probability[i, best] >= threshold:
                    label[i] = label[best]
            seen.append(i)
    return label


def fit_model(docs: Sequence[Doc], matrix: np.ndarray, columns: Sequence[int]) -> Any:
    """A logistic regression over the pairs of `docs` that can be candidates (lead cosine ≥ the floor)."""
    from sklearn.linear_model import LogisticRegression

    upper = np.triu_indices(len(docs), k=1)
    pairs = matrix[upper][:, columns]
    same = np.array([docs[i].cluster == docs[j].cluster for i, j in zip(*upper, strict=True)])
    keep = matrix[upper][:, 0] >= CANDIDATE_FLOOR
    return LogisticRegression(max_iter=3000).fit(pairs[keep], same[keep])


def threshold_scores(docs: Sequence[Doc], matrix: np.ndarray, model: Any,
                     columns: Sequence[int]) -> dict[float, dict[str, float]]:
    """Scores of the placement of `docs` (in file order) at every threshold."""
    n = len(docs)
    probability = model.predict_proba(matrix[:, :, columns].reshape(n * n, -1))[:, 1].reshape(n, n)
    gold = [d.cluster for d in docs]
    return {t: scores(gold, place(docs, probability, matrix[:, :, 0], t)) for t in THRESHOLDS}


@dataclass(slots=True)
class Fold:
    """One fold of the cross-validation: its documents and the others, their pair signals with the IDF of the
    others, and where each other fold's documents sit among the others."""

    held: list[Doc]
    held_matrix: np.ndarray
    others: list[Doc]
    others_matrix: np.ndarray
    parts: list[np.ndarray]


def make_folds(docs: Sequence[Doc], features: dict[str, DocFeatures]) -> list[Fold]:
    """`FOLDS` folds by topic, as `stories_ecbplus.py` folds them."""
    fold_of = folds_by_topic(docs)
    folds = []
    for fold in range(FOLDS):
        held = [d for d in docs if fold_of[d.topic] == fold]
        others = [d for d in docs if fold_of[d.topic] != fold]
        fit = [d.text for d in others]
        parts = [np.array([i for i, d in enumerate(others) if fold_of[d.topic] == k])
                 for k in range(FOLDS) if k != fold]
        folds.append(Fold(held, pair_matrix(held, features, fit), others, pair_matrix(others, features, fit), parts))
    return folds


def cross_validate(folds: Sequence[Fold], columns: Sequence[int]) -> dict[str, Any]:
    """Each fold scored with a model fitted on the other folds' pairs and the threshold that gives the other
    folds (each placed on its own) the best mean pairwise F1."""
    held_scores = []
    for fold in folds:
        model = fit_model(fold.others, fold.others_matrix, columns)
        per_part = [threshold_scores([fold.others[i] for i in part], fold.others_matrix[np.ix_(part, part)], model,
                                     columns) for part in fold.parts]
        chosen = max(THRESHOLDS, key=lambda t: (round(float(np.mean([p[t]["pairwise_f1"] for p in per_part])), 6), t))
        held_scores.append((chosen, threshold_scores(fold.held, fold.held_matrix, model, columns)[chosen]))
    return {"pairwise_f1": round(float(np.mean([h["pairwise_f1"] for _, h in held_scores])), 4),
            "bcubed_f1": round(float(np.mean([h["bcubed_f1"] for _, h in held_scores])), 4),
            "pairwise_f1_folds": [round(h["pairwise_f1"], 4) for _, h in held_scores],
            "thresholds_folds": [t for t, _ in held_scores]}


def main() -> None:
    started = time.perf_counter()
    docs = load_docs()
    features, _, _ = load_features(docs, False, 32)
    train = [d for d in docs if d.split == "train"]
    dev = [d for d in docs if d.split == "dev"]
    fit = [d.text for d in train]
    matrices = {"train": pair_matrix(train, features, fit), "dev": pair_matrix(dev, features, fit)}
    split_docs = {"train": train, "dev": dev}
    folds = make_folds(docs, features)
    rows: list[dict[str, Any]] = []
    for label, names in FEATURE_SETS.items():
        columns = [NAMES.index(name) for name in names]
        model = fit_model(train, matrices["train"], columns)
        figures = {split: threshold_scores(split_docs[split], matrix, model, columns)
                   for split, matrix in matrices.items()}
        chosen = max(THRESHOLDS, key=lambda t: (figures["train"][t]["pairwise_f1"], t))
        oracle = max(THRESHOLDS, key=lambda t: figures["dev"][t]["pairwise_f1"])
        row = {"features": list(names), "threshold": chosen,
               "coefficients": dict(zip(names, np.round(model.coef_[0], 2).tolist(), strict=True)),
               "train": {k: round(v, 4) for k, v in figures["train"][chosen].items()},
               "dev": {k: round(v, 4) for k, v in figures["dev"][chosen].items()},
               "dev_oracle_not_for_claims": {"threshold": oracle,
                                             "pairwise_f1": round(figures["dev"][oracle]["pairwise_f1"], 4)},
               "cv": cross_validate(folds, columns)}
        rows.append({"name": label, **row})
        print(f"{label:34s} t={chosen:.2f} train pairwise F1 {row['train']['pairwise_f1']:.3f}  dev pairwise F1 "
              f"{row['dev']['pairwise_f1']:.3f}  dev B3 F1 {row['dev']['bcubed_f1']:.3f}  (dev oracle "
              f"{row['dev_oracle_not_for_claims']['pairwise_f1']:.3f})  CV pairwise F1 {row['cv']['pairwise_f1']:.3f}")
    write_results("stories_ecbplus_pairs", {
        "command": ".venv/bin/python bench/stories_ecbplus_pairs.py", "date": time.strftime("%Y-%m-%d"),
        "settings": {"candidate_floor": CANDIDATE_FLOOR, "neighbours": NEIGHBOURS, "batch": BATCH,
                     "thresholds": [THRESHOLDS[0], THRESHOLDS[-1], 0.05], "model": "LogisticRegression(C=1)",
                     "tuning": "threshold by train pairwise F1 (ties: higher)",
                     "cv": f"{FOLDS} folds by topic over train + dev (as stories_ecbplus.py): model fitted on the "
                           "other folds' pairs, IDF on their texts, threshold by their mean pairwise F1"},
        "systems": rows, "seconds": round(time.perf_counter() - started, 1)})


if __name__ == "__main__":
    main()
