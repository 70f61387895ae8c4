"""Shared test setup: quiet TensorFlow, the chosen Keras backend, fresh Keras state.

``pytest --backend jax`` runs the suite on JAX (the backend is fixed before Keras is
imported); tests marked ``tensorflow_only`` are skipped there with the reason.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pytest  # noqa: E402


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--backend", default=None, choices=["tensorflow", "jax", "torch"],
                     help="Keras backend for this run (default: KERAS_BACKEND or tensorflow)")


def pytest_configure(config: pytest.Config) -> None:
    backend = config.getoption("--backend") or os.environ.get("KERAS_BACKEND") or "tensorflow"
    if "keras" in sys.modules and sys.modules["keras"].backend.backend() != backend:
        raise pytest.UsageError(f"Keras was imported before the {backend!r} backend was set")
    os.environ["KERAS_BACKEND"] = backend
    config.addinivalue_line(
        "markers", "tensorflow_only: needs the TensorFlow backend (TensorBoard, tf.data)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ["KERAS_BACKEND"] == "tensorflow":
        return
    skip = pytest.mark.skip(reason=f"needs TensorFlow; this run uses {os.environ['KERAS_BACKEND']}")
    for item in items:
        if "tensorflow_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fresh_keras_session():
    """Reset Keras's global state (layer names, seeds) between tests that use Keras."""
    if "keras" in sys.modules:
        import keras

        keras.backend.clear_session()
    yield
