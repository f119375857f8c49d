"""Who said what: each attribution pattern on sentences written for these tests."""

from __future__ import annotations

import pytest

from parallax.annotate import Annotator
from parallax.attribute import Attributor
from parallax.records import Article, Attribution


@pytest.fixture(scope="module")
def stages() -> tuple[Annotator, Attributor]:
    annotator, attributor = Annotator(), Attributor()
    annotator.setup()
    attributor.setup()
    return annotator, attributor


def analyse(stages: tuple[Annotator, Attributor], text: str, language: str | None = "en") -> Article:
    annotator, attributor = stages
    article = Article(id="t", source="test", raw_hash="", input_format="text", text=text, content_hash="",
                      language=language)
    (result,) = attributor.process_batch(annotator.process_batch([article]))
    assert isinstance(result, Article)
    return result


def find(article: Article, words: str) -> Attribution:
    """The attribution whose content contains `words`; offsets must index the article text."""
    for attribution in article.attributions:
        assert article.text[attribution.start:attribution.end] == attribution.content
        if words in attribution.content:
            return attribution
    raise AssertionError(f"no attribution contains {words!r}: {[a.content for a in article.attributions]}")


def test_inverted_direct_quote_with_titled_speaker(stages: tuple[Annotator, Attributor]) -> None:
    article = analyse(stages, "“The bridge will stay closed until the inspectors finish,” said Transport "
                              "Minister Laila Haddad on Monday.")
    quote = find(article, "inspectors finish")
    assert quote.kind == "direct"
    assert quote.speaker == "Laila Haddad"
    assert quote.cue == "said"


def test_indirect_speech_with_told_reporters(stages: tuple[Annotator, Attributor]) -> None:
    article = analyse(stages, "Police chief Omar Brandt told reporters that three suspects had been arrested "
                              "near the harbour.")
    claim = find(article, "three suspects had been arrested")
    assert claim.kind == "indirect"
    assert claim.speaker == "Omar Brandt"
    assert claim.cue == "told reporters"
    assert "Brandt" not in claim.content


def test_according_to_at_start_and_at_end(stages: tuple[Annotator, Attributor]) -> None:
    article = analyse(stages, "According to the Kenyan health ministry, 40 people were taken to hospital. "
                              "The water supply was cut for two days, according to residents.")
    first = find(article, "40 people were taken to hospital")
    assert first.cue is not None and first.cue.lower() == "according to"
    assert first.speaker_country == "KEN" or "ministry" in (first.speaker_text or "")
    assert "ministry" not in first.content
    second = find(article, "water supply was cut")
    assert second.speaker_text == "residents"
    assert "according" not in second.content


def test_mixed_quote_and_pronoun_continuation(stages: tuple[Annotator, Attributor]) -> None:
    text = ("Senator Ruth Okafor said the budget plan was “dead on arrival” in its current form. "
            "She added that her party would table amendments next week.\n\n"
            "“We will not vote for cuts to rural clinics. Nobody in my district would forgive us.”")
    article = analyse(stages, text)
    mixed = find(article, "dead on arrival")
    assert mixed.kind == "mixed" and mixed.speaker == "Ruth Okafor"
    added = find(article, "table amendments")
    assert added.speaker == "Ruth Okafor" and added.speaker_text == "She"
    continued = find(article, "rural clinics")
    assert continued.kind == "direct" and continued.cue is None
    assert continued.speaker == "Ruth Okafor"


def test_missing_opening_mark_and_parenthetical_cue(stages: tuple[Annotator, Attributor]) -> None:
    text = ("Mayor Tomas Berg visited the flooded district on Sunday.\n\n"
            "We will rebuild every school the water destroyed,” he said, adding that the city would ask the "
            "government for emergency funds.")
    article = analyse(stages, text)
    quote = find(article, "rebuild every school")
    assert quote.kind == "direct" and quote.speaker == "Tomas Berg"
    funds = find(article, "emergency funds")
    assert funds.speaker == "Tomas Berg" and funds.cue == "adding"


def test_quote_across_sentences_belongs_to_one_speaker(stages: tuple[Annotator, Attributor]) -> None:
    article = analyse(stages, "“The storm surprised everyone. Two boats are still missing,” coastguard officer "
                              "Ana Ruiz said.")
    quote = find(article, "Two boats are still missing")
    assert "The storm surprised everyone" in quote.content
    assert quote.speaker == "Ana Ruiz"


def test_relative_clause_source_and_country_description(stages: tuple[Annotator, Attributor]) -> None:
    text = ("Chile’s navy detained two Peruvian trawlers on Tuesday. Peru first rejected the account. "
            "The Andean nation later admitted to sending the boats into the disputed zone. "
            "The fleet’s owner, who told local radio that the crews had followed official charts, "
            "demanded their release.")
    article = analyse(stages, text)
    admitted = find(article, "sending the boats")
    assert admitted.speaker == "Peru" and admitted.speaker_country == "PER"
    assert admitted.stance == "admit"
    radio = find(article, "crews had followed official charts")
    assert radio.speaker_text == "who"


def test_stance_of_cues(stages: tuple[Annotator, Attributor]) -> None:
    text = ("The ministry denied that any prisoners had been mistreated. "
            "Opposition leader Carla Mendes accused the police of hiding evidence. "
            "Aid groups urged the government to open the border crossings. "
            "The central bank warned that inflation could double.")
    article = analyse(stages, text)
    assert find(article, "prisoners had been mistreated").stance == "deny"
    assert find(article, "hiding evidence").stance == "accuse"
    assert find(article, "open the border crossings").stance == "demand"
    assert find(article, "inflation could double").stance == "warn"


def test_dek_claim_and_its_denial(stages: tuple[Annotator, Attributor]) -> None:
    text = ("According to port officials, the ferry company ignored three safety warnings; the company denies\n\n"
            "The ferry ran aground on Thursday night.")
    article = analyse(stages, text)
    claims = [a for a in article.attributions if "ignored three safety warnings" in a.content]
    stances = {a.stance for a in claims}
    assert "deny" in stances
    assert any(a.cue and a.cue.lower() == "according to" for a in claims)


def test_statement_noun_and_signed_quote(stages: tuple[Annotator, Attributor]) -> None:
    text = ("Foreign Minister Ines Duarte issued the following statement: “Our fishermen will not be "
            "intimidated.”\n\n“The fines are fair and the rules are clear.” ― Mateo Silva")
    article = analyse(stages, text)
    statement = find(article, "will not be intimidated")
    assert statement.speaker == "Ines Duarte" and statement.kind == "direct"
    signed = find(article, "fines are fair")
    assert signed.speaker == "Mateo Silva"


def test_scare_quotes_are_not_speech(stages: tuple[Annotator, Attributor]) -> None:
    article = analyse(stages, "The so-called “rapid loans” app was downloaded two million times last year.")
    assert article.attributions == []


@pytest.mark.parametrize("text", ["", "Breaking", "no punctuation at all just words running on and on " * 30,
                                  "“ ” “unbalanced “quotes ” everywhere” \" \" “" * 40])
def test_bad_text_never_raises(stages: tuple[Annotator, Attributor], text: str) -> None:
    article = analyse(stages, text)
    for attribution in article.attributions:
        assert 0 <= attribution.start < attribution.end <= len(text)


def test_non_english_article_is_kept_unparsed_with_a_note(stages: tuple[Annotator, Attributor]) -> None:
    article = analyse(stages, "O ministro disse que o porto reabrirá na segunda-feira.", language="pt")
    assert article.attributions == [] and article.entities == []
    assert any("language is 'pt'" in note for note in article.notes)


def test_long_article_is_parsed_in_chunks_with_exact_offsets(stages: tuple[Annotator, Attributor]) -> None:
    paragraph = ("Harbour director Lena Moss said that the cranes would run again by Friday. "
                 "“We lost a week of cargo,” she added.")
    text = "\n\n".join([paragraph] * 400)  # ~ 40,000 characters: two chunks at the default size
    article = analyse(stages, text)
    assert len(text) > stages[0].settings.chunk_chars
    assert len([a for a in article.attributions if "lost a week of cargo" in a.content]) == 400
    for attribution in article.attributions:
        assert text[attribution.start:attribution.end] == attribution.content


def test_dateline_city_is_not_the_speaker(stages: tuple[Annotator, Attributor]) -> None:
    article = analyse(stages, "LIMA — Peru's fisheries ministry said on Friday that six trawlers had returned "
                              "to port without incident.")
    claim = find(article, "six trawlers had returned")
    assert claim.speaker_text is not None and "LIMA" not in claim.speaker_text
    assert "ministry" in claim.speaker_text


def test_quoted_as_saying_and_spokeswoman_named_in_apposition(stages: tuple[Annotator, Attributor]) -> None:
    text = ("The harbour master was quoted as saying that the channel would reopen within days. "
            "The company's spokeswoman, Ana Lima, said the ferries had been inspected twice.")
    article = analyse(stages, text)
    quoted = find(article, "channel would reopen")
    assert quoted.speaker_text == "The harbour master"
    inspected = find(article, "ferries had been inspected")
    assert inspected.speaker == "Ana Lima"  # not the city of Lima


def test_content_does_not_end_on_a_dangling_conjunction(stages: tuple[Annotator, Attributor]) -> None:
    article = analyse(stages, "Kenyan officials maintain that the fines are legal and warned that more lenders "
                              "could be sanctioned.")
    legal = find(article, "fines are legal")
    assert not legal.content.endswith(("and", "and "))
    assert find(article, "more lenders could be sanctioned").stance == "warn"


def test_things_are_not_speakers(stages: tuple[Annotator, Attributor]) -> None:
    text = ("The mining company's president admitted that the dam had missed its annual inspection, two days "
            "after insisting that there was no negligence. Engineers said the structure was sound and blamed "
            "an extreme rainfall event.")
    article = analyse(stages, text)
    assert find(article, "missed its annual inspection").stance == "admit"
    for attribution in article.attributions:
        assert (attribution.speaker_text or "").lower() not in ("the dam", "the structure")


def test_quote_over_two_paragraphs_with_the_cue_in_the_second(stages: tuple[Annotator, Attributor]) -> None:
    text = ("The river rose two metres overnight.\n\n"
            "“We moved the children to the school on the hill before midnight, and the water reached the church "
            "an hour later.\n\n"
            "“Nobody in this valley has seen a flood like it,” said village chief Amara Diallo.")
    article = analyse(stages, text)
    first = find(article, "children to the school")
    assert first.speaker == "Amara Diallo" and first.kind == "direct"
    assert find(article, "flood like it").speaker == "Amara Diallo"


def test_one_word_article_gets_a_note(stages: tuple[Annotator, Attributor]) -> None:
    article = analyse(stages, "Breaking")
    assert article.attributions == []
    assert any("too short" in note for note in article.notes)


def test_a_parse_error_on_one_article_keeps_it_with_a_note(stages: tuple[Annotator, Attributor]) -> None:
    annotator, attributor = Annotator(), stages[1]
    annotator.setup()
    real = annotator._nlp

    class FailsOnOne:
        """The real pipeline, except that it raises on one article, as a model bug would."""

        def pipe(self, texts: list[str], batch_size: int) -> object:
            texts = list(texts)
            if any("Zanzibar" in text for text in texts):
                raise ValueError("model bug")
            return real.pipe(texts, batch_size=batch_size)

        def __call__(self, text: str) -> object:
            if "Zanzibar" in text:
                raise ValueError("model bug")
            return real(text)

    annotator._nlp = FailsOnOne()
    articles = [Article(id=str(i), source=f"t{i}", raw_hash="", input_format="text", text=text, content_hash="",
                        language="en")
                for i, text in enumerate(["The ferry to Zanzibar left late, the captain said.",
                                          "Officials said the port would reopen on Monday."])]
    broken, fine = attributor.process_batch(annotator.process_batch(articles))
    assert isinstance(broken, Article) and isinstance(fine, Article)
    assert broken.attributions == [] and any("parsing failed" in note for note in broken.notes)
    assert find(fine, "port would reopen").speaker_text == "Officials"


def test_headline_without_punctuation_does_not_run_into_the_body(stages: tuple[Annotator, Attributor]) -> None:
    text = ("Ghana and Togo trade accusations over border market closure\n\n"
            "ACCRA — Ghana said on Monday it had reopened the Aflao market, drawing an angry response from Togo, "
            "which called the move “a provocation”.")
    article = analyse(stages, text)
    reopened = find(article, "reopened the Aflao market")
    assert reopened.speaker == "Ghana"
    assert reopened.content == "it had reopened the Aflao market"  # no headline, no time phrase, no narration
    provocation = find(article, "a provocation")
    assert provocation.speaker == "Togo" and provocation.stance is None  # naming, not a demand


def test_quote_then_named_source_when_the_parse_goes_wrong(stages: tuple[Annotator, Attributor]) -> None:
    text = ("“The filling was carried out in full transparency and caused no harm to downstream countries,” "
            "Ethiopia's water minister, Habtamu Itefa, told a news conference in the capital.")
    quote = find(analyse(stages, text), "full transparency")
    assert quote.kind == "direct" and quote.speaker == "Habtamu Itefa"


def test_its_ministry_speaks_for_the_country_before_it(stages: tuple[Annotator, Attributor]) -> None:
    text = ("Sudan struck a more cautious tone. Its irrigation ministry said it was monitoring water levels at "
            "the Roseires dam.")
    monitoring = find(analyse(stages, text), "monitoring water levels")
    assert monitoring.speaker == "Sudan" and monitoring.speaker_country == "SDN"


def test_translated_framings_and_a_bare_denial(stages: tuple[Annotator, Attributor]) -> None:
    text = ("The Chinese embassy in La Paz denied irregularities. In a note, the diplomatic representation stated "
            "that the firms had always respected Bolivian law.\n\n"
            "For the opposition deputy Carla Rojas, the decision is “improvised”.\n\n"
            "In the view of the mining chamber, the suspension will scare away investors.")
    article = analyse(stages, text)
    denial = find(article, "irregularities")
    assert denial.stance == "deny" and denial.speaker == "China"
    assert find(article, "always respected Bolivian law").speaker == "China"
    framing = find(article, "the decision is")
    assert framing.speaker == "Carla Rojas" and framing.kind == "mixed"
    assert find(article, "scare away investors").speaker_text == "the mining chamber"


def test_contrasting_speakers_in_one_sentence_and_calls_on_someone(stages: tuple[Annotator, Attributor]) -> None:
    article = analyse(stages, "Peru said the fines were fair, while Chile said they were illegal. Prime Minister "
                              "Gustavo Adrianzén has called on both countries to show restraint.")
    assert find(article, "fines were fair").content == "the fines were fair"
    assert find(article, "they were illegal").speaker == "Chile"
    call = find(article, "show restraint")
    assert call.stance == "demand" and call.speaker == "Gustavo Adrianzén"
