"""Story clustering and reprints: streaming placement, the time window, the pair signals and models, MinHash
copies."""

from __future__ import annotations

import numpy as np
import pytest

from parallax.records import Article, Entity
from parallax.stories.cluster import ClusterSettings, ReprintFinder, StoryClusterer
from parallax.stories.features import (
    ArticleFeatures,
    Embedder,
    featurize,
    main_persons,
    minhash_of,
    numbers_and_years,
    split_sentences,
    surname,
    term_cosine,
    term_vector,
)
from parallax.stories.pairs import PairModel, pair_signals, same_story_probability

NO_MINHASH = np.zeros(0, dtype=np.uint64)
# P(one story) = σ(10 × cosine − 6): at the threshold 0.5, a neighbour joins from a lead cosine of 0.6.
COSINE_ONLY = PairModel(-6.0, (("cosine", 10.0),))


def cosine_rule(window_days: int = 10) -> ClusterSettings:
    return ClusterSettings(threshold=0.5, lexical=COSINE_ONLY, cross_lingual=COSINE_ONLY, window_days=window_days)


def unit(*values: float) -> np.ndarray:
    vector = np.zeros(512, dtype=np.float32)
    vector[:len(values)] = values
    return vector / np.linalg.norm(vector)


def features(article_id: str, vector: np.ndarray, day: int | None = None, entities: tuple[str, ...] = (),
             minhash: np.ndarray = NO_MINHASH) -> ArticleFeatures:
    return ArticleFeatures(article_id, vector, minhash, frozenset(entities), day)


def test_close_articles_share_a_story_and_a_later_batch_joins_it() -> None:
    clusterer = StoryClusterer(cosine_rule())
    first = clusterer.add([features("a", unit(1, 0.1)), features("b", unit(1, 0.15)), features("c", unit(0, 1))])
    stories = {a.article_id: a.story_id for a in first}
    assert stories["a"] == stories["b"] != stories["c"]
    later = clusterer.add([features("d", unit(0.05, 1))])  # a new batch: joins c's story, nothing moves
    assert later[0].story_id == stories["c"]
    assert {k: clusterer.story_of[k] for k in "abc"} == stories


def test_the_time_window_keeps_two_similar_events_apart() -> None:
    clusterer = StoryClusterer(cosine_rule(window_days=7))
    placed = clusterer.add([features("flood-2021", unit(1, 0.1), day=738000),
                            features("flood-2024", unit(1, 0.12), day=739100),
                            features("undated", unit(1, 0.11))])
    stories = {a.article_id: a.story_id for a in placed}
    assert stories["flood-2021"] != stories["flood-2024"]
    assert stories["undated"] in (stories["flood-2021"], stories["flood-2024"])


def test_shared_entities_tip_a_borderline_pair() -> None:
    with_entities = PairModel(-7.0, (("cosine", 10.0), ("entities", 4.0)))  # cos 0.55: apart unless they share names
    settings = ClusterSettings(threshold=0.5, lexical=with_entities, cross_lingual=with_entities)
    alone = StoryClusterer(settings).add([features("x", unit(1, 1.5)), features("y", unit(1, 0))])
    assert alone[0].story_id != alone[1].story_id
    shared = StoryClusterer(settings).add([features("x", unit(1, 1.5), entities=("tarija", "ana rojas")),
                                           features("y", unit(1, 0), entities=("tarija", "ana rojas"))])
    assert shared[0].story_id == shared[1].story_id


def test_state_reloaded_from_placements_keeps_placing() -> None:
    clusterer = StoryClusterer(cosine_rule())
    clusterer.load([features("a", unit(1, 0.1))], {"a": "s-old"})
    assert clusterer.add([features("b", unit(1, 0.12))])[0].story_id == "s-old"


WIRE = ("The port authority of Valdivia closed its northern terminal on Tuesday after a crane collapsed onto "
        "a container ship, injuring four dockworkers. The operator said inspections would take two weeks and "
        "that cargo would be diverted to the southern quays. Union leaders demanded an independent inquiry "
        "into maintenance records going back five years, citing earlier complaints about corroded cables.")


def test_reprints_point_at_the_earliest_copy_whatever_the_clutter() -> None:
    clusterer = StoryClusterer(ClusterSettings(threshold=0.99))
    copies = [features("original", unit(1, 0), day=700000, minhash=minhash_of(WIRE)),
              features("copy-1", unit(0, 1), day=700001,
                       minhash=minhash_of("Share this story. " + WIRE + " (Distributed by Pacific Wire)")),
              features("copy-2", unit(0.3, 1), day=700002, minhash=minhash_of(WIRE.replace("Tuesday", "Tuesday,")))]
    placed = {a.article_id: a for a in clusterer.add(list(reversed(copies)))}
    assert placed["original"].reprint_of is None
    assert placed["copy-1"].reprint_of == "original" and placed["copy-2"].reprint_of == "original"
    assert len({a.story_id for a in placed.values()}) == 1
    rewrite = "Four dockworkers were hurt when a crane fell in Valdivia; the terminal is shut for two weeks."
    assert not ReprintFinder(0.8).copies_of(minhash_of(rewrite))


def test_a_thousand_copies_of_one_wire_story_share_one_original() -> None:
    clusterer = StoryClusterer()
    signature = minhash_of(WIRE)
    placed = clusterer.add([features(f"c{n:04d}", unit(1, n / 1000), day=700000 + n // 100, minhash=signature)
                            for n in range(1000)])
    assert {a.reprint_of for a in placed} == {None, "c0000"}
    assert len({a.story_id for a in placed}) == 1


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    built = Embedder()
    built.setup()
    return built


def article(article_id: str, title: str, text: str, language: str = "en", published: str | None = None,
            entities: tuple[str, ...] = ()) -> Article:
    return Article(id=article_id, source=article_id, raw_hash="", input_format="text", text=text, content_hash="",
                   title=title, language=language, published=published,
                   entities=[Entity(name, "GPE", name, 0, 0) for name in entities])


def test_a_translated_copy_lands_next_to_its_original(embedder: Embedder) -> None:
    english = article("en", "Crane collapse shuts Valdivia port terminal", WIRE, published="2025-05-06")
    portuguese = article("pt", "Queda de guindaste fecha terminal do porto de Valdivia",
                         "A autoridade portuária de Valdivia fechou seu terminal norte na terça-feira depois que um "
                         "guindaste desabou sobre um navio porta-contêineres, ferindo quatro estivadores. O operador "
                         "disse que as inspeções levariam duas semanas.", language="pt", published="2025-05-06")
    german = article("de", "Hochwasser in Passau: Altstadt evakuiert",
                     "Die Stadt Passau hat am Montag die Altstadt evakuiert, weil die Donau über die Ufer trat. "
                     "Rund 3000 Bewohner mussten ihre Häuser verlassen.", language="de", published="2025-05-05")
    vectors = {f.article_id: f.vector for f in featurize([english, portuguese, german], embedder)}
    assert float(vectors["en"] @ vectors["pt"]) > 0.7
    assert float(vectors["en"] @ vectors["de"]) < 0.3
    placed = StoryClusterer().add(featurize([english, portuguese, german], embedder))
    stories = {a.article_id: a.story_id for a in placed}
    assert stories["en"] == stories["pt"] != stories["de"]


def test_sentences_split_across_scripts() -> None:
    assert split_sentences("Он сказал. Это правда! «Нет», ответил он.\nNew line") == [
        "Он сказал.", "Это правда!", "«Нет», ответил он.", "New line"]
    assert split_sentences("Rates rose 2.5 percent. Prices fell.") == ["Rates rose 2.5 percent.", "Prices fell."]


def test_term_vectors_keep_content_words_and_compare_by_cosine() -> None:
    terms, weights = term_vector("The tackle was arrested. The tackle was released on bail in San Diego.", "en")
    assert len(terms) == 6  # tackle, arrested, released, bail, san, diego: "the", "was", "on", "in" are stop words
    assert float(np.linalg.norm(weights)) == pytest.approx(1.0, abs=1e-6)
    same = term_cosine(terms, weights, *term_vector("Released on bail: the tackle arrested in San Diego.", "en"))
    other = term_cosine(terms, weights, *term_vector("The quake destroyed forty houses on the island.", "en"))
    assert 0.95 < same < 1.0 and other == 0.0  # the same words, "tackle" written once instead of twice
    portuguese = term_vector("O jogador foi preso e libertado sob fiança em San Diego.", "pt")[0]
    assert len(portuguese) == 6  # jogador, preso, libertado, fiança, san, diego: "o", "foi", "sob", "em" are stop


def test_numbers_are_compared_whatever_the_separators_and_years_apart() -> None:
    numbers, years = numbers_and_years("In 2013, 1,200 people fled; by May 03 about 2.5 percent had returned.")
    assert numbers == {"1200", "3", "25"} and years == {"2013"}
    assert numbers_and_years("1.200 Menschen flohen 2013")[0] == {"1200"}


def two_arrests() -> list[Article]:
    def arrest(article_id: str, name: str, text: str, year: str) -> Article:
        surname = name.split()[-1]
        return Article(id=article_id, source=article_id, raw_hash="", input_format="text", text=text,
                       content_hash="", title=None, language="en",
                       entities=[Entity(name, "PERSON", name, 0, 0), Entity(surname, "PERSON", name, 0, 0),
                                 Entity("San Diego Chargers", "ORG", "San Diego Chargers", 0, 0)])

    return [
        arrest("jackson-1", "Vincent Jackson", "Chargers wide receiver Vincent Jackson was arrested early Tuesday on "
               "suspicion of drunken driving in San Diego in January 2009, police said. Jackson, 25, was booked and "
               "released on $5,000 bail. He will play in Sunday's playoff game at Pittsburgh, the team said.", "2009"),
        arrest("jackson-2", "Vincent Jackson", "San Diego Chargers receiver Vincent Jackson was arrested on suspicion "
               "of driving under the influence on Tuesday, January 2009. Jackson posted $5,000 bail and was released. "
               "Coach Norv Turner said Jackson would play against Pittsburgh on Sunday.", "2009"),
        arrest("williams-1", "Jamal Williams", "Chargers defensive tackle Jamal Williams was arrested on suspicion of "
               "drunken driving on Sunday, February 1, 2010, the California Highway Patrol said. Williams, 33, was "
               "stopped on Interstate 15 and booked into county jail. He was released on $10,000 bail.", "2010"),
    ]


def test_two_arrests_of_one_team_are_two_stories_and_two_tellings_one(embedder: Embedder) -> None:
    placed = {a.article_id: a.story_id for a in StoryClusterer().add(featurize(two_arrests(), embedder))}
    assert placed["jackson-1"] == placed["jackson-2"] != placed["williams-1"]


def test_pair_signals_see_who_and_when(embedder: Embedder) -> None:
    jackson, jackson_again, williams = featurize(two_arrests(), embedder)
    same = pair_signals(jackson, jackson_again, float(jackson.vector @ jackson_again.vector))
    different = pair_signals(jackson, williams, float(jackson.vector @ williams.vector))
    assert same["persons"] == 1.0 and same["person_conflict"] == 0.0 and same["year_shared"] == 1.0
    assert different["person_conflict"] == 1.0 and different["year_conflict"] == 1.0
    assert same["terms"] > different["terms"]
    assert same_story_probability(jackson, jackson_again, float(jackson.vector @ jackson_again.vector)) > 0.9
    apart = same_story_probability(jackson, williams, float(jackson.vector @ williams.vector))
    assert apart < ClusterSettings().threshold


def test_main_persons_are_the_people_an_article_keeps_naming() -> None:
    mentions = ["Jamal Williams", "Williams", "Vincent Jackson", "Jamal Williams", "Norv Turner"]
    assert main_persons(mentions) == {"williams"}  # "Williams" and "Jamal Williams" are one person
    assert main_persons(["Ana Souza", "Souza", "Rui Lima", "Lima"]) == {"souza", "lima"}  # a tie keeps both
    assert main_persons(["Ana Souza", "Rui Lima"]) == frozenset()  # nobody named twice: no main person
    assert surname("Martin Luther King Jr.") == "king" and surname("  ") == ""


def test_a_report_naming_the_other_event_s_person_in_passing_is_still_another_event(embedder: Embedder) -> None:
    jackson, _, williams = two_arrests()
    williams.text += (" It is the team's second such arrest in a month: receiver Vincent Jackson was arrested "
                      "in January and played at Pittsburgh.")
    williams.entities.append(Entity("Vincent Jackson", "PERSON", "Vincent Jackson", 0, 0))
    first, second = featurize([jackson, williams], embedder)
    signals = pair_signals(first, second, float(first.vector @ second.vector))
    assert signals["person_conflict"] == 0.0 and signals["persons"] > 0.0  # both name Jackson
    assert first.main_persons == {"jackson"} and second.main_persons == {"williams"}
    assert signals["main_person_conflict"] == 1.0
