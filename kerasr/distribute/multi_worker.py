"""Several processes or machines: ``distribute_multi_worker()`` on TensorFlow and JAX.

- TensorFlow: ``tf.distribute.MultiWorkerMirroredStrategy``, the cluster from ``TF_CONFIG`` (or
  the arguments), with two fixes that Keras 3 needs to fit under it (:mod:`.keras_fixes`) and a
  time limit on the start, which otherwise waits for ever for a worker that never joins.
- JAX: ``keras.distribution.initialize()`` then ``DataParallel`` over every process's devices;
  the cluster from the arguments, Keras's ``KERAS_DISTRIBUTION_*`` variables or ``TF_CONFIG``.

Every process runs the same script. Process 0 is the chief: only it writes files (models,
checkpoints, logs, run records); the others run the same saving code, so that the engines'
collective steps match, and throw the result away.

R: ``strategy <- tf$distribute$MultiWorkerMirroredStrategy(); with(strategy$scope(), ...)``
Python: ``with distribute_multi_worker(): model = ...``
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

from .. import _keras, atomic
from ..errors import InvalidValueError, KerasrError
from .cluster import Cluster, cluster_from_arguments, cluster_from_environment
from .keras_fixes import install_multi_worker_fixes
from .scopes import DistributionScope, backend_name
from .watchdog import deadline

__all__ = ["WorkerFailedError", "distribute_multi_worker"]

#: Seconds to wait for every worker to join before giving up (TensorFlow).
JOIN_TIMEOUT = 600.0


class WorkerFailedError(KerasrError, RuntimeError):
    """Another worker of a multi-worker fit stopped (crashed, was killed, lost its network).

    R: ``tryCatch(fit(model, x, y), error = function(e) ...)``
    Python: ``except WorkerFailedError as e: print(e)``
    """


def _tensorflow_scope(cluster: Cluster, timeout: float | None) -> DistributionScope:
    tf = _keras.tensorflow()
    if "" in cluster.addresses:
        raise InvalidValueError(
            "distribute_multi_worker(): on TensorFlow every worker's address is needed: "
            "give `job_addresses` with one \"host:port\" per process (or set TF_CONFIG)")
    install_multi_worker_fixes()
    resolver = tf.distribute.cluster_resolver.SimpleClusterResolver(
        tf.train.ClusterSpec({"worker": list(cluster.addresses)}), task_type="worker",
        task_id=cluster.process_id, rpc_layer="grpc")
    others = [f"{i} ({a})" for i, a in enumerate(cluster.addresses) if i != cluster.process_id]
    message = (
        f"distribute_multi_worker(): worker {cluster.process_id} waited {timeout:g} s for the "
        f"other worker(s) of the cluster ({', '.join(others)}, from {cluster.source}) and "
        f"stopped this process: TensorFlow cannot be interrupted while it waits. Start the "
        f"same script on every worker, check the addresses and ports, or give a longer "
        f"`timeout`." if timeout is not None else "")
    with deadline(timeout, message):
        strategy = tf.distribute.MultiWorkerMirroredStrategy(cluster_resolver=resolver)
    scope = DistributionScope(strategy, int(strategy.num_replicas_in_sync),
                              "MultiWorkerMirroredStrategy")
    scope.process_id, scope.num_processes = cluster.process_id, cluster.num_processes
    return scope


def _jax_scope(cluster: Cluster | None) -> DistributionScope:
    k = _keras.keras()
    if cluster is None:  # KERAS_DISTRIBUTION_* variables, or found by JAX (Cloud TPU, SLURM)
        k.distribution.initialize()
    else:
        coordinator = cluster.addresses[0]
        k.distribution.initialize(job_addresses=coordinator,
                                  num_processes=cluster.num_processes,
                                  process_id=cluster.process_id)
    dist = k.distribution.DataParallel()
    scope = DistributionScope(dist, len(k.distribution.list_devices()), "DataParallel")
    scope.num_processes = int(getattr(dist, "num_processes", 1))
    scope.process_id = int(getattr(dist, "_process_id", 0))
    return scope


def distribute_multi_worker(
    job_addresses: Sequence[str] | str | None = None,
    num_processes: int | None = None,
    process_id: int | None = None,
    timeout: float | None = JOIN_TIMEOUT,
) -> DistributionScope:
    """Data parallelism over several processes or machines; every process runs this script.

    The cluster comes from the arguments (``job_addresses``: every process's ``"host:port"``,
    process 0 first; ``process_id``: this one's place), else from ``TF_CONFIG`` (on both
    backends), else (JAX) from ``KERAS_DISTRIBUTION_*`` or the machine's scheduler. The
    global batch is ``batch_size`` split over every replica of every process. Only process
    0 writes files. On TensorFlow a worker that has not joined within ``timeout`` seconds
    (None: wait for ever) stops the others with a message; one that dies during ``fit()``
    makes the others raise :class:`WorkerFailedError`.

    R: ``strategy <- tf$distribute$MultiWorkerMirroredStrategy()``
    Python: ``with distribute_multi_worker(): model = ...``  # TF_CONFIG set by the launcher
    """
    if timeout is not None and (isinstance(timeout, bool)
                                or not isinstance(timeout, (int, float)) or timeout <= 0):
        raise InvalidValueError(
            f"distribute_multi_worker(): `timeout` must be a positive number of seconds or "
            f"None (wait for ever), got {timeout!r}")
    cluster = cluster_from_arguments(job_addresses, num_processes, process_id) \
        or cluster_from_environment()
    backend = backend_name()
    if backend == "tensorflow":
        if cluster is None:
            raise InvalidValueError(
                "distribute_multi_worker(): no cluster given: set TF_CONFIG (e.g. "
                "{\"cluster\": {\"worker\": [\"host1:2222\", \"host2:2222\"]}, \"task\": "
                "{\"type\": \"worker\", \"index\": 0}}) or pass job_addresses= and "
                "process_id=")
        scope = _tensorflow_scope(cluster, timeout)
    elif backend == "jax":
        scope = _jax_scope(cluster)
    else:
        raise InvalidValueError(
            f"distribute_multi_worker(): the {backend!r} backend has no multi-worker engine "
            f"in kerasr; use TensorFlow or JAX (use_backend(\"jax\"))")
    atomic.set_writer(lambda: scope.is_chief)
    return scope


_FAILURES = ("UnavailableError", "AbortedError", "DeadlineExceededError", "CancelledError")


@contextlib.contextmanager
def worker_failures(function: str) -> Iterator[None]:
    """Turn TensorFlow's report of a dead peer into a :class:`WorkerFailedError`.

    R: ``fit(model, x, y)``  # under MultiWorkerMirroredStrategy, a peer dies
    Python: ``with worker_failures("fit"): model.fit(...)``
    """
    try:
        yield
    except Exception as error:
        if type(error).__name__ not in _FAILURES or not _collective(error):
            raise
        lines = str(getattr(error, "message", error)).strip().splitlines()
        first = " ".join(line.strip() for line in lines[:2])[:500]
        raise WorkerFailedError(
            f"{function}(): another worker of the cluster stopped, so this one cannot go on "
            f"(every step needs all workers). TensorFlow said: {first}. Find why it stopped "
            f"(its own output), then restart every worker; "
            f"callback_model_checkpoint() files let training resume from the last epoch"
        ) from error


def _collective(error: BaseException) -> bool:
    text = str(error)
    return any(key in text for key in ("Collective", "unhealthy", "heartbeat", "peer",
                                       "task", "worker"))

