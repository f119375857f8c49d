"""Train and evaluate the text-dump line model; write the shipped model and bench/results/textdump.json.

This script owns the learning side of the text-dump extractor:

* data: benchmark pages rendered to dumps and labelled (bench/textdump_data.py), plus a cropped copy of
  each page (a few lines of clutter around the article only) so that short dumps look familiar;
* evaluation: 5-fold cross-validation by page (the crop of a page is always in its page's fold); the
  out-of-fold line probabilities go through the full extractor (rules layer included) and the joined
  text is scored per page with the benchmark's own scorer (imported from its file);
* baselines: the simple line filter, and trafilatura run on the dump wrapped as paragraphs;
* final model: trained on all pages and written as JSON next to the extractor.

usage: PYTHONPATH=src .venv/bin/python bench/textdump_train.py [--stage1 trees|logistic]
       [--smoothing trees|logistic|none] [--skip-trafilatura] [--no-write] [--fold-seed N]
       [--extra-fold-seeds N ...]
"""

from __future__ import annotations

import argparse
import html
import json
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ACCEPTANCE, SEEDS, load_scrapinghub_scorer
from parallax.extract.textdump import assemble, extract_text_dump
from parallax.extract.textdump.features import feature_names, line_features
from parallax.extract.textdump.model import (
    MODEL_PATH,
    LineModel,
    LogisticStage,
    Stage,
    TreeStage,
    smoothing_features,
)
from parallax.extract.textdump.rules import fold, simple_line_filter
from parallax.extract.textdump.title import (
    candidate_features,
    candidate_indices,
    find_title_index,
    first_body_index,
)
from textdump_data import BenchmarkPage, load_benchmark_pages

RESULTS_PATH = Path(__file__).resolve().parent / "results" / "textdump.json"
SEEDS_DIR = SEEDS
ACCEPTANCE_SCORER = ACCEPTANCE / "score.py"
ACCEPTANCE_GOLD = ACCEPTANCE / "seeds_gold.json"
N_FOLDS = 5
RANDOM_SEED = 0
CONTENT_SHARE = 0.5


@dataclass(slots=True)
class Dump:
    """One training dump: a page (full or cropped) as lines, labels and features."""

    page_id: str
    cropped: bool
    lines: list[str]
    labels: np.ndarray
    features: np.ndarray
    gold_body: str
    h1_titles: set[str]


def crop_around_article(page: BenchmarkPage, rng: random.Random) -> list[int] | None:
    """Line indices of a short dump: the article plus a few lines of clutter before and after."""
    content = [i for i, share in enumerate(page.match_share) if share >= CONTENT_SHARE]
    if not content:
        return None
    start = max(0, content[0] - rng.randint(2, 12))
    end = min(len(page.lines), content[-1] + 1 + rng.randint(2, 10))
    return list(range(start, end))


def build_dumps(pages: list[BenchmarkPage]) -> list[Dump]:
    rng = random.Random(RANDOM_SEED)
    dumps: list[Dump] = []
    for page in pages:
        labels = np.array([share >= CONTENT_SHARE for share in page.match_share], dtype=np.int8)
        titles = {fold(title) for title in page.h1_titles if len(title.split()) >= 3}
        dumps.append(Dump(page.page_id, False, page.lines, labels, line_features(page.lines), page.gold_body,
                          titles))
        kept = crop_around_article(page, rng)
        if kept is not None:
            lines = [page.lines[i] for i in kept]
            dumps.append(Dump(page.page_id, True, lines, labels[kept], line_features(lines), page.gold_body,
                              titles))
    return dumps


# Boosted-tree settings chosen by 5-fold CV over three fold seeds (bench/results/textdump.json records the run).
LINE_TREES: dict[str, float | int] = {
    "max_iter": 400, "learning_rate": 0.05, "max_leaf_nodes": 31, "max_depth": 8, "min_samples_leaf": 30,
    "l2_regularization": 1.0, "max_features": 0.5,
}
SMOOTHING_TREES: dict[str, float | int] = {
    "max_iter": 100, "learning_rate": 0.08, "max_leaf_nodes": 7, "max_depth": 4, "min_samples_leaf": 50,
    "l2_regularization": 1.0,
}


def fit_stage(kind: str, features: np.ndarray, labels: np.ndarray,
              tree_settings: dict[str, float | int] | None = None) -> Stage:
    """A logistic stage, or a boosted-tree stage with ``tree_settings`` (LINE_TREES by default)."""
    if kind == "logistic":
        mean = features.mean(axis=0)
        scale = features.std(axis=0)
        scale[scale < 1e-6] = 1.0
        classifier = LogisticRegression(C=0.5, max_iter=3000)
        classifier.fit((features - mean) / scale, labels)
        return LogisticStage(mean, scale, classifier.coef_[0].astype(np.float64), float(classifier.intercept_[0]))
    classifier = HistGradientBoostingClassifier(random_state=RANDOM_SEED, **(tree_settings or LINE_TREES))
    classifier.fit(features.astype(np.float64), labels)
    return export_trees(classifier)


def _float32_threshold(threshold: float) -> float:
    """The largest float32 <= threshold: for float32 features, x <= it exactly when x <= threshold."""
    rounded = np.float32(threshold)
    if float(rounded) > threshold:
        rounded = np.nextafter(rounded, np.float32(-np.inf))
    return float(rounded)


def export_trees(classifier: HistGradientBoostingClassifier) -> TreeStage:
    """Pack sklearn's histogram-boosted trees into flat arrays (leaves point to themselves)."""
    roots: list[int] = []
    feature: list[int] = []
    threshold: list[float] = []
    left: list[int] = []
    right: list[int] = []
    value: list[float] = []
    max_depth = 0
    for predictors in classifier._predictors:
        nodes = predictors[0].nodes
        offset = len(feature)
        roots.append(offset)
        for index, node in enumerate(nodes):
            max_depth = max(max_depth, int(node["depth"]))
            if node["is_leaf"]:
                feature.append(0)
                threshold.append(0.0)
                left.append(offset + index)
                right.append(offset + index)
                value.append(float(node["value"]))
            else:
                feature.append(int(node["feature_idx"]))
                threshold.append(_float32_threshold(float(node["num_threshold"])))
                left.append(offset + int(node["left"]))
                right.append(offset + int(node["right"]))
                value.append(0.0)
    return TreeStage(
        base_score=float(np.ravel(classifier._baseline_prediction)[0]), roots=np.array(roots),
        feature=np.array(feature), threshold=np.array(threshold, dtype=np.float32), left=np.array(left),
        right=np.array(right),
        value=np.array(value), max_depth=max_depth,
    )


def stacked(dumps: list[Dump]) -> tuple[np.ndarray, np.ndarray]:
    return np.vstack([d.features for d in dumps]), np.concatenate([d.labels for d in dumps])


def fold_of_pages(page_ids: list[str], n_folds: int, seed: int) -> dict[str, int]:
    order = sorted(set(page_ids))
    random.Random(seed).shuffle(order)
    return {page_id: index % n_folds for index, page_id in enumerate(order)}


def train_model(dumps: list[Dump], stage1: str, smoothing: str, threshold: float = 0.5) -> LineModel:
    """Stage 1 on all dumps; stage 2 on stage-1 probabilities predicted out-of-fold (inner CV)."""
    features, labels = stacked(dumps)
    first = fit_stage(stage1, features, labels)
    second: Stage | None = None
    if smoothing != "none":
        inner = fold_of_pages([d.page_id for d in dumps], N_FOLDS, RANDOM_SEED + 1)
        smoothed_rows: list[np.ndarray] = []
        smoothed_labels: list[np.ndarray] = []
        for fold in range(N_FOLDS):
            train = [d for d in dumps if inner[d.page_id] != fold]
            held = [d for d in dumps if inner[d.page_id] == fold]
            inner_model = LineModel(fit_stage(stage1, *stacked(train)), None, threshold, feature_names())
            for dump in held:
                probability = inner_model.predict_proba(dump.features)
                smoothed_rows.append(smoothing_features(probability, dump.features))
                smoothed_labels.append(dump.labels)
        second = fit_stage(smoothing, np.vstack(smoothed_rows), np.concatenate(smoothed_labels), SMOOTHING_TREES)
    return LineModel(first, second, threshold, feature_names())


def score_texts(scorer: ModuleType, pairs: list[tuple[str, str]]) -> dict[str, float]:
    """Benchmark metrics (macro P/R, F1 of the averages) over (gold, predicted) text pairs."""
    triples = [scorer.tp_fp_fn(gold, predicted) for gold, predicted in pairs]
    return {key: round(value, 4) for key, value in scorer.aggregate(triples).items()}


def line_accuracy(dumps: list[Dump], keeps: list[np.ndarray]) -> dict[str, float]:
    labels = np.concatenate([d.labels for d in dumps]).astype(bool)
    predicted = np.concatenate(keeps)
    true_positive = float((labels & predicted).sum())
    precision = true_positive / max(1.0, float(predicted.sum()))
    recall = true_positive / max(1.0, float(labels.sum()))
    return {"line_precision": round(precision, 4), "line_recall": round(recall, 4),
            "line_f1": round(2 * precision * recall / max(1e-9, precision + recall), 4)}


def trafilatura_on_dump(lines: list[str]) -> str:
    import trafilatura

    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    return trafilatura.extract(f"<html><body>{body}</body></html>") or ""


def cross_validate(dumps: list[Dump], folds: dict[str, int], stage1: str, smoothing: str) -> list[np.ndarray]:
    """Out-of-fold line probabilities for every dump, by page folds."""
    probabilities: dict[int, np.ndarray] = {}
    for fold_number in range(N_FOLDS):
        started = time.time()
        train = [d for d in dumps if folds[d.page_id] != fold_number]
        model = train_model(train, stage1, smoothing)
        for index, dump in enumerate(dumps):
            if folds[dump.page_id] == fold_number:
                probabilities[index] = model.predict_proba(dump.features)
        print(f"  fold {fold_number + 1}/{N_FOLDS} trained in {time.time() - started:.1f}s", flush=True)
    return [probabilities[i] for i in range(len(dumps))]


@dataclass(slots=True)
class TitleExamples:
    """Headline candidates of one dump, labelled by the page's <h1>."""

    dump_index: int
    features: np.ndarray
    labels: np.ndarray


def title_examples(dumps: list[Dump], probabilities: list[np.ndarray], threshold: float) -> list[TitleExamples]:
    examples: list[TitleExamples] = []
    for index, (dump, probability) in enumerate(zip(dumps, probabilities, strict=True)):
        if not dump.h1_titles:
            continue
        first_body = first_body_index(dump.lines, probability >= threshold)
        candidates = candidate_indices(dump.lines, first_body)
        if not candidates:
            continue
        labels = np.array([fold(dump.lines[i]) in dump.h1_titles for i in candidates], dtype=np.int8)
        features = candidate_features(dump.lines, probability, threshold, first_body, candidates)
        examples.append(TitleExamples(index, features, labels))
    return examples


def fit_title_stage(examples: list[TitleExamples]) -> Stage:
    usable = [example for example in examples if example.labels.any()]
    return fit_stage("logistic", np.vstack([e.features for e in usable]), np.concatenate([e.labels for e in usable]))


def title_accuracy(dumps: list[Dump], probabilities: list[np.ndarray], scorers: dict[int, Stage | None],
                   folds: dict[str, int], threshold: float) -> dict[str, float]:
    """Share of dumps (with a usable <h1>) whose chosen headline is that <h1>, per scorer."""
    hits = total = 0
    for dump, probability in zip(dumps, probabilities, strict=True):
        if not dump.h1_titles or not any(fold(line) in dump.h1_titles for line in dump.lines):
            continue
        total += 1
        index = find_title_index(dump.lines, probability, threshold, scorers[folds[dump.page_id]])
        hits += index is not None and fold(dump.lines[index]) in dump.h1_titles
    return {"dumps": total, "title_equals_h1": round(hits / max(1, total), 4)}


def cross_validate_titles(dumps: list[Dump], probabilities: list[np.ndarray], folds: dict[str, int],
                          threshold: float) -> dict[int, Stage | None]:
    """A title scorer per fold, trained on the other folds' dumps (with their out-of-fold probabilities)."""
    examples = title_examples(dumps, probabilities, threshold)
    scorers: dict[int, Stage | None] = {}
    for fold_number in range(N_FOLDS):
        train = [e for e in examples if folds[dumps[e.dump_index].page_id] != fold_number]
        scorers[fold_number] = fit_title_stage(train)
    return scorers


def evaluate(dumps: list[Dump], probabilities: list[np.ndarray], folds: dict[str, int],
             title_scorers: dict[int, Stage | None], scorer: ModuleType, with_trafilatura: bool) -> dict[str, object]:
    results: dict[str, object] = {}
    for cropped in (False, True):
        subset = [(d, p) for d, p in zip(dumps, probabilities, strict=True) if d.cropped == cropped]
        dumps_here = [d for d, _ in subset]
        probabilities_here = [p for _, p in subset]
        name = "cropped_dumps" if cropped else "full_dumps"
        section: dict[str, object] = {"pages": len(subset)}
        baseline = [(d.gold_body, "\n\n".join(line for line, keep in zip(d.lines, simple_line_filter(d.lines),
                                                                           strict=True) if keep))
                    for d, _ in subset]
        section["rules_baseline"] = score_texts(scorer, baseline)
        for threshold in (0.3, 0.4, 0.5, 0.6):
            pairs = [(d.gold_body, assemble(d.lines, p, threshold, title_scorers[folds[d.page_id]]).text)
                     for d, p in subset]
            metrics = score_texts(scorer, pairs)
            metrics.update(line_accuracy([d for d, _ in subset], [p >= threshold for _, p in subset]))
            section[f"model_oof_threshold_{threshold}"] = metrics
        if with_trafilatura:
            started = time.time()
            section["trafilatura_on_dump"] = score_texts(
                scorer, [(d.gold_body, trafilatura_on_dump(d.lines)) for d, _ in subset])
            print(f"  trafilatura on {name}: {time.time() - started:.1f}s", flush=True)
        no_scorer: dict[int, Stage | None] = dict.fromkeys(range(N_FOLDS))
        section["title_first_candidate"] = title_accuracy(dumps_here, probabilities_here, no_scorer, folds, 0.5)
        section["title_learned_oof"] = title_accuracy(dumps_here, probabilities_here, title_scorers, folds, 0.5)
        results[name] = section
    return results


def main_metrics(dumps: list[Dump], probabilities: list[np.ndarray], folds: dict[str, int],
                 title_scorers: dict[int, Stage | None], scorer: ModuleType) -> dict[str, dict[str, float]]:
    """F1/P/R of the extractor at the shipped threshold on full and cropped dumps."""
    metrics: dict[str, dict[str, float]] = {}
    for cropped in (False, True):
        pairs = [(d.gold_body, assemble(d.lines, p, 0.5, title_scorers[folds[d.page_id]]).text)
                 for d, p in zip(dumps, probabilities, strict=True) if d.cropped == cropped]
        metrics["cropped_dumps" if cropped else "full_dumps"] = score_texts(scorer, pairs)
    return metrics


def seed_check(model: LineModel) -> dict[str, object]:
    """Seed dumps through the final model, scored by the acceptance scorer (no seed text is stored)."""
    articles: list[dict[str, object]] = []
    timings: dict[str, float] = {}
    for path in sorted(SEEDS_DIR.glob("*.txt")):
        text = path.read_text("utf8")
        started = time.perf_counter()
        page = extract_text_dump(text, model)
        timings[path.stem] = round((time.perf_counter() - started) * 1000, 2)
        articles.append({"id": path.stem, "source": str(path), "title": page.title, "outlet": page.outlet,
                         "text": page.text})
    with tempfile.TemporaryDirectory() as folder:
        export_path = Path(folder) / "export.json"
        export_path.write_text(json.dumps({"articles": articles}, ensure_ascii=False), "utf8")
        scored = subprocess.run([sys.executable, str(ACCEPTANCE_SCORER), str(ACCEPTANCE_GOLD), str(export_path)],
                                capture_output=True, text=True, check=False)
    summary_line = scored.stdout.strip().splitlines()[-1] if scored.stdout.strip() else scored.stderr.strip()
    clean_and_meta = " | ".join(summary_line.split(" | ")[:2])
    return {"acceptance": clean_and_meta, "extract_ms_first_call": timings}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stage1", choices=("trees", "logistic"), default="trees")
    parser.add_argument("--smoothing", choices=("trees", "logistic", "none"), default="trees")
    parser.add_argument("--skip-trafilatura", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="evaluate only; keep the shipped model")
    parser.add_argument("--fold-seed", type=int, default=RANDOM_SEED, help="seed of the page-to-fold shuffle")
    parser.add_argument("--extra-fold-seeds", type=int, nargs="*", default=[],
                        help="repeat the cross-validation with these fold shuffles (spread of the estimate)")
    args = parser.parse_args()

    started = time.time()
    pages = load_benchmark_pages()
    dumps = build_dumps(pages)
    print(f"{len(pages)} pages, {len(dumps)} dumps, {sum(len(d.lines) for d in dumps)} lines, "
          f"{len(feature_names())} features ({time.time() - started:.1f}s)", flush=True)
    scorer = load_scrapinghub_scorer()
    folds = fold_of_pages([d.page_id for d in dumps], N_FOLDS, args.fold_seed)
    out_of_fold = cross_validate(dumps, folds, args.stage1, args.smoothing)
    title_scorers = cross_validate_titles(dumps, out_of_fold, folds, 0.5)
    results: dict[str, object] = {
        "benchmark": "scrapinghub article-extraction-benchmark, 181 pages rendered to text dumps",
        "evaluation": f"{N_FOLDS}-fold cross-validation by page; out-of-fold predictions through the full "
                      "extractor; scored with the benchmark's score.py (word 4-gram shingles, macro P/R)",
        "model": {"stage1": args.stage1, "smoothing": args.smoothing},
        "fold_seed": args.fold_seed,
    }
    results.update(evaluate(dumps, out_of_fold, folds, title_scorers, scorer, not args.skip_trafilatura))
    if args.extra_fold_seeds:
        spread: dict[str, object] = {
            str(args.fold_seed): main_metrics(dumps, out_of_fold, folds, title_scorers, scorer),
        }
        for fold_seed in args.extra_fold_seeds:
            other_folds = fold_of_pages([d.page_id for d in dumps], N_FOLDS, fold_seed)
            other_oof = cross_validate(dumps, other_folds, args.stage1, args.smoothing)
            other_titles = cross_validate_titles(dumps, other_oof, other_folds, 0.5)
            spread[str(fold_seed)] = main_metrics(dumps, other_oof, other_folds, other_titles, scorer)
        results["fold_seed_spread_threshold_0.5"] = spread
    print(json.dumps(results, indent=1), flush=True)
    if args.no_write:
        return
    final_model = train_model(dumps, args.stage1, args.smoothing)
    final_model.title = fit_title_stage(title_examples(dumps, out_of_fold, 0.5))
    MODEL_PATH.write_text(json.dumps(final_model.to_dict(), separators=(",", ":")), "utf8")
    results["model_file"] = {"path": MODEL_PATH.name, "bytes": MODEL_PATH.stat().st_size}
    results["seed_pages"] = seed_check(final_model)
    print(f"seed pages: {results['seed_pages']}")
    RESULTS_PATH.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_PATH.write_text(json.dumps(results, indent=1) + "\n", "utf8")
    print(f"model -> {MODEL_PATH} ({MODEL_PATH.stat().st_size} bytes); results -> {RESULTS_PATH}")


if __name__ == "__main__":
    main()
