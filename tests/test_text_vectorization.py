"""adapt() and get_vocabulary() for layer_text_vectorization (real Keras layers)."""

from __future__ import annotations

import numpy as np
import pytest

import kerasr
from kerasr.errors import InvalidValueError, TargetError
from kerasr.preprocessing.text import adapt, get_vocabulary


def test_adapt_pipes_and_learns_the_vocabulary():
    # R: vectorizer <- layer_text_vectorization(max_tokens = 10)
    #    vectorizer %>% adapt(texts); get_vocabulary(vectorizer)
    vectorizer = kerasr.layer_text_vectorization(max_tokens=10)
    assert (vectorizer >> adapt(["The cat sat", "the dog", "the cat"])) is vectorizer
    assert get_vocabulary(vectorizer) == ["", "[UNK]", "the", "cat", "sat", "dog"]
    assert (vectorizer >> get_vocabulary(include_special_tokens=False)) == [
        "the", "cat", "sat", "dog"]
    np.testing.assert_array_equal(np.asarray(vectorizer(np.array(["the cat ran"]))), [[2, 3, 1]])


def test_adapt_normalization_and_bad_targets():
    norm = kerasr.layer_normalization(axis=-1)
    with pytest.raises(InvalidValueError, match="adapt\\(\\): `batch_size` is not supported"):
        adapt(norm, np.array([[1.0, 2.0]]), batch_size=2)
    assert adapt(norm, np.array([[1.0, 2.0], [3.0, 4.0]])) is norm
    np.testing.assert_allclose(np.asarray(norm(np.array([[1.0, 2.0]]))), [[-1.0, -1.0]], atol=1e-5)
    with pytest.raises(TargetError, match="adapt\\(\\).*preprocessing layer with adapt"):
        kerasr.layer_dense(units=2) >> adapt(["a"])
    with pytest.raises(TargetError, match="get_vocabulary"):
        get_vocabulary(kerasr.layer_dense(units=2))
    with pytest.raises(InvalidValueError, match="adapt\\(\\): `data` holds None"):
        adapt(kerasr.layer_text_vectorization(), ["a", None])
