"""Who takes part in a multi-worker fit: the cluster from the arguments or the environment.

TensorFlow's convention is ``TF_CONFIG``, a JSON value such as
``{"cluster": {"worker": ["10.0.0.1:2222", "10.0.0.2:2222"]}, "task": {"type": "worker",
"index": 0}}`` (an optional ``chief`` job comes first). kerasr reads the same variable on both
backends, so one launch script serves TensorFlow and JAX. This module never imports Keras.

R: ``Sys.setenv(TF_CONFIG = jsonlite::toJSON(list(cluster = ..., task = ...)))``
Python: ``cluster_from_environment()``
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Sequence
from typing import Any

from ..errors import InvalidValueError

__all__: list[str] = []

_EXAMPLE = ('{"cluster": {"worker": ["host1:2222", "host2:2222"]}, '
            '"task": {"type": "worker", "index": 0}}')


@dataclasses.dataclass(frozen=True)
class Cluster:
    """The processes of a multi-worker fit, in order: process 0 (the chief) first.

    ``addresses`` are ``"host:port"`` strings, one per process; ``process_id`` is this
    process's place in them; ``source`` says where they came from (for error messages).
    """

    addresses: tuple[str, ...]
    process_id: int
    source: str

    @property
    def num_processes(self) -> int:
        return len(self.addresses)

    def tf_config(self) -> dict[str, Any]:
        """The same cluster as the ``TF_CONFIG`` value TensorFlow reads."""
        return {"cluster": {"worker": list(self.addresses)},
                "task": {"type": "worker", "index": self.process_id}}


def _fail(message: str) -> InvalidValueError:
    return InvalidValueError(f"distribute_multi_worker(): {message}")


def _check_address(address: Any, where: str) -> str:
    host, sep, port = str(address).rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise _fail(f"{where} has {address!r}, which is not \"host:port\" "
                    f"(e.g. \"10.0.0.1:2222\")")
    return str(address)


def cluster_from_tf_config(raw: str) -> Cluster:
    """Parse a ``TF_CONFIG`` value, with errors that say what is wrong and what it should be.

    R: ``jsonlite::fromJSON(Sys.getenv("TF_CONFIG"))``
    Python: ``cluster_from_tf_config(os.environ["TF_CONFIG"])``
    """
    try:
        config = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise _fail(f"TF_CONFIG is not valid JSON ({exc.msg} at column {exc.colno}); it "
                    f"should look like {_EXAMPLE}") from None
    if not isinstance(config, dict):
        raise _fail(f"TF_CONFIG must be a JSON object like {_EXAMPLE}")
    cluster, task = config.get("cluster"), config.get("task")
    if not isinstance(cluster, dict) or not isinstance(task, dict) or "index" not in task \
            or not any(isinstance(cluster.get(job), list) and cluster.get(job)
                       for job in ("chief", "worker")):
        raise _fail("TF_CONFIG needs a `cluster` with a `worker` (or `chief`) list of "
                    f"\"host:port\" addresses and a `task` with `type` and `index`, like "
                    f"{_EXAMPLE}")
    unknown = sorted(set(cluster) - {"chief", "worker"})
    if unknown:
        raise _fail(f"TF_CONFIG's cluster has job(s) {unknown}; data-parallel training uses "
                    f"only `chief` and `worker` (parameter servers are not supported)")
    chief = [_check_address(a, "TF_CONFIG's `chief` list") for a in cluster.get("chief") or []]
    workers = [_check_address(a, "TF_CONFIG's `worker` list")
               for a in cluster.get("worker") or []]
    if len(chief) > 1:
        raise _fail(f"TF_CONFIG's cluster has {len(chief)} chiefs; there can be one")
    kind = task.get("type", "worker")
    jobs = {"chief": chief, "worker": workers}
    if kind not in jobs or not jobs[kind]:
        raise _fail(f"TF_CONFIG's task type {kind!r} is not a job of its cluster "
                    f"({', '.join(k for k, v in jobs.items() if v)})")
    try:
        index = int(task["index"])
    except (TypeError, ValueError):
        raise _fail(f"TF_CONFIG's task index must be a whole number, got "
                    f"{task['index']!r}") from None
    if not 0 <= index < len(jobs[kind]):
        raise _fail(f"TF_CONFIG's task index {index} is out of range for "
                    f"{len(jobs[kind])} {kind}(s); use 0 to {len(jobs[kind]) - 1}")
    position = index if kind == "chief" else len(chief) + index
    return Cluster(tuple(chief + workers), position, "TF_CONFIG")


def cluster_from_environment() -> Cluster | None:
    """``TF_CONFIG`` parsed (None when it is not set).

    R: ``Sys.getenv("TF_CONFIG")``
    Python: ``cluster_from_environment()``
    """
    raw = os.environ.get("TF_CONFIG", "")
    return cluster_from_tf_config(raw) if raw.strip() else None


def cluster_from_arguments(job_addresses: Sequence[str] | str | None,
                           num_processes: int | None,
                           process_id: int | None) -> Cluster | None:
    """The cluster given as ``distribute_multi_worker()``'s arguments (None when not given).

    ``job_addresses`` lists every process's ``"host:port"``, process 0 first (a single
    address is process 0's, the coordinator, when ``num_processes`` says how many).

    R: ``distribute_multi_worker(job_addresses = c("h1:2222", "h2:2222"), process_id = 0)``
    Python: ``cluster_from_arguments(["h1:2222", "h2:2222"], None, 0)``
    """
    if job_addresses is None and num_processes is None and process_id is None:
        return None
    if job_addresses is None or process_id is None:
        raise _fail("give `job_addresses` and `process_id` together (and `num_processes` "
                    "when `job_addresses` is only the coordinator), or none of them to read "
                    "the cluster from TF_CONFIG")
    addresses = [job_addresses] if isinstance(job_addresses, str) else list(job_addresses)
    addresses = [a for item in addresses for a in str(item).split(",") if a.strip()]
    addresses = [_check_address(a.strip(), "`job_addresses`") for a in addresses]
    if not addresses:
        raise _fail("`job_addresses` is empty; give \"host:port\" of every process")
    count = len(addresses) if num_processes is None else num_processes
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise _fail(f"`num_processes` must be a whole number of at least 1, got "
                    f"{num_processes!r}")
    if len(addresses) not in (1, count):
        raise _fail(f"`job_addresses` has {len(addresses)} address(es) but `num_processes` "
                    f"is {count}; give one address per process (or only process 0's)")
    if not isinstance(process_id, int) or isinstance(process_id, bool) \
            or not 0 <= process_id < count:
        raise _fail(f"`process_id` must be a whole number from 0 to {count - 1}, got "
                    f"{process_id!r}")
    if len(addresses) < count:  # only the coordinator's address: enough for JAX
        addresses = addresses + [""] * (count - 1)
    return Cluster(tuple(addresses), process_id, "the arguments")


def chief_by_environment() -> bool:
    """False in a process that the environment names as a multi-worker fit's non-chief
    (``TF_CONFIG``'s task, or ``KERAS_DISTRIBUTION_PROCESS_ID``); True otherwise.

    R: ``jsonlite::fromJSON(Sys.getenv("TF_CONFIG"))$task$index == 0``
    Python: ``chief_by_environment()``
    """
    try:
        cluster = cluster_from_environment()
    except InvalidValueError:
        return True  # distribute_multi_worker() reports it when the script gets there
    if cluster is not None:
        return cluster.process_id == 0
    process = os.environ.get("KERAS_DISTRIBUTION_PROCESS_ID", "").strip()
    return not process.isdigit() or int(process) == 0
