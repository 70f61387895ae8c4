"""Training on more than one device, over Keras's own distribution engines (issue 20).

- one machine, several devices (:mod:`.scopes`): ``tf.distribute.MirroredStrategy`` on
  TensorFlow, ``keras.distribution.DataParallel`` on JAX;
- several processes or machines (:mod:`.multi_worker`): ``MultiWorkerMirroredStrategy`` with
  ``TF_CONFIG`` on TensorFlow, ``keras.distribution.initialize()`` on JAX.

Build (and compile) the model inside the ``with`` block; ``fit()``, ``evaluate()``,
``predict()``, callbacks, the history and checkpoints then work unchanged. The batch size is
the *global* batch, split over the replicas. kerasr runs one batch per execution under a
strategy (see :mod:`kerasr.execution`): more fail on TensorFlow's MirroredStrategy.

R: ``strategy <- tf$distribute$MirroredStrategy(); with(strategy$scope(), { model <- ... })``
Python: ``with distribute_data_parallel(): model = ...``
"""

from __future__ import annotations

from .multi_worker import WorkerFailedError, distribute_multi_worker
from .scopes import (
    DistributionScope,
    distribute_data_parallel,
    distribution_devices,
    in_distribution,
)

__all__ = [
    "DistributionScope",
    "WorkerFailedError",
    "distribute_data_parallel",
    "distribute_multi_worker",
    "distribution_devices",
    "in_distribution",
]
