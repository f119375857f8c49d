"""Main text and metadata of an HTML news page: trafilatura, plus what it gets wrong on news sites.

This module owns turning one HTML document into an :class:`ExtractedPage`:

Decoding bytes to text is ingest's job (``parallax.ingest.encoding``); here the page is already text.

* ``extract_html`` parses the page once with lxml and runs a cascade over that one tree:

  1. boilerplate subtrees trafilatura keeps are pruned first, by class/id/role/aria-label
     (consent banners and dialogs, comment sections, newsletter/sign-up boxes, related-article
     and recommendation widgets, hover cards), and article bodies split into several sibling
     chunks by the page layout are joined so the extractor sees the whole story;
  2. trafilatura's metadata functions give title, author, site name, canonical URL and htmldate's
     original publication date (its categories/tags/licence lookups are skipped), and trafilatura
     in precision mode without its external comparison (``fast``) gives the text;
  3. when that text is very short for the page, precision mode with trafilatura's own fallbacks
     (readability/jusText comparison) runs, then the balanced mode with its baseline and recall
     escalation; a later stage is kept only when it is clearly longer;
  4. the text is cleaned line by line: the headline repeated at the top, "Read more: …" teasers and
     "Don't miss" headline blocks, newsletter and sharing prompts, cookie notices, advertisement
     labels and tag lists are dropped (and listed in ``ExtractedPage.removed``).

An empty ``text`` means nothing usable was found; the caller records that as a failure.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from enum import Enum
from itertools import accumulate
from typing import Any

from htmldate import find_date
from lxml.etree import XPath
from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.metadata import (
    Document,
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import set_date_params
from trafilatura.utils import load_html

from parallax.extract.language import normalise_language_code
from parallax.extract.page import ExtractedPage
from parallax.extract.textdump.rules import is_credit_line

LOGGER = logging.getLogger(__name__)

# --- cascade thresholds ------------------------------------------------------------------------
# A first result is "short" (and the fallbacks run) when it is below TINY_TEXT_CHARS, or below
# SHORT_TEXT_CHARS while covering less than SHORT_PAGE_SHARE of the page's visible text.
TINY_TEXT_CHARS = 400
SHORT_TEXT_CHARS = 1500
SHORT_PAGE_SHARE = 0.1
# A fallback replaces the fast pass's text only when it has MIN_FALLBACK_CHARS at least and is this
# many times longer: precision mode with fallbacks stays precise, the balanced mode needs a wide
# margin as it also picks up boilerplate.
MIN_FALLBACK_CHARS = 200
PRECISION_FALLBACK_RATIO = 1.5
BALANCED_FALLBACK_RATIO = 2.5

# --- subtree pruning ---------------------------------------------------------------------------
# Consent banners, sign-up boxes and hover cards are small: a bigger match is a page wrapper whose
# class merely mentions the word (body.cookie-consent-given), so it is kept.
SMALL_WIDGET_MAX_CHARS = 2500
# Comment and related-article containers can be long, but never hold most of the page's text.
LARGE_WIDGET_MAX_PAGE_SHARE = 0.5
REMOVED_SNIPPET_CHARS = 120

# --- line cleaning -----------------------------------------------------------------------------
TEASER_LINE_MAX_CHARS = 220
PROMPT_LINE_MAX_CHARS = 320
HEADLINE_BLOCK_MAX_LINES = 10
HEADLINE_MAX_CHARS = 160
TAG_LIST_MAX_CHARS = 400
# Date/time stamps are looked for in the first lines only (at the end they close quoted tweets).
STAMP_TOP_LINES = 3
STAMP_LINE_MAX_CHARS = 90
STAMP_LINE_MAX_WORDS = 12
CREDIT_LINE_MAX_CHARS = 300


class WidgetKind(Enum):
    """Kinds of page furniture pruned from the tree before extraction."""

    CONSENT = "consent"
    NEWSLETTER = "newsletter"
    TOOLTIP = "tooltip"
    COMMENTS = "comments"
    RELATED = "related"


_SMALL_WIDGETS = {WidgetKind.CONSENT, WidgetKind.NEWSLETTER, WidgetKind.TOOLTIP}

# Patterns over an element's class and id, case-insensitive: "Newsletter-container",
# "newsletterSignup" and "newsletter_box" all match; short or ambiguous words ("cmp", "comments",
# "related", "respond") must stand between separators ("-", "_", " ") so "commentary" does not.
_WIDGET_CLASS_ID_PATTERNS: list[tuple[WidgetKind, re.Pattern[str]]] = [
    (
        WidgetKind.CONSENT,
        re.compile(
            r"cookie|consent|gdpr|onetrust|didomi|usercentrics|cookiebot|quantcast|truste[-_]|"
            r"(?:^|[\s_-])cmp(?:$|[\s_-])|privacy[-_]?(?:banner|notice|popup)",
            re.IGNORECASE,
        ),
    ),
    (
        WidgetKind.NEWSLETTER,
        re.compile(
            r"newsletter|subscribe[-_]?(?:box|form|module|widget|banner|cta|promo)|sign[-_]?up[-_]?"
            r"(?:box|form|module|widget|banner|cta|promo)|e?mail[-_]?(?:signup|capture|optin|opt-in)|"
            r"mailchimp|mc4wp|optin[-_]?(?:form|box)",
            re.IGNORECASE,
        ),
    ),
    (WidgetKind.TOOLTIP, re.compile(r"tooltip|popover|hover-?card|rollover", re.IGNORECASE)),
    (
        WidgetKind.COMMENTS,
        re.compile(
            r"(?:^|[\s_-])(?:comments?|comment-?(?:list|section|area|thread|form|wrap(?:per)?))(?:$|[\s_-])|"
            r"disqus|(?:^|[\s_-])respond(?:$|[\s_-])|reader-?(?:comments|responses)|"
            r"(?:^|[\s_-])(?:vf|coral|fb)-comments",
            re.IGNORECASE,
        ),
    ),
    (
        WidgetKind.RELATED,
        re.compile(
            r"(?:^|[\s_-])related(?:[-_]?(?:posts?|articles?|stories|content|news|links|reads?|items))?"
            r"(?:$|[\s_-])|recommend(?:ed|ations)|(?:more|other|similar)[-_](?:stories|articles|news|"
            r"posts|from|on)|read[-_]?(?:more|next|also)[-_](?:box|list|links|articles|stories)|"
            r"you[-_]?(?:may|might)[-_]?(?:also[-_]?)?like|most[-_]?(?:read|popular|viewed|shared)|"
            r"trending[-_](?:stories|articles|news|now)|outbrain|taboola|recirc|zergnet|"
            r"further[-_]reading|also[-_]read",
            re.IGNORECASE,
        ),
    ),
]
_ARIA_LABEL_PATTERNS: list[tuple[WidgetKind, re.Pattern[str]]] = [
    (WidgetKind.CONSENT, re.compile(r"cookie|consent|privacy", re.IGNORECASE)),
    (WidgetKind.NEWSLETTER, re.compile(r"newsletter|subscribe|sign up", re.IGNORECASE)),
    (WidgetKind.COMMENTS, re.compile(r"^comments?$|comment section", re.IGNORECASE)),
    (
        WidgetKind.RELATED,
        re.compile(r"related|recommended|more (?:stories|articles|news)|most (?:read|popular)", re.IGNORECASE),
    ),
]
# Substrings one of which every pattern above needs (a cheap first pass over all class/id values).
_WIDGET_KEYWORDS = (
    "cookie",
    "consent",
    "gdpr",
    "onetrust",
    "didomi",
    "usercentrics",
    "quantcast",
    "truste",
    "cmp",
    "privacy",
    "newsletter",
    "subscribe",
    "sign",
    "mail",
    "optin",
    "opt-in",
    "mc4wp",
    "tooltip",
    "popover",
    "hover",
    "rollover",
    "comment",
    "disqus",
    "respond",
    "reader",
    "related",
    "recommend",
    "more",
    "other",
    "similar",
    "read",
    "like",
    "most",
    "trending",
    "outbrain",
    "taboola",
    "recirc",
    "zergnet",
    "further",
    "also",
    "dialog",
    "true",
)
_WIDGET_ATTRIBUTES = XPath("//@class|//@id|//@aria-label|//@role|//@aria-modal")
_NON_TEXT_TAGS = ("script", "style", "noscript", "template")
_NEVER_PRUNED_TAGS = frozenset({"html", "head", "body", "main", "article"})

# Class/id of the containers holding an article's text; several siblings of the same class are
# one story cut into chunks by the layout (ads and embeds between them).
_ARTICLE_BODY_CLASS = re.compile(
    r"(?:article|story|post|entry)(?:[-_]{0,2}|__)(?:body|content|text)(?:$|[\s_-])|articleBody|"
    r"body__container|story-?body",
    re.IGNORECASE,
)
_CHUNK_COMMON_ANCESTOR_MAX_DEPTH = 4

# --- line patterns -----------------------------------------------------------------------------
_LABEL_SEPARATOR = r"\s*(?:[:：|»›>–—-]+|\.{3}|…)"
# A lead-in that makes the rest of a short line a link to another article.
_TEASER_LEAD_IN = re.compile(
    r"^[\s\W]*(?:read(?: the)? (?:more|also|next|full story)|see (?:more|also)|also (?:read|see|watch)|"
    r"also on [\w.\- ]{2,30}|related(?: articles?| stories| coverage| content| news| reading| video)?|"
    r"more (?:from|on|about|news|stories)[^:]{0,40}|recommended(?: reading)?|don[’']t miss|"
    r"must read|top stories|watch(?: now| more| the video)?|listen(?: now)?|"
    r"(?:leia|veja) (?:também|mais)|lesen sie (?:auch|mehr)|lire aussi|à lire aussi|lee también|"
    r"leer más|leggi anche|ver también)" + _LABEL_SEPARATOR,
    re.IGNORECASE,
)
# Whole-line labels of a block of headline links that follows them.
_HEADLINE_BLOCK_LABEL = re.compile(
    r"^[\s\W]*(?:related(?: articles| stories| posts| coverage| content| news| links| reading)?|"
    r"read (?:more|next|also)|see also|don[’']t miss|more (?:stories|articles|news|on this|from [\w .'’-]{2,40})|"
    r"recommended(?: for you| reading| stories| articles)?|you (?:may|might) (?:also )?(?:like|enjoy)|"
    r"trending(?: now| stories)?|most (?:read|popular|viewed|shared)|popular (?:posts|stories)|"
    r"top stories|further reading|latest (?:news|stories|headlines)|what to read next|"
    r"(?:leia|veja) (?:também|mais)|lesen sie auch|à lire aussi|lire aussi|lee también|leggi anche)"
    r"[\s:：.!…]*$",
    re.IGNORECASE,
)
# Whole-line furniture: ad labels, share/comment buttons, reading prompts.
_FURNITURE_LINE = re.compile(
    r"^[\s\W]*(?:advertisements?|advertising|ad|sponsored(?: content)?|story continues below(?: advertisement)?|"
    r"(?:article )?continues below(?: advertisement)?|continue reading(?: below| the main story)?|"
    r"share(?: this)?(?: article| story| post| page)?(?: on \w+)?|share via \w+|print(?: this)?(?: article)?|"
    r"email(?: this)?(?: article)?|tweet|pin it|leave a (?:comment|reply)|\d* ?comments?|"
    r"view comments|show comments|skip (?:to )?(?:content|ad|advertisement)|scroll to continue|"
    r"click to (?:share|print|email)[^\n]{0,40}|image(?:s)? ?\d* of \d*|photo ?\d+ of \d+)"
    r"[\s:.!…]*$",
    re.IGNORECASE,
)
_TAG_LIST_LINE = re.compile(
    r"^\s*(?:tags|tagged(?: with)?|topics|keywords|filed under|categories)\s*[:|]", re.IGNORECASE
)
_TAG_LIST_LABEL = re.compile(r"^\s*(?:tags|topics|keywords|filed under|categories)\s*:?\s*$", re.IGNORECASE)
_NEWSLETTER_ACTION = re.compile(
    r"\b(?:sign(?:ing)? up|subscribe|subscribing|register|join)\b|\binscreva|\babonn", re.IGNORECASE
)
_NEWSLETTER_OBJECT = re.compile(r"newsletter|inbox|e-?mail (?:updates|alerts)|daily (?:briefing|digest)", re.IGNORECASE)
_SHARE_PROMPT = re.compile(
    r"^(?:like this (?:story|article)|enjoy(?:ed)? this (?:story|article))\b.{0,80}\bshare\b|"
    r"^share (?:this|it) with\b|^(?:follow|like) us on (?:twitter|facebook|instagram|linkedin)",
    re.IGNORECASE,
)
_COOKIE_WORD = re.compile(r"\bcookies?\b", re.IGNORECASE)
_COOKIE_NOTICE_CONTEXT = re.compile(
    r"\b(?:we|our) (?:use|uses|and our partners use)\b|\bthis (?:web)?site uses\b|"
    r"\b(?:accept|agree|consent)\b.{0,60}\bcookies?\b|"
    r"\bcookies?\b.{0,80}\b(?:accept|agree|consent|continu(?:e|ing) to (?:use|browse))\b|"
    r"\bcookie (?:policy|settings|preferences)\b",
    re.IGNORECASE,
)
_DOMAIN_TEASER = re.compile(r"^also on [\w-]+(?:\.[\w-]+)+\s", re.IGNORECASE)
# A CMS shortcode left in the text: "[button link=…]Send us your review[/button]", "[gallery ids=…]";
# a bare bracketed word ("[Reuters]", a source tag) is not one.
_SHORTCODE_LINE = re.compile(r"^\[(?P<name>\w+)(?:\s[^\]]*=[^\]]*\](?:.*\[/(?P=name)\])?|[^\]]*\].*\[/(?P=name)\])$")
_FOLLOW_PROMPT = re.compile(
    r"^follow\b.{0,160}\b(?:facebook|twitter|instagram|youtube|linkedin|tiktok|telegram|whatsapp)\b|"
    r"^follow (?:us|me|him|her|them)\b",
    re.IGNORECASE,
)
_COMMENT_PROMPT = re.compile(
    r"^(?:tell us what you think|what do you think\?|join the (?:conversation|discussion)|have your say|"
    r"let us know (?:what you think|in the comments)|leave (?:a|your) comments?)\b",
    re.IGNORECASE,
)
_READING_TIME = re.compile(
    r"^(?:(?:estimated )?read(?:ing)? time|tempo de leitura|temps de lecture|tiempo de lectura|lesezeit)\s*:?\s*\d|"
    r"^\d+\s*(?:min(?:ute)?s?|mins?)\.?\s+read$",
    re.IGNORECASE,
)
_COPYRIGHT_NOTICE = re.compile(
    r"^(?:copyright\b|©|\(c\)\s*\d{4}).{0,150}$|all rights reserved|todos os direitos reservados|"
    r"todos los derechos reservados|tous droits réservés|alle rechte vorbehalten",
    re.IGNORECASE,
)
_CONTRIBUTED = re.compile(r"\bcontributed (?:to )?(?:this (?:report|story|article)|reporting)\b", re.IGNORECASE)
# A clock time, a numeric date, or a day, month name and year in either order ("22 de janeiro de 2018").
_TIME_OR_DATE = re.compile(
    r"\b\d{1,2}:\d{2}\b|\b\d{1,4}[./-]\d{1,2}[./-]\d{2,4}\b|"
    r"\b\d{1,2}(?:st|nd|rd|th)?\.?\s+(?:de\s+)?[^\W\d_]{3,}\.?,?\s+(?:de\s+)?(?:19|20)\d{2}\b|"
    r"\b[^\W\d_]{3,}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{2}\b"
)
_MERIDIEM_END = re.compile(r"\b[ap]\.m\.$", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_TITLE_SUFFIX = re.compile(r"^(?P<headline>.+?)\s+[|–—:·•-]\s+(?P<suffix>[^|–—:·•-]+)$")
_HOST_NAME = re.compile(r"https?://(?:www\.|w[0-9]+\.)?([^/]+)")
_SENTENCE_END = re.compile(r"[.!?…:;][\"”’')\]]*$")
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(slots=True)
class _Candidate:
    """One run of trafilatura over the page: the text found and the stage that found it."""

    text: str
    extractor: str


def extract_html(html: str, url: str | None = None) -> ExtractedPage:
    """Main text (paragraphs separated by blank lines, no headline) and metadata of one HTML page."""
    tree = load_html(html) if html and html.strip() else None
    if tree is None:
        return ExtractedPage(text="", extractor="none")
    language_hint = _declared_language(tree)
    site_name = _open_graph_site_name(tree)
    removed = _prune_widgets(tree)
    _join_article_chunks(tree)

    metadata = _page_metadata(tree, url)
    document = _run_trafilatura(tree, url, favor_precision=True, fast=True)
    candidate = _Candidate(document.text or "" if document else "", "trafilatura-precision-fast")
    candidate = _fallback_if_short(tree, url, candidate)

    headings = [_comparable(text) for text in (metadata.title, *_h1_texts(tree)) if text]
    cleaned = _clean_lines(candidate.text, headings)
    outlet = site_name or metadata.sitename or None
    return ExtractedPage(
        text=cleaned.text,
        title=_without_site_suffix(metadata.title, outlet),
        author=metadata.author or None,
        outlet=outlet,
        canonical_url=metadata.url or url,
        published=metadata.date or None,
        language_hint=language_hint,
        credits=cleaned.credits,
        removed=removed + cleaned.dropped,
        extractor=candidate.extractor if cleaned.text else "none",
    )


def _run_trafilatura(tree: HtmlElement, url: str | None, **options: Any) -> Document | None:
    """One trafilatura pass over (a copy of) the tree; comments are never part of the text."""
    result = bare_extraction(tree, url=url, include_comments=False, include_tables=True, **options)
    return result if isinstance(result, Document) else None


def _fallback_if_short(tree: HtmlElement, url: str | None, first: _Candidate) -> _Candidate:
    """Run the slower, wider trafilatura modes when the fast pass found very little for the page.

    Precision mode with its readability/jusText comparison comes first; when it is no better, both
    precise passes agree on a short text, which usually means the main container was misjudged
    (a teaser block or a paywall stub chosen), and the balanced mode (with trafilatura's baseline
    and recall escalation) gets its turn. A fallback text must be clearly longer to be taken.
    """
    if not _is_short(first.text, tree):
        return first
    precise = _run_trafilatura(tree, url, favor_precision=True)
    precise_text = precise.text or "" if precise else ""
    if _clearly_longer(precise_text, first.text, PRECISION_FALLBACK_RATIO):
        return _Candidate(precise_text, "trafilatura-precision")
    balanced = _run_trafilatura(tree, url)
    balanced_text = balanced.text or "" if balanced else ""
    if _clearly_longer(balanced_text, first.text, BALANCED_FALLBACK_RATIO):
        return _Candidate(balanced_text, "trafilatura-balanced")
    return first


def _is_short(text: str, tree: HtmlElement) -> bool:
    """Fewer characters than a few sentences, or a short text covering little of the page."""
    if len(text) < TINY_TEXT_CHARS:
        return True
    if len(text) >= SHORT_TEXT_CHARS:
        return False
    return len(text) < SHORT_PAGE_SHARE * _visible_text_chars(tree)


def _clearly_longer(text: str, current: str, ratio: float) -> bool:
    return len(text) >= MIN_FALLBACK_CHARS and len(text) > ratio * len(current)


def _visible_text_chars(tree: HtmlElement) -> int:
    """Length of the page body's text, spaces collapsed, scripts and styles left out."""
    body = tree.find("body")
    if body is None:
        return 0
    total = len(" ".join(body.text_content().split()))
    hidden = sum(len(" ".join((element.text or "").split())) for element in body.iter(*_NON_TEXT_TAGS))
    return total - hidden


# --- tree preparation --------------------------------------------------------------------------


def _prune_widgets(tree: HtmlElement) -> list[str]:
    """Delete consent, newsletter, hover-card, comment and related-article subtrees; describe them."""
    removed: list[str] = []
    page_chars: int | None = None
    for element, kind in _widget_candidates(tree):
        if element.getroottree().getroot() is not tree:  # inside a subtree dropped already
            continue
        if element.get("itemprop") == "articleBody" or element.find(".//h1") is not None:
            continue
        text = " ".join(element.text_content().split())
        if kind in _SMALL_WIDGETS:
            if len(text) > SMALL_WIDGET_MAX_CHARS:
                continue
        else:
            if page_chars is None:
                body = tree.find("body")
                page_chars = len(" ".join((body if body is not None else tree).text_content().split()))
            if len(text) > LARGE_WIDGET_MAX_PAGE_SHARE * page_chars:
                continue
        if text:
            removed.append(f"[{kind.value}] {_snippet(text)}")
        element.drop_tree()
    return removed


def _widget_candidates(tree: HtmlElement) -> list[tuple[HtmlElement, WidgetKind]]:
    """Elements whose class, id, aria-label or dialog role announce page furniture, in page order.

    All such attribute values are scanned at once for a few keywords (plain substring search), and
    only the values containing one are matched against the precise patterns.
    """
    values: list[Any] = _WIDGET_ATTRIBUTES(tree)
    haystack = "\n".join(values).lower()
    offsets = list(accumulate((len(value) + 1 for value in values), initial=0))
    candidate_indexes: set[int] = set()
    for keyword in _WIDGET_KEYWORDS:
        position = haystack.find(keyword)
        while position != -1:
            candidate_indexes.add(bisect_right(offsets, position) - 1)
            position = haystack.find(keyword, position + len(keyword))
    found: dict[HtmlElement, WidgetKind] = {}
    for index in sorted(candidate_indexes):
        value = values[index]
        element = value.getparent()
        if element is None or element.tag in _NEVER_PRUNED_TAGS:
            continue
        kind = _attribute_widget_kind(value.attrname, value)
        if kind is not None:
            found.setdefault(element, kind)
    return list(found.items())


def _attribute_widget_kind(attribute: str, value: str) -> WidgetKind | None:
    if attribute in {"class", "id"}:
        return _first_match(_WIDGET_CLASS_ID_PATTERNS, value)
    if attribute == "aria-label":
        return _first_match(_ARIA_LABEL_PATTERNS, value)
    # dialogs and modals are overlays (consent walls, sign-up pop-ups), never the article itself
    if (attribute == "role" and value.lower() in {"dialog", "alertdialog"}) or (
        attribute == "aria-modal" and value.lower() == "true"
    ):
        return WidgetKind.CONSENT
    return None


def _first_match(patterns: list[tuple[WidgetKind, re.Pattern[str]]], value: str) -> WidgetKind | None:
    for kind, pattern in patterns:
        if pattern.search(value):
            return kind
    return None


def _join_article_chunks(tree: HtmlElement) -> None:
    """Move the later chunks of an article body cut up by the layout into the first chunk.

    Chunks are containers with the same tag and article-body class, placed in parallel: the same
    ancestor a few levels up and the same (tag, class) path below it, as in
    ``div.chunks > div.grid > div.article-body`` repeated between ads. A related-article card that
    reuses the body class sits on a different path and is left alone.
    """
    groups: dict[tuple[str, str], list[HtmlElement]] = {}
    for element in tree.iter("div", "section", "article"):
        class_name = element.get("class")
        if class_name and _ARTICLE_BODY_CLASS.search(class_name):
            groups.setdefault((element.tag, class_name), []).append(element)
    for chunks in groups.values():
        if len(chunks) < 2 or not _parallel(chunks):
            continue
        first = chunks[0]
        for chunk in chunks[1:]:
            if chunk.text and chunk.text.strip():
                lead = first.makeelement("p", {})
                lead.text = chunk.text
                first.append(lead)
            for child in list(chunk):
                first.append(child)
            chunk.drop_tree()


def _parallel(elements: list[HtmlElement]) -> bool:
    """Whether the elements hang from one close ancestor along identical (tag, class) paths."""
    chains = [_ancestor_chain(element) for element in elements]
    for depth, ancestor in enumerate(chains[0]):
        if all(len(chain) > depth and chain[depth] is ancestor for chain in chains[1:]):
            path = _path_signature(chains[0][:depth])
            return all(_path_signature(chain[:depth]) == path for chain in chains[1:])
    return False


def _ancestor_chain(element: HtmlElement) -> list[HtmlElement]:
    chain: list[HtmlElement] = []
    for ancestor in element.iterancestors():
        if len(chain) == _CHUNK_COMMON_ANCESTOR_MAX_DEPTH:
            break
        chain.append(ancestor)
    return chain


def _path_signature(chain: list[HtmlElement]) -> list[tuple[str, str | None]]:
    return [(ancestor.tag, ancestor.get("class")) for ancestor in chain]


# --- metadata helpers --------------------------------------------------------------------------


def _page_metadata(tree: HtmlElement, url: str | None) -> Document:
    """trafilatura's metadata pass (``extract_metadata``) without the fields Parallax does not use.

    Same order and sources: <meta> and Open Graph tags, then JSON-LD, then the page's markup for
    title and author, canonical link for the URL, htmldate (original publication date, extensive
    search) for the date, the <title> suffix or host name for the site name. Categories, tags and
    licence are left out: they cost a fifth of the whole extraction time.
    """
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None  # a single word is a handle or a role, not a name
    try:
        metadata = extract_meta_json(tree, metadata)
    except Exception:  # trafilatura's JSON-LD parser raises on some malformed blocks
        LOGGER.debug("JSON-LD metadata unreadable: %s", url, exc_info=True)
    metadata.title = metadata.title or extract_title(tree)
    metadata.author = metadata.author or extract_author(tree)
    metadata.url = metadata.url or extract_url(tree, url)
    date_params = set_date_params(extensive=True)
    metadata.date = find_date(tree, url=metadata.url, **date_params)
    metadata.sitename = metadata.sitename or extract_sitename(tree)
    if metadata.sitename:
        metadata.sitename = metadata.sitename.lstrip("@")
        if "." not in metadata.sitename and not metadata.sitename[0].isupper():
            metadata.sitename = metadata.sitename.title()
    elif metadata.url and (host := _HOST_NAME.match(metadata.url)):
        metadata.sitename = host[1]
    metadata.clean_and_trim()
    return metadata


def _declared_language(tree: HtmlElement) -> str | None:
    """ISO 639-1 code the page declares: <html lang>, og:locale, then Content-Language."""
    candidates = [tree.get("lang"), tree.get("xml:lang")]
    for meta in tree.iterfind(".//head/meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("http-equiv") or "").lower()
        if key in {"og:locale", "content-language", "language", "dc.language"}:
            candidates.append(meta.get("content"))
    for candidate in candidates:
        code = normalise_language_code(candidate)
        if code:
            return code
    return None


def _open_graph_site_name(tree: HtmlElement) -> str | None:
    for meta in tree.iterfind(".//head/meta[@property='og:site_name']"):
        content = " ".join((meta.get("content") or "").split()).lstrip("@")
        if content:
            return content
    return None


def _without_site_suffix(title: str | None, outlet: str | None) -> str | None:
    """ "Headline | Outlet" or "Headline - Outlet" → "Headline"."""
    if not title:
        return None
    if outlet:
        match = _TITLE_SUFFIX.match(title)
        if match and _comparable(match.group("suffix")) == _comparable(outlet):
            return match.group("headline")
    return title


def _h1_texts(tree: HtmlElement) -> list[str]:
    return [heading.text_content() for heading in tree.iter("h1")][:3]


# --- text cleaning -----------------------------------------------------------------------------


@dataclass(slots=True)
class _CleanedText:
    """Article text after line cleaning, with what was taken out of it."""

    text: str
    dropped: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)


def _clean_lines(text: str, headings: list[str]) -> _CleanedText:
    """Drop the repeated headline and boilerplate lines, set credit lines aside; blank-line paragraphs."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    while lines and _comparable(lines[0]) in headings:
        lines.pop(0)
    result = _CleanedText(text="")
    kept: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if _HEADLINE_BLOCK_LABEL.match(line) or _TAG_LIST_LABEL.match(line):
            block_end = _headline_block_end(lines, index + 1, tags=bool(_TAG_LIST_LABEL.match(line)))
            result.dropped.extend(lines[index:block_end])
            index = block_end
            continue
        at_top = index < STAMP_TOP_LINES
        if _is_credit_line(line):
            result.credits.append(line)
        elif _is_boilerplate_line(line) or (at_top and _is_stamp_line(line)):
            result.dropped.append(line)
        else:
            kept.append(line)
        index += 1
    result.text = "\n\n".join(kept)
    return result


def _headline_block_end(lines: list[str], start: int, tags: bool) -> int:
    """Index after the run of headline-like lines (or the one tag list) following a block label."""
    if tags:
        has_tag_list = start < len(lines) and len(lines[start]) <= TAG_LIST_MAX_CHARS
        return start + 1 if has_tag_list and not _SENTENCE_END.search(lines[start]) else start
    end = start
    while end < len(lines) and end - start < HEADLINE_BLOCK_MAX_LINES:
        line = lines[end].removeprefix("- ")
        if len(line) > HEADLINE_MAX_CHARS or _SENTENCE_END.search(line):
            break
        end += 1
    return end


def _is_boilerplate_line(line: str) -> bool:
    """Page furniture, teasers, prompts (newsletter, sharing, following, commenting) and notices."""
    length = len(line)
    if _FURNITURE_LINE.match(line) or _TAG_LIST_LINE.match(line) or _SHORTCODE_LINE.match(line):
        return True
    if length <= TEASER_LINE_MAX_CHARS and (_TEASER_LEAD_IN.match(line) or _DOMAIN_TEASER.match(line)):
        return True
    if length > PROMPT_LINE_MAX_CHARS:
        return False
    if _NEWSLETTER_ACTION.search(line) and _NEWSLETTER_OBJECT.search(line):
        return True
    if _SHARE_PROMPT.search(line) or _FOLLOW_PROMPT.match(line) or _COMMENT_PROMPT.match(line):
        return True
    if _READING_TIME.match(line) or _COPYRIGHT_NOTICE.search(line):
        return True
    return bool(_COOKIE_WORD.search(line) and _COOKIE_NOTICE_CONTEXT.search(line))


def _is_stamp_line(line: str) -> bool:
    """A short date/time stamp ("Updated at 1:23 p.m.", "Monday, 22 January 2018 at 0:13")."""
    if len(line) > STAMP_LINE_MAX_CHARS or line.startswith(("—", "–")) or not _TIME_OR_DATE.search(line):
        return False
    if _SENTENCE_END.search(line) and not _MERIDIEM_END.search(line):
        return False
    return len(_WORD.findall(line)) <= STAMP_LINE_MAX_WORDS


def _is_credit_line(line: str) -> bool:
    """Reporting credits and sources, kept as metadata: "Reporting by …", "X contributed to this report"."""
    if len(line) > CREDIT_LINE_MAX_CHARS:
        return False
    return bool(_CONTRIBUTED.search(line)) or is_credit_line(line)


def _comparable(text: str) -> str:
    """Lower-cased words only, to compare a line with the headline despite punctuation/spacing."""
    return _NON_WORD.sub(" ", text).strip().casefold()


def _snippet(text: str) -> str:
    return text if len(text) <= REMOVED_SNIPPET_CHARS else text[: REMOVED_SNIPPET_CHARS - 1] + "…"
