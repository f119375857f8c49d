"""Realistic pages and paths shared by the tests (written for the tests; no outside text)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"



def stored_articles(db: Path) -> int:
    """Articles in a SQLite store that another process may be writing (0 before its schema exists)."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as connection:
            return int(connection.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:  # the schema is not there yet
        return 0


ARTICLE_PARAGRAPHS = [
    "The harbour authority in Valparaíso said on Tuesday that 42 trawlers had been held in port after "
    "inspectors found undeclared catches of hake during a routine check.",
    "“We will not allow the fleet to sail until every vessel has been weighed and logged,” harbour master "
    "Lucía Ferreyra told reporters outside the customs building.",
    "She added that the fishing companies had been warned twice since October and that fines could reach "
    "$2.5 million if the undeclared tonnage is confirmed by the laboratory.",
    "A spokesman for the owners' association rejected the accusations, saying the catches had been "
    "declared electronically and that the inspectors were using an outdated register.",
]


def news_html(title: str = "Chile holds 42 trawlers in port over undeclared hake",
              paragraphs: list[str] | None = None, charset: str = "utf-8", lang: str = "en") -> str:
    """A small but realistic article page with navigation, a cookie banner and a footer."""
    body = "\n".join(f"<p>{p}</p>" for p in (paragraphs or ARTICLE_PARAGRAPHS))
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="{charset}">
<title>{title} | Pacific Ledger</title>
<meta property="og:site_name" content="Pacific Ledger">
<meta property="og:title" content="{title}">
<meta name="author" content="Tomás Reyes">
<meta property="article:published_time" content="2025-03-04T09:30:00Z">
<link rel="canonical" href="https://pacific-ledger.example/2025/03/04/trawlers">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/business">Business</a></nav>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies</div>
<article><h1>{title}</h1>
<p class="byline">By Tomás Reyes, March 4, 2025</p>
{body}
</article>
<footer>© 2025 Pacific Ledger. All rights reserved.</footer>
</body></html>"""
