"""Part of speech, morphology and lemmas from spaCy's attribute ruler and rule lemmatizer, memoised.

In `en_core_web_sm` the attribute ruler (179 token patterns run through spaCy's `Matcher`) and the rule
lemmatizer cost a fifth of the parse, yet what they give a token depends on very little: its own form, tag
and dependency label (every single-token pattern reads only LOWER, TAG, DEP and IS_SPACE, all fixed by the
form, tag and label), plus, for the few words that appear in a multi-token pattern ("gon na", "let 's",
"there is"), the tokens beside it. `MorphologyMemo` replaces the two components by a table from that key to
their answer (POS, MORPH, LEMMA, and the TAG and DEP the ruler gives whitespace). A token whose key is not yet
in the table is answered by the original components themselves, run on the token (with its neighbours when
its answer can depend on them), and the answer is kept; so the output is the original components' output exactly
(tests compare them on news text), and after a few hundred articles nearly every token is a table lookup.

spaCy has no such memo (the lemmatizer caches by form and POS, the ruler not at all), hence our own code.
"""

from __future__ import annotations

import re
from typing import Any

MEMO_COMPONENT = "parallax_morphology_memo"
RULER = "attribute_ruler"
LEMMATIZER = "lemmatizer"
MAX_ENTRIES = 300_000  # ~60 MB at most; the table starts over when full (a stream of rare forms)
EDGE_WORD = "\u00b6"  # stands for "no token" beside the first or last token of an article


class MorphologyMemo:
    """A spaCy component standing for the attribute ruler and the lemmatizer (both kept for unseen keys)."""

    def __init__(self, ruler: Any, lemmatizer: Any, max_entries: int = MAX_ENTRIES) -> None:
        self.ruler = ruler
        self.lemmatizer = lemmatizer
        self.max_entries = max_entries
        self._table: dict[tuple[int, ...], tuple[int, int, int, int, int]] = {}
        context = _context_words(ruler)
        if context is None:
            raise ValueError("the attribute ruler has a multi-token pattern this memo cannot key exactly")
        self._context_word, self._context_pattern = context
        self._needs_context: dict[int, bool] = {}

    def __call__(self, doc: Any) -> Any:
        import numpy
        from spacy.attrs import DEP, LEMMA, MORPH, ORTH, POS, TAG

        if not len(doc):
            return doc
        columns = doc.to_array([ORTH, TAG, DEP]).tolist()
        keys = [self._key(columns, i) for i in range(len(columns))]
        missing = self._first_unseen(keys)
        if missing and len(self._table) + len(missing) > self.max_entries:
            self._table.clear()
            missing = self._first_unseen(keys)
        if missing:
            self._learn(doc, keys, missing)
        answers = [self._table[key] for key in keys]
        doc.from_array([POS, MORPH, LEMMA], numpy.asarray([answer[:3] for answer in answers], dtype=numpy.uint64))
        # the ruler re-tags whitespace: rare, so only those tokens are touched (a Token object per token of
        # the article would cost more than the whole lookup)
        for i, (answer, column) in enumerate(zip(answers, columns, strict=True)):
            if answer[3] != column[1] or answer[4] != column[2]:
                token = doc[i]
                token.tag, token.dep = answer[3], answer[4]
        return doc

    def pipe(self, docs: Any, batch_size: int = 128) -> Any:
        for doc in docs:
            yield self(doc)

    # -- internals ----------------------------------------------------------------------------------

    def _first_unseen(self, keys: list[tuple[int, ...]]) -> list[int]:
        """The position of the first token of each key not in the table: a key is learnt once per article."""
        first: dict[tuple[int, ...], int] = {}
        for i, key in enumerate(keys):
            if key not in self._table:
                first.setdefault(key, i)
        return list(first.values())

    def _key(self, columns: list[list[int]], i: int) -> tuple[int, ...]:
        own = columns[i]
        orth = own[0]
        needs = self._needs_context.get(orth)
        if needs is None:
            lower = self.ruler.vocab.strings[orth].lower()
            needs = self._needs_context[orth] = (lower in self._context_word
                                                 or any(p.search(lower) for p in self._context_pattern))
        if not needs:
            return (own[0], own[1], own[2])
        before = columns[i - 1] if i > 0 else (0, 0, 0)
        after = columns[i + 1] if i + 1 < len(columns) else (0, 0, 0)
        return (own[0], own[1], own[2], *before, *after)

    def _learn(self, doc: Any, keys: list[tuple[int, ...]], missing: list[int]) -> None:
        """The original components' answers for the tokens at `missing`, read off one document of them: a token
        whose key holds its neighbours comes with them (all the ruler's patterns can see of it), any other
        alone (nothing beside it can change its answer, and no multi-token pattern can change it: those only
        change the words they name, which always come with their neighbours)."""
        from spacy.attrs import DEP, LEMMA, MORPH, POS, TAG
        from spacy.tokens import Doc

        words: list[str] = []
        spaces: list[bool] = []
        tags: list[str] = []
        deps: list[str] = []
        middles: list[int] = []
        for i in missing:
            # [before, token, after]; at an edge of the article a neighbour no multi-token pattern names
            for j in (i - 1, i, i + 1) if len(keys[i]) > 3 else (i,):
                if j == i:
                    middles.append(len(words))
                if 0 <= j < len(doc):
                    token = doc[j]
                    words.append(token.text)
                    spaces.append(bool(token.whitespace_))
                    tags.append(token.tag_)
                    deps.append(token.dep_)
                else:
                    words.append(EDGE_WORD)
                    spaces.append(True)
                    tags.append("XX")
                    deps.append("dep")
        window = Doc(doc.vocab, words=words, spaces=spaces, tags=tags, deps=deps, heads=list(range(len(words))))
        window = self.lemmatizer(self.ruler(window))
        answers = window.to_array([POS, MORPH, LEMMA, TAG, DEP]).tolist()
        for i, middle in zip(missing, middles, strict=True):
            self._table[keys[i]] = tuple(answers[middle])  # type: ignore[assignment]


def install(nlp: Any) -> bool:
    """Put a `MorphologyMemo` in place of the model's attribute ruler and rule lemmatizer; False (and the
    pipeline left as it is) when the model does not have both."""
    from spacy.language import Language

    if RULER not in nlp.pipe_names or LEMMATIZER not in nlp.pipe_names or MEMO_COMPONENT in nlp.pipe_names:
        return False
    if getattr(nlp.get_pipe(LEMMATIZER), "mode", None) != "rule" or _context_words(nlp.get_pipe(RULER)) is None:
        return False
    if not Language.has_factory(MEMO_COMPONENT):
        @Language.factory(MEMO_COMPONENT)
        def make_memo(nlp: Any, name: str) -> MorphologyMemo:
            return MorphologyMemo(nlp.get_pipe(RULER), nlp.get_pipe(LEMMATIZER))

    index_as_sets(nlp.get_pipe(LEMMATIZER))
    nlp.add_pipe(MEMO_COMPONENT, before=RULER)
    nlp.remove_pipe(RULER)
    nlp.remove_pipe(LEMMATIZER)
    return True


def index_as_sets(lemmatizer: Any) -> None:
    """The rule lemmatizer's word index per part of speech as sets, not the lists the model ships.

    `rule_lemmatize` asks `form in index` for every candidate form a suffix rule makes, and the English index
    holds 57,528 nouns: a list made each lemma of a word not seen before cost a scan of tens of thousands of
    strings (~50 µs), which was most of the memo's learning time. The lemmatizer only ever tests membership,
    so the answers are the same."""
    table = lemmatizer.lookups.get_table("lemma_index", {})
    for key in list(table):
        words = table[key]
        if isinstance(words, list):
            table[key] = frozenset(words)


def _context_words(ruler: Any) -> tuple[frozenset[str], list[re.Pattern[str]]] | None:
    """The lower-cased words (and regular expressions) the ruler's multi-token patterns name: only these
    tokens' answers can depend on their neighbours. None when a multi-token pattern changes a token it does
    not name by its word (the memo could not tell which tokens need their neighbours in the key)."""
    words: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for entry in ruler.patterns:
        index = entry.get("index", 0)
        for pattern in entry["patterns"]:
            if len(pattern) < 2:
                continue
            for position, token in enumerate(pattern):
                value = token.get("LOWER")
                if isinstance(value, str):
                    words.add(value.lower())
                elif isinstance(value, dict) and set(value) <= {"IN", "REGEX"}:
                    words.update(str(v).lower() for v in value.get("IN", ()))
                    if "REGEX" in value:
                        patterns.append(re.compile(value["REGEX"]))
                elif value is not None or any(key in token for key in ("ORTH", "NORM", "TEXT", "LEMMA")):
                    return None
                elif position == index % len(pattern):
                    return None  # the changed token is open to any word
    return frozenset(words), patterns
