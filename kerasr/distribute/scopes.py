"""One machine, several devices: the distribution scope, device listing and the checks that
``fit()`` runs under a scope.

Build (and compile) the model inside the ``with`` block; ``fit()``, ``evaluate()``,
``predict()``, callbacks, the history and checkpoints then work unchanged. The batch size
is the *global* batch: each of N replicas gets ``batch_size / N`` rows per step.

R: ``strategy <- tf$distribute$MirroredStrategy(); with(strategy$scope(), { model <- ... })``
Python: ``with distribute_data_parallel(): model = ...``
"""

from __future__ import annotations

import contextlib
import sys
import weakref
from collections.abc import Iterator, Sequence
from typing import Any

from .. import _keras
from ..errors import InvalidValueError

__all__ = [
    "DistributionScope",
    "distribute_data_parallel",
    "distribution_devices",
    "in_distribution",
]


def backend_name() -> str:
    """The Keras backend's name (``"tensorflow"``, ``"jax"``, ...).

    R: ``keras3::configbackend_name()``
    Python: ``backend_name()``
    """
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
    if backend_name() == "tensorflow":
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
    many copies of the model train in step (the global batch is split among them);
    ``process_id`` and ``num_processes`` say which process of a multi-worker fit this is
    (``is_chief``: process 0, the one that writes files).

    R: ``strategy <- tf$distribute$MirroredStrategy(); strategy$num_replicas_in_sync``
    Python: ``scope = distribute_data_parallel(); scope.num_replicas``
    """

    def __init__(self, engine: Any, num_replicas: int, kind: str) -> None:
        self.engine = engine
        self.num_replicas = num_replicas
        self.kind = kind
        self._stack: contextlib.ExitStack | None = None
        self.process_id = 0
        self.num_processes = 1

    @property
    def is_chief(self) -> bool:
        """True in the process that writes files (process 0); the others write nowhere."""
        return self.process_id == 0

    def __enter__(self) -> DistributionScope:
        self._stack = contextlib.ExitStack()
        self._stack.enter_context(self.engine.scope())
        return self

    def __exit__(self, *exc: Any) -> None:
        assert self._stack is not None
        self._stack.close()
        self._stack = None

    def __repr__(self) -> str:
        processes = (f", process {self.process_id} of {self.num_processes}"
                     if self.num_processes > 1 else "")
        return f"<{self.kind}: {self.num_replicas} replica(s) on {backend_name()}{processes}>"


def distribute_data_parallel(devices: Sequence[str] | None = None) -> DistributionScope:
    """Data parallelism on this machine: one model copy per device, gradients averaged.

    ``devices``: device names (default: all visible, see ``distribution_devices()``).

    R: ``strategy <- tf$distribute$MirroredStrategy(); with(strategy$scope(), {...})``
    Python: ``with distribute_data_parallel(): model = ...; model >> compile(...)``
    """
    devices = _check_devices("distribute_data_parallel", devices)
    if backend_name() == "tensorflow":
        strategy = _keras.tensorflow().distribute.MirroredStrategy(devices=devices)
        return DistributionScope(strategy, int(strategy.num_replicas_in_sync),
                                 "MirroredStrategy")
    if backend_name() == "jax":
        dist = _keras.keras().distribution.DataParallel(devices=devices)
        n = len(devices) if devices else len(_keras.keras().distribution.list_devices())
        return DistributionScope(dist, n, "DataParallel")
    raise InvalidValueError(
        f"distribute_data_parallel(): the {backend_name()!r} backend has no data-parallel engine "
        f"in kerasr; use TensorFlow or JAX (use_backend(\"jax\"))"
    )


#: JAX models compiled under a distribution, and that distribution: Keras's JAX trainer uses
#: whichever distribution is active when fit() runs, so kerasr re-enters the model's own.
_MODEL_DISTRIBUTIONS: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def remember_distribution(model: Any) -> None:
    """Record the active JAX distribution for ``model`` (called by ``compile()``).

    R: ``with(strategy$scope(), model %>% compile(...))``
    Python: ``remember_distribution(model)``
    """
    if "keras" in sys.modules and backend_name() == "jax":
        dist = _keras.keras().distribution.distribution()
        if dist is not None:
            _MODEL_DISTRIBUTIONS[model] = dist
        else:
            _MODEL_DISTRIBUTIONS.pop(model, None)


def _model_distribution(model: Any) -> Any:
    try:
        return _MODEL_DISTRIBUTIONS.get(model) if model is not None else None
    except TypeError:  # not weak-referenceable: not a Keras model
        return None


@contextlib.contextmanager
def model_distribution(model: Any) -> Iterator[None]:
    """Run the block under the distribution ``model`` was compiled in (JAX), so ``fit()``
    after the ``with`` block trains on every device as it does inside it.

    R: ``fit(model, x, y)``  # after with(strategy$scope(), ...)
    Python: ``with model_distribution(model): model.fit(x, y)``
    """
    dist = _model_distribution(model)
    if dist is None or _keras.keras().distribution.distribution() is not None:
        yield
        return
    with dist.scope():
        yield


@contextlib.contextmanager
def local_prediction() -> Iterator[None]:
    """Predict per process under a multi-process JAX distribution: each process gets the
    predictions of its own rows (Keras cannot gather them across processes, and fails).

    R: ``predict(model, x_mine)``  # on every worker
    Python: ``with local_prediction(): model.predict(x_mine)``
    """
    if "keras" not in sys.modules or backend_name() != "jax":
        yield
        return
    distribution = _keras.keras().distribution
    active = distribution.distribution()
    if active is None or int(getattr(active, "num_processes", 1)) <= 1:
        yield
        return
    distribution.set_distribution(None)
    try:
        yield
    finally:
        distribution.set_distribution(active)


def in_distribution(model: Any = None) -> bool:
    """True when ``model`` (or the current scope) trains under a multi-device engine.

    R: ``tf$distribute$has_strategy()``
    Python: ``in_distribution(model)``
    """
    if "keras" not in sys.modules:
        return False
    if backend_name() == "tensorflow":
        tf = _keras.tensorflow()
        strategy = getattr(model, "distribute_strategy", None) if model is not None else None
        strategy = strategy or tf.distribute.get_strategy()
        return type(strategy).__name__ not in ("_DefaultDistributionStrategy",)
    if backend_name() == "jax":
        return (_keras.keras().distribution.distribution() is not None
                or _model_distribution(model) is not None)
    return False


def replica_count(model: Any) -> int:
    """How many replicas share each global batch of ``model`` (1 outside a strategy)."""
    if not in_distribution(model):
        return 1
    if backend_name() == "tensorflow":
        return int(model.distribute_strategy.num_replicas_in_sync)
    dist = _keras.keras().distribution.distribution() or _model_distribution(model)
    replicas = len(dist.device_mesh.devices.flatten())
    return replicas // max(1, int(getattr(dist, "num_processes", 1)))  # batch_size is local


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
    if backend_name() != "tensorflow":
        return
    tf = _keras.tensorflow()
    built_in = getattr(model, "_distribute_strategy", None)  # Keras records it at creation
    if tf.distribute.has_strategy() and built_in is None:
        raise InvalidValueError(
            f"{function}(): a distribution scope is active but the model was built outside "
            f"it. Build and compile the model inside `with distribute_data_parallel():`, then "
            f"call {function}() inside or after the block"
        )

