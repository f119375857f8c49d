"""Quantities in article text: numbers together with what they count, measure or cost.

This module owns two things:

* `parse_number` reads one written number to a float: numerals with English, dot-grouped, apostrophe,
  space-grouped or Indian separators, written numbers ("twenty-three", "one hundred and five"), scale words
  and abbreviations ("1.5 million", "4.8bn"), "a dozen", "half a million".
* `find_quantities` finds every quantity in a parsed spaCy `Doc` and returns `parallax.records.Quantity`
  records: the value, the unit (the counted noun as written, an ISO 4217 currency code, "percent" or a
  measure unit), the qualifier ("more than", "about"), and bounds for ranges and vague amounts.

It is our own code because spaCy marks numbers (CARDINAL, MONEY, PERCENT entities, `like_num`) but neither
reads their values nor says what they count: linking "10 of 15 such drones" to drones, reading "Sh620m" as
620 million Kenyan shillings, or telling "No. 924" and "-9.8 C" from counts takes rules over the tokens and
the parse. spaCy's DATE/TIME entities are too eager to trust alone (it tags "between 10 and 15" as a DATE),
so they only veto a number when they hold a date word or a year. The word lists (number words, scales,
qualifiers, currencies, measure units, identifier words) are data in `data/units.json`.

Decisions (choices, written down so callers can rely on them):

* Separators: "1,500" and "1,500,000" are thousands; "1.500.000" (two or more dot groups of three) is
  thousands; "1.500" (one dot) is the English decimal 1.5; "3,5" (one comma and one or two digits) is the
  decimal comma 3.5; "1,50,000" (Indian grouping) is 150000; "1'000'000" and "1 500 000" are thousands.
  Any other grouping, a leading zero ("007"), more than 15 integer digits or a value above 10**15 reads as
  None: unknown, never a guess. Text that does not read as a number is not a quantity.
* Vague amounts have value None, approximate True and bounds: "dozens" 24..99, "hundreds" 200..999,
  "thousands" 2,000..9,999, "millions" 2..9.99 million; "tens/hundreds of thousands" multiply the outer
  bounds by the inner scale ("tens of thousands" 20,000..99,999); "several hundred" and "a few thousand"
  read like "hundreds" and "thousands".
* Ranges ("between 10 and 15", "10-15 people", "10 to 15 homes", "$5-10 million") have value None with low
  and high; "from 10 to 15" is two quantities (a change, not a range). Qualifiers add a bound: "more than
  1.5 million" keeps value 1500000 and sets low 1500000; "up to 15" sets high 15; "about" and "some" set
  approximate; "nearly" and "almost" set approximate and high.
* "10 of 15 such drones" gives two quantities, "10" and "15 such drones", both counting drones.
* The unit of a count is its head noun as written, lower-cased, without modifiers ("19 other individuals"
  → "individuals"; "10-member team" → "member"). Money is the ISO code where the symbol, code or word is
  unambiguous ("$" → USD, "Sh" and "shillings" → KES, "R$" and "reais" → BRL), else the currency word
  ("pesos"). Measures use short unit names ("km", "t", "ha", "MW").
* Not quantities: dates and times, years, clock times, durations ("three days", "a 22-year-old": the dates
  module owns them), ordinals, identifiers ("No. 924", "#3", "Boeing 737", "Resolution 2231", "Su-25",
  "5G"), phone numbers, temperatures ("-9.8 C", "27°C"), ages ("Mahsa Amini, 22,", "aged 22"), numbers in
  names, list markers, scores ("won 3-1"), ratios ("one in five"), and "one" used as a pronoun.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spacy.strings import get_string_id

from parallax.common.doctext import doc_text
from parallax.records import Quantity

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_DATA: dict[str, Any] = json.loads((Path(__file__).resolve().parent / "data" / "units.json").read_text("utf-8"))


def unit_tables() -> dict[str, Any]:
    """The word lists of `data/units.json` (qualifiers, number and scale words, units), for other stages."""
    return _DATA


_MAX_DIGITS = 15
_MAX_VALUE = 1e15
_MAX_NUMBER_CHARS = 120
_MAX_LITERAL_CHARS = 40
_MAX_AGE = 130

_NUMBER_WORDS: dict[str, int] = _DATA["number_words"]
_SCALE_WORDS: dict[str, float] = {k: float(v) for k, v in _DATA["scale_words"].items()}
_MONEY_ABBR: dict[str, float] = {k: float(v) for k, v in _DATA["money_scale_abbreviations"].items()}
_GLUED_SCALES: dict[str, float] = {k: float(v) for k, v in _DATA["glued_scale_abbreviations"].items()}
_PARSE_SCALES: dict[str, float] = {**_SCALE_WORDS, **_MONEY_ABBR}
_FULL_SCALES = frozenset(w for w in _SCALE_WORDS if w.isalpha() and len(w) > 3)  # hundred … crore, dozen
_VAGUE: dict[str, tuple[float, float]] = {k: (float(v[0]), float(v[1])) for k, v in _DATA["vague_words"].items()}
_VAGUE_NEEDS_OF = frozenset(_DATA["vague_needs_of"])
_VAGUE_DET = frozenset(_DATA["vague_determiners"])
_VAGUE_INNER = {"thousands": 1e3, "millions": 1e6, "billions": 1e9, "trillions": 1e12}
_VAGUE_OUTER = frozenset({"tens", "hundreds", "dozens", "scores"})
_SINGULAR_VAGUE = {w[:-1]: w for w in _VAGUE if w.endswith("s")}  # "hundred" → "hundreds" for "several hundred"
_QUALIFIERS: dict[str, str] = _DATA["qualifiers"]
_QUALIFIER_MAX = max(len(q.split()) for q in _QUALIFIERS)
_QUALIFIER_LAST = frozenset(q.split()[-1] for q in _QUALIFIERS)
_POST_QUALIFIERS: dict[str, str] = _DATA["post_qualifiers"]
_CUR_SYMBOLS: dict[str, str] = _DATA["currency_symbols"]
_CUR_CODES = frozenset(_DATA["currency_codes"])
_CUR_ALIASES: dict[str, str] = _DATA["currency_code_aliases"]
_CUR_WORDS: dict[str, str | None] = _DATA["currency_words"]
_CUR_ADJ: dict[str, str | None] = _DATA["currency_adjectives"]
_PERCENT: dict[str, str] = _DATA["percent_units"]
_MEASURES: dict[str, str] = {form: unit for unit, forms in _DATA["measure_units"].items() for form in forms}
_CASE_SENSITIVE_UNITS = frozenset(_DATA["case_sensitive_units"])
_DURATIONS = frozenset(_DATA["duration_words"])
_ID_PREFIXES = frozenset(_DATA["identifier_prefixes"])
_ID_NOUNS = frozenset(_DATA["identifier_nouns"])
_AGE_PREFIXES = frozenset(_DATA["age_prefixes"])
_MONTHS = frozenset(_DATA["month_words"])
_DATE_WORDS = frozenset(_DATA["date_words"]) | _MONTHS
_PARTITIVE_DET = frozenset(_DATA["partitive_determiners"])
_YEAR_DETERMINERS = frozenset(_DATA["year_determiners"])
_NP_MODIFIERS = frozenset(_DATA["np_modifiers"])
_PERSON_NOUNS = frozenset(_DATA["person_nouns"])
_MODEL_NAME_LABELS = frozenset({"ORG", "PRODUCT", "FAC", "LAW", "WORK_OF_ART", "EVENT"})  # "Boeing 737"
_NAME_LABELS = frozenset({"PERSON", "ORG", "PRODUCT", "LAW", "WORK_OF_ART", "EVENT", "FAC", "GPE", "LOC", "NORP"})
_HYPHENS = frozenset({"-", "‐", "‑"})
_RANGE_DASHES = frozenset({"-", "–", "—", "‐", "‑", "to"})
_PHONE_GLUE = frozenset({"-", "(", ")", "."})
_CLOSERS = frozenset({",", ")", ".", ";", ":", "!", "?"})


def _alternation(forms: list[str] | set[str] | frozenset[str]) -> str:
    return "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))


# One literal number, optionally with a currency glued before it, a second number after a dash ("10–15") and
# a glued scale or percent sign ("4.8bn", "620m", "18%"). Built once at import: no per-call compilation.
_NUMTOK = re.compile(
    rf"(?P<cur>{_alternation(_CUR_SYMBOLS)})?(?P<sign>[+\-−])?(?P<num>\d(?:[\d,.'’]*\d)?)"
    r"(?:(?P<dash>[-–—])(?P<num2>\d(?:[\d,.'’]*\d)?))?(?P<suf>bn|mn|mln|tn|trn|k|m|b|%)?"
)
_LITERAL = re.compile(r"(?P<num>\d(?:[\d,.'’]*\d)?|\.\d+)(?P<suf>bn|mn|mln|tn|trn|k|m|b)?")
_PLAIN = re.compile(r"\d+(?:\.\d+)?")
_EN_GROUPS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DOT_GROUPS = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_INDIAN_GROUPS = re.compile(r"\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d+)?")
_DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}")
_APOSTROPHE_GROUPS = re.compile(r"\d{1,3}(?:['’]\d{3})+(?:\.\d+)?")
_SPACE_GROUPED = re.compile(r"(?<![\d.,])\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+(?![\d.,])")
_PIECES = re.compile(r"[\s\u00a0\u2009\u202f]+|(?<=[a-z])[-‐‑–](?=[a-z])")
_DIGITS = re.compile(r"\d+")
_THREE_DIGITS = re.compile(r"\d{3}")
_YEAR = re.compile(r"1\d{3}|20\d{2}|2100")
_PARTITIVE_GAP = re.compile(
    rf"\s*(?:out\s+)?of(?:\s+(?:{_alternation(_PARTITIVE_DET)}))?\s*", re.IGNORECASE
)
_OF_AFTER = re.compile(r"\s+of\b")

_WORDY_CANDIDATES = frozenset(set(_NUMBER_WORDS) | _FULL_SCALES | set(_VAGUE) | _VAGUE_DET | {"half"})
_CANDIDATE_IDS = frozenset(get_string_id(w) for w in _WORDY_CANDIDATES)


def _unit_alternation(forms: list[str]) -> str:
    sensitive = [f for f in forms if f in _CASE_SENSITIVE_UNITS]
    loose = [f for f in forms if f not in _CASE_SENSITIVE_UNITS]
    parts = []
    if loose:
        parts.append(f"(?i:{_alternation(loose)})")
    if sensitive:
        parts.append(_alternation(sensitive))
    return "|".join(parts)


_TEMP_WORDS = [t for t in _DATA["temperature_markers"] if t[0].isalpha() and len(t) > 1]
_TEMP_SIGNS = [t for t in _DATA["temperature_markers"] if not t[0].isalpha()]
_CLOCK_WORDS: list[str] = _DATA["clock_markers"]
# What follows a number: a percent sign or word, a temperature, a clock time, a duration, a fraction, a
# currency word (perhaps with its country: "Kenyan shillings"), a currency code or a measure unit.
_RIGHT_LEAD = re.compile(r"[ \u00a0\u2009\u202f\-‐‑]?([^\W\d_]+|[^\w\s])")


def _lead(form: str) -> str:
    match = _RIGHT_LEAD.match(form)
    return match.group(1).lower() if match else ""


_RIGHT_FORMS = (
    list(_PERCENT) + _TEMP_WORDS + _TEMP_SIGNS + ["C", "F"] + _CLOCK_WORDS + list(_DURATIONS)
    + list(_DATA["fraction_words"]) + list(_CUR_ADJ) + list(_CUR_WORDS) + list(_CUR_CODES) + list(_MEASURES)
)
_RIGHT_LEADS = frozenset(_lead(f) for f in _RIGHT_FORMS)
_RIGHT = re.compile(
    r"(?P<sep>[ \u00a0\u2009\u202f]?|[-‐‑])(?:"
    rf"(?P<pct>%|(?i:{_alternation([p for p in _PERCENT if p != '%'])}))"
    rf"|(?P<temp>{_alternation(_TEMP_SIGNS)}|(?i:{_alternation(_TEMP_WORDS)})|[CF](?![\w\-‐]))"
    rf"|(?P<clock>{_alternation(_CLOCK_WORDS)})"
    rf"|(?P<dur>(?i:{_alternation(_DURATIONS)}))"
    rf"|(?P<frac>(?i:{_alternation(_DATA['fraction_words'])}))"
    rf"|(?P<cur>(?:(?P<adj>(?i:{_alternation(_CUR_ADJ)}))\s+)?(?P<curword>(?i:{_alternation(_CUR_WORDS)})))"
    rf"|(?P<code>{_alternation(_CUR_CODES)})"
    rf"|(?P<meas>{_unit_alternation(list(_MEASURES))})"
    r")(?![\w])"
)


# ---------------------------------------------------------------------------------------------- numbers


def _read_literal(s: str) -> float | None:
    """A numeral without sign or scale ("1,500", "1.500.000", "3,5") as a float, or None when it is malformed."""
    if len(s) > _MAX_LITERAL_CHARS:
        return None
    if _PLAIN.fullmatch(s):
        body = s
    elif _EN_GROUPS.fullmatch(s):
        body = s.replace(",", "")
    elif _DOT_GROUPS.fullmatch(s) and (s.count(".") >= 2 or "," in s):
        body = s.replace(".", "").replace(",", ".")
    elif _INDIAN_GROUPS.fullmatch(s):
        body = s.replace(",", "")
    elif _DECIMAL_COMMA.fullmatch(s):
        body = s.replace(",", ".")
    elif _APOSTROPHE_GROUPS.fullmatch(s):
        body = s.replace("'", "").replace("’", "")
    elif s.startswith(".") and s[1:].isdigit():
        body = "0" + s
    else:
        return None
    whole = body.split(".", 1)[0]
    if len(whole) > _MAX_DIGITS or (len(whole) > 1 and whole[0] == "0"):
        return None
    try:
        return float(body)
    except ValueError:  # digits of other scripts that float() refuses
        return None


def _parse_pieces(pieces: list[str]) -> float | None:
    """Combine lower-cased pieces ("one", "hundred", "and", "five"; "1.5", "million") into one value."""
    total = 0.0
    current = 0.0
    have = False  # a number word or numeral has been read
    last = ""  # what the previous piece was: lit, unit, teen, tens, hundred, scale, half
    last_scale = math.inf
    pending_a = False  # "a"/"an" waiting for its scale ("a dozen") or "half" ("one and a half")
    half = False  # "half a" waiting for its scale ("half a million")
    for i, p in enumerate(pieces):
        if p == "and":
            if not have or i + 1 >= len(pieces):
                return None
            continue
        if p in ("a", "an"):
            if pending_a:
                return None
            pending_a = True
            continue
        if p == "half":
            if pending_a and have and last not in ("half", "scale"):
                current += 0.5
                pending_a = False
                last = "half"
            elif not have and not pending_a:
                half = True
            else:
                return None
            continue
        word = _NUMBER_WORDS.get(p)
        if word is not None:
            kind = "unit" if word < 10 else "teen" if word < 20 else "tens"
            if pending_a or half or last in ("lit", "unit", "teen", "half") or (kind != "unit" and last == "tens"):
                return None
            current += word
            have = True
            last = kind
            continue
        if p == "hundred":
            if (last in ("hundred", "lit") and current >= 10) or not (have or pending_a or half):
                return None
            base = current if current else 1.0
            current = base * (0.5 if half else 1.0) * 100
            have, last, pending_a, half = True, "hundred", False, False
            continue
        scale = _PARSE_SCALES.get(p)
        if scale is not None:
            if scale >= last_scale or not (have or pending_a or half):
                return None
            base = current if current else 1.0
            total += base * (0.5 if half else 1.0) * scale
            current = 0.0
            last_scale = scale
            have, last, pending_a, half = True, "scale", False, False
            continue
        match = _LITERAL.fullmatch(p)
        if match is None or have or pending_a or half:
            return None
        value = _read_literal(match["num"])
        if value is None:
            return None
        suffix = match["suf"]
        if suffix:
            total += value * _PARSE_SCALES[suffix]
            last_scale = _PARSE_SCALES[suffix]
            last = "scale"
        else:
            current = value
            last = "lit"
        have = True
    if not have or pending_a or half:
        return None
    value = total + current
    return value if value <= _MAX_VALUE else None


def parse_number(text: str) -> float | None:
    """The value of one written number, or None when it is not one or cannot be read without guessing.

    '1.5 million' → 1500000, 'two' → 2, 'twenty-three' → 23, '1,500' → 1500, '1.500.000' → 1500000,
    '1.500' → 1.5, '3,5' → 3.5 (decimal comma), '1,50,000' → 150000, 'a dozen' → 12, 'half a million' →
    500000, 'one and a half million' → 1500000, '4.8bn' → 4800000000, '-5' → -5; '1.2.3', '007', 'two three',
    a 10,000-digit numeral or anything above 10**15 → None.
    """
    if not isinstance(text, str):
        return None
    s = text.strip().lower().replace("\u2212", "-")
    if not s or len(s) > _MAX_NUMBER_CHARS:
        return None
    if s.endswith(".") and s[:-1][-1:].isalnum():
        s = s[:-1]
    sign = 1.0
    if s[0] in "+-":
        sign = -1.0 if s[0] == "-" else 1.0
        s = s[1:].lstrip()
        if not s[:1].isdigit() and not s.startswith("."):
            return None
    s = _SPACE_GROUPED.sub(lambda m: re.sub(r"\D", "", m.group(0)), s)
    pieces = [p for p in _PIECES.split(s) if p]
    if not pieces:
        return None
    value = _parse_pieces(pieces)
    return None if value is None else sign * value


# ----------------------------------------------------------------------------------------------- finder


@dataclass(slots=True)
class _Mention:
    """A quantity being assembled: token and character bounds plus what has been read so far."""

    first: int  # first token of the mention (currency symbol, qualifier or "between" included)
    start: int  # character offsets of the mention
    end: int
    num_end: int  # character offset where the number itself (with its scale) ends
    next_tok: int  # first token after the mention
    value: float | None
    mantissa: float | None = None  # the value before its scale words: "5" of "5 million"
    scale: float = 1.0
    low: float | None = None
    high: float | None = None
    vague: bool = False
    unit: str | None = None
    unit_from_noun: bool = False
    kind: str = "count"
    qualifier: str | None = None
    qual_kind: str | None = None
    between: bool = False
    after_from: bool = False
    single_one: bool = False  # the bare word "one", a pronoun unless it modifies a noun
    year_like: bool = False
    skip: bool = False  # read only to consume its tokens (a phone number, an identifier, a temperature, …)


def _entity_veto_end(doc: Doc, start: int, end: int, label: str) -> int:
    """Up to which token an entity vetoes its numbers: ordinals, real dates and times, numbers inside names."""
    if label == "ORDINAL":
        return end
    if label in ("DATE", "TIME"):
        for i in range(start, end):
            tok = doc[i]
            low = tok.lower_
            if low in _DATE_WORDS or low in _DURATIONS or _YEAR.fullmatch(tok.text) or ":" in low or "/" in low:
                last = doc[end - 1]
                if last.like_num and last.head.i >= end and _is_plural_noun(last.head):
                    return end - 1  # "On Tuesday 15 people died": the tagger took the count into the date
                return end
        return start  # "between 10 and 15" tagged DATE: no date word, so the tag is not trusted
    if label in _NAME_LABELS:
        for i in range(start, end):
            tok = doc[i]
            if (
                tok.is_alpha
                and tok.text[0].isupper()
                and tok.lower_ not in _WORDY_CANDIDATES
                and tok.text not in _CUR_CODES
                and tok.text not in _CUR_SYMBOLS
            ):
                return end
    return start


def _tok_end(tok: Token) -> int:
    return tok.idx + len(tok.text)


def _is_plural_noun(tok: Token) -> bool:
    return tok.tag_ in ("NNS", "NNPS") and tok.pos_ in ("NOUN", "PROPN")


def _glued(doc: Doc, i: int) -> bool:
    """No white space between token i and token i + 1."""
    return doc[i].whitespace_ == ""


def _np_head(doc: Doc, k: int) -> int | None:
    """The noun a number counts, looking right from token k over modifiers ("such", "other", "Russian-based")."""
    candidate = None
    n = len(doc)
    stop = min(n, k + 6)
    while k < stop:
        # A hyphenated word ("co-workers", "Russian-based") is read by its last part.
        while k + 2 < n and doc[k + 1].text in _HYPHENS and _glued(doc, k) and _glued(doc, k + 1):
            k += 2
        tok = doc[k]
        pos = tok.pos_
        if _is_plural_noun(tok) and tok.text[0].isalpha():
            return k
        if pos == "NOUN" and tok.text[0].isalpha() and tok.lower_ not in _NP_MODIFIERS:
            candidate = k  # a singular noun: the head ("one person") or a compound ("drone attacks")
        elif (
            pos == "ADJ"
            or pos == "PROPN"
            or (tok.tag_ in ("VBN", "VBG") and tok.dep_ in ("amod", "compound"))
            or tok.lower_ in _NP_MODIFIERS
        ):
            if candidate is not None:
                break
        else:
            break
        k += 1
    return candidate


def _positions(values: list[int], wanted: Iterable[int]) -> list[int]:
    """Every index of every wanted value, found by `list.index` (a scan in C)."""
    out: list[int] = []
    for value in wanted:
        i = values.index(value)
        while True:
            out.append(i)
            try:
                i = values.index(value, i + 1)
            except ValueError:
                break
    return out


class _Finder:
    """One pass over one document; holds what every rule needs so that none recomputes it."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.n = len(doc)
        self.text: str = doc_text(doc)
        self.starts: list[int] = doc.to_array("IDX").tolist() if self.n else []
        self.veto_ends: dict[int, int] = {}  # entity start → first token its veto no longer covers
        self.lowers: dict[int, str] = {}

    def vetoed(self, j: int) -> bool:
        doc = self.doc
        tok = doc[j]
        label = tok.ent_type_
        if not label or label in ("CARDINAL", "MONEY", "PERCENT", "QUANTITY"):
            return False
        start = j
        while start > 0 and doc[start].ent_iob_ == "I":
            start -= 1
        veto_end = self.veto_ends.get(start)
        if veto_end is None:
            end = j + 1
            while end < self.n and doc[end].ent_iob_ == "I":
                end += 1
            veto_end = self.veto_ends[start] = _entity_veto_end(doc, start, end, label)
        return j < veto_end

    # -- helpers over token positions

    def tok_at(self, char: int) -> int:
        """The first token starting at or after a character offset."""
        return bisect_left(self.starts, char)

    def lower(self, i: int) -> str:
        if not 0 <= i < self.n:
            return ""
        low = self.lowers.get(i)
        if low is None:
            low = self.lowers[i] = self.doc[i].lower_
        return low

    def skipped(self, first: int, start: int, end: int) -> _Mention:
        return _Mention(first, start, end, end, self.tok_at(end), None, skip=True)

    # -- the pass

    def run(self) -> list[Quantity]:
        if not self.n:
            return []
        mentions: list[_Mention] = []
        floor = 0  # tokens before this belong to an earlier mention
        last_j = -1
        for j in self.candidates():
            if j < floor or j == last_j:
                continue
            last_j = j
            mention = self.read(j, floor)
            if mention is None:
                continue
            floor = max(floor, mention.next_tok)
            if not mention.skip:
                mentions.append(mention)
        return self.assemble(mentions)

    def candidates(self) -> list[int]:
        """Tokens that may start a quantity: number words by their string ids, numerals by a digit in their
        shape. Both are read from the token arrays, so no Python code runs per token of the document."""
        doc = self.doc
        lowers: list[int] = doc.to_array("LOWER").tolist()
        shapes: list[int] = doc.to_array("SHAPE").tolist()
        strings = doc.vocab.strings
        digit_shapes = [h for h in set(shapes) if "d" in strings[h]]
        found = _positions(lowers, _CANDIDATE_IDS.intersection(lowers)) + _positions(shapes, digit_shapes)
        return sorted(found)

    def read(self, j: int, floor: int) -> _Mention | None:
        doc = self.doc
        tok = doc[j]
        if self.vetoed(j):
            return self.skipped(j, tok.idx, _tok_end(tok))
        low = tok.lower_
        match = _NUMTOK.fullmatch(tok.text)
        if match is not None:
            return self.read_numeral(j, floor, match)
        if low in _VAGUE or low in _VAGUE_DET:
            return self.read_vague(j, floor)
        if low in _NUMBER_WORDS or low in _FULL_SCALES or low == "half":
            return self.read_words(j, floor)
        return None

    # -- numerals

    def read_numeral(self, j: int, floor: int, m: re.Match[str]) -> _Mention | None:
        doc, n = self.doc, self.n
        tok = doc[j]
        num, num2, suf, sign = m["num"], m["num2"], m["suf"], m["sign"]
        currency = _CUR_SYMBOLS[m["cur"]] if m["cur"] else None
        first = j
        if currency is None and j - 1 >= floor:
            currency, first = self.currency_before(j, floor)
        prev = self.lower(first - 1) if first - 1 >= floor else ""
        # Identifiers, ages and list markers: read to consume, never reported.
        if len(num) > 1 and num[0] == "0" and num[1:2] not in (".", ","):
            return self.phone(first, j + 1)  # "0800 123 456", "007": a number to dial or a code
        if currency is None and self.is_identifier(first, j):
            return self.skipped(first, doc[first].idx, _tok_end(tok))
        if prev in _AGE_PREFIXES:  # "aged 22", "children aged 5 to 10"
            end = j
            if j + 2 < n and self.lower(j + 1) in ("to", "and", "-", "–") and _NUMTOK.fullmatch(doc[j + 2].text):
                end = j + 2
            return self.skipped(first, doc[first].idx, _tok_end(doc[end]))
        k = j + 1
        literal = num
        plain = not (currency or num2 or suf or sign) and _DIGITS.fullmatch(num) is not None
        # Space-grouped thousands ("1 500 000") or a run of digit groups (a phone number).
        if plain and k < n and tok.whitespace_ and _DIGITS.fullmatch(doc[k].text):
            g = k
            while g < n and doc[g - 1].whitespace_ == " " and _THREE_DIGITS.fullmatch(doc[g].text):
                g += 1
            if len(num) <= 3 and g > k and not (g < n and doc[g - 1].whitespace_ and _DIGITS.fullmatch(doc[g].text)):
                literal = "".join(doc[x].text for x in range(j, g))
                k = g
            else:
                return self.phone(first, k)
        if sign == "+" and k < n and (_DIGITS.fullmatch(doc[k].text) or doc[k].text == "("):
            return self.phone(first, k)
        if plain and k + 1 < n and doc[k].text in _HYPHENS and _glued(doc, j) and _glued(doc, k):
            after = doc[k + 1].text  # "555-0123", "555-1234": a phone number, not a range
            if _DIGITS.fullmatch(after) and (after[0] == "0" or (len(num) == 3 and len(after) == 4)):
                return self.phone(first, k)
        if plain and prev == "(" and self.lower(k) == ")" and k + 1 < n and _DIGITS.fullmatch(doc[k + 1].text):
            return self.phone(first, k + 1)
        if num2 is not None:  # "10–15" in one token
            lo, hi = _read_literal(num), _read_literal(num2)
            if lo is None or hi is None or lo >= hi:
                return self.skipped(first, doc[first].idx, _tok_end(tok))
            mention = _Mention(first, doc[first].idx, _tok_end(tok), _tok_end(tok), k, None, low=lo, high=hi)
            if currency:
                mention.kind, mention.unit = "money", currency
            return self.finish(mention, floor)
        mantissa = _read_literal(literal)
        if mantissa is None:  # unreadable ("1.2.3", 10,000 digits): unknown, not a guess
            return self.skipped(first, doc[first].idx, _tok_end(doc[k - 1]))
        scale = 1.0
        metres = False
        if suf in _GLUED_SCALES:
            scale = _GLUED_SCALES[suf]
        elif suf in _MONEY_ABBR:
            if currency:
                scale = _MONEY_ABBR[suf]
            elif suf == "m":
                metres = True
            else:
                return self.skipped(first, doc[first].idx, _tok_end(tok))
        # Scale words and abbreviations after the numeral: "1.5 million", "$4.8 bn", "Sh620m", "£300m."
        num_end = _tok_end(doc[k - 1])
        scaled = False
        while k < n and not metres:
            word = doc[k].lower_
            dotted = word.endswith(".") and len(word) > 1
            bare = word[:-1] if dotted else word
            if bare in _SCALE_WORDS or (
                bare in _MONEY_ABBR
                and (currency or (_glued(doc, k - 1) and k + 1 < n and _is_plural_noun(doc[k + 1])))
                and (_glued(doc, k - 1) or currency)
            ):
                scale *= _SCALE_WORDS.get(bare) or _MONEY_ABBR[bare]
                scaled = True
                num_end = doc[k].idx + len(bare)
                k += 1
                if dotted:
                    break
                continue
            break
        value = mantissa * scale
        if value > _MAX_VALUE:
            return self.skipped(first, doc[first].idx, num_end)
        if sign in ("-", "−"):
            value, mantissa = -value, -mantissa
        mention = _Mention(first, doc[first].idx, num_end, num_end, k, value, mantissa=mantissa, scale=scale)
        mention.year_like = plain and not scaled and _YEAR.fullmatch(literal) is not None
        if mention.year_like and prev in _YEAR_DETERMINERS:
            return self.skipped(first, mention.start, num_end)  # "the 1967 killings", "its 2022 survey"
        if currency:
            mention.kind, mention.unit = "money", currency
        elif suf == "%":
            mention.kind, mention.unit = "percent", "percent"
        elif metres:
            mention.kind, mention.unit = "measure", "m"
        # An age in apposition: "Mahsa Amini, 22, died"; "(22)" after a name.
        if (
            plain and not scaled and value <= _MAX_AGE and first - 2 >= 0 and prev in (",", "(")
            and (doc[first - 2].pos_ == "PROPN" or doc[first - 2].lower_ in _PERSON_NOUNS)
            and (k >= n or doc[k].text in _CLOSERS)
        ):
            return self.skipped(first, mention.start, num_end)
        # A list marker at the start of a line: "1) …", "2. …"
        if (
            plain and (tok.is_sent_start or tok.idx == 0 or self.text[tok.idx - 1] == "\n")
            and k < n and doc[k].text in (")", ".") and _glued(doc, j)
        ):
            return self.skipped(first, mention.start, _tok_end(doc[k]))
        return self.finish(mention, floor)

    def currency_before(self, j: int, floor: int) -> tuple[str | None, int]:
        doc = self.doc
        before = doc[j - 1].text
        code = _CUR_SYMBOLS.get(before)
        if code is None and before in _CUR_CODES:
            code = _CUR_ALIASES.get(before, before)
        if code is None:
            return None, j
        if before == "$" and j - 2 >= floor and doc[j - 2].text in ("US", "U.S.") and _glued(doc, j - 2):
            return "USD", j - 2
        return code, j - 1

    def is_identifier(self, first: int, j: int) -> bool:
        """ "No. 924", "#3", "number 10", "Article 5", "Boeing 737", "Su-25", "December 9"."""
        if first == 0:
            return False
        doc = self.doc
        prev = doc[first - 1]
        low = prev.lower_
        if low in _ID_PREFIXES or (low in _MONTHS and prev.text[0].isupper()):
            return True
        if low == "." and first >= 2 and doc[first - 2].lower_ in ("no", "nr", "nos") and _glued(doc, first - 2):
            return True
        if low in _ID_NOUNS and prev.pos_ in ("NOUN", "PROPN"):
            return True
        if (
            prev.pos_ == "PROPN"
            and low not in _QUALIFIERS
            and (doc[j].head.i == prev.i or prev.head.i == j or prev.ent_type_ in _MODEL_NAME_LABELS)
            and not (prev.is_sent_start and not prev.ent_type_)  # a capitalised first word the tagger took for a name
        ):
            return True
        return (
            prev.text in _HYPHENS and first >= 2 and _glued(doc, first - 1) and _glued(doc, first - 2)
            and doc[first - 2].is_alpha and doc[first - 2].lower_ not in _NUMBER_WORDS
        )

    def phone(self, first: int, k: int) -> _Mention:
        """A run of digit groups ("+44 20 7946 0958", "(555) 123-4567"): consumed whole, never a quantity."""
        doc, n = self.doc, self.n
        while (
            k < n
            and doc[k - 1].whitespace_ in ("", " ")
            and (_DIGITS.fullmatch(doc[k].text) or doc[k].text in _PHONE_GLUE or doc[k].text[:1] == "+")
        ):
            k += 1
        return self.skipped(first, doc[first].idx, _tok_end(doc[k - 1]))

    # -- written numbers

    def read_words(self, j: int, floor: int) -> _Mention | None:
        doc, n = self.doc, self.n
        first = j
        low = doc[j].lower_
        if low in _FULL_SCALES:  # "a dozen", "half a million", "a hundred": start at the article
            if j - 1 >= floor and self.lower(j - 1) in ("a", "an"):
                first = j - 1
                if j - 2 >= floor and self.lower(j - 2) == "half":
                    first = j - 2
            else:
                return None
        elif low == "half" and not (self.lower(j + 1) in ("a", "an") and self.lower(j + 2) in _FULL_SCALES):
            return None
        pieces: list[str] = []
        k = first
        while k < n:
            word = doc[k].lower_
            if (
                word in _NUMBER_WORDS
                or word in _FULL_SCALES
                or (word in ("a", "an") and (k == first or pieces[-1] in ("and", "half")))
                or (word == "half" and (k == first or pieces[-1] in ("a", "an")))
            ):
                pieces.append(word)
            elif (
                word in _HYPHENS and pieces and _glued(doc, k - 1) and _glued(doc, k)
                and self.lower(k + 1) in _NUMBER_WORDS
                and _NUMBER_WORDS.get(pieces[-1], 0) >= 20
            ):
                pass
            elif word == "and" and pieces and (
                (pieces[-1] in _FULL_SCALES and self.lower(k + 1) in _NUMBER_WORDS)
                or (self.lower(k + 1) == "a" and self.lower(k + 2) == "half")
            ):
                pieces.append(word)
            else:
                break
            k += 1
        # Greedy reading can swallow a trailing "a" that belongs to the next phrase: give it back.
        while pieces and pieces[-1] in ("a", "an", "and"):
            pieces.pop()
            k -= 1
        if not pieces:
            return None
        value = _parse_pieces(pieces)
        end = _tok_end(doc[k - 1])
        if value is None:
            return self.skipped(first, doc[first].idx, end)
        mantissa = value
        scale = 1.0
        if pieces[-1] in _SCALE_WORDS and len(pieces) > 1:
            scale = _SCALE_WORDS[pieces[-1]]
            mantissa = value / scale
        mention = _Mention(first, doc[first].idx, end, end, k, value, mantissa=mantissa, scale=scale)
        mention.single_one = pieces == ["one"]
        return self.finish(mention, floor)

    # -- vague amounts

    def read_vague(self, j: int, floor: int) -> _Mention | None:
        doc = self.doc
        first = j
        low = doc[j].lower_
        k = j + 1
        if low in _VAGUE_DET:  # "several hundred", "a few thousand", "many thousands"
            nxt = self.lower(j + 1)
            word = _SINGULAR_VAGUE.get(nxt) or (nxt if nxt in _VAGUE and nxt not in _VAGUE_NEEDS_OF else None)
            if word is None:
                return None
            if low == "few" and j - 1 >= floor and self.lower(j - 1) == "a":
                first = j - 1
            bounds = _VAGUE[word]
            low = word
            k = j + 2
            while self.lower(k) in _FULL_SCALES and _SCALE_WORDS[self.lower(k)] >= 1000:  # "several hundred thousand"
                inner = _SCALE_WORDS[self.lower(k)]
                bounds = (bounds[0] * inner, (bounds[1] + 1) * inner - 1)
                k += 1
        else:
            if low in _VAGUE_NEEDS_OF and (self.lower(k) != "of" or self.lower(j - 1) in _PARTITIVE_DET):
                return None
            bounds = _VAGUE[low]
        lo, hi = bounds
        if low in _VAGUE_OUTER and self.lower(k) == "of" and self.lower(k + 1) in _VAGUE_INNER:
            inner = _VAGUE_INNER[self.lower(k + 1)]
            lo, hi = lo * inner, (hi + 1) * inner - 1
            k += 2
        end = _tok_end(doc[k - 1])
        mention = _Mention(first, doc[first].idx, end, end, k, None, low=lo, high=hi, vague=True)
        return self.finish(mention, floor)

    # -- context: qualifiers before, units after

    def finish(self, m: _Mention, floor: int) -> _Mention:
        self.qualify(m, floor)
        if m.kind == "count":
            self.attach_unit(m)
        return m

    def qualify(self, m: _Mention, floor: int) -> None:
        doc = self.doc
        first = m.first
        before: list[int] = []  # the tokens before the number, nearest first, line breaks skipped
        k = first - 1
        while k >= floor and len(before) < _QUALIFIER_MAX + 1:
            if not self.lower(k).isspace():
                before.append(k)
            k -= 1
        if before and self.lower(before[0]) in _QUALIFIER_LAST:
            words: list[str] = []
            best = 0
            for size, x in enumerate(before[:_QUALIFIER_MAX], start=1):
                words.insert(0, self.lower(x))
                if " ".join(words) in _QUALIFIERS:
                    best = size
            if best:
                start = before[best - 1]
                m.qualifier = doc[start:first].text.strip()
                m.qual_kind = _QUALIFIERS[" ".join(self.lower(x) for x in reversed(before[:best]))]
                before = before[best:]
                first = start
        prev = self.lower(before[0]) if before else ""
        if prev == "between":
            m.between = True
            first = before[0]
        elif prev == "from":
            m.after_from = True
        m.first = first
        m.start = doc[first].idx

    def attach_unit(self, m: _Mention) -> None:
        doc, n, text = self.doc, self.n, self.text
        k = m.next_tok
        # "10 or more people", "300-odd", "5,000-plus": a qualifier between the number and its noun
        post = None
        end_tok = k
        if self.lower(k) == "or" and f"or {self.lower(k + 1)}" in _POST_QUALIFIERS:
            post = f"or {self.lower(k + 1)}"
            end_tok = k + 1
        elif self.lower(k) in _HYPHENS and self.lower(k + 1) in _POST_QUALIFIERS and _glued(doc, k - 1):
            post = self.lower(k + 1)
            end_tok = k + 1
        if post is not None:
            if m.qualifier is None:
                m.qualifier, m.qual_kind = post, _POST_QUALIFIERS[post]
            m.end = m.num_end = _tok_end(doc[end_tok])
            k = m.next_tok = end_tok + 1
        if m.value is not None or m.low is not None:
            lead = _RIGHT_LEAD.match(text, m.num_end)
            r = _RIGHT.match(text, m.num_end) if lead and lead.group(1).lower() in _RIGHT_LEADS else None
            if r is not None:
                if r["temp"] or r["clock"] or r["dur"] or r["frac"]:
                    m.skip = True
                    m.end = r.end()
                    m.next_tok = self.tok_at(r.end())
                    return
                unit, kind = self.right_unit(r)
                if unit is not None:
                    m.unit, m.kind, m.end = unit, kind, r.end()
                    m.next_tok = self.tok_at(r.end())
                    return
        if k >= n:
            return
        if _glued(doc, k - 1) and doc[k].is_alpha:  # "5G", "3D", "10x": a name or a code, not a count
            m.skip = True
            return
        if doc[k].text in _HYPHENS and _glued(doc, k - 1) and _glued(doc, k) and k + 1 < n:
            # "a 10-member team", "a 5,000-strong force"
            nxt = doc[k + 1]
            if nxt.lower_ == "strong":
                head = _np_head(doc, k + 2)
                if head is not None:
                    self.set_noun(m, head)
            elif nxt.pos_ == "NOUN":
                self.set_noun(m, k + 1)
            return
        head = _np_head(doc, k)
        if head is not None:
            self.set_noun(m, head)
            return
        if doc[k].lower_ not in ("of", "out") or m.single_one:
            return
        gap = _PARTITIVE_GAP.match(text, doc[k].idx)
        if gap is None:
            return
        p = self.tok_at(gap.end())
        if p >= n or _NUMTOK.fullmatch(doc[p].text) or doc[p].lower_ in _NUMBER_WORDS:
            return  # "10 of 15 drones": linked when the mentions are assembled
        has_det = gap.group(0).strip().lower() not in ("of", "out of")
        if not (m.vague or has_det) or doc[k].lower_ == "out":
            return
        r = _RIGHT.match(text, doc[p].idx)
        if r is not None and r["sep"] == "" and (r["curword"] or r["code"]):  # "millions of dollars"
            unit, kind = self.right_unit(r)
            m.unit, m.kind, m.end = unit, kind, r.end()
            m.next_tok = self.tok_at(r.end())
            return
        head = _np_head(doc, p)
        if head is not None:
            self.set_noun(m, head)

    def right_unit(self, r: re.Match[str]) -> tuple[str | None, str]:
        sep = r["sep"]
        if r["pct"]:
            return _PERCENT[r["pct"].lower().replace("-", " ") if r["pct"] != "%" else "%"], "percent"
        if r["curword"]:
            word = r["curword"].lower()
            if word in ("pound", "pounds") and (sep in _HYPHENS or _OF_AFTER.match(self.text, r.end())):
                return "lb", "measure"
            adj = r["adj"]
            code = _CUR_ADJ.get(adj.lower()) if adj else _CUR_WORDS[word]
            return code or word, "money"
        if r["code"]:
            return _CUR_ALIASES.get(r["code"], r["code"]), "money"
        meas = r["meas"]
        unit = _MEASURES.get(meas) or _MEASURES.get(meas.lower())
        if unit is None:
            return None, "count"
        if unit == "m" and sep in _HYPHENS:
            return None, "count"
        return unit, "measure"

    def set_noun(self, m: _Mention, head: int) -> None:
        doc = self.doc
        tok = doc[head]
        if tok.lower_ in _DURATIONS:  # "10 more days": a duration, owned by the dates module
            m.skip = True
        word = head  # the whole hyphenated word: "co-workers"
        while word >= 2 and doc[word - 1].text in _HYPHENS and _glued(doc, word - 2) and _glued(doc, word - 1):
            word -= 2
        m.end = _tok_end(tok)
        m.unit = self.text[max(doc[word].idx, m.num_end) : m.end].lower().lstrip("-‐‑ ")
        m.unit_from_noun = True
        m.next_tok = head + 1

    # -- ranges, partitives and the records

    def assemble(self, mentions: list[_Mention]) -> list[Quantity]:
        text = self.text
        out: list[_Mention] = []
        drop: set[int] = set()
        i = 0
        while i < len(mentions):
            a = mentions[i]
            b = mentions[i + 1] if i + 1 < len(mentions) else None
            if b is not None and not a.skip and not b.skip and i not in drop:
                gap = text[a.end : b.start]
                conn = " ".join(gap.split()).lower()
                merged = self.range_of(a, b, conn)
                if merged is not None:
                    out.append(merged)
                    i += 2
                    continue
                if conn in _RANGE_DASHES and gap == conn and not a.unit_from_noun and a.kind == "count":
                    drop.update((i, i + 1))  # "won 3-1", "555-0123": a score or a number, not a range
                elif conn == "in" and a.kind == b.kind == "count" and not a.unit_from_noun:
                    drop.update((i, i + 1))  # "one in five Americans": a ratio
                elif a.unit is None and a.kind == "count" and (
                    conn in ("or", "to") or _PARTITIVE_GAP.fullmatch(gap)
                ):
                    a.unit, a.kind = b.unit, b.kind  # "10 of 15 such drones", "two or three people"
            if i not in drop:
                out.append(a)
            i += 1
        result: list[Quantity] = []
        last_end = -1
        for m in out:
            if m.skip or m.start < last_end:
                continue
            if m.single_one and m.unit is None:
                continue
            if m.year_like and m.unit is None and m.qualifier is None and m.kind == "count":
                continue
            result.append(self.record(m))
            last_end = m.end
        return result

    def range_of(self, a: _Mention, b: _Mention, conn: str) -> _Mention | None:
        if a.vague or b.vague or a.value is None or b.value is None or a.unit_from_noun:
            return None
        same_unit = a.kind == b.kind and a.unit == b.unit
        if a.unit is not None and not same_unit and not (a.kind == "money" and b.kind == "count"):
            return None
        joined = conn == "and" if a.between else conn in _RANGE_DASHES
        if not joined or a.after_from:
            return None
        lo, hi = a.value, b.value
        if a.scale == 1.0 and b.scale > 1.0 and b.mantissa is not None and lo < b.mantissa:
            lo *= b.scale  # "5-10 million", "between 1 and 2 billion"
        if lo >= hi:
            return None
        if conn != "to" and conn != "and" and b.unit is None and a.kind == b.kind == "count":
            return None  # a bare "10-15" is more often a score, a page range or an identifier
        unit = b.unit or a.unit
        kind = b.kind if b.kind != "count" else a.kind
        return _Mention(
            a.first, a.start, b.end, b.end, b.next_tok, None, low=lo, high=hi, unit=unit,
            unit_from_noun=b.unit_from_noun, kind=kind, qualifier=a.qualifier or b.qualifier,
            qual_kind=None if a.qual_kind in ("low", "high") else a.qual_kind,
        )

    def record(self, m: _Mention) -> Quantity:
        approximate = m.vague or m.qual_kind in ("approx", "approx_high")
        low, high = m.low, m.high
        if m.value is not None:
            if m.qual_kind == "low":
                low = m.value
            elif m.qual_kind in ("high", "approx_high"):
                high = m.value
        return Quantity(
            text=self.text[m.start : m.end], start=m.start, end=m.end, value=m.value, unit=m.unit,
            qualifier=m.qualifier, approximate=approximate, low=low, high=high, kind=m.kind,
        )


def find_quantities(doc: Doc) -> list[Quantity]:
    """Every quantity in a parsed document, sorted by start and non-overlapping (see the module docstring)."""
    return _Finder(doc).run()
