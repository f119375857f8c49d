"""Story clustering and reprints: streaming placement, the time window, entity overlap, MinHash copies."""

from __future__ import annotations

import numpy as np
import pytest

from parallax.records import Article, Entity
from parallax.stories.cluster import ClusterSettings, ReprintFinder, StoryClusterer
from parallax.stories.features import ArticleFeatures, Embedder, featurize, minhash_of, split_sentences

NO_MINHASH = np.zeros(0, dtype=np.uint64)


def unit(*values: float) -> np.ndarray:
    vector = np.zeros(512, dtype=np.float32)
    vector[:len(values)] = values
    return vector / np.linalg.norm(vector)


def features(article_id: str, vector: np.ndarray, day: int | None = None, entities: tuple[str, ...] = (),
             minhash: np.ndarray = NO_MINHASH) -> ArticleFeatures:
    return ArticleFeatures(article_id, vector, minhash, frozenset(entities), day)


def test_close_articles_share_a_story_and_a_later_batch_joins_it() -> None:
    clusterer = StoryClusterer(ClusterSettings(threshold=0.6, entity_weight=0.0))
    first = clusterer.add([features("a", unit(1, 0.1)), features("b", unit(1, 0.15)), features("c", unit(0, 1))])
    stories = {a.article_id: a.story_id for a in first}
    assert stories["a"] == stories["b"] != stories["c"]
    later = clusterer.add([features("d", unit(0.05, 1))])  # a new batch: joins c's story, nothing moves
    assert later[0].story_id == stories["c"]
    assert {k: clusterer.story_of[k] for k in "abc"} == stories


def test_the_time_window_keeps_two_similar_events_apart() -> None:
    clusterer = StoryClusterer(ClusterSettings(threshold=0.6, entity_weight=0.0, window_days=7))
    placed = clusterer.add([features("flood-2021", unit(1, 0.1), day=738000),
                            features("flood-2024", unit(1, 0.12), day=739100),
                            features("undated", unit(1, 0.11))])
    stories = {a.article_id: a.story_id for a in placed}
    assert stories["flood-2021"] != stories["flood-2024"]
    assert stories["undated"] in (stories["flood-2021"], stories["flood-2024"])


def test_shared_entities_tip_a_borderline_pair() -> None:
    settings = ClusterSettings(threshold=0.7, entity_weight=0.4)
    alone = StoryClusterer(settings).add([features("x", unit(1, 1.5)), features("y", unit(1, 0))])
    assert alone[0].story_id != alone[1].story_id
    shared = StoryClusterer(settings).add([features("x", unit(1, 1.5), entities=("tarija", "ana rojas")),
                                           features("y", unit(1, 0), entities=("tarija", "ana rojas"))])
    assert shared[0].story_id == shared[1].story_id


def test_state_reloaded_from_placements_keeps_placing() -> None:
    clusterer = StoryClusterer(ClusterSettings(threshold=0.6, entity_weight=0.0))
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
