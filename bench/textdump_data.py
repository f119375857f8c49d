"""Training data for the text-dump extractor: browser-like rendering of benchmark pages and line labels.

This module owns two steps of turning the ScrapingHub article-extraction benchmark into line-level data:

* ``render_visible_text`` turns an HTML page into the text a browser shows and a select-all/copy gives:
  block elements on their own lines, inline elements joined, scripts/styles/hidden elements dropped,
  image alt texts kept on their own line (dump tools keep them: "Photo of author"), every piece of
  boilerplate (navigation, footers, comments, related links) kept.
* ``label_lines`` aligns the rendered lines with the gold article body (token-level sequence alignment)
  and gives each line the share of its tokens that the gold body holds at that place.

``load_benchmark_pages`` does both for every page of the benchmark.
"""

from __future__ import annotations

import difflib
import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import lxml.html
from lxml import etree

from common import SCRAPINGHUB

BENCHMARK_DIR = SCRAPINGHUB

DROPPED_TAGS = frozenset(
    {
        "head", "script", "style", "noscript", "template", "svg", "math", "canvas", "iframe", "object",
        "embed", "video", "audio", "select", "textarea", "input", "map", "area", "datalist", "meta", "link",
        "title", "param", "source", "track",
    }
)
BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "dir",
        "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
        "h5", "h6", "header", "hgroup", "hr", "html", "li", "main", "menu", "nav", "ol", "p", "pre",
        "section", "summary", "table", "tbody", "thead", "tfoot", "tr", "ul", "legend", "caption", "button",
    }
)
PARAGRAPH_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figure", "pre"})
CELL_TAGS = frozenset({"td", "th"})
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
WHITESPACE = re.compile(r"[ \t\r\n\f\u00a0\u200b]+")
TOKEN = re.compile(r"\w+", re.UNICODE)


def _is_hidden(element: etree._Element) -> bool:
    """True when the element is hidden from a reader whatever the stylesheet says."""
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    style = element.get("style")
    return bool(style and HIDDEN_STYLE.search(style))


class _TextSink:
    """Collects rendered text as lines, with innerText-like line-break handling."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.current: list[str] = []

    def add_inline(self, text: str, preformatted: bool = False) -> None:
        if not text:
            return
        if preformatted:
            parts = text.split("\n")
            for index, part in enumerate(parts):
                if index:
                    self.break_line()
                self.current.append(part)
            return
        self.current.append(WHITESPACE.sub(" ", text))

    def break_line(self, blank: bool = False) -> None:
        line = WHITESPACE.sub(" ", "".join(self.current)).strip()
        self.current = []
        if line:
            self.lines.append(line)
        if blank and self.lines and self.lines[-1] != "":
            self.lines.append("")

    def text(self) -> str:
        self.break_line()
        return "\n".join(self.lines).strip() + "\n"


def _render(element: etree._Element, sink: _TextSink, preformatted: bool = False) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    tag = tag.lower()
    if not tag:  # comment or processing instruction: only its tail is visible
        sink.add_inline(element.tail or "", preformatted)
        return
    if tag in DROPPED_TAGS or _is_hidden(element):
        sink.add_inline(element.tail or "", preformatted)
        return
    is_block = tag in BLOCK_TAGS
    is_paragraph = tag in PARAGRAPH_TAGS
    inner_pre = preformatted or tag == "pre"
    if is_block:
        sink.break_line(blank=is_paragraph)
    if tag == "br":
        sink.break_line()
    elif tag == "img":
        alt = (element.get("alt") or "").strip()
        if alt:
            sink.break_line()
            sink.add_inline(alt)
            sink.break_line()
    else:
        sink.add_inline(element.text or "", inner_pre)
        for child in element:
            _render(child, sink, inner_pre)
        if tag in CELL_TAGS:
            sink.add_inline(" \t ")
    if is_block:
        sink.break_line(blank=is_paragraph)
    sink.add_inline(element.tail or "", preformatted)


def render_visible_text(html: str) -> str:
    """Render an HTML page to the text a browser's select-all/copy gives (boilerplate included)."""
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return ""
    body = root.find("body")
    sink = _TextSink()
    _render(body if body is not None else root, sink)
    return sink.text()


def label_lines(lines: list[str], gold_body: str) -> list[float]:
    """Share of each line's tokens that an in-order alignment with the gold body matches."""
    line_tokens = [TOKEN.findall(line) for line in lines]
    page_tokens = [token for tokens in line_tokens for token in tokens]
    gold_tokens = TOKEN.findall(gold_body)
    owner = [index for index, tokens in enumerate(line_tokens) for _ in tokens]
    matched = [0] * len(lines)
    matcher = difflib.SequenceMatcher(None, page_tokens, gold_tokens, autojunk=False)
    for block in matcher.get_matching_blocks():
        if block.size < 3 and not _whole_line_match(block.a, block.size, owner, line_tokens):
            continue  # short accidental matches ("the", "said") are noise
        for position in range(block.a, block.a + block.size):
            matched[owner[position]] += 1
    return [matched[i] / len(tokens) if tokens else 0.0 for i, tokens in enumerate(line_tokens)]


def _whole_line_match(start: int, size: int, owner: list[int], line_tokens: list[list[str]]) -> bool:
    """A short match counts when it covers a whole short line (a subheading such as "Background")."""
    if size == 0:
        return False
    line = owner[start]
    return owner[start + size - 1] == line and len(line_tokens[line]) == size


@dataclass(slots=True)
class BenchmarkPage:
    """One benchmark page rendered to lines, with per-line gold match shares."""

    page_id: str
    lines: list[str]
    match_share: list[float]
    gold_body: str
    h1_titles: list[str]


def _h1_titles(html: str) -> list[str]:
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    titles = [WHITESPACE.sub(" ", h1.text_content()).strip() for h1 in root.iter("h1")]
    return [title for title in titles if title]


def _iter_rendered_pages(benchmark_dir: Path) -> Iterator[BenchmarkPage]:
    gold = json.loads((benchmark_dir / "ground-truth.json").read_text("utf8"))
    for page_id in sorted(gold):
        with gzip.open(benchmark_dir / "html" / f"{page_id}.html.gz") as compressed:
            raw = compressed.read()
        html = raw.decode("utf8", errors="replace")
        lines = [line for line in render_visible_text(html).splitlines() if line.strip()]
        body = gold[page_id].get("articleBody", "") or ""
        yield BenchmarkPage(page_id, lines, label_lines(lines, body), body, _h1_titles(html))


def load_benchmark_pages(benchmark_dir: Path = BENCHMARK_DIR) -> list[BenchmarkPage]:
    """All benchmark pages rendered to dumps and labelled (about two seconds, so not cached)."""
    return list(_iter_rendered_pages(benchmark_dir))


if __name__ == "__main__":
    loaded = load_benchmark_pages()
    total_lines = sum(len(page.lines) for page in loaded)
    content_lines = sum(share >= 0.5 for page in loaded for share in page.match_share)
    print(f"{len(loaded)} pages, {total_lines} lines, {content_lines} content lines")
