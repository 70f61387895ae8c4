"""Two fixes that let Keras 3's ``fit()`` run under TensorFlow's ``MultiWorkerMirroredStrategy``.

Keras 3.15's TensorFlow trainer fails under that strategy (keras-team/keras issue 20585, open;
tensorflow/tensorflow issue 72388) in two places, both about *reducing* per-replica values:

1. ``_maybe_symbolic_build`` takes the first batch as a ``PerReplica`` value and asks the
   strategy to average it across workers, only to learn the input shapes; the multi-worker
   reduce cannot convert it ("Attempt to convert a value (PerReplica...)"). The fix builds
   from the first local replica's batch, which has the same shapes, without a collective.
2. ``reduce_per_replica`` averages each logged value with ``strategy.reduce("MEAN", v,
   axis=0)``, which also reduces along a batch axis that a scalar loss does not have
   ("Invalid reduction dimension 0 for input with 0 dimensions"). The fix averages across
   replicas only (``axis=None``), which is what ``MirroredStrategy`` does on one machine.

Both wrap Keras's own functions and change nothing unless the model's strategy is a
multi-worker one. They are installed by ``distribute_multi_worker()`` on TensorFlow, once,
and checked by ``tests/test_distribute.py`` (two workers reach one process's losses).

R: ``strategy <- tf$distribute$MultiWorkerMirroredStrategy()``  # fit() works under it in R keras 2
Python: ``install_multi_worker_fixes()``  # fit() works under it in Keras 3
"""

from __future__ import annotations

import functools
import importlib
from typing import Any

from .. import _keras

__all__: list[str] = []

_TRAINER = "keras.src.backend.tensorflow.trainer"


def _trainer_module() -> Any:
    _keras.keras()  # the door loads Keras (and its TensorFlow logging settings) first
    return importlib.import_module(_TRAINER)


def _multi_worker(trainer: Any, strategy: Any) -> bool:
    return strategy is not None and bool(trainer._collective_all_reduce_multi_worker(strategy))


@functools.lru_cache(maxsize=1)
def install_multi_worker_fixes() -> bool:
    """Install the two fixes (once per process); True when they are in place.

    R: (nothing: R keras 2 used tf.keras, which trained under MultiWorkerMirroredStrategy)
    Python: ``install_multi_worker_fixes()``
    """
    trainer = _trainer_module()
    tf = _keras.tensorflow()
    original_build = trainer.TensorFlowTrainer._maybe_symbolic_build
    original_reduce = trainer.reduce_per_replica

    def first_local(value: Any, strategy: Any) -> Any:
        if isinstance(value, tf.distribute.DistributedValues):
            return strategy.experimental_local_results(value)[0]
        return value

    @functools.wraps(original_build)
    def maybe_symbolic_build(self: Any, iterator: Any = None, data_batch: Any = None) -> Any:
        strategy = self._distribute_strategy
        if iterator is None or not _multi_worker(trainer, strategy):
            return original_build(self, iterator=iterator, data_batch=data_batch)
        for _, _, batches in iterator:
            batch = next(batches)
            data_batch = trainer.tree.map_structure(lambda v: first_local(v, strategy), batch)
            break
        with strategy.scope():
            self._symbolic_build(data_batch=data_batch)
        return None

    @functools.wraps(original_reduce)
    def reduce_per_replica(values: Any, strategy: Any, reduction: str) -> Any:
        if reduction in ("auto", "mean") and _multi_worker(trainer, strategy):
            return trainer.tree.map_structure(
                lambda v: strategy.reduce("MEAN", v, axis=None), values)
        return original_reduce(values, strategy, reduction)

    trainer.TensorFlowTrainer._maybe_symbolic_build = maybe_symbolic_build
    trainer.reduce_per_replica = reduce_per_replica
    return True
