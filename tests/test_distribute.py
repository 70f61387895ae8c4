"""Issue 20: data-parallel and multi-worker training on Keras's own engines, on CPU.

Each check runs in a subprocess, because the devices must be configured before TensorFlow
or JAX starts: two logical CPU devices on TensorFlow, four host devices on JAX
(``XLA_FLAGS=--xla_force_host_platform_device_count=4``), and two TensorFlow workers on
127.0.0.1 with ``TF_CONFIG``. Every subprocess is bounded in time.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

TRAIN = """
import numpy as np
from kerasr import *
set_random_seed(1)
rng = np.random.default_rng(0)
x = rng.normal(size=(256, 4)).astype("float32")
y = (x @ np.array([1.0, -2.0, 0.5, 3.0], dtype="float32") + 0.1).astype("float32")

def build():
    model = keras_model_sequential() >> layer_dense(units=1, input_shape=4,
                                                     kernel_initializer="zeros")
    model >> compile(optimizer=optimizer_sgd(learning_rate=0.05), loss="mse")
    return model
"""


def script(*parts: str) -> str:
    """Join code pieces written at different indentations."""
    return "\n".join(textwrap.dedent(part) for part in parts)


def run(code: str, env: dict[str, str] | None = None, timeout: float = 240) -> dict:
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3",
                **(env or {})}
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                            text=True, timeout=timeout, env=full_env, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.tensorflow_only
def test_mirrored_strategy_on_two_logical_cpus_matches_one_device(tmp_path):
    code = script("""
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    """, TRAIN, f"""
    import json, os
    single = build()
    h1 = single >> fit(x, y, epochs=3, batch_size=32, verbose=0)
    with distribute_data_parallel() as scope:
        model = build()
    seen = []
    ck = os.path.join({str(tmp_path)!r}, "ck.keras")
    h2 = model >> fit(x, y, epochs=3, batch_size=32, verbose=0, callbacks=[
        callback_lambda(on_epoch_end=lambda e, logs: seen.append(e)),
        callback_model_checkpoint(ck)])
    loaded = load_model(ck)
    from kerasr.errors import InvalidValueError
    try:
        model >> fit(x, y, epochs=1, batch_size=33, verbose=0)
        uneven = "no error"
    except InvalidValueError as e:
        uneven = str(e)
    print(json.dumps({{"uneven": uneven, "devices": distribution_devices("CPU"),
                      "replicas": scope.num_replicas,
                      "spe": model.steps_per_execution, "one": h1.metrics.loss,
                      "two": h2.metrics.loss, "seen": seen,
                      "eval": list(model >> evaluate(x, y, verbose=0)),
                      "loaded_params": loaded.count_params()}}))
    """)
    out = run(code)
    assert len(out["devices"]) == 2 and out["replicas"] == 2
    assert out["spe"] == 1  # one batch per execution under a strategy
    assert out["seen"] == [0, 1, 2] and out["loaded_params"] == 5
    assert "does not split over the 2 replicas" in out["uneven"]
    assert out["two"] == pytest.approx(out["one"], rel=1e-3)
    assert 0 < out["eval"][0] < out["two"][0]  # evaluate() runs under the strategy too


def test_jax_data_parallel_on_four_host_devices():
    pytest.importorskip("jax")
    code = script(TRAIN, """
    import json
    single = build()
    h1 = single >> fit(x, y, epochs=3, batch_size=32, verbose=0)
    with distribute_data_parallel() as scope:
        model = build()
        h2 = model >> fit(x, y, epochs=3, batch_size=32, verbose=0)
    after = build()  # built outside any scope: trains on one device
    with distribute_data_parallel():
        later = build()
    h3 = later >> fit(x, y, epochs=3, batch_size=32, verbose=0)  # after the block
    import jax
    devices = {len(v.value.sharding.device_set) for v in later.trainable_variables}
    print(json.dumps({"devices": len(distribution_devices("CPU")), "replicas": scope.num_replicas,
                      "one": h1.metrics.loss, "two": h2.metrics.loss, "later": h3.metrics.loss,
                      "later_devices": sorted(devices), "spe": later.steps_per_execution}))
    """)
    out = run(code, env={"KERAS_BACKEND": "jax",
                         "XLA_FLAGS": "--xla_force_host_platform_device_count=4"})
    assert out["devices"] == 4 and out["replicas"] == 4
    # the same training, summed in another order over 4 shards: equal to float32 round-off
    assert out["two"] == pytest.approx(out["one"], rel=2e-2)
    # fit() after the block still trains under the model's distribution, on all 4 devices
    assert out["later"] == pytest.approx(out["two"], rel=2e-2)  # another shuffle order
    assert out["later_devices"] == [4] and out["spe"] == 1


WORKER = ROOT / "tests" / "distributed" / "worker.py"


def free_ports(n: int) -> list[int]:
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def start_workers(out: Path, n: int, backend: str, *args: str, join_timeout: float = 120,
                  started: int | None = None) -> list[subprocess.Popen]:
    """The first ``started`` (default all) of ``n`` workers (tests/distributed/worker.py) on
    127.0.0.1, the cluster in TF_CONFIG."""
    addresses = [f"127.0.0.1:{port}" for port in free_ports(n)]
    workers = []
    for index in range(n if started is None else started):
        env = {**os.environ, "PYTHONPATH": str(ROOT), "KERAS_BACKEND": backend,
               "KERASR_TEST_JOIN_TIMEOUT": str(join_timeout),
               "TF_CONFIG": json.dumps({"cluster": {"worker": addresses},
                                        "task": {"type": "worker", "index": index}})}
        workers.append(subprocess.Popen([sys.executable, str(WORKER), str(out), *args],
                                        env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True))
    return workers


def finish(worker: subprocess.Popen, timeout: float = 180) -> tuple[int, dict, str]:
    try:
        stdout, stderr = worker.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        worker.kill()
        stdout, stderr = worker.communicate()
        pytest.fail(f"a worker hung for {timeout} s:\n{stderr[-3000:]}")
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    return worker.returncode, json.loads(lines[-1]) if lines else {}, stderr


def one_process_fit() -> dict:
    return run(script(TRAIN, """
    import json
    model = build()
    h = model >> fit(x, y, epochs=3, batch_size=32, shuffle=False, verbose=0)
    print(json.dumps({"loss": h.metrics.loss, "eval": list(model >> evaluate(x, y, verbose=0)),
                      "weights": [float(w) for v in model.get_weights() for w in v.ravel()]}))
    """))


def check_two_workers_match_one_process(tmp_path: Path, backend: str) -> None:
    workers = start_workers(tmp_path, 2, backend)
    results = [finish(w) for w in workers]
    for code, out, err in results:
        assert code == 0 and "loss" in out, err[-3000:]
    (_, chief, _), (_, other, _) = results
    alone = one_process_fit()
    assert chief["processes"] == other["processes"] == 2
    assert chief["replicas"] == 2
    # one global batch of 32 split over two processes is the same step as one process's
    assert chief["loss"] == pytest.approx(alone["loss"], rel=1e-4)
    assert other["loss"] == pytest.approx(alone["loss"], rel=1e-4)
    assert chief["weights"] == pytest.approx(alone["weights"], rel=1e-4, abs=1e-6)
    assert other["weights"] == pytest.approx(chief["weights"], rel=1e-6, abs=1e-7)
    assert chief["pred_inside"] == pytest.approx(chief["pred"], rel=1e-6)
    assert chief["loaded_pred"] == pytest.approx(chief["pred"], rel=1e-6)
    # only the chief writes: the checkpoint, the CSV log and the saved model of process 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ck-0.keras", "log-0.csv",
                                                          "model-0.keras"]
    assert len((tmp_path / "log-0.csv").read_text().splitlines()) == 4  # header + 3 epochs


@pytest.mark.slow
@pytest.mark.tensorflow_only
def test_two_tensorflow_workers_match_one_process(tmp_path):
    check_two_workers_match_one_process(tmp_path, "tensorflow")


@pytest.mark.slow
def test_two_jax_processes_match_one_process(tmp_path):
    pytest.importorskip("jax")
    check_two_workers_match_one_process(tmp_path, "jax")


@pytest.mark.slow
@pytest.mark.tensorflow_only
def test_a_worker_that_dies_fails_the_other_clearly(tmp_path):
    workers = start_workers(tmp_path, 2, "tensorflow", "1")  # worker 1 dies after epoch 2
    (code0, chief, err0), (code1, _, _) = [finish(w, timeout=120) for w in workers]
    assert code1 == 3  # the crash itself
    assert code0 == 0, err0[-3000:]
    assert chief["failed"].startswith("fit(): another worker of the cluster stopped")
    assert "restart every worker" in chief["failed"]
    assert chief["seconds"] < 90  # TensorFlow's heartbeat notices within seconds, no hang


@pytest.mark.slow
@pytest.mark.tensorflow_only
def test_a_worker_that_never_joins_stops_the_wait_with_a_message(tmp_path):
    (lonely,) = start_workers(tmp_path, 2, "tensorflow", join_timeout=3, started=1)
    code, _, err = finish(lonely, timeout=90)
    assert code == -9  # TensorFlow cannot be interrupted while it waits
    assert "distribute_multi_worker(): worker 0 waited 3 s for the other worker(s)" in err
    assert "Start the same script on every worker" in err


@pytest.mark.tensorflow_only
def test_bad_inputs_are_clear():
    code = """
    import json, os
    from kerasr import *
    from kerasr.errors import InvalidValueError
    errors = []
    try:
        distribute_data_parallel(devices=["/gpu:7"])
    except InvalidValueError as e:
        errors.append(str(e))
    os.environ["TF_CONFIG"] = "{not json"
    try:
        distribute_multi_worker()
    except InvalidValueError as e:
        errors.append(str(e))
    try:
        distribution_devices("QPU")
    except InvalidValueError as e:
        errors.append(str(e))
    model = keras_model_sequential() >> layer_dense(units=1, input_shape=2)
    model >> compile(optimizer="sgd", loss="mse")
    import numpy as np
    os.environ.pop("TF_CONFIG")
    with distribute_data_parallel():
        try:
            model >> fit(np.zeros((4, 2)), np.zeros(4), epochs=1, verbose=0)
        except InvalidValueError as e:
            errors.append(str(e))
    print(json.dumps(errors))
    """
    out = run(code)
    assert "does not exist here" in out[0] and "/gpu:7" in out[0]
    assert "TF_CONFIG is not valid JSON" in out[1]
    assert "`device_type` must be" in out[2]
    assert "built outside" in out[3]


@pytest.mark.parametrize("raw, expected", [
    ("{not json", "TF_CONFIG is not valid JSON"),
    ("[1, 2]", "TF_CONFIG must be a JSON object"),
    ('{"cluster": {"worker": []}, "task": {"index": 0}}', "needs a `cluster` with a `worker`"),
    ('{"cluster": {"worker": ["a:1"], "ps": ["b:2"]}, "task": {"index": 0}}',
     "parameter servers are not supported"),
    ('{"cluster": {"worker": ["nohost"]}, "task": {"index": 0}}', "is not \"host:port\""),
    ('{"cluster": {"worker": ["a:1", "b:2"]}, "task": {"type": "worker", "index": 2}}',
     "task index 2 is out of range for 2 worker(s); use 0 to 1"),
    ('{"cluster": {"worker": ["a:1"]}, "task": {"type": "evaluator", "index": 0}}',
     "task type 'evaluator' is not a job"),
    ('{"cluster": {"worker": ["a:1"]}, "task": {"index": "first"}}', "must be a whole number"),
])
def test_a_cluster_spec_that_does_not_parse_says_why(raw, expected):
    from kerasr.distribute.cluster import cluster_from_tf_config
    from kerasr.errors import InvalidValueError

    with pytest.raises(InvalidValueError) as error:
        cluster_from_tf_config(raw)
    assert str(error.value).startswith("distribute_multi_worker(): ")
    assert expected in str(error.value)


def test_the_chief_comes_first_and_arguments_match_tf_config():
    from kerasr.distribute.cluster import cluster_from_arguments, cluster_from_tf_config
    from kerasr.errors import InvalidValueError

    config = {"cluster": {"chief": ["c:1"], "worker": ["w:1", "w:2"]},
              "task": {"type": "worker", "index": 1}}
    cluster = cluster_from_tf_config(json.dumps(config))
    assert cluster.addresses == ("c:1", "w:1", "w:2") and cluster.process_id == 2
    assert cluster.num_processes == 3
    same = cluster_from_arguments(["c:1", "w:1", "w:2"], None, 2)
    assert same.addresses == cluster.addresses and same.process_id == 2
    assert cluster_from_arguments("c:1,w:1", None, 0).addresses == ("c:1", "w:1")
    assert cluster_from_arguments(None, None, None) is None
    for args, expected in [((["a:1", "b:1"], None, 2), "from 0 to 1"),
                           ((["a:1", "b:1"], 3, 0), "has 2 address(es) but `num_processes` is 3"),
                           ((["a:1"], None, None), "give `job_addresses` and `process_id`"),
                           ((["a:1"], 0, 0), "at least 1")]:
        with pytest.raises(InvalidValueError, match=expected.replace("(", r"\(")
                           .replace(")", r"\)")):
            cluster_from_arguments(*args)


def test_processes_other_than_the_chief_write_nothing(tmp_path):
    from kerasr import atomic

    target = tmp_path / "model.bin"
    target.write_bytes(b"old")
    try:
        atomic.set_writer(lambda: False)
        with atomic.atomic_path(target, "save_model") as tmp:
            Path(tmp).write_bytes(b"new")  # the saving code runs in full ...
            assert Path(tmp).parent != tmp_path
        atomic.write_text(tmp_path / "log.csv", "a,b\n", "callback_csv_logger")
    finally:
        atomic.set_writer(lambda: True)
    assert target.read_bytes() == b"old"  # ... but lands nowhere
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.bin"]
    atomic.write_text(tmp_path / "log.csv", "a,b\n", "callback_csv_logger")
    assert (tmp_path / "log.csv").read_text() == "a,b\n"


def test_deadline_stops_a_process_stuck_where_python_cannot_interrupt_it():
    code = """
    import time
    from kerasr.distribute.watchdog import deadline
    with deadline(30, "never printed"):
        pass  # returns in time: the watchdog leaves quietly
    with deadline(0.5, "f(): stuck for 0.5 s"):
        time.sleep(30)
    print("not reached")
    """
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                            text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == -9
    assert "f(): stuck for 0.5 s" in result.stderr and "never printed" not in result.stderr
    assert "not reached" not in result.stdout


@pytest.mark.parametrize("timeout", [0, -1, "10", True])
def test_multi_worker_timeout_must_be_positive_seconds(timeout):
    from kerasr import distribute_multi_worker
    from kerasr.errors import InvalidValueError

    with pytest.raises(InvalidValueError, match="`timeout` must be a positive number"):
        distribute_multi_worker(job_addresses=["127.0.0.1:1"], process_id=0, timeout=timeout)


def test_only_the_chief_keeps_a_run_record(tmp_path):
    (tmp_path / "train.py").write_text("print('trained')\n")
    code = f"""
    import json, os
    os.chdir({str(tmp_path)!r})
    from kerasr import training_run
    cluster = {{"worker": ["127.0.0.1:1", "127.0.0.1:2"]}}
    os.environ["TF_CONFIG"] = json.dumps({{"cluster": cluster,
                                          "task": {{"type": "worker", "index": 1}}}})
    other = training_run("train.py", view=False, echo=False)
    after_other = sorted(os.listdir("."))
    os.environ["TF_CONFIG"] = json.dumps({{"cluster": cluster,
                                          "task": {{"type": "worker", "index": 0}}}})
    chief = training_run("train.py", view=False, echo=False)
    print(json.dumps({{"after_other": after_other, "runs": os.listdir("runs"),
                      "other_completed": bool(other["completed"][0]),
                      "chief_completed": bool(chief["completed"][0])}}))
    """
    out = run(code)
    assert out["after_other"] == ["train.py"]  # worker 1 ran the script but kept nothing
    assert out["other_completed"] and out["chief_completed"]
    assert len(out["runs"]) == 1  # the chief's run
