"""Who said what on PolNeAR dev: annotate + attribute every article, scored by the benchmark's own scorer.

    .venv/bin/python bench/attribution_polnear.py [--limit N] [--errors] [--batch-size 32]

Each of the 84 dev articles (`../shared/benchmarks/attribution/polnear-dev/docs.jsonl`) becomes one
`Article` and goes through `Annotator` + `Attributor` in batches, in this process. The predictions are
written to `bench/work/polnear_pred.jsonl` (one record per attribution: `doc_id`, `content` spans,
`speaker`, and `source` / `cue` spans when known) and scored with `score.evaluate` against the silver
speaker gold (`gold_dev_silver_speakers.jsonl`), with the documents given so spans are normalised.

A full run writes `bench/results/attribution_polnear.json`; a `--limit` run writes its figures to
`bench/work/polnear_metrics.json` only (a partial score must not replace the full one). `--errors` writes
a per-document error report to `bench/work/polnear_errors.txt`: gold attributions nobody found,
predictions aligned to no gold, and aligned pairs whose speaker is wrong. The texts are copyrighted
news: nothing derived from them leaves `bench/work/` (gitignored) but the aggregate scores.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from common import ROOT, SHARED, load_module, peak_rss_mb, require, write_results
from parallax.records import Article, Attribution

POLNEAR = SHARED / "benchmarks" / "attribution" / "polnear-dev"
SCORER = SHARED / "benchmarks" / "attribution" / "score.py"
GOLD = POLNEAR / "gold_dev_silver_speakers.jsonl"
WORK = ROOT / "bench" / "work"
PRED_PATH = WORK / "polnear_pred.jsonl"
ERRORS_PATH = WORK / "polnear_errors.txt"
METRICS_PATH = WORK / "polnear_metrics.json"
# From ../shared/benchmarks/README.md, end-to-end F1 (content overlaps and speaker right).
ANCHORS = {"textacy direct_quotations + en_core_web_sm (dev)": 29.9,
           "human annotators agreeing with each other": 78.6}
CONTEXT = 100  # characters of context either side in the error report
SNIPPET = 240  # longest content shown in the error report (the middle is elided)

Span = list[int]
_SPACE = re.compile(r"\s+")


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    with require(path).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def to_article(doc: dict[str, Any]) -> Article:
    return Article(id=doc["doc_id"], source=doc["doc_id"], raw_hash="", input_format="text", text=doc["text"],
                   content_hash="", language="en")


def prediction_record(doc_id: str, attribution: Attribution) -> dict[str, Any]:
    """One attribution in the scorer's prediction format (spans end-exclusive, as lists of [start, end])."""
    pieces = attribution.segments or [(attribution.start, attribution.end)]
    record: dict[str, Any] = {"doc_id": doc_id, "content": [[int(s), int(e)] for s, e in pieces],
                              "speaker": attribution.speaker, "kind": attribution.kind}
    if attribution.speaker_start is not None and attribution.speaker_end is not None:
        record["source"] = [[attribution.speaker_start, attribution.speaker_end]]
    if attribution.speaker_text:
        record["speaker_text"] = attribution.speaker_text
    if attribution.cue_start is not None and attribution.cue_end is not None:
        record["cue"] = [[attribution.cue_start, attribution.cue_end]]
    return record


def predict(articles: list[Article], batch_size: int) -> tuple[list[Article], str, float, float]:
    """Annotate + attribute in batches; return the articles out, the model, the set-up and processing seconds."""
    from parallax.annotate import AnnotateSettings, Annotator
    from parallax.attribute import Attributor

    started = time.perf_counter()
    annotator = Annotator(AnnotateSettings(batch_size=batch_size))
    annotator.setup()
    attributor = Attributor()
    attributor.setup()
    setup_s = time.perf_counter() - started
    out: list[Article] = []
    started = time.perf_counter()
    for first in range(0, len(articles), batch_size):
        batch = articles[first:first + batch_size]
        for record in attributor.process_batch(annotator.process_batch(batch)):
            if isinstance(record, Article):
                out.append(record)
            else:
                print(f"not an article out of the stages: {record!r}"[:300], file=sys.stderr)
        print(f"  {min(first + batch_size, len(articles))}/{len(articles)} docs", file=sys.stderr)
    return out, annotator.model_name, setup_s, time.perf_counter() - started


# ---------------------------------------------------------------------------------------------------------
# Error report. The alignment mirrors score.evaluate (greedy 1:1 by decreasing character Jaccard, using the
# scorer's own span helpers) so that "missed", "spurious" and "speaker wrong" mean what the scores count.


def align(scorer: ModuleType, gold: Sequence[dict[str, Any]], pred: Sequence[dict[str, Any]]) -> dict[int, int]:
    """Prediction index → gold index, as the scorer aligns them."""
    gsets = [scorer.charset(scorer.spans_of(g, "content")) for g in gold]
    psets = [scorer.charset(scorer.spans_of(p, "content")) for p in pred]
    pairs = sorted(((len(ps & gs) / len(ps | gs), i, j) for i, ps in enumerate(psets) for j, gs in enumerate(gsets)
                    if ps & gs), reverse=True)
    used_g: set[int] = set()
    aligned: dict[int, int] = {}
    for _, i, j in pairs:
        if i not in aligned and j not in used_g:
            aligned[i] = j
            used_g.add(j)
    return aligned


def speaker_right(scorer: ModuleType, text: str, gold: dict[str, Any], pred: dict[str, Any]) -> bool:
    """The scorer's speaker_any_or_name test (gold with no source: right iff the prediction names none)."""
    gold_spans, pred_spans = scorer.spans_of(gold, "source"), scorer.spans_of(pred, "source")
    if not gold_spans and not gold.get("speaker"):
        return not pred_spans and not pred.get("speaker")
    if gold_spans and pred_spans and scorer.charset(gold_spans) & scorer.charset(pred_spans):
        return True
    names = [gold.get("speaker"), *(gold.get("speaker_aliases") or [])]
    if gold_spans:
        names.append(" ".join(text[s:e] for s, e in gold_spans))
    pred_name = pred.get("speaker") or " ".join(text[s:e] for s, e in pred_spans)
    return bool(scorer.name_match(pred_name, [n for n in names if n]))


def one_line(text: str) -> str:
    """White space runs (newlines included) folded to one space; the ends are kept, not stripped."""
    return _SPACE.sub(" ", text)


def span_text(text: str, spans: Sequence[Span]) -> str:
    return " … ".join(one_line(text[s:e]).strip() for s, e in spans)


def elide(text: str, limit: int = SNIPPET) -> str:
    return text if len(text) <= limit else text[: limit // 2 - 2] + " […] " + text[-(limit // 2 - 3):]


def in_context(text: str, spans: Sequence[Span]) -> str:
    """The content between ⟦ ⟧ with CONTEXT characters either side, on one line."""
    start, end = spans[0][0], spans[-1][1]
    before = one_line(text[max(0, start - CONTEXT):start])
    after = one_line(text[end:end + CONTEXT])
    return f"…{before}⟦{elide(span_text(text, spans))}⟧{after}…"


def describe_gold(scorer: ModuleType, text: str, gold: dict[str, Any]) -> str:
    source = span_text(text, scorer.spans_of(gold, "source")) or "-"
    cue = span_text(text, scorer.spans_of(gold, "cue")) or "-"
    return f"[{gold.get('quote_type', '?')}] source {source!r} (speaker {gold.get('speaker')!r}) cue {cue!r}"


def describe_pred(scorer: ModuleType, text: str, pred: dict[str, Any]) -> str:
    source = pred.get("speaker_text") or span_text(text, scorer.spans_of(pred, "source")) or "-"
    cue = span_text(text, scorer.spans_of(pred, "cue")) or "-"
    return f"[{pred.get('kind', '?')}] speaker {pred.get('speaker')!r} (as written {source!r}) cue {cue!r}"


def cue_word(text: str, spans: Sequence[Span]) -> str:
    return span_text(text, spans).lower() or "(no cue)"


def error_report(scorer: ModuleType, docs: list[dict[str, Any]], gold: list[dict[str, Any]],
                 pred: list[dict[str, Any]]) -> str:
    gold_by: dict[str, list[dict[str, Any]]] = {}
    pred_by: dict[str, list[dict[str, Any]]] = {}
    for record in gold:
        if scorer.spans_of(record, "content"):
            gold_by.setdefault(record["doc_id"], []).append(record)
    for record in pred:
        if scorer.spans_of(record, "content"):
            pred_by.setdefault(record["doc_id"], []).append(record)
    totals: Counter[str] = Counter()
    missed_types: Counter[str] = Counter()
    missed_cues: Counter[str] = Counter()
    spurious_cues: Counter[str] = Counter()
    sections: list[str] = []
    for doc in docs:
        doc_id, text = doc["doc_id"], doc["text"]
        golds, preds = gold_by.get(doc_id, []), pred_by.get(doc_id, [])
        aligned = align(scorer, golds, preds)
        matched = set(aligned.values())
        missed = [g for j, g in enumerate(golds) if j not in matched]
        spurious = [p for i, p in enumerate(preds) if i not in aligned]
        wrong = [(golds[j], preds[i]) for i, j in sorted(aligned.items(), key=lambda item: item[1])
                 if not speaker_right(scorer, text, golds[j], preds[i])]
        totals.update(gold=len(golds), pred=len(preds), aligned=len(aligned), missed=len(missed),
                      spurious=len(spurious), speaker_wrong=len(wrong))
        missed_types.update(g.get("quote_type", "n/a") for g in missed)
        missed_cues.update(cue_word(text, scorer.spans_of(g, "cue")) for g in missed)
        spurious_cues.update(cue_word(text, scorer.spans_of(p, "cue")) for p in spurious)
        lines = [f"=== {doc_id}: gold {len(golds)}, predicted {len(preds)}, aligned {len(aligned)}, "
                 f"missed {len(missed)}, spurious {len(spurious)}, speaker wrong {len(wrong)}"]
        if missed:
            lines.append("-- gold not found:")
            for g in missed:
                lines += [f"  GOLD {describe_gold(scorer, text, g)}",
                          f"       {in_context(text, scorer.spans_of(g, 'content'))}"]
        if spurious:
            lines.append("-- predicted, aligned to no gold:")
            for p in spurious:
                lines += [f"  PRED {describe_pred(scorer, text, p)}",
                          f"       {in_context(text, scorer.spans_of(p, 'content'))}"]
        if wrong:
            lines.append("-- aligned, speaker wrong:")
            for g, p in wrong:
                lines += [f"  GOLD {describe_gold(scorer, text, g)}",
                          f"  PRED {describe_pred(scorer, text, p)}",
                          f"       gold {in_context(text, scorer.spans_of(g, 'content'))}"]
                if scorer.spans_of(g, "content") != scorer.spans_of(p, "content"):
                    lines.append(f"       pred ⟦{elide(span_text(text, scorer.spans_of(p, 'content')))}⟧")
        sections.append("\n".join(lines))
    head = [f"PolNeAR dev error report: {len(docs)} docs; gold {totals['gold']}, predicted {totals['pred']}, "
            f"aligned (content_any) {totals['aligned']}; missed {totals['missed']}, spurious {totals['spurious']}, "
            f"speaker wrong on aligned {totals['speaker_wrong']}",
            "missed by gold quote type: " + ", ".join(f"{k} {v}" for k, v in missed_types.most_common()),
            "missed by gold cue (top 25): " + ", ".join(f"{k!r} {v}" for k, v in missed_cues.most_common(25)),
            "spurious by predicted cue (top 25): "
            + ", ".join(f"{k!r} {v}" for k, v in spurious_cues.most_common(25)),
            "Content is shown between ⟦ ⟧ with 100 characters of context either side."]
    return "\n".join(head) + "\n\n" + "\n\n".join(sections) + "\n"


# ---------------------------------------------------------------------------------------------------------


def pct(value: float) -> float:
    return round(100 * value, 1)


def summarise(metrics: dict[str, Any]) -> dict[str, Any]:
    """The figures we track, in percent, from the scorer's result."""
    out: dict[str, Any] = {"n_gold": metrics["n_gold"], "n_pred": metrics["n_pred"]}
    for key in ("speaker_any_or_name", "speaker_name"):
        m = metrics[key]
        out[f"e2e_{key}"] = {"F1": pct(m["e2e_F1"]), "P": pct(m["e2e_P"]), "R": pct(m["e2e_R"]),
                             "speaker_acc_on_aligned": pct(m["acc_on_aligned"]), "n_aligned": m["n_aligned"]}
    for key in ("content_exact_norm", "content_any"):
        m = metrics[key]
        out[key] = {"P": pct(m["P"]), "R": pct(m["R"]), "F1": pct(m["F1"])}
    out["recall_by_gold_quote_type"] = {
        qt: {"n_gold": c["n_gold"], "exact_norm": pct(c["R_content_exact_norm"]), "any": pct(c["R_content_any"]),
             "e2e": pct(c["R_e2e_speaker_any_or_name"])}
        for qt, c in metrics["recall_by_gold_quote_type"].items()}
    out["cue_accuracy_on_aligned"] = {"acc": pct(metrics["cue_any"]["acc_on_aligned"]), "n": metrics["cue_any"]["n"]}
    return out


def table(summary: dict[str, Any]) -> str:
    lines = [f"{'metric':34s} {'P':>6s} {'R':>6s} {'F1':>6s}"]
    for key in ("e2e_speaker_any_or_name", "e2e_speaker_name"):
        m = summary[key]
        lines.append(f"{key:34s} {m['P']:6.1f} {m['R']:6.1f} {m['F1']:6.1f}   speaker acc "
                     f"{m['speaker_acc_on_aligned']:.1f} on {m['n_aligned']} aligned")
    for key in ("content_exact_norm", "content_any"):
        m = summary[key]
        lines.append(f"{key:34s} {m['P']:6.1f} {m['R']:6.1f} {m['F1']:6.1f}")
    cue = summary["cue_accuracy_on_aligned"]
    lines.append(f"cue overlap accuracy on aligned pairs: {cue['acc']:.1f} (n={cue['n']})")
    for qt, c in summary["recall_by_gold_quote_type"].items():
        lines.append(f"  recall {qt:9s} n={c['n_gold']:5d}  exact_norm {c['exact_norm']:5.1f}  any {c['any']:5.1f}"
                     f"  e2e {c['e2e']:5.1f}")
    lines.append("anchors (e2e F1): " + "; ".join(f"{k} {v}" for k, v in ANCHORS.items()))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=0, help="only the first N documents (quick iterations)")
    parser.add_argument("--errors", action="store_true", help=f"write a per-document error report to {ERRORS_PATH}")
    parser.add_argument("--batch-size", type=int, default=32, help="articles per annotate/attribute batch")
    args = parser.parse_args()

    scorer = load_module(SCORER, "polnear_score")
    docs = load_jsonl(POLNEAR / "docs.jsonl")
    if args.limit:
        docs = docs[: args.limit]
    doc_ids = {doc["doc_id"] for doc in docs}
    gold = [g for g in load_jsonl(GOLD) if g["doc_id"] in doc_ids]

    articles, model, setup_s, seconds = predict([to_article(doc) for doc in docs], args.batch_size)
    pred = [prediction_record(article.id, a) for article in articles for a in article.attributions]
    WORK.mkdir(parents=True, exist_ok=True)
    with PRED_PATH.open("w", encoding="utf-8") as handle:
        for record in pred:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")

    metrics = scorer.evaluate(gold, pred, docs)
    METRICS_PATH.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    summary = summarise(metrics)
    words = sum(len(doc["text"].split()) for doc in docs)
    timing = {"setup_s": round(setup_s, 1), "seconds": round(seconds, 1),
              "docs_per_s": round(len(docs) / seconds, 2) if seconds else 0.0,
              "words_per_s": round(words / seconds) if seconds else 0}
    print(table(summary))
    print(f"{len(docs)} docs, {words} words: {timing['seconds']} s ({timing['docs_per_s']} docs/s, "
          f"{timing['words_per_s']} words/s; set-up {timing['setup_s']} s); peak RSS {peak_rss_mb():.0f} MB")
    print(f"predictions: {PRED_PATH}; scorer output: {METRICS_PATH}")
    if args.errors:
        ERRORS_PATH.write_text(error_report(scorer, docs, gold, pred), encoding="utf-8")
        print(f"error report: {ERRORS_PATH}")
    if args.limit:
        print("--limit run: bench/results/attribution_polnear.json left as it was")
        return
    result = {
        "command": " ".join([".venv/bin/python", "bench/attribution_polnear.py", *sys.argv[1:]]),
        "date": time.strftime("%Y-%m-%d"),
        "model": model,
        "gold": GOLD.name,
        "n_docs": len(docs),
        **summary,
        "timing": {**timing, "peak_rss_mb": round(peak_rss_mb(), 1)},
        "anchors_e2e_f1": ANCHORS,
    }
    print(f"written to {write_results('attribution_polnear', result)}")


if __name__ == "__main__":
    main()
