"""PLOVER events on the PLOVER gold-standard sentences: type, mode, actor and target countries.

    .venv/bin/python bench/events_plover.py [--limit N] [--errors] [--batch-size 32]

Each of the 322 gold sentences (`../shared/benchmarks/events/plover_gsr_cameo.jsonl`) becomes one English
`Article` and goes through `Annotator` + `Attributor(keep_parse=True)` + `EventExtractor` in batches, in
this process. Every sentence has one gold event; we score one predicted event per sentence, picked as:

1. the first of our events whose trigger shares a word (case-insensitive, function words left out) with
   the gold event words (`spans["EVT"]`, else `eventText`);
2. else our first event in the sentence;
3. else none (every metric then counts the sentence wrong).

Metrics, as shares of all the sentences scored (no event = wrong):

- type accuracy: the picked event's PLOVER type equals `event_plover_current`;
- actor and target country both right: the actor side matches any gold `source` and the target side any
  gold `target`; "strict" additionally needs the type right. One side matches when
  - the gold side is empty (or not a list of actors, as in one record) and our country is None;
  - a gold code, after mapping the CAMEO oddities (JAP → JPN, ITL → ITA; other codes as given), equals our
    country (ISO3);
  - a gold IGO, NGO or IMG code (an organisation, not a country) meets our sector equal to that code, or,
    for IGO only, our country is None and our party's text or canonical name names an international
    organisation (the gazetteer's organisations, or a word such as "United Nations", "Union", "Council",
    "Organization", "Community", "Commission", "Alliance", "Forum", "League", "International" in it);
- mode accuracy: over the sentences whose gold `mode` is set, the picked event's mode equals it;
- events found per sentence and the share of sentences with no event at all.

Each figure is also given per gold type. A full run writes `bench/results/events_plover.json`; a `--limit`
run leaves it alone and writes its figures to `bench/work/events_plover_metrics.json`. `--errors` writes
`bench/work/events_plover_errors.txt`: for every sentence with the type or a country wrong, the gold
(type, mode, actors, targets, event words) against all our events (trigger, type, mode, actor and target
text, country and sector). The sentences are evaluation data: nothing derived from them but the aggregate
figures leaves `bench/work/` (gitignored).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from common import ROOT, SHARED, peak_rss_mb, require, write_results
from parallax.records import Article, Event

GOLD = SHARED / "benchmarks" / "events" / "plover_gsr_cameo.jsonl"
WORK = ROOT / "bench" / "work"
ERRORS_PATH = WORK / "events_plover_errors.txt"
METRICS_PATH = WORK / "events_plover_metrics.json"
GOALS = {"type_accuracy": 0.75, "countries_both_right": 0.60}
CAMEO_TO_ISO3 = {"JAP": "JPN", "ITL": "ITA"}
ORGANISATION_CODES = frozenset({"IGO", "NGO", "IMG"})
IGO_WORDS = re.compile(r"\b(?:united nations|u\.?n\.?|nato|european union|eu|union|council|organi[sz]ation|"
                       r"community|commission|alliance|forum|cooperation|league|assembly|agency|tribunal|international|"
                       r"osce|ecowas|opec|asean|apec|imf|unhcr|unicef|unprofor|kfor|sfor|ifor)\b", re.IGNORECASE)
# Words too common to tie a trigger to the gold event words ("set up" / "up").
FUNCTION_WORDS = frozenset({"a", "an", "the", "to", "of", "on", "in", "at", "for", "with", "up", "out", "off",
                            "down", "and", "or", "by", "from", "into", "over", "be", "is", "was", "were", "has",
                            "have", "had", "not", "its", "their", "his", "her"})
_WORD = re.compile(r"[\w'-]+")


# ---------------------------------------------------------------------------------------------------------
# Gold


@dataclass(slots=True)
class GoldActor:
    text: str
    code: str  # as in the gold (CAMEO), before mapping
    sector: str | None = None

    @property
    def iso3(self) -> str:
        return CAMEO_TO_ISO3.get(self.code, self.code)

    def show(self) -> str:
        mapped = f"→{self.iso3}" if self.iso3 != self.code else ""
        return f"{self.text!r} {self.code}{mapped}" + (f"/{self.sector}" if self.sector else "")


@dataclass(slots=True)
class Gold:
    id: str
    text: str
    type: str
    mode: str | None
    sources: list[GoldActor]
    targets: list[GoldActor]
    event_words: list[str]  # the EVT spans (else eventText), as written
    comment: str | None = None


def _actors(value: Any) -> list[GoldActor]:
    """A gold side as actors; a side that is not a list of actors (one record has a string) is empty."""
    if not isinstance(value, list):
        return []
    out = []
    for item in value:
        if isinstance(item, dict) and item.get("code"):
            out.append(GoldActor(str(item.get("actorText") or ""), str(item["code"]).strip().upper(),
                                 item.get("sector")))
    return out


def load_gold(limit: int) -> list[Gold]:
    with require(GOLD).open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    if limit:
        records = records[:limit]
    gold = []
    for record in records:
        spans = record.get("spans") or {}
        words = list(spans.get("EVT") or []) or ([record["eventText"]] if record.get("eventText") else [])
        gold.append(Gold(record["id"], record["text"], record["event_plover_current"], record.get("mode"),
                         _actors(record.get("source")), _actors(record.get("target")), words,
                         record.get("comment")))
    return gold


# ---------------------------------------------------------------------------------------------------------
# Prediction


def predict(gold: Sequence[Gold], batch_size: int) -> tuple[list[Article], str, float, float]:
    """The three stages in batches; the articles out (in gold order), the model, set-up and processing seconds."""
    from parallax.annotate import AnnotateSettings, Annotator
    from parallax.attribute import Attributor
    from parallax.events import EventExtractor

    started = time.perf_counter()
    annotator = Annotator(AnnotateSettings(batch_size=batch_size))
    attributor = Attributor(keep_parse=True)
    events = EventExtractor()
    for stage in (annotator, attributor, events):
        stage.setup()
    setup_s = time.perf_counter() - started
    articles = [Article(id=g.id, source=g.id, raw_hash="", input_format="text", text=g.text, content_hash="",
                        language="en") for g in gold]
    out: dict[str, Article] = {}
    started = time.perf_counter()
    for first in range(0, len(articles), batch_size):
        batch = articles[first:first + batch_size]
        for record in events.process_batch(attributor.process_batch(annotator.process_batch(batch))):
            if isinstance(record, Article):
                out[record.id] = record
                for note in record.notes:
                    print(f"{record.id}: {note}", file=sys.stderr)
            else:
                print(f"not an article out of the stages: {record!r}"[:300], file=sys.stderr)
        print(f"  {min(first + batch_size, len(articles))}/{len(articles)} sentences", file=sys.stderr)
    seconds = time.perf_counter() - started
    # A sentence that failed keeps its place with no events.
    result = [out.get(a.id, a) for a in articles]
    return result, annotator.model_name, setup_s, seconds


def words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.casefold()) if w not in FUNCTION_WORDS}


def pick(events: Sequence[Event], gold: Gold) -> tuple[Event | None, str]:
    """The event scored for the sentence, and how it was picked: "trigger", "first" or "none"."""
    gold_words = set().union(*(words(w) for w in gold.event_words)) if gold.event_words else set()
    for event in events:
        if words(event.trigger) & gold_words:
            return event, "trigger"
    if events:
        return events[0], "first"
    return None, "none"


# ---------------------------------------------------------------------------------------------------------
# Matching


class Matcher:
    def __init__(self) -> None:
        from parallax.annotate.gazetteer import Gazetteer

        self.gazetteer = Gazetteer.load()

    def names_igo(self, *texts: str | None) -> bool:
        for text in texts:
            if not text:
                continue
            stripped = re.sub(r"^(?:the|a|an)\s+", "", text.strip(), flags=re.IGNORECASE)
            if self.gazetteer.organization(stripped) or self.gazetteer.organization(text) or IGO_WORDS.search(text):
                return True
        return False

    def side(self, gold: Sequence[GoldActor], country: str | None, sector: str | None, *texts: str | None) -> bool:
        if not gold:
            return country is None
        for actor in gold:
            if actor.code in ORGANISATION_CODES:
                if sector == actor.code:
                    return True
                if actor.code == "IGO" and country is None and self.names_igo(*texts):
                    return True
            elif actor.iso3 == country:
                return True
        return False

    def actor(self, gold: Gold, event: Event | None) -> bool:
        if event is None:
            return False
        return self.side(gold.sources, event.actor_country, event.actor_sector, event.actor_text, event.actor)

    def target(self, gold: Gold, event: Event | None) -> bool:
        if event is None:
            return False
        return self.side(gold.targets, event.target_country, event.target_sector, event.target_text, event.target)


# ---------------------------------------------------------------------------------------------------------
# Scoring


@dataclass(slots=True)
class Scored:
    gold: Gold
    events: list[Event]
    picked: Event | None
    how: str
    type_ok: bool
    actor_ok: bool
    target_ok: bool
    mode_ok: bool | None  # None when the gold has no mode

    @property
    def both_ok(self) -> bool:
        return self.actor_ok and self.target_ok


@dataclass(slots=True)
class Tally:
    n: int = 0
    type_ok: int = 0
    actor_ok: int = 0
    target_ok: int = 0
    both_ok: int = 0
    strict: int = 0
    events: int = 0
    no_event: int = 0
    mode_n: int = 0
    mode_ok: int = 0
    picked_by: Counter[str] = field(default_factory=Counter)
    predicted_types: Counter[str] = field(default_factory=Counter)

    def add(self, s: Scored) -> None:
        self.n += 1
        self.type_ok += s.type_ok
        self.actor_ok += s.actor_ok
        self.target_ok += s.target_ok
        self.both_ok += s.both_ok
        self.strict += s.both_ok and s.type_ok
        self.events += len(s.events)
        self.no_event += not s.events
        if s.mode_ok is not None:
            self.mode_n += 1
            self.mode_ok += s.mode_ok
        self.picked_by[s.how] += 1
        self.predicted_types[s.picked.type if s.picked else "(none)"] += 1

    def figures(self) -> dict[str, Any]:
        def share(count: int, total: int) -> float | None:
            return round(count / total, 3) if total else None

        return {"n": self.n, "type_accuracy": share(self.type_ok, self.n),
                "countries_both_right": share(self.both_ok, self.n),
                "countries_both_right_and_type": share(self.strict, self.n),
                "actor_country_right": share(self.actor_ok, self.n),
                "target_country_right": share(self.target_ok, self.n),
                "events_per_sentence": share(self.events, self.n), "no_event_share": share(self.no_event, self.n),
                "mode_accuracy": share(self.mode_ok, self.mode_n), "mode_n": self.mode_n,
                "picked_by": dict(self.picked_by)}


def score(gold: Sequence[Gold], articles: Sequence[Article], matcher: Matcher) -> list[Scored]:
    scored = []
    for g, article in zip(gold, articles, strict=True):
        picked, how = pick(article.events, g)
        scored.append(Scored(g, list(article.events), picked, how,
                             type_ok=picked is not None and picked.type == g.type,
                             actor_ok=matcher.actor(g, picked), target_ok=matcher.target(g, picked),
                             mode_ok=None if not g.mode else (picked is not None and picked.mode == g.mode)))
    return scored


def summarise(scored: Sequence[Scored]) -> tuple[dict[str, Any], dict[str, dict[str, Any]], Counter[tuple[str, str]]]:
    overall = Tally()
    by_type: dict[str, Tally] = defaultdict(Tally)
    confusion: Counter[tuple[str, str]] = Counter()
    for s in scored:
        overall.add(s)
        by_type[s.gold.type].add(s)
        if not s.type_ok:
            confusion[(s.gold.type, s.picked.type if s.picked else "(none)")] += 1
    per_type = {t: by_type[t].figures() for t in sorted(by_type, key=lambda t: (-by_type[t].n, t))}
    return overall.figures(), per_type, confusion


def fmt(value: float | None) -> str:
    return "    —" if value is None else f"{value:5.3f}"


def table(overall: dict[str, Any], per_type: dict[str, dict[str, Any]]) -> str:
    head = (f"{'gold type':11s} {'n':>4s} {'type':>5s} {'both':>5s} {'strict':>6s} {'actor':>5s} {'target':>6s} "
            f"{'ev/s':>5s} {'none':>5s} {'mode':>5s} {'(n)':>4s}")
    lines = [head, "-" * len(head)]

    def row(name: str, f: dict[str, Any]) -> str:
        return (f"{name:11s} {f['n']:4d} {fmt(f['type_accuracy'])} {fmt(f['countries_both_right'])} "
                f"{fmt(f['countries_both_right_and_type']):>6s} {fmt(f['actor_country_right'])} "
                f"{fmt(f['target_country_right']):>6s} {f['events_per_sentence']:5.2f} {fmt(f['no_event_share'])} "
                f"{fmt(f['mode_accuracy'])} {f['mode_n']:4d}")

    lines += [row(t, f) for t, f in per_type.items()]
    lines += ["-" * len(head), row("ALL", overall)]
    lines.append("type = type accuracy; both = actor and target country both right; strict = both and type; "
                 "ev/s = events per sentence; none = share with no event; mode = mode accuracy where gold has one")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------
# Error report


def _party(text: str | None, canonical: str | None, country: str | None, sector: str | None) -> str:
    if not text and not canonical:
        return "—"
    name = repr(text or canonical)
    if canonical and text and canonical != text:
        name += f" ({canonical})"
    return f"{name} {country or '∅'}/{sector or '∅'}"


def _event_line(event: Event, marker: str) -> str:
    flags = [f for f in (event.status if event.status != "asserted" else "", "negated" if event.negated else "",
                         event.modality or "") if f]
    return (f"  {marker} [{event.trigger!r}] {event.type}" + (f"/{event.mode}" if event.mode else "")
            + (f" cameo {event.cameo}" if event.cameo else "")
            + f"  actor {_party(event.actor_text, event.actor, event.actor_country, event.actor_sector)}"
            + f"  target {_party(event.target_text, event.target, event.target_country, event.target_sector)}"
            + (f"  ({', '.join(flags)})" if flags else ""))


def _gold_side(actors: Sequence[GoldActor]) -> str:
    return "; ".join(a.show() for a in actors) if actors else "(none)"


def error_report(scored: Sequence[Scored], overall: dict[str, Any], confusion: Counter[tuple[str, str]]) -> str:
    wrong = [s for s in scored if not (s.type_ok and s.both_ok)]
    problems: Counter[str] = Counter()
    for s in wrong:
        if s.picked is None:
            problems["no event"] += 1
            continue
        if not s.type_ok:
            problems["type wrong"] += 1
        if not s.actor_ok:
            problems["actor country wrong"] += 1
        if not s.target_ok:
            problems["target country wrong"] += 1
    head = [f"PLOVER gold sentences: {overall['n']}; wrong (type or a country): {len(wrong)}",
            "problems: " + ", ".join(f"{k} {v}" for k, v in problems.most_common()),
            "type confusions gold → ours (top 30): "
            + ", ".join(f"{g}→{p} {n}" for (g, p), n in confusion.most_common(30)),
            "mode pairs gold → ours where the gold has a mode (top 30): "
            + ", ".join(f"{g}→{p} {n}" for (g, p), n in Counter(
                (s.gold.mode, s.picked.mode if s.picked else "(no event)") for s in scored if s.gold.mode
            ).most_common(30)),
            "Per sentence: the gold, then all our events; '>' marks the event scored (picked by trigger overlap "
            "with the gold event words, else the first one). Parties: text (canonical) country/sector, ∅ = none.",
            "Sections are sorted by gold type; within a type, sentences with no event come first."]
    sections = []
    order = sorted(wrong, key=lambda s: (s.gold.type, s.picked is not None, s.gold.id))
    totals = Counter(s.gold.type for s in scored)
    wrong_by_type = Counter(s.gold.type for s in wrong)
    current = None
    for s in order:
        g = s.gold
        if g.type != current:
            current = g.type
            sections.append(f"# ===== gold {current}: {wrong_by_type[current]} of {totals[current]} sentences wrong "
                            + "=" * 40)
        verdict = []
        if s.picked is None:
            verdict.append("NO EVENT")
        else:
            if not s.type_ok:
                verdict.append(f"TYPE {s.picked.type}≠{g.type}")
            if not s.actor_ok:
                verdict.append("ACTOR")
            if not s.target_ok:
                verdict.append("TARGET")
            if s.mode_ok is False:
                verdict.append("mode")
            verdict.append(f"picked: {s.how}")
        lines = [f"## {g.id}  [{' | '.join(verdict)}]",
                 f"  {g.text}",
                 f"  gold: {g.type}" + (f"/{g.mode}" if g.mode else "") + f"  EVT {g.event_words}",
                 f"        source {_gold_side(g.sources)}  target {_gold_side(g.targets)}"
                 + (f"  ({g.comment})" if g.comment else "")]
        if not s.events:
            lines.append("  ours: (no event)")
        for event in s.events:
            lines.append(_event_line(event, ">" if event is s.picked else " "))
        sections.append("\n".join(lines))
    return "\n".join(head) + "\n\n" + "\n\n".join(sections) + "\n"


# ---------------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=0, help="only the first N sentences (quick iterations)")
    parser.add_argument("--errors", action="store_true", help=f"write a per-sentence error report to {ERRORS_PATH}")
    parser.add_argument("--batch-size", type=int, default=32, help="sentences per batch through the stages")
    args = parser.parse_args()

    gold = load_gold(args.limit)
    articles, model, setup_s, seconds = predict(gold, args.batch_size)
    scored = score(gold, articles, Matcher())
    overall, per_type, confusion = summarise(scored)
    print(table(overall, per_type))
    goals = {name: {"goal": goal, "value": overall[name], "met": (overall[name] or 0) >= goal}
             for name, goal in GOALS.items()}
    print("goals: " + "; ".join(f"{k} {v['value']} (≥ {v['goal']}: {'met' if v['met'] else 'not met'})"
                                for k, v in goals.items()))
    print("most frequent type confusions (gold→ours): "
          + ", ".join(f"{g}→{p} {n}" for (g, p), n in confusion.most_common(10)))
    print(f"{len(gold)} sentences: {seconds:.1f} s (set-up {setup_s:.1f} s); peak RSS {peak_rss_mb():.0f} MB")
    WORK.mkdir(parents=True, exist_ok=True)
    if args.errors:
        ERRORS_PATH.write_text(error_report(scored, overall, confusion), encoding="utf-8")
        print(f"error report: {ERRORS_PATH}")
    result = {
        "command": " ".join([".venv/bin/python", "bench/events_plover.py", *sys.argv[1:]]),
        "date": time.strftime("%Y-%m-%d"),
        "model": model,
        "gold": GOLD.name,
        "n_sentences": len(gold),
        "pick_rule": "first event whose trigger shares a word with the gold event words, else first event",
        "country_codes_mapped": CAMEO_TO_ISO3,
        **overall,
        "goals": goals,
        "per_type": per_type,
        "type_confusions": {f"{g}->{p}": n for (g, p), n in confusion.most_common()},
        "timing": {"setup_s": round(setup_s, 1), "seconds": round(seconds, 1),
                   "sentences_per_s": round(len(gold) / seconds, 1) if seconds else 0.0,
                   "peak_rss_mb": round(peak_rss_mb(), 1)},
    }
    if args.limit:
        METRICS_PATH.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"--limit run: figures in {METRICS_PATH}; bench/results/events_plover.json left as it was")
        return
    print(f"written to {write_results('events_plover', result)}")


if __name__ == "__main__":
    main()
