"""Training on more than one device, over Keras's own distribution engines (issue 20).

- TensorFlow: ``tf.distribute.MirroredStrategy`` (one machine, several devices) and
  ``MultiWorkerMirroredStrategy`` (several processes, the cluster read from ``TF_CONFIG``);
- JAX: ``keras.distribution.DataParallel`` and ``keras.distribution.initialize()``.

Build (and compile) the model inside the ``with`` block; ``fit()``, ``evaluate()``,
``predict()``, callbacks, the history and checkpoints then work unchanged. The batch size
is the *global* batch: each of N replicas gets ``batch_size / N`` rows per step, so scale the
learning rate with the global batch (linear scaling: N times the single-device rate, with a
warm-up for large N). kerasr runs one batch per execution under a strategy (see
:mod:`kerasr.execution`): more fail on TensorFlow's MirroredStrategy.

R: ``strategy <- tf$distribute$MirroredStrategy(); with(strategy$scope(), { model <- ... })``
Python: ``with distribute_data_parallel(): model = ...``
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from . import _keras
from .errors import InvalidValueError

__all__ = [
    "distribute_data_parallel",
    "distribute_multi_worker",
    "distribution_devices",
    "in_distribution",
]


def _backend() -> str:
    return str(_keras.keras().backend.backend())


def distribution_devices(device_type: str | None = None) -> list[str]:
    """The devices this process can train on (``"CPU"``, ``"GPU"``, ``"TPU"`` or all).

    R: ``tf$config$list_logical_devices()``
    Python: ``distribution_devices()``  # e.g. ["/device:CPU:0", "/device:GPU:0"]
    """
    if device_type is not None and str(device_type).upper() not in ("CPU", "GPU", "TPU"):
        raise InvalidValueError(
            f"distribution_devices(): `device_type` must be \"CPU\", \"GPU\", \"TPU\" or NULL, "
            f"got {device_type!r}"
        )
    kind = None if device_type is None else str(device_type).upper()
    if _backend() == "tensorflow":
        tf = _keras.tensorflow()
        return [d.name for d in tf.config.list_logical_devices(kind)]
    return list(_keras.keras().distribution.list_devices(kind.lower() if kind else None))


def _check_devices(function: str, devices: Sequence[str] | None) -> list[str] | None:
    if devices is None:
        return None
    if isinstance(devices, str):
        devices = [devices]
    known = distribution_devices()

    def canonical(name: str) -> str:
        return name.replace("/device:", "/").replace("/job:localhost/replica:0/task:0", "")

    known_short = {canonical(k).lower() for k in known} | {k.lower() for k in known}
    for device in devices:
        if str(device).lower() not in known_short and canonical(str(device)).lower() not in \
                known_short:
            raise InvalidValueError(
                f"{function}(): device {device!r} does not exist here; visible devices: "
                f"{', '.join(known)} (see distribution_devices())"
            )
    return list(devices)


class DistributionScope:
    """What ``distribute_*()`` returns: a context manager over the engine's own scope.

    ``engine`` is the TensorFlow strategy or the Keras distribution; ``num_replicas`` how
    many copies of the model train in step (the global batch is split among them).
    """

    def __init__(self, engine: Any, num_replicas: int, kind: str) -> None:
        self.engine = engine
        self.num_replicas = num_replicas
        self.kind = kind
        self._stack: contextlib.ExitStack | None = None

    def __enter__(self) -> DistributionScope:
        self._stack = contextlib.ExitStack()
        self._stack.enter_context(self.engine.scope())
        return self

    def __exit__(self, *exc: Any) -> None:
        assert self._stack is not None
        self._stack.close()
        self._stack = None

    def __repr__(self) -> str:
        return f"<{self.kind}: {self.num_replicas} replica(s) on {_backend()}>"


def distribute_data_parallel(devices: Sequence[str] | None = None) -> DistributionScope:
    """Data parallelism on this machine: one model copy per device, gradients averaged.

    ``devices``: device names (default: all visible, see ``distribution_devices()``).

    R: ``strategy <- tf$distribute$MirroredStrategy(); with(strategy$scope(), {...})``
    Python: ``with distribute_data_parallel(): model = ...; model >> compile(...)``
    """
    devices = _check_devices("distribute_data_parallel", devices)
    if _backend() == "tensorflow":
        strategy = _keras.tensorflow().distribute.MirroredStrategy(devices=devices)
        return DistributionScope(strategy, int(strategy.num_replicas_in_sync),
                                 "MirroredStrategy")
    if _backend() == "jax":
        dist = _keras.keras().distribution.DataParallel(devices=devices)
        n = len(devices) if devices else len(_keras.keras().distribution.list_devices())
        return DistributionScope(dist, n, "DataParallel")
    raise InvalidValueError(
        f"distribute_data_parallel(): the {_backend()!r} backend has no data-parallel engine "
        f"in kerasr; use TensorFlow or JAX (use_backend(\"jax\"))"
    )


def cluster_from_environment() -> dict[str, Any]:
    """``TF_CONFIG`` parsed, with a clear error when it is not the JSON TensorFlow expects.

    R: ``jsonlite::fromJSON(Sys.getenv("TF_CONFIG"))``
    Python: ``cluster_from_environment()``
    """
    raw = os.environ.get("TF_CONFIG", "")
    if not raw.strip():
        return {}
    try:
        config = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InvalidValueError(
            f"distribute_multi_worker(): TF_CONFIG is not valid JSON ({exc.msg} at column "
            f"{exc.colno}); it should look like {{\"cluster\": {{\"worker\": [\"host:port\", "
            f"...]}}, \"task\": {{\"type\": \"worker\", \"index\": 0}}}}"
        ) from None
    cluster, task = config.get("cluster"), config.get("task")
    if not isinstance(cluster, dict) or not isinstance(task, dict) or "worker" not in cluster \
            or "index" not in task:
        raise InvalidValueError(
            "distribute_multi_worker(): TF_CONFIG needs a `cluster` with a `worker` list and "
            "a `task` with `type` and `index`"
        )
    if not 0 <= int(task["index"]) < len(cluster["worker"]):
        raise InvalidValueError(
            f"distribute_multi_worker(): TF_CONFIG's task index {task['index']} is out of "
            f"range for {len(cluster['worker'])} workers"
        )
    return config


def distribute_multi_worker(
    job_addresses: Sequence[str] | None = None,
    num_processes: int | None = None,
    process_id: int | None = None,
) -> DistributionScope:
    """Data parallelism over several processes or machines.

    JAX: the processes are found from the arguments or JAX's own environment variables
    (``keras.distribution.initialize``), and each trains on its share of every global batch.
    TensorFlow: Keras 3 does not train under ``MultiWorkerMirroredStrategy`` (an open Keras
    issue), so this raises a clear error after checking ``TF_CONFIG``; use JAX, or
    ``distribute_data_parallel()`` on one machine.

    R: ``strategy <- tf$distribute$MultiWorkerMirroredStrategy()``
    Python: ``with distribute_multi_worker(): model = ...``
    """
    if _backend() == "tensorflow":
        cluster_from_environment()  # a TF_CONFIG that does not parse is reported first
        raise InvalidValueError(
            "distribute_multi_worker(): Keras 3's fit() does not run under TensorFlow's "
            "MultiWorkerMirroredStrategy (it fails inside TensorFlow with \"Attempt to "
            "convert a value (PerReplica...)\"; keras-team/keras issue 20585, open). Train on "
            "several processes with the JAX backend instead (use_backend(\"jax\") and "
            "distribute_multi_worker(job_addresses=, num_processes=, process_id=)), or on "
            "several devices of one machine with distribute_data_parallel()"
        )
    if _backend() == "jax":
        k = _keras.keras()
        k.distribution.initialize(job_addresses=",".join(job_addresses) if job_addresses
                                  else None, num_processes=num_processes,
                                  process_id=process_id)
        dist = k.distribution.DataParallel()
        return DistributionScope(dist, len(k.distribution.list_devices()), "DataParallel")
    raise InvalidValueError(
        f"distribute_multi_worker(): the {_backend()!r} backend has no multi-worker engine in "
        f"kerasr; use TensorFlow or JAX"
    )


def in_distribution(model: Any = None) -> bool:
    """True when ``model`` (or the current scope) trains under a multi-device engine.

    R: ``tf$distribute$has_strategy()``
    Python: ``in_distribution(model)``
    """
    if "keras" not in sys.modules:
        return False
    if _backend() == "tensorflow":
        tf = _keras.tensorflow()
        strategy = getattr(model, "distribute_strategy", None) if model is not None else None
        strategy = strategy or tf.distribute.get_strategy()
        return type(strategy).__name__ not in ("_DefaultDistributionStrategy",)
    if _backend() == "jax":
        return _keras.keras().distribution.distribution() is not None
    return False


def replica_count(model: Any) -> int:
    """How many replicas share each global batch of ``model`` (1 outside a strategy)."""
    if not in_distribution(model):
        return 1
    if _backend() == "tensorflow":
        return int(model.distribute_strategy.num_replicas_in_sync)
    return len(_keras.keras().distribution.distribution().device_mesh.devices.flatten())


def check_batch_size(function: str, model: Any, batch_size: int | None) -> None:
    """The global batch must split evenly over the replicas: TensorFlow fails inside its
    graph ("AddN must have the same size") and JAX with ``IndivisibleError`` otherwise.

    R: ``fit(model, x, y, batch_size = 33)``  # under a 2-device strategy: an error
    Python: ``check_batch_size("fit", model, 33)``  # says to use a multiple of 2
    """
    replicas = replica_count(model)
    if replicas > 1 and batch_size is not None and batch_size % replicas:
        lower = batch_size - batch_size % replicas
        raise InvalidValueError(
            f"{function}(): `batch_size` = {batch_size} does not split over the {replicas} "
            f"replicas of the distribution (the batch is global: each replica gets "
            f"batch_size / {replicas} rows); use a multiple of {replicas}, e.g. "
            f"batch_size = {lower or replicas} or {lower + replicas}"
        )


def check_model_scope(function: str, model: Any) -> None:
    """A TensorFlow strategy is active but the model was built outside it: TensorFlow would
    fail deep inside the optimizer, so say what to do instead.

    R: ``with(strategy$scope(), fit(model_built_outside, x, y))``  # fails in TensorFlow
    Python: ``check_model_scope("fit", model)``  # raises InvalidValueError saying what to do
    """
    if _backend() != "tensorflow":
        return
    tf = _keras.tensorflow()
    built_in = getattr(model, "_distribute_strategy", None)  # Keras records it at creation
    if tf.distribute.has_strategy() and built_in is None:
        raise InvalidValueError(
            f"{function}(): a distribution scope is active but the model was built outside "
            f"it. Build and compile the model inside `with distribute_data_parallel():`, then "
            f"call {function}() inside or after the block"
        )

