"""Tests of the plain-text page-dump extractor on invented news dumps with typical page clutter."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from parallax.extract.page import ExtractedPage
from parallax.extract.textdump import extract_text_dump, split_lines
from parallax.extract.textdump.features import feature_names, line_features
from parallax.extract.textdump.model import LogisticStage, TreeStage, load_model
from parallax.extract.textdump.rules import (
    is_credit_line,
    is_temperature,
    is_ui_line,
    parse_byline,
    parse_date_line,
    simple_line_filter,
    source_outlet,
)


def _dump(*lines: str) -> str:
    """A page dump: one line per argument (empty strings give the blank lines between paragraphs)."""
    return "\n".join(lines)


HEADER_STYLE_DUMP = _dump(
    "Skip to content12.4 C",
    "Lisbon",
    "Tuesday, March 14, 2023",
    "",
    "Don't miss",
    "",
    "Harbour workers end three-day strike after overnight wage deal",
    "",
    "- Advertisement -",
    "",
    ("Dock operators and the main port union agreed a two-year pay settlement shortly before dawn on Tuesday"),
    "",
    "- Advertisement -",
    "",
    (
        "Cranes at the container terminal started moving again on Tuesday morning after negotiators for "
        "the port authority and the dockworkers' union signed an agreement that ends a three-day "
        "stoppage."
    ),
    "",
    (
        "The deal raises basic pay by 6.5 percent this year and by a further 4 percent next year, "
        "according to a statement published by the union shortly after the signing ceremony."
    ),
    "",
    "- Advertisement -",
    "",
    (
        "Shipping agents said more than forty vessels had been waiting at anchor outside the breakwater, "
        "and that clearing the backlog could take the rest of the week. “We expect the queue to be gone "
        "by Saturday if the weather holds,” a spokesperson for the terminal operator told reporters."
    ),
    "",
    (
        "The transport ministry welcomed the settlement but warned that a separate dispute with rail "
        "freight staff remains unresolved and could disrupt onward deliveries later this month."
    ),
    "",
    "*With information from Reuters",
    "",
    "Source: Atlantic Wire Service",
    "",
    "- Advertisement -",
    "",
    "Latest Posts",
    "",
)


BYLINE_STYLE_DUMP = _dump(
    "Regional council approves flood barrier plan after decade of delays",
    "",
    "Photo of author",
    "",
    "By Northfield Daily News",
    "",
    (
        "The regional council voted on Thursday to fund a movable flood barrier across the lower river, "
        "ending more than ten years of studies and public consultations."
    ),
    "",
    (
        "Councillor Ana Ribeiro, who chairs the infrastructure committee, said the barrier would protect "
        "about 12,000 homes that flooded twice in the past five winters."
    ),
    "",
    "Regional council approves flood barrier plan after decade of delays",
    "Regional council approves flood barrier plan after decade of delays",
    "",
    (
        "Engineers expect construction to start next spring and to last roughly three years, with the "
        "river kept open to barges throughout the works."
    ),
    "",
    "Funding and next steps",
    "",
    (
        "The plan will cost an estimated 240 million euros, of which the national government has promised"
        " to cover two thirds, the council said in a statement."
    ),
    "",
    (
        "This is the largest single investment the region has made in flood defence, and we intend to "
        "deliver it on time,” Ribeiro said after the vote."
    ),
    "",
    (
        "Opposition members criticised the timetable, arguing that temporary defences should be installed"
        " before the coming winter rather than after the barrier is finished."
    ),
    "",
    "Leave a Comment",
    "",
    "This site uses Akismet to reduce spam. Learn how your comment data is processed.",
    "",
    "Skip to content",
)


PERSON_BYLINE_DUMP = _dump(
    "Menu",
    "Search",
    "Home",
    "World",
    "Business",
    "",
    "Small bakery chain doubles staff as bread prices stabilise",
    "",
    "By Maria Okafor | Harbor Times",
    "March 2, 2023",
    "",
    (
        "A family-owned bakery chain in the northern suburbs has doubled its staff over the past year as "
        "flour prices returned to their earlier levels, its owners said on Wednesday."
    ),
    "",
    (
        "The company now runs eleven shops and plans to open three more before the summer, according to "
        "its managing director, who started the business with a single oven in 2009."
    ),
    "",
    (
        "Local officials said the expansion had created more than sixty jobs in an area where "
        "unemployment remains above the national average."
    ),
    "",
    "Share",
    "Facebook",
    "Twitter",
    "Email",
    "",
    "Related Posts",
    "Council to review parking fees in city centre",
    "New cycling lane opens along the waterfront",
    "Copyright © 2023 Harbor Times. All rights reserved.",
    "",
)


def _paragraphs(page: ExtractedPage) -> list[str]:
    return page.text.split("\n\n") if page.text else []


def test_header_clutter_is_removed_and_becomes_metadata() -> None:
    page = extract_text_dump(HEADER_STYLE_DUMP)
    assert page.extractor == "textdump"
    assert page.title == "Harbour workers end three-day strike after overnight wage deal"
    assert page.page_date == "2023-03-14"
    assert page.outlet == "Atlantic Wire Service"
    assert page.credits == ["*With information from Reuters", "Source: Atlantic Wire Service"]
    for clutter in ("12.4 C", "Don't miss", "Advertisement", "Latest Posts", "Lisbon", "Reuters", "Source:"):
        assert clutter not in page.text
    dek, first_paragraph = _paragraphs(page)[:2]
    assert dek.startswith("Dock operators and the main port union agreed a two-year pay settlement")
    assert first_paragraph.startswith("Cranes at the container terminal started moving again")
    assert dek not in page.removed
    assert "rail freight staff remains unresolved" in page.text
    assert "“We expect the queue to be gone by Saturday" in page.text
    assert page.title not in page.text
    assert "- Advertisement -" in page.removed


def test_byline_outlet_repeated_headline_and_comment_form() -> None:
    page = extract_text_dump(BYLINE_STYLE_DUMP)
    assert page.title == "Regional council approves flood barrier plan after decade of delays"
    assert page.outlet == "Northfield Daily News"
    assert page.author is None
    assert "flood barrier plan after decade of delays" not in page.text
    for clutter in ("Photo of author", "Leave a Comment", "Akismet", "Skip to content", "By Northfield"):
        assert clutter not in page.text
    paragraphs = _paragraphs(page)
    assert paragraphs[0].startswith("The regional council voted on Thursday")
    assert paragraphs[-1].startswith("Opposition members criticised the timetable")
    # a quote paragraph whose opening quote mark is missing is still body text
    assert any(p.startswith("This is the largest single investment") for p in paragraphs)
    assert len(paragraphs) == len(set(paragraphs))


def test_person_byline_gives_author_and_outlet() -> None:
    page = extract_text_dump(PERSON_BYLINE_DUMP)
    assert page.title == "Small bakery chain doubles staff as bread prices stabilise"
    assert page.author == "Maria Okafor"
    assert page.outlet == "Harbor Times"
    assert page.published == "2023-03-02"
    assert page.text.startswith("A family-owned bakery chain")
    assert "unemployment remains above the national average" in page.text
    for clutter in ("Related Posts", "parking fees", "cycling lane", "Copyright", "Facebook", "Menu"):
        assert clutter not in page.text


def test_blank_lines_do_not_change_the_result() -> None:
    spaced = extract_text_dump(HEADER_STYLE_DUMP)
    packed = extract_text_dump("\n".join(line for line in HEADER_STYLE_DUMP.splitlines() if line.strip()))
    assert packed.text == spaced.text
    assert packed.title == spaced.title


def test_repeated_paragraph_is_kept_once() -> None:
    paragraph = (
        "Rescue teams searched the hillside through the night and found the two missing hikers "
        "shortly after sunrise, the mountain police said."
    )
    dump = BYLINE_STYLE_DUMP.replace("Leave a Comment", paragraph + "\n\n" + paragraph + "\n\nLeave a Comment")
    page = extract_text_dump(dump)
    assert page.text.count("Rescue teams searched the hillside") == 1


def test_empty_and_furniture_only_dumps() -> None:
    assert extract_text_dump("") == ExtractedPage(text="", extractor="textdump")
    page = extract_text_dump("Menu\nSearch\nShare\n- Advertisement -\nLatest Posts\n")
    assert page.text == ""
    assert page.title is None


def test_split_lines_drops_blanks_and_collapses_spaces() -> None:
    assert split_lines("  First\u00a0 line \r\n\r\n\tSecond\n") == ["First line", "Second"]


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("Saturday, February 4, 2023", "2023-02-04"),
        ("4 February 2023", "2023-02-04"),
        ("Feb. 4, 2023", "2023-02-04"),
        ("2023-02-04", "2023-02-04"),
        ("Monday, 13 March 2023 10:45", "2023-03-13"),
        ("Published: 4 Feb 2023", "2023-02-04"),
        ("February 2023 was a cold month.", None),
        ("New York", None),
    ],
)
def test_parse_date_line(line: str, iso: str | None) -> None:
    assert parse_date_line(line) == iso


def test_temperatures_and_furniture_lines() -> None:
    assert is_temperature("-9.8 C")
    assert is_temperature("Skip to content-3 °C")
    assert is_temperature("21°F")
    assert not is_temperature("12 Cities")
    assert is_ui_line("- Advertisement -")
    assert is_ui_line("Skip to content")
    assert is_ui_line("Your email address will not be published. Required fields are marked *")
    assert not is_ui_line("Shares in the company fell sharply on Monday.")


def test_bylines_and_credits() -> None:
    assert parse_byline("By Creative Harbour Media") is not None
    outlet_only = parse_byline("By Creative Harbour Media")
    assert outlet_only is not None and outlet_only.outlet == "Creative Harbour Media"
    assert outlet_only.author is None
    person = parse_byline("By Jane Roe, Example News")
    assert person is not None and (person.author, person.outlet) == ("Jane Roe", "Example News")
    assert parse_byline("By contrast, the ministry said nothing.") is None
    assert parse_byline("By Tuesday, officials had counted 40 victims") is None
    dated = parse_byline("by Lena Park on March 3, 2023")
    assert dated is not None and dated.author == "Lena Park"
    assert source_outlet("Source: Jovem Pan") == "Jovem Pan"
    assert source_outlet("Source: the minister told parliament that the figures were wrong and") is None
    assert is_credit_line("*With information from AFP")
    assert is_credit_line("(Reporting by A. Person; Editing by B. Person)")
    assert not is_credit_line("The source said the talks would resume on Monday.")


def test_simple_line_filter_baseline() -> None:
    lines = [
        "Menu",
        "Port strike ends",
        "The strike ended on Tuesday after both sides signed a new pay deal.",
        "Share this article on Facebook and Twitter with your friends and family now",
    ]
    assert simple_line_filter(lines) == [False, False, True, False]


def test_feature_matrix_shape_and_context() -> None:
    lines = split_lines(HEADER_STYLE_DUMP)
    matrix = line_features(lines)
    assert matrix.shape == (len(lines), len(feature_names()))
    assert np.isfinite(matrix).all()
    names = feature_names()
    # the first line has no line before it, the second one has
    assert matrix[0, names.index("exists@-1")] == 0.0
    assert matrix[1, names.index("exists@-1")] == 1.0


def test_tree_and_logistic_stages_evaluate_like_their_definition() -> None:
    # one tree: feature 0 <= 0.5 -> leaf 1 (value -1), else leaf 2 (value +2); leaves point to themselves
    tree = TreeStage(
        base_score=0.25,
        roots=np.array([0]),
        feature=np.array([0, 0, 0]),
        threshold=np.array([0.5, 0.0, 0.0]),
        left=np.array([1, 1, 2]),
        right=np.array([2, 1, 2]),
        value=np.array([0.0, -1.0, 2.0]),
        max_depth=1,
    )
    scores = tree.raw_scores(np.array([[0.0], [0.5], [0.9]], dtype=np.float32))
    assert scores.tolist() == [-0.75, -0.75, 2.25]
    logistic = LogisticStage(mean=np.array([1.0]), scale=np.array([2.0]), coef=np.array([3.0]), intercept=-1.0)
    assert logistic.raw_scores(np.array([[5.0]])).tolist() == [5.0]


def test_shipped_model_loads_once_and_matches_features() -> None:
    model = load_model()
    assert model is load_model()
    assert model.names == feature_names()
    assert model.second is not None and model.title is not None
    probabilities = model.predict_proba(line_features(split_lines(HEADER_STYLE_DUMP)))
    assert ((probabilities >= 0) & (probabilities <= 1)).all()


def test_runtime_does_not_import_scikit_learn() -> None:
    source = Path(__file__).resolve().parents[1] / "src"
    code = (
        "import sys; from parallax.extract.textdump import extract_text_dump; "
        "extract_text_dump('Title line here now\\nSome body text that is long enough to count here.'); "
        "print('sklearn' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={"PYTHONPATH": str(source)}
    )
    assert result.stdout.strip() == "False"


def test_extraction_takes_milliseconds() -> None:
    extract_text_dump(PERSON_BYLINE_DUMP)  # model loading is not part of the timing
    timings = []
    for dump in (HEADER_STYLE_DUMP, BYLINE_STYLE_DUMP, PERSON_BYLINE_DUMP):
        started = time.perf_counter()
        extract_text_dump(dump.replace(" the ", " a "))  # changed lines: no per-line cache is warm for them
        timings.append(time.perf_counter() - started)
    assert max(timings) < 0.05


HEADLINE_BELOW_TEASERS = "\n".join([
    "Skip to content", "Lakeview Courier", "Monday, June 2, 2025", "Home", "Politics", "Don't miss",
    "Council approves new bus depot after long debate", "Harbour festival returns with record crowds",
    "- Advertisement -", "Ferry operator cuts winter timetable as fuel costs bite", "Transport",
    "FERRY OPERATOR CUTS WINTER TIMETABLE AS FUEL COSTS BITE", "Photo of author", "By Lakeview Courier Staff",
    "June 2, 2025",
    "The island ferry operator will run four fewer crossings a day from October, its managing director said "
    "on Monday, blaming a 30 percent rise in fuel costs since the spring.",
    '"We have held prices for two years, but we cannot keep sailing half-empty boats at a loss," Maren Holt '
    "told reporters at the terminal.",
    "Residents of the outer islands said the cuts would leave them without an evening service for the first "
    "time in a decade.",
    "The regional council said it would ask the operator to restore at least one late crossing before the "
    "timetable takes effect.",
    "Leave a Comment",
])


def test_headline_is_the_line_above_the_byline_not_a_teaser() -> None:
    page = extract_text_dump(HEADLINE_BELOW_TEASERS)
    assert page.title == "Ferry operator cuts winter timetable as fuel costs bite"
    assert page.outlet == "Lakeview Courier"
    assert page.author is None
    assert "Harbour festival" not in page.text
    assert page.text.startswith("The island ferry operator")


def test_byline_repeating_the_header_site_name_is_the_outlet() -> None:
    dump = HEADLINE_BELOW_TEASERS.replace("By Lakeview Courier Staff", "By Lakeview Courier")
    page = extract_text_dump(dump)
    assert (page.outlet, page.author) == ("Lakeview Courier", None)


def test_a_slug_repeating_the_headline_is_not_taken_for_a_standfirst() -> None:
    dump = "\n".join([
        "Skip to content", "Home", "Markets", "Opinion",
        "Port workers accept new pay offer after week-long stoppage",
        "port workers accept new pay offer after week-long stoppage",
        "By Staff Reporter",
        "Dock workers at the southern terminal voted on Monday to accept a revised pay offer, ending a week-long "
        "stoppage that left more than forty ships waiting offshore.",
        "The union said the deal raises basic pay by nine percent over two years and adds a night-shift bonus "
        "that members had demanded since the last contract expired.",
        "Terminal managers said cargo handling would return to normal levels by the end of the week.",
        "Share", "Related Posts", "Copyright 2024 Harbour Times",
    ])
    page = extract_text_dump(dump)
    assert page.title == "Port workers accept new pay offer after week-long stoppage"
    assert _paragraphs(page)[0].startswith("Dock workers at the southern terminal voted")


def test_text_without_sentence_punctuation_is_kept_not_failed() -> None:
    words = ("river levels kept rising through the night and volunteers filled sandbags along the main road "
             "while the council opened the sports hall for families who had to leave their homes near the bridge")
    page = extract_text_dump("Home\nNews\n" + " ".join([words] * 3) + "\nShare\n")
    assert page.text.startswith("river levels kept rising")
    assert "Share" not in page.text
