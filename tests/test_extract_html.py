"""Tests of the HTML extractor (parallax.extract.html) on small invented news pages."""

from __future__ import annotations

import pytest

from parallax.extract.html import extract_html
from parallax.extract.page import ExtractedPage
from parallax.ingest.encoding import decode_bytes

ARTICLE_PARAGRAPHS = [
    "Port Ellery's harbour council voted seven to two on Tuesday night to build a tidal barrier across "
    "the mouth of the estuary, ending a three-year argument over how to protect the old town from "
    "winter storm surges.",
    "The barrier, a line of steel gates hinged on the seabed, will rise during high tides and lie flat "
    "the rest of the time so that fishing boats and the summer ferry can pass. Engineers expect "
    "construction to take four years and to cost about 41 million pounds.",
    "\u201cWe have flooded three times since 2019, and every time the water came further up Quay Street,\u201d "
    "said council leader Amara Lindqvist after the vote. \u201cDoing nothing was never a real option.\u201d",
    "Opponents, led by the Estuary Anglers' Association, argued that the gates would change the flow of "
    "sediment and harm the mussel beds that supply two local restaurants. The association said it "
    "would ask the regional environment agency to review the decision.",
    "The council will now seek bids from contractors. Work on the northern abutment could begin next "
    "spring if the funding agreement with the regional government is signed by the end of the year.",
]

NEWS_PAGE = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <title>Harbour council approves tidal barrier plan | The Coastal Ledger</title>
  <meta property="og:title" content="Harbour council approves tidal barrier plan">
  <meta property="og:site_name" content="The Coastal Ledger">
  <meta property="og:type" content="article">
  <meta name="author" content="Maria Okafor">
  <meta property="article:published_time" content="2024-03-12T21:40:00+00:00">
  <link rel="canonical" href="https://coastal-ledger.example/news/2024/03/12/harbour-tidal-barrier">
</head>
<body>
  <div id="cookie-banner" class="cookie-notice">
    <p>We use cookies to improve your experience on our site and to show you relevant advertising.</p>
    <button>Accept all cookies</button>
  </div>
  <header class="site-header">
    <nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
    <li><a href="/sport">Sport</a></li></ul></nav>
  </header>
  <main>
    <article class="story">
      <h1>Harbour council approves tidal barrier plan</h1>
      <p class="byline">By Maria Okafor</p>
      <div class="article-body">
        <p>{ARTICLE_PARAGRAPHS[0]}</p>
        <p>{ARTICLE_PARAGRAPHS[1]}</p>
        <p>Read more: Storm Dara leaves hundreds of homes without power along the coast</p>
        <p>{ARTICLE_PARAGRAPHS[2]}</p>
        <div class="newsletter-signup">
          <h3>Morning Tide</h3>
          <p>Sign up for our free morning briefing newsletter and get the day's local news in your inbox.</p>
          <input type="email" placeholder="Your email"><button>Subscribe</button>
        </div>
        <p>{ARTICLE_PARAGRAPHS[3]}</p>
        <p>{ARTICLE_PARAGRAPHS[4]}</p>
      </div>
    </article>
    <section class="related-articles">
      <h2>Related stories</h2>
      <ul>
        <li><a href="/news/1">Ferry timetable cut for winter months as fuel costs bite</a></li>
        <li><a href="/news/2">Quay Street traders count the cost of January floods</a></li>
        <li><a href="/news/3">Mussel farmers warn of poor season after warm summer</a></li>
      </ul>
    </section>
    <div id="comments" class="comments-area">
      <h3>12 comments</h3>
      <div class="comment"><p class="comment-author">harbourwatcher</p>
        <p>About time too, my cellar has been under water twice this winter and nobody listened.</p></div>
      <div class="comment"><p class="comment-author">estuary_dan</p>
        <p>Forty-one million for some gates, the anglers are right to be angry about this decision.</p></div>
    </div>
  </main>
  <footer><p>&copy; 2024 The Coastal Ledger. All rights reserved.</p></footer>
</body>
</html>
"""


@pytest.fixture(scope="module")
def news_page() -> ExtractedPage:
    return extract_html(NEWS_PAGE, url="https://coastal-ledger.example/news/2024/03/12/harbour-tidal-barrier?utm=x")


def test_main_text_kept_in_order_as_paragraphs(news_page: ExtractedPage) -> None:
    paragraphs = news_page.text.split("\n\n")
    positions = [paragraphs.index(paragraph) for paragraph in ARTICLE_PARAGRAPHS]
    assert positions == sorted(positions)
    assert news_page.extractor.startswith("trafilatura")


def test_headline_not_repeated_in_text(news_page: ExtractedPage) -> None:
    assert not news_page.text.startswith("Harbour council approves")
    assert "Harbour council approves tidal barrier plan" not in news_page.text


def test_boilerplate_dropped(news_page: ExtractedPage) -> None:
    text = news_page.text
    assert "cookies" not in text  # consent banner
    assert "Read more" not in text and "Storm Dara" not in text  # in-text teaser
    assert "newsletter" not in text and "Morning Tide" not in text  # sign-up box
    assert "Ferry timetable" not in text and "Related stories" not in text  # related articles
    assert "cellar" not in text and "anglers are right" not in text  # reader comments
    assert "All rights reserved" not in text  # footer
    removed = " ".join(news_page.removed)
    assert "Read more: Storm Dara" in removed
    assert "cookies" in removed


def test_metadata_found(news_page: ExtractedPage) -> None:
    assert news_page.title == "Harbour council approves tidal barrier plan"
    assert news_page.outlet == "The Coastal Ledger"
    assert news_page.author == "Maria Okafor"
    assert news_page.published == "2024-03-12"
    assert news_page.canonical_url == "https://coastal-ledger.example/news/2024/03/12/harbour-tidal-barrier"
    assert news_page.language_hint == "en"


BLOG_PAGE_WITHOUT_MARKUP_HINTS = """<html lang="en"><head>
<title>Library reopens after roof repair - Millbrook Post</title>
<meta property="og:locale" content="en_US"></head>
<body><div class="wrap"><div class="main">
<h1>Library reopens after roof repair</h1>
<p>Millbrook's public library reopened on Saturday after an eleven-month closure caused by a partial roof
collapse during the storms of last February, with a queue of more than two hundred people waiting outside.</p>
<p>We use cookies to personalise content and ads. By continuing to browse this site you agree to our use of
cookies.</p>
<p>The repaired building has a new reading room on the upper floor, paid for by a bequest from a former
head librarian, and a children's corner that doubles as a homework club on weekday afternoons.</p>
<p>Don't miss</p>
<p>Millbrook bakery wins regional bread award</p>
<p>New cycle lane opens on Station Road</p>
<p>Librarian Tomasz Wren said the loan of more than nine hundred books on the first day was a record for
the branch, beating the previous high set when the building first opened in 1987.</p>
<p>Like this story? Share it with a friend!</p>
<p>Reporting by Jane Hollis; Editing by Rui Matos</p>
</div></div></body></html>
"""


def test_line_level_boilerplate_and_credits() -> None:
    page = extract_html(BLOG_PAGE_WITHOUT_MARKUP_HINTS, url="https://millbrook-post.example/library-reopens")
    assert "reopened on Saturday" in page.text
    assert "homework club" in page.text
    assert "nine hundred books" in page.text
    assert "cookies" not in page.text
    assert "Don't miss" not in page.text and "bakery wins" not in page.text and "cycle lane" not in page.text
    assert "Share it with a friend" not in page.text
    assert "Reporting by" not in page.text
    assert page.credits == ["Reporting by Jane Hollis; Editing by Rui Matos"]
    assert page.title == "Library reopens after roof repair"
    assert page.language_hint == "en"


CHUNKED_ARTICLE_PAGE = """<html lang="en"><head><title>Inside the town's last typewriter repair shop</title></head>
<body><article class="article main-content">
<h1>Inside the town's last typewriter repair shop</h1>
<div class="article__chunks">
  <div class="grid"><div class="grid--item body body__container article__body">
    <p>Behind a green door on Cannery Lane, Odile Ferrant has repaired typewriters for forty-three years,
    and she says business has never been better than it is this spring.</p>
    <p>Her customers are mostly students and novelists who want to write without the distractions of a
    screen, she explains, lifting the cover from a 1950s portable with a sticky carriage return.</p>
  </div><div class="ad-rail"><p>Advertisement</p></div></div>
  <div class="grid"><div class="grid--item body body__container article__body">
    <p>Spare parts are the hard part. Ferrant buys broken machines at house clearances and strips them
    for springs, ribbons and type slugs, keeping the pieces in labelled biscuit tins along one wall.</p>
    <p>She has trained one apprentice so far, a former bicycle mechanic who now handles most of the
    cleaning and oiling, and she hopes to take on a second next year if the orders keep coming.</p>
  </div></div>
</div></article></body></html>
"""


def test_article_body_split_in_chunks_is_joined() -> None:
    page = extract_html(CHUNKED_ARTICLE_PAGE)
    for fragment in ("forty-three years", "sticky carriage return", "labelled biscuit tins", "second next year"):
        assert fragment in page.text
    assert "Advertisement" not in page.text


LATIN1_PAGE = """<html lang="pt-BR"><head><meta charset="iso-8859-1">
<title>Feira de artesanato volta à praça central</title>
<meta property="og:site_name" content="Jornal da Serra"></head>
<body><div class="post-content">
<h1>Feira de artesanato volta à praça central</h1>
<p>A tradicional feira de artesanato de São Tomé das Águas voltou neste domingo à praça central, depois de
dois anos de ausência, com mais de oitenta expositores e uma programação musical que atraiu famílias inteiras.</p>
<p>Segundo a organização, a edição deste ano privilegiou peças de cerâmica, rendas e doces caseiros, e a
comissão já estuda uma segunda edição em dezembro, antes das festas de fim de ano.</p>
<p>«Foi uma alegria rever os artesãos e os vizinhos», disse a aposentada Conceição Araújo, que vende
bordados na feira desde a primeira edição, em 1998.</p>
</div></body></html>
"""


def test_latin1_page_already_decoded() -> None:
    page = extract_html(LATIN1_PAGE)
    assert "São Tomé das Águas" in page.text
    assert "Conceição Araújo" in page.text
    assert "Ã" not in page.text  # no mojibake
    assert page.language_hint == "pt"
    assert page.outlet == "Jornal da Serra"
    assert page.title == "Feira de artesanato volta à praça central"


def test_decode_latin1_bytes_from_meta_charset() -> None:
    raw = LATIN1_PAGE.encode("iso-8859-1")
    assert decode_bytes(raw)[0] == LATIN1_PAGE


def test_decode_prefers_declared_header_charset() -> None:
    raw = LATIN1_PAGE.replace('<meta charset="iso-8859-1">', "").encode("cp1252")
    assert "São Tomé" in decode_bytes(raw, header_charset="windows-1252")[0]


def test_decode_utf8_and_undeclared_legacy_bytes() -> None:
    assert decode_bytes("<p>Zürich – café</p>".encode())[0] == "<p>Zürich – café</p>"
    undeclared = LATIN1_PAGE.replace('<meta charset="iso-8859-1">', "").encode("cp1252")
    assert "Conceição Araújo" in decode_bytes(undeclared)[0]


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   \n ",
        "<html><head><title>Nothing here</title></head><body></body></html>",
        "<html><head><title>Menu only</title></head><body><nav><a href='/'>Home</a> <a href='/a'>About</a>"
        "</nav></body></html>",
        "<html><head><title>No body at all</title></head></html>",
    ],
)
def test_pages_without_main_text_give_empty_text(html: str) -> None:
    page = extract_html(html, url="https://example.org/empty")
    assert isinstance(page, ExtractedPage)
    assert page.text == ""
    assert page.extractor == "none"


def test_page_without_text_still_reports_metadata() -> None:
    page = extract_html(
        "<html lang='de'><head><title>Leere Seite</title>"
        "<link rel='canonical' href='https://example.org/leer'></head><body><div></div></body></html>"
    )
    assert page.text == ""
    assert page.language_hint == "de"
    assert page.canonical_url == "https://example.org/leer"


def test_short_fast_result_falls_back_to_a_fuller_pass() -> None:
    # a legacy layout: the <article> element holds only headline and byline, the story itself is
    # <span> runs separated by <br> in a plain <div>; the fast precision pass stops at the article
    story = "".join(f"<span>{paragraph}</span><br><br>" for paragraph in ARTICLE_PARAGRAPHS)
    html = (
        "<html><head><title>Barrier vote</title></head><body>"
        "<article><h2>Council approves barrier after long debate</h2><p>By staff</p></article>"
        f"<div class='txt'>{story}</div></body></html>"
    )
    page = extract_html(html)
    assert page.extractor in {"trafilatura-precision", "trafilatura-balanced"}
    for paragraph in ARTICLE_PARAGRAPHS:
        assert paragraph in page.text


def test_cards_reusing_the_body_class_are_not_joined_to_the_article() -> None:
    cards = "".join(
        f"<div class='card'><div class='post-content'><p>{teaser}</p></div></div>"
        for teaser in (
            "Harbour ferry crew rescues two kayakers caught in a sudden squall off the point on Sunday.",
            "Quay Street bakery closes after sixty years as owners retire to the countryside this May.",
        )
    )
    html = (
        "<html><head><title>Barrier vote</title></head><body><main>"
        f"<div class='story'><div class='post-content'>{''.join(f'<p>{p}</p>' for p in ARTICLE_PARAGRAPHS)}"
        f"</div></div><div class='below-story'>{cards}</div></main></body></html>"
    )
    page = extract_html(html)
    assert ARTICLE_PARAGRAPHS[-1] in page.text
    assert "kayakers" not in page.text and "bakery" not in page.text


LOOKALIKES_PAGE = """<html lang="en"><head><title>Fair raises record sum for lifeboat station</title></head>
<body><article><div class="entry-content">
<p>The summer fair on the harbour green raised a record 18,400 pounds for the lifeboat station on Saturday,
organisers said, helped by warm weather and a crowd twice the size of last year's.</p>
<p>Volunteers at the bakery stall sold more than four thousand cookies, and the tombola ran out of prizes by
mid-afternoon, according to the fair's treasurer, who counted the takings late into the evening.</p>
<p>Related charities in neighbouring villages have asked to borrow the fair's format next year, and the
organisers said they would publish a short guide for anyone planning a similar event.</p>
<p>[Reuters]</p>
<p>"Best day the station has had in years," wrote coxswain Hal Brennan on social media after the event.</p>
<p>&mdash; Hal Brennan (@coxswainhal) July 14, 2024</p>
</div></article></body></html>
"""


def test_lines_that_only_look_like_boilerplate_are_kept() -> None:
    page = extract_html(LOOKALIKES_PAGE)
    assert "four thousand cookies" in page.text  # cookies, but no consent notice
    assert "Related charities" in page.text  # "Related" opening a sentence, not a teaser label
    assert "[Reuters]" in page.text  # a source tag, not a CMS shortcode
    assert "— Hal Brennan (@coxswainhal) July 14, 2024" in page.text  # attribution closing a quote
    assert page.removed == []
