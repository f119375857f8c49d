"""The text of a spaCy `Doc`, computed once per document.

`Doc.text` joins every token on each access, so rules that read it per sentence or per mention go
quadratic on long articles; this caches it in the doc's `user_data`.
"""

from __future__ import annotations

from typing import Any

_KEY = "parallax.text"


def doc_text(doc: Any) -> str:
    text = doc.user_data.get(_KEY)
    if text is None:
        text = doc.text
        doc.user_data[_KEY] = text
    return text
