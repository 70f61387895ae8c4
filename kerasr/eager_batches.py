"""In-memory arrays fed as NumPy batches when TensorFlow runs functions eagerly.

On TensorFlow, Keras 3 turns arrays given to ``fit()``/``evaluate()``/``predict()`` into a
``tf.data`` pipeline (shuffled indices, a gather per batch, prefetching). That pays off when
the training step is a compiled graph: the pipeline runs beside it. When functions run
eagerly (``tf.config.run_functions_eagerly(True)``: debugging, and ``pytest --kerasr-fast``,
which caps every fit to a few batches), each step is plain Python anyway, and the pipeline
is pure overhead: ``tf.data`` traces its map functions into graphs even in eager mode, about
30 ms per ``fit()``/``evaluate()``/``predict()`` call, plus an iterator and its threads per
epoch. Measured on kerasr's nine labs under the plugin's caps: 15.6 s of lab time without
this, 10.5 s with it (``benchmarks/bench_plugin.py``, docs/testing-your-course.md).

So, while functions run eagerly (everywhere, or for a model compiled with
``run_eagerly=True`` when kerasr's ``fit()``/``evaluate()``/``predict()`` call it) and the
model has no distribution strategy, Keras's TensorFlow epoch iterator uses the data
adapter's own NumPy iterator (the one Keras's JAX and NumPy backends use): the same batch
size, partial last batch, shuffling (from NumPy's seeded generator instead of TensorFlow's),
class weights and sample weights, and the trainer's eager step takes the batches as they
come. Everything else keeps Keras's path: compiled functions, ``tf.data`` datasets,
generators, ``PyDataset``, sparse or ragged inputs, and any distribution strategy.

Installed once when kerasr loads Keras on the TensorFlow backend; if Keras's internals are
not the expected ones (another Keras version), nothing is changed.

R: ``tf$config$run_functions_eagerly(TRUE); model %>% fit(x, y)``
Python: ``tf.config.run_functions_eagerly(True); model >> fit(x, y)``  # no tf.data pipeline
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import importlib
from collections.abc import Iterator
from typing import Any

from . import _keras

__all__ = ["eager_model", "feeds_numpy_batches", "install_eager_batches"]

_TRAINER = "keras.src.backend.tensorflow.trainer"
_ARRAY_ADAPTER = "keras.src.trainers.data_adapters.array_data_adapter"
_FLAG = "_kerasr_numpy_batches"
_MODEL_RUNS_EAGERLY: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "kerasr_model_runs_eagerly", default=False)


@contextlib.contextmanager
def eager_model(model: Any) -> Iterator[None]:
    """While Keras runs ``model`` (kerasr's fit/evaluate/predict), treat it as eager when it
    was compiled with ``run_eagerly=True``.

    R: ``model %>% compile(..., run_eagerly = TRUE); model %>% fit(x, y)``
    Python: ``with eager_model(model): model.fit(x, y)``
    """
    token = _MODEL_RUNS_EAGERLY.set(bool(getattr(model, "run_eagerly", False)))
    try:
        yield
    finally:
        _MODEL_RUNS_EAGERLY.reset(token)


def feeds_numpy_batches(epoch_iterator: Any) -> bool:
    """True when a Keras epoch iterator hands its batches over as NumPy arrays (this module's
    eager path) rather than through a ``tf.data`` pipeline.

    R: (no equivalent)
    Python: ``feeds_numpy_batches(model._eval_epoch_iterator)``
    """
    return bool(getattr(epoch_iterator, _FLAG, False))


def _plain_arrays(adapter: Any, array_adapter: type) -> bool:
    """An in-memory array adapter with no sparse or ragged part."""
    if type(adapter) is not array_adapter:
        return False
    inputs = getattr(adapter, "_inputs", None)
    if inputs is None:
        return False
    tf = _keras.tensorflow()
    for value in _keras.keras().tree.flatten(inputs):
        if isinstance(value, (tf.SparseTensor, tf.RaggedTensor)):
            return False
        if type(value).__module__.startswith("scipy.sparse"):
            return False
    return True


def _default_strategy(strategy: Any) -> bool:
    tf = _keras.tensorflow()
    if tf.distribute.has_strategy():
        return False
    return strategy is None or strategy is tf.distribute.get_strategy()


@functools.lru_cache(maxsize=1)
def install_eager_batches() -> bool:
    """Make Keras's TensorFlow epoch iterator feed NumPy batches while functions run eagerly
    (once per process); True when installed, False when Keras is not the expected version or
    the backend is not TensorFlow.

    R: (no equivalent)
    Python: ``install_eager_batches()``
    """
    keras = _keras.keras()
    if keras.backend.backend() != "tensorflow":
        return False
    try:
        trainer = importlib.import_module(_TRAINER)
        array_adapter = importlib.import_module(_ARRAY_ADAPTER).ArrayDataAdapter
        iterator_class = trainer.TFEpochIterator
        base_init = trainer.EpochIterator.__init__
        original_init = iterator_class.__init__
        original_get = iterator_class._get_iterator
    except (ImportError, AttributeError):
        return False
    tf = _keras.tensorflow()

    @functools.wraps(original_init)
    def __init__(self: Any, distribute_strategy: Any = None, *args: Any, **kwargs: Any) -> None:
        eager = tf.config.functions_run_eagerly() or _MODEL_RUNS_EAGERLY.get()
        if not (eager and _default_strategy(distribute_strategy)):
            original_init(self, distribute_strategy, *args, **kwargs)
            return
        # Keras's own __init__, with the pipeline skipped for plain arrays (the adapter is
        # made once: a generator's adapter reads a first batch)
        base_init(self, *args, **kwargs)
        self._distribute_strategy = distribute_strategy
        if _plain_arrays(self.data_adapter, array_adapter):
            setattr(self, _FLAG, True)
            return
        dataset = self.data_adapter.get_tf_dataset()
        if not isinstance(dataset, tf.distribute.DistributedDataset):
            strategy = distribute_strategy or tf.distribute.get_strategy()
            dataset = strategy.experimental_distribute_dataset(dataset)
        self._distributed_dataset = dataset

    @functools.wraps(original_get)
    def _get_iterator(self: Any) -> Any:
        if getattr(self, _FLAG, False):
            return self.data_adapter.get_numpy_iterator()
        return original_get(self)

    iterator_class.__init__ = __init__
    iterator_class._get_iterator = _get_iterator
    return True


def _on_keras(keras: Any) -> None:
    if keras.backend.backend() == "tensorflow":
        install_eager_batches()


_keras.on_keras_loaded(_on_keras)
