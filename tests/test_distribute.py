"""Issue 20: data-parallel and multi-worker training on Keras's own engines, on CPU.

Each check runs in a subprocess, because the devices must be configured before TensorFlow
or JAX starts: two logical CPU devices on TensorFlow, four host devices on JAX
(``XLA_FLAGS=--xla_force_host_platform_device_count=4``), and two TensorFlow workers on
127.0.0.1 with ``TF_CONFIG``. Every subprocess is bounded in time.
"""

from __future__ import annotations

import json
import os
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
    print(json.dumps({"devices": len(distribution_devices("CPU")), "replicas": scope.num_replicas,
                      "one": h1.metrics.loss, "two": h2.metrics.loss}))
    """)
    out = run(code, env={"KERAS_BACKEND": "jax",
                         "XLA_FLAGS": "--xla_force_host_platform_device_count=4"})
    assert out["devices"] == 4 and out["replicas"] == 4
    # the same training, summed in another order over 4 shards: equal to float32 round-off
    assert out["two"] == pytest.approx(out["one"], rel=2e-2)


@pytest.mark.tensorflow_only
def test_multi_worker_on_tensorflow_says_what_to_use_instead():
    code = """
    import json, os
    from kerasr import *
    from kerasr.errors import InvalidValueError
    os.environ["TF_CONFIG"] = json.dumps({"cluster": {"worker": ["127.0.0.1:1", "127.0.0.1:2"]},
                                          "task": {"type": "worker", "index": 0}})
    try:
        distribute_multi_worker()
        print(json.dumps("no error"))
    except InvalidValueError as e:
        print(json.dumps(str(e)))
    """
    message = run(code)
    assert "keras-team/keras issue 20585" in message and "JAX" in message


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
