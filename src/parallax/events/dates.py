"""Time expressions in article text, resolved to ISO values against the article's reference date.

This module owns two things: which date an article's relative expressions are read against
(`reference_date`: the published date, else the page/capture date, else the story's dates) and the
time expressions themselves (`find_dates`: every date, month, year, week, season, quarter, decade,
range or relative expression, as a `DateMention` with an ISO value or None when it cannot be known).

It is our own rule layer, HeidelTime-style: the vocabulary (month and weekday names, relative
phrases and their offsets, part-of-period words, seasons, tense cues) lives as data in
`data/timex.json`, compiled once into one regular expression of prioritised rules; one pass over
the words tries it only near trigger words (digits, month and weekday names, units...), which keeps
a 600-word article well under a millisecond. We do not use dateparser for English because it reads
"the 9th" as September and shifts absurd dates ("February 30") to real ones. Other languages go
through our numeric rules, month-name, weekday-plus-day and relative-phrase rules built from
dateparser's locale vocabulary, and only then dateparser's `search_dates` for the rest, with bare
ordinal days dropped and counted numbers blanked out (they make it miss whole sentences).

Resolution choices (news conventions):

* Values: "2022-12-09" day, "2022-W49" ISO week, "2022-12" month, "2022" year, "START/END" for
  ranges, seasons ("2022-06/2022-08", northern-hemisphere meteorological seasons), quarters
  ("2023-01/2023-03") and decades ("1990/1999"). None when unknown: no reference for a relative
  expression, an impossible date ("February 30", "31 April"), an ambiguous numeric date
  ("09/12/2022": both parts ≤ 12), or a duration relative to another event ("three days later").
* Tense decides the direction of expressions without a year: past or unknown tense looks back
  (the most recent October / Friday / 9th on or before the reference date: the reference day itself
  counts, since news reports what happened that day), future tense ("will", "would", "going to",
  "is set to", ... or an MD auxiliary on the governing verb of a spaCy parse) looks forward (on or
  after for months and month-days; strictly after for weekdays). Present tense counts as unknown.
* "this Friday" looks back only in past tense, otherwise forward; "last Friday" is strictly before
  and "next Friday" strictly after the reference. "this Friday, the 9th" and "Friday (9)" are the
  most recent date on or before the reference that is that weekday and that day of month (searching
  24 months; forward in future tense).
* Vague spans ("in recent days", "the following months") become ranges whose extents are data.
* Contextless numbers are not dates: a bare year needs a preposition ("in 2019", "since 2014"), a
  following event noun ("the 2019 elections") or "the year"; a bare month needs a preposition or
  "last/next/this"; "May", "March" and abbreviations only count when capitalised.
* Ranges: "3 to 5 March", "March 3-5, 2023", "March–April 2023", "between 2019 and 2021", and two
  complete mentions joined by "from … to", "between … and" or a dash ("from 3 March to 5 April
  2023": the first takes the second's year).
* Times of day are ignored: "Friday at 3 p.m." yields the day "Friday"; "Friday night" is folded
  into the day mention.
* Relations: "absolute" (a complete date or a year), "anchored" (an absolute expression missing its
  year or month, completed from the reference: "October 17", "in October", "this Friday, the 9th"),
  "relative" (deictic: "yesterday", "last week", "on Friday", "two days ago"), "duration" (relative
  to another event or a length of time: "the next day", "three weeks later", "for two years").
  Page header dates are complete dates ("Saturday, February 4, 2023"), so callers can tell them
  from event mentions by relation and position.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parallax.records import DateMention

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["find_dates", "reference_date"]

_DATA: dict[str, Any] = json.loads((Path(__file__).parent / "data" / "timex.json").read_text(encoding="utf-8"))

_MONTHS: dict[str, int] = _DATA["months"]
_WEEKDAYS: dict[str, int] = _DATA["weekdays"]
_WEEKDAY_ABBR: dict[str, int] = _DATA["weekday_abbreviations"]
_CAP_ONLY = frozenset(_DATA["capitalised_only"])
_ORDINAL_WORDS: dict[str, int] = _DATA["ordinal_words"]
_NUMBER_WORDS: dict[str, int | None] = _DATA["number_words"]
_UNITS: dict[str, str] = _DATA["units"]
_RELATIVE: dict[str, dict[str, Any]] = _DATA["relative"]
_NUM_AFTER: dict[str, str] = _DATA["numeric_relative"]["after"]
_NUM_BEFORE: dict[str, str] = _DATA["numeric_relative"]["before"]
_PARTS: dict[str, dict[str, list[int]]] = {k: v for k, v in _DATA["parts"].items() if not k.startswith("_")}
_SEASONS: dict[str, list[int]] = _DATA["seasons"]
_QUARTERS: dict[str, int] = _DATA["quarters"]
_FULL_MONTHS = frozenset(calendar.month_name[i].lower() for i in range(1, 13))
_MAX_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # leap-year maximum per month
_ANCHOR_SEARCH_MONTHS = 24
_YEAR_PREPS = frozenset(_DATA["year_prepositions"])
_MONTH_PREPS = frozenset(_DATA["month_prepositions"])
_ORDINAL_PREPS = frozenset(_DATA["ordinal_prepositions"])


# ---------------------------------------------------------------------------------------------------------------------
# Reference date


def _parse_iso(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value)
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def reference_date(published: str | None, page_date: str | None,
                   story_dates: Sequence[str] = ()) -> tuple[dt.date | None, str]:
    """The date relative expressions are resolved against, and where it came from.

    The article's published date ("published"); else the date of the page as captured, such as a
    site header date ("page"); else the earliest valid date among `story_dates`, the published dates
    of the other articles of its story ("story": the earliest is the closest to the events, later
    articles being follow-ups); else (None, "none"). Values are ISO dates (a time part is ignored);
    invalid ones are skipped.
    """
    own = _parse_iso(published)
    if own is not None:
        return own, "published"
    page = _parse_iso(page_date)
    if page is not None:
        return page, "page"
    story = [d for d in (_parse_iso(s) for s in story_dates) if d is not None]
    if story:
        return min(story), "story"
    return None, "none"


# ---------------------------------------------------------------------------------------------------------------------
# Vocabulary → regular-expression pieces


def _alt(words: Iterable[str]) -> str:
    return "|".join(sorted(dict.fromkeys(words), key=lambda w: (-len(w), w)))


def _phrase(words: Iterable[str]) -> str:
    """Case-insensitive alternation of phrases, flexible in white space."""
    return "(?i:" + _alt(r"\s+".join(re.escape(p) for p in w.split()) for w in words) + ")"


def _names(words: Iterable[str], dotted: Callable[[str], bool]) -> str:
    forms: list[str] = []
    for word in words:
        variants = [word.capitalize(), word.upper()] if word in _CAP_ONLY else [word, word.capitalize(), word.upper()]
        forms += [re.escape(v) + (r"\.?" if dotted(word) else "") for v in variants]
    return "(?:" + _alt(forms) + r")(?!\w)"


_MON = _names(_MONTHS, lambda w: w not in _FULL_MONTHS)
_WD = _names(_WEEKDAYS, lambda w: False)
_WD_ANY = _names([*_WEEKDAYS, *_WEEKDAY_ABBR], lambda w: w in _WEEKDAY_ABBR)
_ORDW = _phrase(_ORDINAL_WORDS)
_DAYN = r"(?:3[01]|[12][0-9]|0?[1-9])(?!\d)"
_ORD = r"(?:st|nd|rd|th)"
_YEAR4 = r"(?:1[0-9]{3}|20[0-9]{2})(?![\d.,]?\d)"
_NOT_COUNTED = (r"(?!\s+(?:" + _phrase(_DATA["non_year_followers"]) + r"(?!\w)|%|(?!" + _phrase(_DATA["year_nouns"])
                + r"\b)[a-z]+s\b))")
_YEARB = r"(?:19[0-9]{2}|20[0-9]{2}|2100)(?![\d.,]?\d)(?!%)" + _NOT_COUNTED
_MOD = r"(?i:this|last|next|past|coming|previous)"
_POD = _phrase(_DATA["parts_of_day"])
_CONN = r"\s*[-–—]\s*|\s+(?i:to|until|till|through|and)\s+"
_DAY_FOLLOW = r"(?=\s*(?:[,;:)!?—–\"”'’]|\.(?!\d)|$|(?i:and|or|at|when|to|until|through|but|in|as|after|before)\b))"
_PREFIX = r"(?<![\w.,/#@-])(?:(?P<prep>" + _phrase(_DATA["prepositions"]) + r")\s+)?"


def _mon(name: str) -> str:
    return f"(?P<{name}>{_MON})"


def _wd_prefix() -> str:
    return rf"(?:(?P<wd>{_WD_ANY})\.?,?\s+(?:(?i:the)\s+)?)?"


_DAYW = rf"(?:(?P<d>{_DAYN}){_ORD}?(?!\w)|(?P<dw>{_ORDW})(?!\w))"
_PART = (r"(?P<part>(?:(?i:the)\s+)?(?i:early|mid|late)(?=[-\s])|(?i:the)\s+(?i:beginning|start|middle|end"
         r"|first\s+half|second\s+half)\s+(?i:of)(?=\s))[-\s]\s*")
_TITLES = "|".join(re.escape(w) for w in _DATA["weekday_titles"])  # "The Sunday Times" is a newspaper
_DECADE = r"(?:(?P<dec>1[0-9]{2}0|20[0-9]0)['’]?s|['’](?P<dd>[0-9]0)s)(?!\w)"

# Rules in priority order: at one position, the first that matches wins.
_RULE_PATTERNS: list[tuple[str, str]] = [
    ("iso", r"(?P<y>[12][0-9]{3})-(?P<m>[01][0-9])-(?P<d>[0-3][0-9])"
            r"(?:T[0-2][0-9]:[0-5][0-9](?::[0-5][0-9](?:\.\d+)?)?(?:Z|[+-][0-2][0-9]:?[0-5][0-9])?)?(?![\w-])"),
    ("ymd", r"(?P<y>[12][0-9]{3})(?P<sep>[/.])(?P<m>[01]?[0-9])(?P=sep)(?P<d>[0-3]?[0-9])(?![\w/]|[.,]\d)"),
    ("numeric", r"(?P<a>[0-3]?[0-9])(?P<sep>[/.-])(?P<b>[0-3]?[0-9])(?P=sep)(?P<y>[12][0-9]{3})(?![\w/-]|[.,]\d)"),
    ("dayrange", rf"(?:(?i:the)\s+)?(?P<d1>{_DAYN}){_ORD}?(?P<conn>{_CONN})(?:(?i:the)\s+)?(?P<d2>{_DAYN}){_ORD}?"
                 rf"(?:\s+(?i:of))?\s+{_mon('mon')}(?:,?\s+(?P<y>{_YEAR4}))?"),
    ("monthdayrange", rf"{_mon('mon')}\s+(?P<d1>{_DAYN}){_ORD}?(?P<conn>{_CONN})(?P<d2>{_DAYN}){_ORD}?"
                      rf"(?!\s*(?:{_MON}|[:.]\d))(?:,?\s+(?P<y>{_YEAR4}))?"),
    ("monthrange", rf"{_mon('mon1')}(?:,?\s+(?P<y1>{_YEAR4}))?(?P<conn>{_CONN}){_mon('mon2')}"
                   rf"(?!\s*\d{{1,2}}(?!\d))(?:,?\s+(?:(?i:of)\s+)?(?P<y>{_YEAR4}))?"),
    ("dmy", rf"{_wd_prefix()}(?:(?i:the)\s+)?{_DAYW}(?:\s+(?i:of))?\s+{_mon('mon')}(?:,?\s+(?P<y>{_YEAR4}))?"),
    ("mdy", rf"{_wd_prefix()}{_mon('mon')}\s+(?:(?i:the)\s+)?{_DAYW}(?!\s*[-–—:]\s*\d|[.,]\d)"
            rf"(?:,?\s+(?P<y>{_YEAR4}))?"),
    ("monthyear", rf"{_mon('mon')},?\s+(?:(?i:of)\s+)?(?P<y>{_YEAR4})"),
    ("part", rf"{_PART}(?:{_mon('mon')}(?:,?\s+(?:(?i:of)\s+)?(?P<y>{_YEAR4}))?|(?:(?i:the)\s+)?{_DECADE}"
             rf"|(?P<yr>{_YEARB})|(?P<rel>(?i:this|last|next|the))\s+(?P<unit>(?i:year|month|decade))(?!\w))"),
    ("season", rf"(?:(?P<mod>{_MOD})\s+|(?P<the>(?i:the))\s+)?(?:(?i:early|mid|late)[-\s]?)?"
               rf"(?P<season>{_phrase(_SEASONS)})(?!\w)(?:,?\s+(?:(?i:of)\s+)?(?P<y>{_YEAR4}))?"),
    ("quarter", rf"(?:(?i:the)\s+)?(?P<q>{_phrase(_QUARTERS)})\s+(?i:quarter)(?!\w)(?:\s+(?i:of)\s+"
                rf"(?:(?P<y>{_YEAR4})|(?P<rel>(?i:this|last|next|the))\s+(?i:year)))?"
                rf"|(?P<qq>Q[1-4])(?!\w)(?:\s+(?P<y2>{_YEAR4}))?|(?P<y3>{_YEAR4})\s+(?P<qq2>Q[1-4])(?!\w)"),
    ("decade", rf"(?:(?i:the)\s+)?{_DECADE}"),
    ("wdord", rf"(?:(?P<mod>{_MOD})\s+)?(?P<wd>{_WD})(?:\s+{_POD})?(?:\s*,\s*|\s+)(?:(?i:the)\s+)?"
              rf"(?:(?P<d>{_DAYN}){_ORD}(?!\w)|(?:(?P<dw>{_ORDW})|(?P<dn>{_DAYN}))(?!\w){_DAY_FOLLOW}"
              rf"|\((?P<dp>{_DAYN})\))"),
    ("weekday", rf"(?:(?P<mod>{_MOD})\s+)?(?P<wd>{_WD})(?!\s+(?:{_TITLES})\b)(?:\s+{_POD}(?!\w))?"),
    ("ordinal", rf"(?(prep)(?i:the)\s+(?:(?P<d>{_DAYN}){_ORD}|(?P<dw>{_ORDW}))(?!\w)"
                rf"(?:\s+(?i:of)\s+(?P<rel>(?i:this|last|next|the))\s+(?i:month))?{_DAY_FOLLOW}|(?!))"),
    ("relative", rf"(?P<phrase>{_phrase(k for k in _RELATIVE)})(?!\w)"),
    ("numrel", rf"(?:(?P<pre>{_phrase(_NUM_BEFORE)})\s+)?(?P<num>\d{{1,3}}(?![\d.,]\d)|{_phrase(_NUMBER_WORDS)})"
               rf"[\s-]+(?P<unit>{_phrase(_UNITS)})(?!\w)(?:\s+(?P<post>{_phrase(_NUM_AFTER)})(?!\w))?"),
    ("yearrange", rf"(?P<y1>{_YEARB})(?P<conn>{_CONN})(?P<y2>{_YEARB})"),
    ("year", rf"(?(prep)(?P<y>{_YEARB})(?!\s*(?:[-–—]|(?i:to|and|or))\s*\d)|(?!))|(?i:the\s+year)\s+(?P<y2>{_YEARB})"
             rf"|(?P<y3>{_YEARB})(?=['’]s\b|\s+{_phrase(_DATA['year_nouns'])}\b)"),
    ("month", rf"(?:(?P<mod>{_MOD})\s+{_mon('mon')}|(?(prep){_mon('mon2')}|(?!)))(?!\s*,?\s*(?:\d|(?i:the)\s+\d))"),
]

_GROUP = re.compile(r"\(\?P([<=])(\w+)")


def _scope(rule: str, pattern: str) -> str:
    """Prefix the rule's group names (and back-references) so that all rules fit in one pattern."""

    def rename(m: re.Match[str]) -> str:
        return f"(?P{m[1]}{rule}__{m[2]}"

    return _GROUP.sub(rename, pattern)


_SCOPED = [(name, _scope(name, pattern)) for name, pattern in _RULE_PATTERNS]
_MASTER = re.compile(_PREFIX + "(?:" + "|".join(f"(?P<{name}>{p})" for name, p in _SCOPED) + ")")
_SINGLE = {name: re.compile(_PREFIX + f"(?P<{name}>{p})") for name, p in _SCOPED}
_RULE_ORDER = [name for name, _ in _RULE_PATTERNS]

_FUTURE_CUES = re.compile(r"(?:(?<=\s)|^)(?:" + _phrase(_DATA["future_cues"]) + r")(?!\w)|\w(?:'|’)ll\b")
_PAST_CUES = re.compile(r"\b(?:" + _phrase(_DATA["past_cues"]) + r"|[a-z]{3,}ed)\b")
_SENTENCE_END = re.compile(r"[.!?;\n](?=\s|$)")
_CONNECTOR = re.compile(r"\s*(?:[-–—]|(?i:to|until|till|through|and))\s*")
_HOLIDAY = re.compile(r"\b(" + _phrase(_DATA["holiday_prefixes"]) + r")\s+$")
_FUTURE_HEADS = frozenset(_DATA["future_heads"])


# ---------------------------------------------------------------------------------------------------------------------
# Calendar arithmetic


def _valid(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _add_months(day: dt.date, n: int) -> dt.date:
    idx = day.year * 12 + day.month - 1 + n
    y, m = divmod(idx, 12)
    return dt.date(y, m + 1, min(day.day, calendar.monthrange(y, m + 1)[1]))


def _month_end(y: int, m: int) -> dt.date:
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def _iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _ym(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}"


def _month_shift(y: int, m: int, n: int) -> tuple[int, int]:
    yy, mm = divmod(y * 12 + m - 1 + n, 12)
    return yy, mm + 1


def _month_range(y1: int, m1: int, y2: int, m2: int) -> str:
    return f"{_ym(y1, m1)}/{_ym(y2, m2)}"


# ---------------------------------------------------------------------------------------------------------------------
# Matching


@dataclass(slots=True)
class _Cand:
    start: int
    end: int
    value: str | None
    granularity: str | None
    relation: str
    prep: str | None = None
    ymd: tuple[int, int, int] | None = None  # a single day, for joining ranges
    ym: tuple[int, int] | None = None  # a single month
    year_inferred: bool = False  # the year came from the reference, not the text


class _Ctx:
    """What the handlers need: the text, the reference, and the tense of the verb governing a span."""

    __slots__ = ("doc", "ref", "text")

    def __init__(self, text: str, ref: dt.date | None, doc: Doc | None) -> None:
        self.text = text
        self.ref = ref
        self.doc = doc if doc is not None and doc.text == text else None

    def tense(self, start: int, end: int) -> str | None:
        """"past", "future", "present" or None, from the parse when there is one, else from cue words."""
        if self.doc is not None:
            found = _doc_tense(self.doc, start, end)
            if found is not None:
                return found
        return _cue_tense(self.text, start, end)

    def forward(self, start: int, end: int) -> bool:
        return self.tense(start, end) == "future"


def _doc_tense(doc: Doc, start: int, end: int) -> str | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    tok = span.root
    for _ in range(10):
        if tok.pos_ in ("VERB", "AUX"):
            break
        if tok.head is tok or tok.head.i == tok.i:
            return None
        tok = tok.head
    else:
        return None
    if tok.pos_ not in ("VERB", "AUX"):
        return None
    auxes = [c for c in tok.children if c.dep_ in ("aux", "auxpass")]
    lowered = {a.lower_ for a in auxes}
    past_aux = any(a.tag_ == "VBD" for a in auxes)
    if any(a.tag_ == "MD" for a in auxes) or lowered & {"will", "shall", "'ll", "’ll", "wo"}:
        return "future"
    if tok.lemma_.lower() in _FUTURE_HEADS and tok.tag_ != "VBD" and not past_aux:
        return "future"  # "is set for", "is expected on", "plans"
    if "to" in lowered and tok.head is not tok and tok.head.lemma_.lower() in _FUTURE_HEADS:
        return "future"  # "is going to deliver on Friday"
    if tok.tag_ == "VBD" or past_aux:
        return "past"
    if tok.tag_ == "VBN":
        return "present" if lowered & {"is", "are", "am", "be"} else "past"
    if tok.tag_ in ("VBZ", "VBP", "VBG") or any(a.tag_ in ("VBZ", "VBP") for a in auxes):
        return "present"
    return None


_PARTICIPLE_BEFORE = re.compile(
    r"(?:^|\s)(?:will|would|shall|can|could|may|might|must|should|be|been|being|to|\w+['’]ll)(?:\s+\w+)?\s+$")


def _cues(window: str) -> list[tuple[int, int, str]]:
    """(start, end, "past"|"future") for the tense cue words in a lower-cased window; past-looking words that
    are participles after a modal or "be" ("will be held") do not count."""
    found = [(m.start(), m.end(), "future") for m in _FUTURE_CUES.finditer(window)]
    for m in _PAST_CUES.finditer(window):
        if not _PARTICIPLE_BEFORE.search(window, 0, m.start()):
            found.append((m.start(), m.end(), "past"))
    return found


def _cue_tense(text: str, start: int, end: int) -> str | None:
    """The tense from cue words: the nearest before the expression in its sentence, else the first after it."""
    before = text[max(0, start - 100):start]
    ends = [m.end() for m in _SENTENCE_END.finditer(before)]
    if ends:
        before = before[ends[-1]:]
    found = _cues(" ".join(before.lower().split()[-8:]))
    if found:
        return max(found, key=lambda f: (f[1], f[2] == "future"))[2]
    after = text[end:end + 80]
    stop = _SENTENCE_END.search(after)
    if stop:
        after = after[:stop.start()]
    found = _cues(" ".join(after.lower().split()[:7]))
    return min(found)[2] if found else None


def _g(m: re.Match[str], rule: str, name: str) -> str | None:
    return m.group(f"{rule}__{name}")


def _span(m: re.Match[str], rule: str, name: str) -> tuple[int, int]:
    return m.span(f"{rule}__{name}")


def _month(word: str | None) -> int | None:
    if not word:
        return None
    return _MONTHS.get(word.rstrip(".").lower())


def _day(m: re.Match[str], rule: str) -> int | None:
    for name in ("d", "dp", "dn"):
        try:
            raw = _g(m, rule, name)
        except IndexError:
            continue
        if raw:
            return int(raw)
    try:
        word = _g(m, rule, "dw")
    except IndexError:
        return None
    return _ORDINAL_WORDS.get(" ".join(word.lower().split())) if word else None


def _weekday(word: str | None) -> int | None:
    if not word:
        return None
    key = word.rstrip(".").lower()
    return _WEEKDAYS.get(key, _WEEKDAY_ABBR.get(key))


def _norm(word: str | None) -> str | None:
    return " ".join(word.lower().split()) if word else None


def _day_cand(start: int, end: int, y: int | None, mo: int, d: int, ctx: _Ctx, *, wd: int | None = None,
              relation: str | None = None) -> _Cand:
    """A month-day with or without its year: the year comes from the reference and the tense when absent."""
    if not 1 <= mo <= 12 or not 1 <= d <= _MAX_DAYS[mo]:
        return _Cand(start, end, None, "day", relation or ("absolute" if y else "anchored"))
    if y is not None:
        day = _valid(y, mo, d)
        return _Cand(start, end, day.isoformat() if day else None, "day", relation or "absolute",
                     ymd=(y, mo, d) if day else None)
    ref = ctx.ref
    if ref is None:
        return _Cand(start, end, None, "day", relation or "anchored")
    forward = ctx.forward(start, end)
    chosen: dt.date | None = None
    if wd is not None:  # "Friday, December 9": the year near the reference where the weekday fits
        fits = [c for y2 in range(ref.year - 1, ref.year + 2) if (c := _valid(y2, mo, d)) and c.weekday() == wd]
        if fits:
            chosen = min(fits, key=lambda c: abs((c - ref).days))
    if chosen is None:
        years = range(ref.year, ref.year + 9) if forward else range(ref.year, ref.year - 9, -1)
        for y2 in years:
            c = _valid(y2, mo, d)
            if c and (c >= ref if forward else c <= ref):
                chosen = c
                break
    if chosen is None:
        return _Cand(start, end, None, "day", relation or "anchored")
    return _Cand(start, end, chosen.isoformat(), "day", relation or "anchored",
                 ymd=(chosen.year, mo, d), year_inferred=True)


def _month_year(mo: int, ref: dt.date, forward: bool, mod: str | None = None) -> int:
    """The year of a bare month: the most recent on or before the reference month, or the next in future."""
    how = _DATA["month_modifiers"].get(mod or "", "forward" if forward else "back")
    if how == "this":
        return ref.year
    if how == "before":
        return ref.year if mo < ref.month else ref.year - 1
    if how == "after":
        return ref.year if mo > ref.month else ref.year + 1
    if how == "forward":
        return ref.year if mo >= ref.month else ref.year + 1
    return ref.year if mo <= ref.month else ref.year - 1


def _weekday_date(wd: int, ref: dt.date, how: str) -> dt.date:
    back = (ref.weekday() - wd) % 7
    ahead = (wd - ref.weekday()) % 7
    if how == "before":  # strictly before
        return ref - dt.timedelta(days=back or 7)
    if how == "after":  # strictly after
        return ref + dt.timedelta(days=ahead or 7)
    if how == "onafter":
        return ref + dt.timedelta(days=ahead)
    return ref - dt.timedelta(days=back)  # on or before


def _anchored_day(wd: int | None, d: int, ref: dt.date, forward: bool, rel: str | None = None) -> dt.date | None:
    """The most recent date on or before the reference with day-of-month `d` (and weekday `wd`); forward in future."""
    if rel in ("this", "the", "last", "next"):
        y, mo = _month_shift(ref.year, ref.month, {"last": -1, "next": 1}.get(rel, 0))
        c = _valid(y, mo, d)
        return c if c and (wd is None or c.weekday() == wd) else None
    step = 1 if forward else -1
    y, mo = ref.year, ref.month
    for _ in range(_ANCHOR_SEARCH_MONTHS + 1):
        c = _valid(y, mo, d)
        if c and (wd is None or c.weekday() == wd) and (c >= ref if forward else c <= ref):
            return c
        y, mo = _month_shift(y, mo, step)
    return None


def _shift(unit: str, n: int, ref: dt.date) -> tuple[str, str]:
    if unit == "day":
        return (ref + dt.timedelta(days=n)).isoformat(), "day"
    if unit == "week":
        return _iso_week(ref + dt.timedelta(weeks=n)), "week"
    if unit == "month":
        return _ym(*_month_shift(ref.year, ref.month, n)), "month"
    if unit == "quarter":
        y, mo = _month_shift(ref.year, (ref.month - 1) // 3 * 3 + 1, 3 * n)
        return _month_range(y, mo, *_month_shift(y, mo, 2)), "quarter"
    if unit == "decade":
        start = (ref.year // 10 + n) * 10
        return f"{start:04d}/{start + 9:04d}", "decade"
    return f"{ref.year + n:04d}", "year"


def _anchor(spec: dict[str, Any], ref: dt.date) -> dt.date:
    kind = spec.get("anchor", "ref")
    base = {
        "ref": ref,
        "year_start": dt.date(ref.year, 1, 1),
        "year_end": dt.date(ref.year, 12, 31),
        "month_start": ref.replace(day=1),
        "month_end": _month_end(ref.year, ref.month),
        "week_start": ref - dt.timedelta(days=ref.weekday()),
        "week_end": ref + dt.timedelta(days=6 - ref.weekday()),
    }[kind]
    base = _add_months(base, 12 * spec.get("years", 0) + spec.get("months", 0))
    return base + dt.timedelta(days=spec.get("days", 0))


def _season_bounds(season: str, y: int) -> tuple[tuple[int, int], tuple[int, int]]:
    first, last = _SEASONS[season]
    return (y, first), (y + 1 if last < first else y, last)


# ---------------------------------------------------------------------------------------------------------------------
# Handlers: one per rule, each returning candidates or None to let a lower rule try


def _h_iso(m: re.Match[str], r: str, s: int, e: int, ctx: _Ctx) -> list[_Cand]:
    y, mo, d = int(_g(m, r, "y") or 0), int(_g(m, r, "m") or 0), int(_g(m, r, "d") or 0)
    return [_day_cand(s, e, y, mo, d, ctx)]


def _h_numeric(m: re.Match[str], r: str, s: int, e: int, ctx: _Ctx) -> list[_Cand]:
    a, b, y = int(_g(m, r, "a") or 0), int(_g(m, r, "b") or 0), int(_g(m, r, "y") or 0)
    if _g(m, r, "sep") == "." or a > 12 >= b:  # dotted dates are day-first everywhere
        return [_day_cand(s, e, y, b, a, ctx)]
    if b > 12 >= a:
        return [_day_cand(s, e, y, a, b, ctx)]
    if a == b:
        return [_day_cand(s, e, y, a, a, ctx)]
    return [_Cand(s, e, None, "day", "absolute")]  # 09/12/2022: day and month cannot be told apart


def _year_or_none(raw: str | None) -> int | None:
    return int(raw) if raw else None


def _h_dayrange(m: re.Match[str], r: str, s: int, e: int, ctx: _Ctx) -> list[_Cand]:
    mo = _month(_g(m, r, "mon")) or 0
    d1, d2 = int(_g(m, r, "d1") or 0), int(_g(m, r, "d2") or 0)
    y = _year_or_none(_g(m, r, "y"))
    conn = (_g(m, r, "conn") or "").strip().lower()
    first = _day_cand(s, e, y, mo, d1, ctx)
    if conn == "and" and _norm(m.group("prep")) != "between":  # "on 3 and 5 March": two days
        d1_end = _span(m, r, "d1")[1]
        d2_start = _span(m, r, "d2")[0]
        one = _day_cand(s, d1_end, y, mo, d1, ctx)
        two = _day_cand(d2_start, e, y, mo, d2, ctx)
        return [one, two]
    if first.ymd is None or d2 <= d1:
        return [_Cand(s, e, None, "range", first.relation)]
    end = _valid(first.ymd[0], mo, d2)
    if end is None:
        return [_Cand(s, e, None, "range", first.relation)]
    return [_Cand(s, e, f"{first.value}/{end.isoformat()}", "range", first.relation)]


def _h_monthdayrange(m: re.Match[str], r: str, s: int, e: int, ctx: _Ctx) -> list[_Cand]:
    return _h_dayrange(m, r, s, e, ctx)


def _h_monthrange(m: re.Match[str], r: str, s: int, e: int, ctx: _Ctx) -> list[_Cand] | None:
    m1, m2 = _month(_g(m, r, "mon1")) or 1, _month(_g(m, r, "mon2")) or 1
    y, y1 = _year_or_none(_g(m, r, "y")), _year_or_none(_g(m, r, "y1"))
    conn = (_g(m, r, "conn") or "").strip().lower()
    prep = _norm(m.group("prep")) or ""
    if conn in ("and", "or") and prep != "between":
        if prep not in _MONTH_PREPS or y1 is not None:
            return None
        out: list[_Cand] = []  # "in March and April": two months in the same context
        for name in ("mon1", "mon2"):
            a, b = _span(m, r, name)
            out += _month_cand(a, b, _month(_g(m, r, name)) or 1, y, None, prep, ctx)
        return out
    if conn not in ("-", "–", "—") and prep not in ("from", "between") and y is None:
        return None  # "March to May" with nothing around it to say they are months
    if y is None and y1 is None:
        if ctx.ref is None:
            return [_Cand(s, e, None, "range", "anchored")]
        y, relation = _month_year(m2, ctx.ref, ctx.forward(s, e)), "anchored"
    else:
        relation = "absolute"
    if y is None:  # only the first month has its year: "March 2022 to May"
        y = y1 if y1 is not None and m2 >= m1 else (y1 or 0) + 1
    start_year = y1 if y1 is not None else (y if m1 <= m2 else y - 1)
    if (start_year, m1) > (y, m2):
        return [_Cand(s, e, None, "range", relation)]
    return [_Cand(s, e, _month_range(start_year, m1, y, m2), "range", relation, prep=prep or None)]


def _h_date(m: re.Match[str], r: str, s: int, e: int, ctx: _Ctx) -> list[_Cand]:
    mo = _month(_g(m, r, "mon")) or 0
    d = _day(m, r) or 0
    y = _year_or_none(_g(m, r, "y"))
    cand = _day_cand(s, e, y, mo, d, ctx, wd=_weekday(_g(m, r, "wd")))
    cand.prep = (m.group("prep") or "").lower() or None
    return [cand]


def _h_monthyear(m: re.Match[str], r: str, s: int, e: int, ctx: _Ctx) -> list[_Cand]:
    mo, y = _month(_g(m, r, "mon")) or 1, int(_g(m, r, "y") or 0)
    return [_Cand(s, e, _ym(y, mo), "month", "absolute", prep=(m.group("prep") or "").lower() or None, ym=(y, mo))]


def _decade_start(m: re.Match[str], r: str, ref: dt.date | None) -> int | None:
    if _g(m, r, "dec"):
        return int(_g(m, r, "dec") or 0)
    two = int(_g(m, r, "dd") or 0)
    if ref is not None and 2000 + two <= ref.year:
        return 2000 + two
    return 1900 + two


def _h_part(m: re.Match[str], r: str, s: int, e: int, ctx: _Ctx) -> list[_Cand] | None:
    raw = _norm(_g(m, r, "part")) or ""
    key = raw.removeprefix("the ").removesuffix(" of").strip()
    part = _PARTS.get(key)
    if part is None:
        return None
    ref = ctx.ref
    if _g(m, r, "mon"):
        mo = _month(_g(m, r, "mon")) or 1
        y = _year_or_none(_g(m, r, "y"))
        relation = "absolute"
        if y is None:
            if ref is None:
                return [_Cand(s, e, None, "range", "anchored")]
            y, relation = _month_year(mo, ref, ctx.forward(s, e)), "anchored"
        a, b = part["month"]
        last = calendar.monthrange(y, mo)[1]
        return [_Cand(s, e, f"{dt.date(y, mo, a)}/{dt.date(y, mo, min(b, last))}", "range", relation)]
    if _g(m, r, "dec") or _g(m, r, "dd"):
        start = _decade_start(m, r, ref)
        if start is None:
            return None
        a, b = part["decade"]
        return [_Cand(s, e, f"{start + a:04d}/{start + b:04d}", "range", "absolute")]
    if _g(m, r, "yr"):
        y = int(_g(m, r, "yr") or 0)
        a, b = part["year"]
        return [_Cand(s, e, _month_range(y, a, y, b), "range", "absolute")]
    unit = _norm(_g(m, r, "unit"))
    rel = _norm(_g(m, r, "rel"))
    n = {"last": -1, "next": 1}.get(rel or "", 0)
    if ref is None:
        return [_Cand(s, e, None, "range", "relative")]
    if unit == "year":
        y = ref.year + n
        a, b = part["year"]
        return [_Cand(s, e, _month_range(y, a, y, b), "range", "relative")]
    if unit == "month":
        y, mo = _month_shift(ref.year, ref.month, n)
        a, b = part["month"]
        return [_Cand(s, e, f"{dt.date(y, mo, a)}/{dt.date(y, mo, min(b, calendar.monthrange(y, mo)[1]))}",
                      "range", "relative")]
    start = (ref.year // 10 + n) * 10
    a, b = part["decade"]
    return [_Cand(s, e, f"{start + a:04d}/{start + b:04d}", "range", "relative")]


def _h_season(m: re.Match[str], r: str, s: int, e: int, ctx: _Ctx) -> list[_Cand] | None:
    season = _norm(_g(m, r, "season")) or ""
    mod = _norm(_g(m, r, "mod"))
    y = _year_or_none(_g(m, r, "y"))
    prep = (m.group("prep") or "").lower()
    if y is None and mod is None and (not prep or prep in ("of", "for", "on", "at", "to")):
        return None
    if season == "fall" and y is None and mod is None and not _g(m, r, "the"):
        return None
    if y is not None:
        (y1, m1), (y2, m2) = _season_bounds(season, y)
        return [_Cand(s, e, _month_range(y1, m1, y2, m2), "season", "absolute")]
    ref = ctx.ref
    if ref is None:
        return [_Cand(s, e, None, "season", "relative" if mod else "anchored")]
    key = (ref.year, ref.month)
    cands = [_season_bounds(season, yy) for yy in range(ref.year - 2, ref.year + 2)]
    how = _DATA["month_modifiers"].get(mod or "", "forward" if ctx.forward(s, e) else "back")
    if how == "this":
        chosen = next((c for c in cands if c[0] <= key <= c[1]), None) or next(c for c in cands if c[0] > key)
    elif how == "before":
        chosen = [c for c in cands if c[1] < key][-1]
    elif how == "after":
        chosen = next(c for c in cands if c[0] > key)
    elif how == "forward":
        chosen = next(c for c in cands if c[1] >= key)
    else:
        chosen = [c for c in cands if c[0] <= key][-1]
    (y1, m1), (y2, m2) = chosen
    return [_Cand(s, e, _month_range(y1, m1, y2, m2), "season", "relative" if mod else "anchored")]


def _h_quarter(m: re.Match[str], r: str, s: int, e: int, ctx: _Ctx) -> list[_Cand] | None:
    qword = _norm(_g(m, r, "q"))
    if qword is not None:
        q = _QUARTERS[qword]
        y = _year_or_none(_g(m, r, "y"))
        rel = _norm(_g(m, r, "rel"))
        if qword in ("last", "final") and y is None and rel is None:
            return None  # "last quarter": the relative phrase
    else:
        q = int((_g(m, r, "qq") or _g(m, r, "qq2") or "Q1")[1])
        y = _year_or_none(_g(m, r, "y2") or _g(m, r, "y3"))
        rel = None
    relation = "absolute"
    if y is None:
        ref = ctx.ref
        if ref is None:
            return [_Cand(s, e, None, "quarter", "anchored")]
        current = (ref.month - 1) // 3 + 1
        if rel is not None:
            y, relation = ref.year + {"last": -1, "next": 1}.get(rel, 0), "relative"
        elif ctx.forward(s, e):
            y, relation = (ref.year if q >= current else ref.year + 1), "anchored"
        else:
            y, relation = (ref.year if q <= current else ref.year - 1), "anchored"
    first = 3 * (q - 1) + 1
    return [_Cand(s, e, _month_range(y, first, y, first + 2), "quarter", relation)]


def _h_decade(m: re.Match[str], r: str, s: int, e: int, ctx: _Ctx) -> list[_Cand] | None:
    start = _decade_start(m, r, ctx.ref)
    if start is None:
        return None
    return [_Cand(s, e, f"{start:04d}/{start + 9:04d}", "decade", "absolute")]


def _holiday(text: str, start: int) -> bool:
    return bool(_HOLIDAY.search(text[max(0, start - 12):start]))


def _h_wdord(m: re.Match[str], r: str, s: int, e: int, ctx: _Ctx) -> list[_Cand] | None:
    wd = _weekday(_g(m, r, "wd"))
    d = _day(m, r)
    if wd is None or d is None or _holiday(ctx.text, s):
        return None
    if ctx.ref is None:
        return [_Cand(s, e, None, "day", "anchored")]
    if d > 31:
        return [_Cand(s, e, None, "day", "anchored")]
    found = _anchored_day(wd, d, ctx.ref, ctx.forward(s, e))
    return [_Cand(s, e, found.isoformat() if found else None, "day", "anchored")]


def _h_weekday(m: re.Match[str], r: str, s: int, e: int, ctx: _Ctx) -> list[_Cand] | None:
    wd = _weekday(_g(m, r, "wd"))
    if wd is None or _holiday(ctx.text, s):
        return None
    mod = _norm(_g(m, r, "mod"))
    if ctx.ref is None:
        return [_Cand(s, e, None, "day", "relative", prep=(m.group("prep") or "").lower() or None)]
    how = _DATA["weekday_modifiers"].get(mod or "")
    if how is None:  # "on Friday": back in past or unknown tense, strictly after in future tense
        how = "after" if ctx.forward(s, e) else "onbefore"
    elif how == "this":  # "this Friday": back only in past tense, else the coming one
        how = "onbefore" if ctx.tense(s, e) == "past" else "onafter"
    day = _weekday_date(wd, ctx.ref, how)
    return [_Cand(s, e, day.isoformat(), "day", "relative", prep=(m.group("prep") or "").lower() or None,
                  ymd=(day.year, day.month, day.day))]


def _h_ordinal(m: re.Match[str], r: str, s: int, e: int, ctx: _Ctx) -> list[_Cand] | None:
    prep = _norm(m.group("prep"))
    if prep not in _ORDINAL_PREPS or (prep == "of" and not _g(m, r, "d")):
        return None
    d = _day(m, r)
    if d is None:
        return None
    if ctx.ref is None:
        return [_Cand(s, e, None, "day", "anchored")]
    found = _anchored_day(None, d, ctx.ref, ctx.forward(s, e), _norm(_g(m, r, "rel")))
    return [_Cand(s, e, found.isoformat() if found else None, "day", "anchored")]


def _h_relative(m: re.Match[str], r: str, s: int, e: int, ctx: _Ctx) -> list[_Cand]:
    spec = _RELATIVE[_norm(_g(m, r, "phrase")) or ""]
    kind = spec["type"]
    unit = spec.get("unit", "day")
    gran = {"span": "range", "weekend": "range"}.get(kind, unit)
    if kind == "event":
        return [_Cand(s, e, None, gran, "duration")]
    ref = ctx.ref
    if ref is None:
        return [_Cand(s, e, None, gran, "relative")]
    if kind == "shift":
        value, gran = _shift(unit, spec["n"], ref)
        return [_Cand(s, e, value, gran, "relative")]
    if kind == "weekend":
        saturday = ref - dt.timedelta(days=ref.weekday()) + dt.timedelta(days=5 + 7 * spec["n"])
        return [_Cand(s, e, f"{saturday}/{saturday + dt.timedelta(days=1)}", "range", "relative")]
    first, last = _anchor(spec["start"], ref), _anchor(spec["end"], ref)
    return [_Cand(s, e, f"{first}/{last}", "range", "relative")]


def _h_numrel(m: re.Match[str], r: str, s: int, e: int, ctx: _Ctx) -> list[_Cand] | None:
    raw = _norm(_g(m, r, "num")) or ""
    n = int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw)
    unit = _UNITS[_norm(_g(m, r, "unit")) or "day"]
    post, pre = _norm(_g(m, r, "post")), _norm(_g(m, r, "pre"))
    how = _NUM_AFTER.get(post or "") or _NUM_BEFORE.get(pre or "") or _NUM_BEFORE.get(_norm(m.group("prep")) or "")
    if how is None:
        return None
    if how in ("event", "duration"):
        return [_Cand(s, e, None, unit, "duration")]
    ref = ctx.ref
    if ref is None or n is None:
        return [_Cand(s, e, None, "range" if how in ("past", "next") else unit, "relative")]
    if how in ("back", "forward"):
        sign = -1 if how == "back" else 1
        if unit == "day":
            return [_Cand(s, e, (ref + dt.timedelta(days=sign * n)).isoformat(), "day", "relative")]
        if unit == "week":
            return [_Cand(s, e, _iso_week(ref + dt.timedelta(weeks=sign * n)), "week", "relative")]
        if unit == "month":
            return [_Cand(s, e, _ym(*_month_shift(ref.year, ref.month, sign * n)), "month", "relative")]
        years = n * (10 if unit == "decade" else 1)
        return [_Cand(s, e, f"{ref.year + sign * years:04d}", "year", "relative")]
    span = {"day": dt.timedelta(days=n), "week": dt.timedelta(weeks=n)}.get(unit)
    months = {"month": n, "year": 12 * n, "decade": 120 * n}.get(unit, 0)
    if how == "past":
        first = ref - span if span is not None else _add_months(ref, -months)
        return [_Cand(s, e, f"{first}/{ref}", "range", "relative")]
    last = ref + span if span is not None else _add_months(ref, months)
    return [_Cand(s, e, f"{ref + dt.timedelta(days=1)}/{last}", "range", "relative")]


def _h_yearrange(m: re.Match[str], r: str, s: int, e: int, ctx: _Ctx) -> list[_Cand] | None:
    y1, y2 = int(_g(m, r, "y1") or 0), int(_g(m, r, "y2") or 0)
    conn = (_g(m, r, "conn") or "").strip().lower()
    prep = _norm(m.group("prep")) or ""
    dash = conn in ("-", "–", "—")
    ranged = dash or (conn == "and" and prep == "between") or (conn != "and" and prep in ("from", "between"))
    if ranged and y2 > y1:
        return [_Cand(s, e, f"{y1:04d}/{y2:04d}", "range", "absolute")]
    if prep in _YEAR_PREPS and conn in ("and", "or"):  # "in 2019 and 2020"
        (a, b), (c, d) = _span(m, r, "y1"), _span(m, r, "y2")
        return [_Cand(a, b, f"{y1:04d}", "year", "absolute"), _Cand(c, d, f"{y2:04d}", "year", "absolute")]
    return None


def _h_year(m: re.Match[str], r: str, s: int, e: int, ctx: _Ctx) -> list[_Cand] | None:
    raw = _g(m, r, "y")
    if raw is not None and (_norm(m.group("prep")) or "") not in _YEAR_PREPS:
        return None
    y = int(raw or _g(m, r, "y2") or _g(m, r, "y3") or 0)
    return [_Cand(s, e, f"{y:04d}", "year", "absolute", prep=_norm(m.group("prep")), ym=None)]


def _month_cand(s: int, e: int, mo: int, y: int | None, mod: str | None, prep: str | None,
                ctx: _Ctx) -> list[_Cand]:
    if y is not None:
        return [_Cand(s, e, _ym(y, mo), "month", "absolute", prep=prep, ym=(y, mo))]
    relation = "relative" if mod else "anchored"
    if ctx.ref is None:
        return [_Cand(s, e, None, "month", relation, prep=prep)]
    y = _month_year(mo, ctx.ref, ctx.forward(s, e), mod)
    return [_Cand(s, e, _ym(y, mo), "month", relation, prep=prep, ym=(y, mo), year_inferred=True)]


def _h_month(m: re.Match[str], r: str, s: int, e: int, ctx: _Ctx) -> list[_Cand] | None:
    mod = _norm(_g(m, r, "mod"))
    prep = _norm(m.group("prep"))
    if mod is None and prep not in _MONTH_PREPS:
        return None
    return _month_cand(s, e, _month(_g(m, r, "mon") or _g(m, r, "mon2")) or 1, None, mod, prep, ctx)


_Handler = Callable[[re.Match[str], str, int, int, _Ctx], "list[_Cand] | None"]
_HANDLERS: dict[str, _Handler] = {
    "iso": _h_iso, "ymd": _h_iso, "numeric": _h_numeric, "dayrange": _h_dayrange,
    "monthdayrange": _h_monthdayrange, "monthrange": _h_monthrange, "dmy": _h_date, "mdy": _h_date,
    "monthyear": _h_monthyear, "part": _h_part, "season": _h_season, "quarter": _h_quarter, "decade": _h_decade,
    "wdord": _h_wdord, "weekday": _h_weekday, "ordinal": _h_ordinal, "relative": _h_relative,
    "numrel": _h_numrel, "yearrange": _h_yearrange, "year": _h_year, "month": _h_month,
}


def _handle(m: re.Match[str], rule: str, ctx: _Ctx) -> list[_Cand] | None:
    s, e = m.span(rule)
    try:
        cands = _HANDLERS[rule](m, rule, s, e, ctx)
    except (ValueError, OverflowError):  # a value outside the calendar ("999 decades ago"): unknown, not a crash
        return [_Cand(s, e, None, None, "relative")]
    for c in cands or ():
        if c.value is not None and not c.value[:1].isdigit():  # a year before 1 CE from arithmetic
            c.value = None
    return cands


_WORD = re.compile(r"['’]?\w+")
_NOT_TRIGGERS = frozenset({"the", "this", "last", "next", "in", "of", "a", "few", "past", "coming", "following",
                           "previous", "recent", "earlier", "later", "same", "before", "after", "ahead"})
_TRIGGERS = frozenset(
    [*_MONTHS, *_WEEKDAYS, *_WEEKDAY_ABBR, *_SEASONS, *_UNITS, *_ORDINAL_WORDS, "quarter", "q1", "q2", "q3", "q4"]
    + [w for phrase in _RELATIVE for w in phrase.split() if w not in _NOT_TRIGGERS]
    + [w.split("-")[-1] for w in _ORDINAL_WORDS]
)
_STARTERS = _TRIGGERS | frozenset(
    [p.split()[0] for p in [*_DATA["prepositions"], *_RELATIVE, *_NUM_BEFORE, *_NUMBER_WORDS]]
    + ["the", "this", "last", "next", "past", "coming", "previous", "early", "mid", "late"]
)
_LOOKBACK_WORDS = 6  # an expression starts at most this many words before its first trigger word


def _scan(text: str, ctx: _Ctx) -> list[_Cand]:
    """One pass over the words: at each trigger word (a digit, month, weekday, unit...), try the rules at the
    word starts a few words back, leftmost first, as a scan of the whole text with the master pattern would."""
    words = [(m.start(), m.group().lstrip("'’").lower()) for m in _WORD.finditer(text)]
    out: list[_Cand] = []
    covered = 0
    tried = -1  # the positions up to here have been tried and matched nothing
    for i, (start, word) in enumerate(words):
        if start < covered:
            continue
        if not (word in _TRIGGERS or word[:1].isdigit()):
            continue
        for j in range(max(0, i - _LOOKBACK_WORDS), i + 1):
            pos, first = words[j]
            if pos < covered or pos <= tried or not (first in _STARTERS or first[:1].isdigit()):
                continue
            found = _try_at(text, pos, ctx)
            tried = pos
            if found is not None:
                cands, end = found
                out.extend(cands)
                covered = end
                break
    return out


def _try_at(text: str, pos: int, ctx: _Ctx) -> tuple[list[_Cand], int] | None:
    m = _MASTER.match(text, pos)
    if m is None:
        return None
    rule = m.lastgroup or ""
    cands = _handle(m, rule, ctx)
    if cands is not None:
        return (cands, m.end()) if cands else None
    for other in _RULE_ORDER[_RULE_ORDER.index(rule) + 1:]:  # the first rule declined: let the lower ones try
        m2 = _SINGLE[other].match(text, pos)
        if m2 is None:
            continue
        cands = _handle(m2, other, ctx)
        if cands is not None:
            return (cands, m2.end()) if cands else None
    return None


def _join_ranges(text: str, cands: list[_Cand]) -> list[_Cand]:
    """Join "from 3 March to 5 April 2023", "between Monday and Wednesday" into ranges."""
    out: list[_Cand] = []
    i = 0
    while i < len(cands):
        a = cands[i]
        b = cands[i + 1] if i + 1 < len(cands) else None
        joined = _join(text, a, b) if b is not None else None
        if joined is not None:
            out.append(joined)
            i += 2
        else:
            out.append(a)
            i += 1
    return out


def _join(text: str, a: _Cand, b: _Cand) -> _Cand | None:
    conn = _CONNECTOR.fullmatch(text[a.end:b.start])
    if conn is None or a.relation == "duration" or b.relation == "duration":
        return None
    word = conn.group().strip().lower()
    if word == "and" and a.prep != "between":
        return None
    if word not in ("-", "–", "—", "and") and a.prep not in ("from", "between"):
        return None
    if a.ymd is not None and b.ymd is not None:
        y1, m1, d1 = a.ymd
        if a.year_inferred and not b.year_inferred:  # "from 3 March to 5 April 2023": the year is the second's
            y1 = b.ymd[0] if (m1, d1) <= b.ymd[1:] else b.ymd[0] - 1
        first = _valid(y1, m1, d1)
        last = _valid(*b.ymd)
        if first is None or last is None or first > last:
            return None
        relation = b.relation if b.relation != "absolute" or not a.year_inferred else "absolute"
        return _Cand(a.start, b.end, f"{first}/{last}", "range", relation)
    if a.ym is not None and b.ym is not None and a.ym <= b.ym:
        return _Cand(a.start, b.end, f"{_ym(*a.ym)}/{_ym(*b.ym)}", "range", b.relation)
    if (a.granularity == b.granularity == "year" and a.value and b.value and a.value < b.value
            and "/" not in a.value + b.value):
        return _Cand(a.start, b.end, f"{a.value}/{b.value}", "range", "absolute")
    return None


# ---------------------------------------------------------------------------------------------------------------------
# Other languages: our numeric and month-name rules, then dateparser for the rest


@dataclass(slots=True, frozen=True)
class _Locale:
    dates: re.Pattern[str]  # day + month (+ year), month + year, weekday + day
    months: dict[str, int]
    weekdays: dict[str, int]
    info: dict[str, Any]  # dateparser's locale vocabulary
    relative: re.Pattern[str] | None  # "la semana pasada", "hace 2 días": groups r0, r1... (n0, n1... numbers)
    shifts: dict[str, tuple[str, int]]  # group → (unit, signed count; the count is per number group when numbered)


_CANONICAL = re.compile(r"(?P<in>in )?(?P<n>\\1|\d+) (?P<unit>day|week|month|year)(?P<ago> ago)?")
_DP_NUMBER = "(\\d++[.,]?\\d*+)"


@lru_cache(maxsize=32)
def _locale_rules(language: str) -> _Locale | None:
    """Month-name, weekday-plus-day and relative-phrase rules for one language, from dateparser's vocabulary."""
    try:
        from dateparser.languages.loader import default_loader

        info = default_loader.get_locale(language).info
    except Exception:  # unknown language code
        return None
    months: dict[str, int] = {}
    for i, name in enumerate(calendar.month_name[1:], start=1):
        for word in info.get(name.lower(), []):
            word = word.lower().rstrip(".")
            if len(word) >= 3 and not word.isdigit():
                months[word] = i
    weekdays: dict[str, int] = {}
    for i, name in enumerate(calendar.day_name):
        for word in info.get(name.lower(), []):
            word = word.lower().rstrip(".")
            if len(word) >= 4:
                weekdays[word] = i
    if not months:
        return None
    mon = "(?:" + _alt(re.escape(w) + (r"\.?" if len(w) <= 4 else "") for w in months) + r")(?!\w)"
    wd = "(?:" + _alt(re.escape(w) for w in weekdays) + r")(?!\w)" if weekdays else "(?!)"
    link = r"(?:\s+(?:de|del|di|of|van|the)\s+|\.?\s+|\.?\s*[-/]\s*)"
    pattern = (
        rf"(?i)(?<![\w.,/-])(?:(?P<wd>{wd}),?\s+)?(?P<d>{_DAYN})(?:[.ºª°]|er|st|nd|rd|th)?{link}(?P<mon>{mon})"
        rf"(?:,?\s*(?:(?:de|del|di)\s+)?(?P<y>{_YEAR4}))?"
        rf"|(?<![\w.,/-])(?P<mon2>{mon}),?\s+(?:(?:de|del|di)\s+)?(?P<y2>{_YEAR4})"
        rf"|(?<![\w.,/-])(?P<wd2>{wd}),?\s+(?:(?:dia|le|el|den|am|il|op)\s+)?(?P<d2>{_DAYN})(?:\.(?=\s|$))?"
        rf"(?=\s*(?:[,;:)!?]|\.(?!\d)|$))"
    )
    phrases: list[tuple[str, str, int]] = []  # (regex, unit, signed count)
    for key, forms in [*info.get("relative-type", {}).items(), *info.get("relative-type-regex", {}).items()]:
        canon = _CANONICAL.fullmatch(key)
        if canon is None:
            continue
        sign = -1 if canon["ago"] else 1
        for form in forms:
            numbered = _DP_NUMBER in form
            if len(form) < 4 or (numbered and form.count("(") > 1) or (not numbered and "(" in form):
                continue
            body = r"\s+".join(re.escape(part) for part in form.lower().replace(_DP_NUMBER, "\0").split())
            body = body.replace(re.escape("\0"), "{num}").replace("\0", "{num}")
            count = sign if numbered else sign * int(canon["n"])
            phrases.append((body, canon["unit"], count))
    phrases.sort(key=lambda p: -len(p[0]))
    parts: list[str] = []
    shifts: dict[str, tuple[str, int]] = {}
    for i, (body, unit, count) in enumerate(phrases):
        parts.append(f"(?P<r{i}>" + body.replace("{num}", f"(?P<n{i}>\\d{{1,3}})") + ")")
        shifts[f"r{i}"] = (unit, count)
    relative = re.compile(r"(?i)(?<!\w)(?:" + "|".join(parts) + r")(?!\w)") if parts else None
    return _Locale(re.compile(pattern), months, weekdays, info, relative, shifts)


_NUMERIC_RULES = ("iso", "ymd", "numeric")
_NUMERIC = re.compile("|".join(f"(?P<{name}>{p})" for name, p in _SCOPED if name in _NUMERIC_RULES))


def _foreign(text: str, ref: dt.date | None, language: str, ctx: _Ctx) -> list[_Cand]:
    cands: list[_Cand] = []
    for m in _NUMERIC.finditer(text):
        rule = m.lastgroup or ""
        cands += _HANDLERS[rule](m, rule, m.start(), m.end(), ctx) or []
    loc = _locale_rules(language.lower().split("-")[0].split("_")[0])
    if loc is None:
        return cands
    for m in loc.dates.finditer(text):
        if any(c.start < m.end() and m.start() < c.end for c in cands):
            continue
        if m["mon"]:
            mo = loc.months[m["mon"].lower().rstrip(".")]
            wd = loc.weekdays.get((m["wd"] or "").lower()) if m["wd"] else None
            cands.append(_day_cand(m.start(), m.end(), _year_or_none(m["y"]), mo, int(m["d"]), ctx, wd=wd))
        elif m["mon2"]:
            mo, y = loc.months[m["mon2"].lower().rstrip(".")], int(m["y2"])
            cands.append(_Cand(m.start(), m.end(), _ym(y, mo), "month", "absolute", ym=(y, mo)))
        else:
            wd = loc.weekdays[m["wd2"].lower()]
            found = _anchored_day(wd, int(m["d2"]), ref, False) if ref is not None else None
            cands.append(_Cand(m.start(), m.end(), found.isoformat() if found else None, "day", "anchored"))
    if loc.relative is not None:
        for m in loc.relative.finditer(text):
            if any(c.start < m.end() and m.start() < c.end for c in cands):
                continue
            name = m.lastgroup or ""
            unit, count = loc.shifts[name]
            number = m.groupdict().get("n" + name[1:])
            n = count * int(number) if number else count
            if ref is None:
                cands.append(_Cand(m.start(), m.end(), None, unit, "relative"))
            else:
                value, gran = _shift(unit, n, ref)
                cands.append(_Cand(m.start(), m.end(), value, gran, "relative"))
    cands += _dateparser(text, ref, language, loc.info, cands)
    return cands


_PREV_WORD = re.compile(r"([^\W\d_]+)\s*$")
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?!\w)")
_NEXT_WORD = re.compile(r"\s*([^\W\d_]+)")
_FOREIGN_YEAR_PREPS = frozenset(_DATA["foreign_year_prepositions"])


def _masked(text: str, taken: list[_Cand], units: frozenset[str]) -> str:
    """The text with our own mentions and the numbers that count things blanked (same length): dateparser's
    search gives up on whole sentences for a stray number ("La semana pasada hubo 15 drones")."""
    chars = list(text)
    for c in taken:
        chars[c.start:c.end] = " " * (c.end - c.start)
    for m in _NUMBER.finditer(text):
        raw = m.group()
        if len(raw) == 4 and raw.isdigit() and 1900 <= int(raw) <= 2100:
            continue
        nxt = _NEXT_WORD.match(text, m.end())
        if nxt and nxt.group(1).lower() in units:
            continue
        chars[m.start():m.end()] = " " * (m.end() - m.start())
    return "".join(chars)


def _dateparser(text: str, ref: dt.date | None, language: str, info: dict[str, Any],
                taken: list[_Cand]) -> list[_Cand]:
    months = {w: 0 for key in (calendar.month_name[i].lower() for i in range(1, 13))
              for w in (x.lower().rstrip(".") for x in info.get(key, []))}
    units = frozenset(w.lower() for key in ("day", "week", "month", "year", "hour", "minute")
                      for w in info.get(key, []))
    ago = [w.lower() for w in info.get("ago", []) if " " in w or len(w) > 2]
    masked = _masked(text, taken, units)
    try:
        from dateparser.date import DateDataParser
        from dateparser.search import search_dates

        base = dt.datetime.combine(ref, dt.time()) if ref is not None else dt.datetime(2000, 1, 1)
        settings = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past"}
        found = search_dates(masked, languages=[language], settings=settings) or []
        parser = DateDataParser(languages=[language], settings=settings)
    except Exception:  # dateparser fails on some inputs and languages: no dates rather than a crash
        return []
    lowered = text.lower()
    if len(lowered) != len(text):  # lower-casing changed the length ("İ"): offsets in it would drift
        ago = []
    out: list[_Cand] = []
    pos = 0
    for found_sub, when in found:
        idx = masked.find(found_sub, pos)
        if idx < 0:
            continue
        pos = idx + len(found_sub)
        sub = found_sub.rstrip(" ,.")
        start, end = idx, idx + len(sub)
        for phrase in ago:  # "il y a trois jours": dateparser cuts its own phrase in two
            at = lowered.rfind(phrase, max(0, start - len(phrase)), start + len(phrase))
            if 0 <= at < start < at + len(phrase):
                start = at
        words = re.findall(r"[^\W\d_]+", sub)
        digits = re.findall(r"\d+", sub)
        has_month = any(w.lower() in months for w in words)
        if not words:
            before = _PREV_WORD.search(text, 0, start)
            if not (len(digits) == 1 and len(digits[0]) == 4 and before
                    and before.group(1).lower() in _FOREIGN_YEAR_PREPS):
                continue  # bare numbers: a year only after a preposition ("em 2019")
        elif digits and all(len(d) <= 2 for d in digits) and not has_month and not any(
                w.lower() in units for w in words):
            continue  # bare ordinal days ("Am 9", "le 9"): dateparser guesses a month for them
        elif max(len(w) for w in words) <= 3 and not any(len(d) == 4 for d in digits):
            continue
        parsed = _safe_parse(parser, sub)
        period = parsed[1] if parsed is not None else None
        absolute = any(len(d) == 4 for d in digits)
        relation = "absolute" if absolute else ("anchored" if has_month else "relative")
        if period is None:
            period = "year" if absolute and not has_month and not any(len(d) <= 2 for d in digits) else "day"
        if ref is None and not absolute:
            out.append(_Cand(start, end, None, period if period in ("day", "week", "month") else "day", relation))
            continue
        day = when.date()
        if period == "year":
            value, gran = f"{day.year:04d}", "year"
        elif period == "month":
            value, gran = _ym(day.year, day.month), "month"
        elif period == "week":
            value, gran = _iso_week(day), "week"
        else:
            value, gran = day.isoformat(), "day"
        out.append(_Cand(start, end, value, gran, relation))
    return out


def _safe_parse(parser: Any, sub: str) -> tuple[dt.datetime | None, str | None] | None:
    try:
        data = parser.get_date_data(sub)
    except Exception:
        return None
    return data.date_obj, data.period


# ---------------------------------------------------------------------------------------------------------------------
# Entry point


def find_dates(text: str, reference: dt.date | None, doc: Doc | None = None,
               language: str | None = "en") -> list[DateMention]:
    """Every time expression in `text`, sorted by start and non-overlapping, resolved against `reference`.

    `doc`, a spaCy parse of exactly `text`, lets the tense of the governing verb decide the direction
    of expressions without a year; without it, cue words before the expression decide. English
    (`language` "en", an "en-" variant or None) uses our rules; other languages use our numeric and
    month-name rules, then dateparser. A value is None when it cannot be known.
    """
    if not text:
        return []
    if not isinstance(reference, dt.date) or isinstance(reference, dt.datetime):
        reference = _parse_iso(reference)  # a datetime or an ISO string is accepted too
    ctx = _Ctx(text, reference, doc)
    lang = (language or "en").lower()
    if lang == "en" or lang.startswith(("en-", "en_")):
        cands = _scan(text, ctx)
    else:
        cands = _foreign(text, reference, lang, ctx)
    cands.sort(key=lambda c: (c.start, -(c.end - c.start)))
    kept: list[_Cand] = []
    for c in cands:
        if c.end <= c.start or (kept and c.start < kept[-1].end):
            continue
        kept.append(c)
    kept = _join_ranges(text, kept)
    ref_iso = reference.isoformat() if reference is not None else None
    return [
        DateMention(text=text[c.start:c.end], start=c.start, end=c.end, value=c.value, granularity=c.granularity,
                    reference=ref_iso if c.relation != "absolute" and c.value is not None else None,
                    relation=c.relation)
        for c in kept
    ]
