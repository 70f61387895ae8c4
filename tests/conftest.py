"""Shared test setup: quiet TensorFlow, the TensorFlow backend unless asked, fresh Keras state."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_keras_session():
    """Reset Keras's global state (layer names, seeds) between tests that use Keras."""
    if "keras" in sys.modules:
        import keras

        keras.backend.clear_session()
    yield
