"""The seed pages end to end through the command line, scored by the acceptance scorer.

    .venv/bin/python bench/attribution_seeds.py [--all]

Runs `parallax analyze ../shared/seeds --db TMP --workers 0` and `parallax export --db TMP -o EXPORT`
into a temporary folder (the venv's `parallax` script, or `python -m parallax.cli` when there is none),
then `score(gold, export)` of `../shared/acceptance/score.py` against `seeds_gold.json`. Prints the
scorer's one-line summary and its per-item lines about attributions (missed / speaker wrong / not in gold;
`--all` prints every line), keeps the export in `bench/work/seeds_export.json` (gitignored) for
inspection, and merges the figures into `bench/results/seeds.json` (keys this script does not write are
kept).

The scorer skips the gold dates marked `stretch` (hard cases: a year only the story gives, a weekday next
to a name, …). This script scores them too, with the scorer's own rule (one of our date mentions in the
article has a text that, normalised, is contained in the gold key, and a value that starts with the gold
value), prints a line per stretch date missed, and writes `dates_stretch: "n/N"`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import ACCEPTANCE, RESULTS, ROOT, SEEDS, load_module, require, write_results

WORK = ROOT / "bench" / "work"
ATTRIBUTION_LINES = ("attribution missed", "speaker wrong", "attribution not in gold")
# score.py's counters, [found, total], under the names we keep in the results file.
COUNTERS = {"clean": "clean", "meta": "meta", "attr_recall": "attribution_recall",
            "attr_precision": "attribution_precision", "attr_speaker": "attribution_speaker",
            "events": "events", "event_types": "event_types", "quantities": "quantities", "dates": "dates",
            "stories": "stories", "corroborated": "claims_corroborated", "single_source": "claims_single_source",
            "disputed": "claims_disputed", "apart": "apart", "reprints": "reprints"}


def cli() -> list[str]:
    script = Path(sys.executable).parent / "parallax"
    return [str(script)] if script.exists() else [sys.executable, "-m", "parallax.cli"]


def run(args: list[str]) -> subprocess.CompletedProcess[str]:
    process = subprocess.run([*cli(), *args], capture_output=True, text=True, cwd=ROOT, check=False)
    # 1 means some inputs failed (what could be stored was stored), unless the command itself crashed.
    if process.returncode not in (0, 1) or "Traceback" in process.stderr:
        sys.exit(f"`parallax {' '.join(args)}` exited {process.returncode}:\n{process.stdout}\n{process.stderr}")
    return process


def ratio(pair: list[int]) -> str:
    return f"{pair[0]}/{pair[1]}"


def summary_line(res: dict[str, Any]) -> str:
    """The scorer's own summary line (score.py main prints the same)."""
    recall = res["attr_recall"][0] / max(1, res["attr_recall"][1])
    precision = res["attr_precision"][0] / max(1, res["attr_precision"][1])
    f1 = 2 * recall * precision / max(1e-9, recall + precision)
    return (f"clean {ratio(res['clean'])} | meta {ratio(res['meta'])} | attribution R {ratio(res['attr_recall'])} "
            f"P {ratio(res['attr_precision'])} F1 {f1:.2f} speaker {ratio(res['attr_speaker'])} | "
            f"events {ratio(res['events'])} (type {ratio(res['event_types'])}) | quantities "
            f"{ratio(res['quantities'])} false {res['false_quantities']} | dates {ratio(res['dates'])} | "
            f"stories {ratio(res['stories'])} | claims corroborated {ratio(res['corroborated'])} "
            f"single {ratio(res['single_source'])} disputed {ratio(res['disputed'])} | apart {ratio(res['apart'])} "
            f"reprints {ratio(res['reprints'])}")


def stretch_dates(scorer: Any, gold: dict[str, Any], export: dict[str, Any]) -> tuple[list[int], list[str]]:
    """[found, total] of the gold dates the scorer skips as `stretch`, by its own matching rule, and its lines."""
    found, total, lines = 0, 0, []
    for doc, entry in gold["documents"].items():
        stretch = [gd for gd in entry.get("dates", []) if gd.get("stretch")]
        if not stretch:
            continue
        article = scorer.find_article(export.get("articles", []), doc)
        mentions = article.get("dates", []) if article else []
        for gd in stretch:
            total += 1
            key = scorer.norm(gd["key"])
            near = [d for d in mentions if d.get("text") and scorer.norm(d["text"]) in key]
            ok = any(str(d.get("value", "")).startswith(gd["value"]) for d in near)
            found += ok
            if not ok:
                lines.append(f"{doc}: stretch date {gd['key']!r} want {gd['value']} got "
                             f"{[(d.get('text'), d.get('value')) for d in near]}")
    return [found, total], lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--all", action="store_true", help="print every scorer line, not only attribution ones")
    args = parser.parse_args()
    scorer = load_module(ACCEPTANCE / "score.py", "acceptance_score")
    gold = json.loads(require(ACCEPTANCE / "seeds_gold.json").read_text(encoding="utf-8"))
    require(SEEDS)

    with tempfile.TemporaryDirectory() as work:
        db, export_path = Path(work) / "seeds.db", Path(work) / "export.json"
        started = time.perf_counter()
        analyzed = run(["analyze", str(SEEDS), "--db", str(db), "--workers", "0", "--quiet"])
        analyze_s = time.perf_counter() - started
        run(["export", "--db", str(db), "-o", str(export_path)])
        export = json.loads(export_path.read_text(encoding="utf-8"))
        WORK.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(export_path, WORK / "seeds_export.json")
    if analyzed.returncode:
        print(f"analyze reported failed inputs:\n{analyzed.stderr.strip()}", file=sys.stderr)

    if not export.get("articles"):
        sys.exit("the export holds no article: nothing to score (bench/results/seeds.json left as it was)")
    res, lines = scorer.score(gold, export)
    for line in lines:
        if args.all or any(marker in line for marker in ATTRIBUTION_LINES):
            print(line)
    stretch, stretch_lines = stretch_dates(scorer, gold, export)
    for line in stretch_lines:
        print(line)
    summary = summary_line(res)
    print(summary)
    print(f"stretch dates (skipped by the scorer, same rule): {ratio(stretch)}")
    recall = res["attr_recall"][0] / max(1, res["attr_recall"][1])
    precision = res["attr_precision"][0] / max(1, res["attr_precision"][1])
    figures: dict[str, Any] = {name: ratio(res[key]) for key, name in COUNTERS.items()}
    figures["attribution_f1"] = round(2 * recall * precision / max(1e-9, recall + precision), 3)
    figures["false_quantities"] = res["false_quantities"]
    figures["dates_stretch"] = ratio(stretch)
    predicted = sum(len(article.get("attributions", [])) for article in export.get("articles", []))

    previous_path = RESULTS / "seeds.json"
    previous: dict[str, Any] = {}
    if previous_path.exists():
        previous = json.loads(previous_path.read_text(encoding="utf-8"))
        for key in ("benchmark", "measured_at", "machine"):  # write_results sets these afresh
            previous.pop(key, None)
    result = {**previous,
              "command": " ".join([".venv/bin/python", "bench/attribution_seeds.py", *sys.argv[1:]]),
              "scorer": "python3 ../shared/acceptance/score.py ../shared/acceptance/seeds_gold.json EXPORT",
              "articles": len(export.get("articles", [])), "attributions_predicted": predicted,
              "analyze_seconds": round(analyze_s, 1), **figures, "summary": summary}
    print(f"analyze {analyze_s:.1f} s; export kept in {WORK / 'seeds_export.json'}; "
          f"written to {write_results('seeds', result)}")


if __name__ == "__main__":
    main()
