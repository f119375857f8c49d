"""Hand-written rules for page dumps: UI clutter, header dates, temperatures, bylines, credits, headlines.

This module owns every pattern that is explicit enough to need no learning, and the "simple line filter"
baseline. The learned line model (``model.py``) uses some of these patterns as features; the extractor
(``__init__.py``) applies them on top of the model's decision and reads metadata from them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

MONTHS: dict[str, int] = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_MONTH = rf"(?P<month>{_MONTH_NAMES})\.?"
_ANY_MONTH = rf"(?:{_MONTH_NAMES})\.?"
_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tue|wed|thu|fri|sat|sun)\.?,?\s*"
_TIME = r"(?:\s*(?:[-|,•·]|at)?\s*\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?"
_DATE_PATTERNS = (
    re.compile(rf"^(?:{_WEEKDAY})?{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}}){_TIME}$",
               re.IGNORECASE),
    re.compile(rf"^(?:{_WEEKDAY})?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(?P<year>\d{{4}}){_TIME}$",
               re.IGNORECASE),
    re.compile(rf"^(?:{_WEEKDAY})?(?P<year>\d{{4}})-(?P<month>\d{{1,2}})-(?P<day>\d{{1,2}}){_TIME}$", re.IGNORECASE),
)
DATE_MENTION = re.compile(
    rf"\b{_ANY_MONTH}\s+\d{{1,2}}\b|\b\d{{1,2}}\s+{_ANY_MONTH}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b\d{{1,2}}:\d{{2}}\b"
    r"|\b\d+\s+(?:minutes?|hours?|days?|weeks?|months?)\s+ago\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b"
    r"|\b\d+\s?[mhd] ago\b",
    re.IGNORECASE,
)
DATE_LINE_PREFIX = re.compile(r"^(?:published|updated|last updated|posted)(?:\s+on)?\s*:?\s*", re.IGNORECASE)
SKIP_LINK = re.compile(r"^skip to (?:the )?(?:main )?(?:content|navigation|footer|article)\s*", re.IGNORECASE)
TEMPERATURE = re.compile(r"^[-+−–]?\s?\d{1,3}(?:[.,]\d{1,2})?\s*°?\s*[CF]$")
WEATHER_TAIL = re.compile(r"^(?:[-+−–]?\s?\d{1,3}(?:[.,]\d{1,2})?\s*°?\s*[CF]\b.*)?$")
CREDIT_LINE = re.compile(
    r"^[*(\[\s—–-]*(?:with (?:information|info|reporting|inputs?) from|with agencies|additional reporting by"
    r"|reporting by|editing by|written by .{2,60}; editing by|com informa[çc](?:ões|ão) d[aeo]s?"
    r"|con informaci[óo]n de|avec l'afp|compiled by)\b",
    re.IGNORECASE,
)
SOURCE_LINE = re.compile(r"^[*\s]*(?:source|sources|fonte|fuente|via)\s*:\s*(?P<outlet>[^\n]{2,80})$", re.IGNORECASE)
BYLINE_TAIL = re.compile(r"\s+(?:on|at|updated|published|posted)\s+|\s+\d", re.IGNORECASE)
INITIAL_AT_END = re.compile(r"\b[A-Z]\.$")
WEEKDAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})
BYLINE = re.compile(r"^(?:written\s+)?(?:by|por|par|von)\s+(?P<who>[^\n]{2,120})$", re.IGNORECASE)
COMMENT_FORM = re.compile(
    r"akismet|your email address will not be published|required fields are marked|save my name, email"
    r"|notify me of (?:follow-up|new) (?:comments|posts)|you must be logged in to post|comment data is processed",
    re.IGNORECASE,
)
URL_OR_EMAIL = re.compile(r"https?://|www\.|\b[\w.+-]+@[\w-]+\.[\w.]+\b|\.(?:com|org|net)\b", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’»)\]」』]*$")
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)

# Whole lines that are page furniture whatever the site ("Share", "Skip to content", "- Advertisement -").
UI_LINES: frozenset[str] = frozenset(
    {
        "skip to content", "skip to main content", "leave a comment", "leave a reply", "don't miss",
        "dont miss", "latest posts", "latest news", "latest", "share", "share this", "share this article",
        "share this story", "share on facebook", "share on twitter", "menu", "main menu", "close", "search",
        "advertisement", "advertisements", "ad", "sponsored", "sponsored content", "photo of author",
        "related posts", "related articles", "related", "related news", "read more", "read next",
        "more stories", "recommended", "recommended for you", "you may also like", "most popular",
        "most read", "trending", "trending now", "popular posts", "recent posts", "comments", "comment",
        "post a comment", "reply", "cancel reply", "subscribe", "newsletter", "sign in", "log in", "login",
        "sign up", "register", "home", "tags", "topics", "print", "email", "facebook", "twitter", "whatsapp",
        "linkedin", "telegram", "pinterest", "reddit", "tweet", "copy link", "follow us", "next post",
        "previous post", "next article", "previous article", "back to top", "scroll to top", "load more",
        "view comments", "show comments", "continue reading", "also read", "see also", "watch", "listen",
        "toggle navigation", "open menu", "close menu", "go to top", "breaking news", "breaking", "more",
        "related topics", "about the author", "author", "editor's picks", "editors' picks", "top stories",
        "in this article", "listen to this article", "image", "photo", "video", "gallery", "credit",
        "pinned", "featured", "popular", "news", "opinion", "ads", "publicidade", "publicidad",
        "leia mais", "leia também", "compartilhe", "compartilhar",
    }
)

LEXICON_GROUPS: dict[str, frozenset[str]] = {
    "social": frozenset({"share", "shares", "tweet", "facebook", "twitter", "whatsapp", "linkedin", "pinterest",
                         "reddit", "telegram", "instagram", "youtube", "print", "email", "e-mail", "copy",
                         "link", "follow", "flipboard", "messenger"}),
    "account": frozenset({"subscribe", "subscriber", "subscribers", "subscription", "newsletter", "newsletters",
                          "sign", "login", "log", "register", "account", "premium", "password", "inbox",
                          "unsubscribe", "membership"}),
    "comment": frozenset({"comment", "comments", "reply", "replies", "akismet", "spam", "moderation",
                          "commenting", "discussion", "posted", "leave"}),
    "legal": frozenset({"cookie", "cookies", "privacy", "terms", "copyright", "rights", "reserved", "policy",
                        "consent", "gdpr", "disclaimer", "©"}),
    "ads": frozenset({"advertisement", "advertisements", "advertise", "advertising", "sponsored", "sponsor",
                      "promoted", "partner", "partners", "ad", "ads", "affiliate", "commission", "deals"}),
    "related": frozenset({"read", "more", "related", "recommended", "popular", "trending", "latest", "recent",
                          "also", "miss", "next", "previous", "tags", "topics", "stories", "posts", "most",
                          "watch", "top", "see", "featured", "editor's", "picks", "continue"}),
    "media": frozenset({"photo", "photos", "image", "images", "video", "videos", "caption", "credit", "getty",
                        "gallery", "shutterstock", "afp", "file", "pictured", "illustration", "slideshow",
                        "photograph", "podcast"}),
    "nav": frozenset({"home", "menu", "search", "skip", "navigation", "contact", "about", "careers", "close",
                      "toggle", "back", "sections", "section", "sitemap", "faq", "help", "jobs", "rss",
                      "app", "apps", "edition", "weather"}),
}

ORGANISATION_WORDS: frozenset[str] = frozenset(
    {
        "news", "media", "times", "post", "press", "agency", "agencia", "agência", "staff", "reuters", "afp",
        "ap", "associated", "bloomberg", "network", "daily", "journal", "herald", "tribune", "gazette",
        "channel", "tv", "radio", "online", "group", "desk", "team", "editorial", "editors", "wire", "service",
        "magazine", "report", "digital", "newsroom", "broadcasting", "corporation", "bbc", "cnn", "xinhua",
        "tass", "efe", "dpa", "ians", "pti", "correspondent", "bureau", "reporters", "weekly", "today",
        "observer", "guardian", "express", "mail", "telegraph", "chronicle", "globe", "star", "sun", "insider",
        "review", "monitor", "pan", "jovem", "folha", "estadão", "globo", "portal", "notícias", "noticias",
    }
)
NAME_PARTICLES: frozenset[str] = frozenset({"de", "da", "do", "dos", "das", "van", "von", "der", "del", "la", "le",
                                            "bin", "al", "el", "di", "du", "ibn", "and", "&", "y", "e"})

QUOTE_FOLD = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "\u00a0": " ", "`": "'", "´": "'"})


@lru_cache(maxsize=16384)
def fold(line: str) -> str:
    """Case-, quote- and space-insensitive form of a line, used to find repeats of it."""
    line = unicodedata.normalize("NFKC", line).translate(QUOTE_FOLD)
    return re.sub(r"\s+", " ", line).strip().casefold()


@lru_cache(maxsize=16384)
def bare_phrase(line: str) -> str:
    """A line reduced to lower-case words only: "- Advertisement -" → "advertisement"."""
    return " ".join(word.casefold() for word in WORD.findall(fold(line)))


def words_of(line: str) -> list[str]:
    return WORD.findall(line)


@lru_cache(maxsize=16384)
def is_ui_line(line: str) -> bool:
    """Furniture lines: "Share", "Skip to content", "- Advertisement -", "Photo of author", comment forms."""
    phrase = bare_phrase(line)
    if phrase in UI_LINES or COMMENT_FORM.search(line):
        return True
    return bool(SKIP_LINK.match(line))


@lru_cache(maxsize=16384)
def is_temperature(line: str) -> bool:
    """A weather widget's temperature, possibly glued to a skip link: "-9.8 C", "Skip to content21°C"."""
    rest = SKIP_LINK.sub("", line.strip()).strip()
    return bool(TEMPERATURE.match(rest))


@lru_cache(maxsize=16384)
def parse_date_line(line: str) -> str | None:
    """ISO date when the whole line is a date ("Saturday, February 4, 2023", "Published: 4 Feb 2023")."""
    text = DATE_LINE_PREFIX.sub("", line.strip().strip("|•·-–— "))
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        month_text = match.group("month").casefold().rstrip(".")
        month = int(month_text) if month_text.isdigit() else MONTHS.get(month_text, 0)
        day, year = int(match.group("day")), int(match.group("year"))
        if 1 <= month <= 12 and 1 <= day <= 31 and 1900 <= year <= 2100:
            return f"{year:04d}-{month:02d}-{day:02d}"
    return None


@lru_cache(maxsize=16384)
def is_credit_line(line: str) -> bool:
    """Credit lines kept as metadata: "*With information from AFP", "Source: X", "(Reporting by …)"."""
    if len(line) > 400:
        return False
    return bool(CREDIT_LINE.match(line) or source_outlet(line))


@lru_cache(maxsize=16384)
def source_outlet(line: str) -> str | None:
    """The outlet named by a short "Source: X" line."""
    match = SOURCE_LINE.match(line.strip())
    if not match:
        return None
    outlet = match.group("outlet").strip().rstrip(".").strip()
    if not 1 <= len(words_of(outlet)) <= 6:
        return None
    return outlet


@dataclass(slots=True)
class Byline:
    """Who a byline names: a person (author), an outlet, or both ("By Jane Roe, Example News")."""

    author: str | None
    outlet: str | None


def _looks_like_name(words: list[str]) -> bool:
    capitalised = [word for word in words if word.casefold() not in NAME_PARTICLES]
    return bool(capitalised) and all(word[:1].isupper() for word in capitalised)


def _is_organisation(name: str) -> bool:
    tokens = [token.casefold() for token in words_of(name)]
    return any(token in ORGANISATION_WORDS for token in tokens) or ".com" in name.casefold() or (
        len(tokens) == 1 and name.strip().isupper()
    )


DESK_SUFFIX = re.compile(
    r"\s+(?:staff\s+)?(?:reporters?|correspondents?|writers?|desk|team|staff|newsroom|editors?)$", re.IGNORECASE
)


@lru_cache(maxsize=16384)
def parse_byline(line: str) -> Byline | None:
    """Read "By Creative Media News" (outlet), "By Jane Roe" (author), "By Jane Roe | Example Times"."""
    match = BYLINE.match(line.strip())
    if not match or (SENTENCE_END.search(line) and not INITIAL_AT_END.search(line)):
        return None  # "By Tuesday, officials had counted 40 victims." is a sentence
    who = BYLINE_TAIL.split(match.group("who"), maxsplit=1)[0].strip().rstrip(".")
    parts = [part.strip() for part in re.split(r"\s*[|,;•·—–]\s*|\s+-\s+", who) if part.strip()]
    author: str | None = None
    outlet: str | None = None
    for raw_part in parts:
        # "Savannah Business Daily Reporter", "Example Times Staff": the outlet's desk, not a person.
        part = DESK_SUFFIX.sub("", raw_part) or raw_part
        desk = part != raw_part
        part_words = words_of(part)
        if desk and len(part_words) < 2:
            continue  # "By Staff Reporter" names nobody
        if not part_words or parse_date_line(part) or DATE_MENTION.search(part):
            continue
        calendar_word = any(word.casefold() in MONTHS or word.casefold() in WEEKDAYS for word in part_words)
        if len(part_words) > 6 or calendar_word or not _looks_like_name(part_words):
            return None
        if desk or _is_organisation(part):
            outlet = outlet or part
        elif len(part_words) >= 2 and author is None:
            author = part
        elif author is None and outlet is None:
            outlet = part
    if author is None and outlet is None:
        return None
    return Byline(author=author, outlet=outlet)


@lru_cache(maxsize=16384)
def is_headline_candidate(line: str) -> bool:
    """Could be the page's headline: 3-30 words, no final full stop, not furniture, dates or bylines."""
    words = words_of(line)
    if not 3 <= len(words) <= 30 or len(line) > 250:
        return False
    stripped = line.rstrip("\"'”’)» ")
    if stripped.endswith((".", ",", ":", ";")) and not stripped.endswith("..."):
        return False
    if is_ui_line(line) or is_temperature(line) or parse_date_line(line) or is_credit_line(line):
        return False
    if parse_byline(line) or URL_OR_EMAIL.search(line) or line.count("|") >= 2:
        return False
    letters = [char for char in line if char.isalpha()]
    return bool(letters) and not line[:1].islower()


def simple_line_filter(lines: list[str], min_words: int = 10) -> list[bool]:
    """Baseline: keep lines of at least ``min_words`` words that end like a sentence and are no furniture."""
    keep: list[bool] = []
    for line in lines:
        long_enough = len(words_of(line)) >= min_words
        keep.append(long_enough and bool(SENTENCE_END.search(line)) and not is_ui_line(line)
                    and not is_credit_line(line))
    return keep
