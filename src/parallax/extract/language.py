"""Language identification of cleaned text with py3langid (ISO 639-1 codes)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

# Below this many letters the classifier is a coin toss; a declared language is trusted instead.
_MIN_LETTERS = 40
_SAMPLE_CHARS = 1000  # enough for py3langid to agree with the whole text; 3x faster than 3000


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def load_language_model() -> None:
    """Load the model now (worker set-up) rather than on the first article."""
    _identifier()


def detect_language(text: str, declared: str | None = None) -> str | None:
    """ISO 639-1 code of the text's language; the declared one when the text is too short to tell."""
    declared_code = normalise_language_code(declared)
    sample = text[:_SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < _MIN_LETTERS:
        return declared_code
    code, _probability = _identifier().classify(sample)
    return str(code)


def normalise_language_code(value: str | None) -> str | None:
    """'en-US', 'pt_BR', 'EN' → 'en'; anything else that is not a two-letter code → None."""
    if not value:
        return None
    code = value.strip().replace("_", "-").split("-")[0].lower()
    return code if len(code) == 2 and code.isalpha() else None
