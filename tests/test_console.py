"""A quiet console: TensorFlow's C++ start-up lines are dropped while kerasr imports Keras,
what else is written to stderr meanwhile is kept, and ``KERASR_TF_LOG=1`` shows it all."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOISE = [
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
    "I0000 00:00:1796138228.625695    4816 port.cc:153] oneDNN custom operations are on.",
    "W0000 00:00:1796138228.625695    4816 cpu_feature_guard.cc:227] This TensorFlow binary",
    "To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow "
    "with the appropriate compiler flags.",
]


def _child(code: str, **env: str) -> subprocess.CompletedProcess:
    child_env = {k: v for k, v in os.environ.items()
                 if k not in ("TF_CPP_MIN_LOG_LEVEL", "KERASR_TF_LOG")}
    child_env["PYTHONPATH"] = os.pathsep.join([str(ROOT), child_env.get("PYTHONPATH", "")])
    child_env.update(env)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=child_env, timeout=300)


def test_start_up_noise_is_dropped_and_the_rest_replayed_in_order() -> None:
    first = ("\n".join(NOISE[:2]) + "\n").encode()
    rest = ("\n".join(NOISE[2:]) + "\n").encode()
    code = (
        "import os, sys, warnings\n"
        "from kerasr._keras import _quiet_tensorflow_start\n"
        "with _quiet_tensorflow_start():\n"
        f"    os.write(2, {first!r})\n"
        "    os.write(2, b'E0000 00:00:1.2 77 cuda.cc:1] a real error\\n')\n"
        f"    os.write(2, {rest!r})\n"
        "    warnings.warn('a Python warning')\n"
        "    print('to stdout')\n"
        "print('after', file=sys.stderr)\n"
        "print(os.environ['TF_CPP_MIN_LOG_LEVEL'])\n"
    )
    proc = _child(code)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert lines[0] == "E0000 00:00:1.2 77 cuda.cc:1] a real error"
    assert "UserWarning: a Python warning" in lines[1]
    assert lines[-1] == "after"
    for noise in NOISE:
        assert noise not in proc.stderr
    assert proc.stdout.split() == ["to", "stdout", "2"]


def test_tf_log_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    from kerasr._keras import tf_log_shown
    from kerasr.options import set_option

    monkeypatch.delenv("KERASR_TF_LOG", raising=False)
    assert tf_log_shown() is False
    monkeypatch.setenv("KERASR_TF_LOG", "1")
    assert tf_log_shown() is True
    set_option("kerasr.tf_log", False)  # the option beats the variable
    try:
        assert tf_log_shown() is False
    finally:
        set_option("kerasr.tf_log", None)


def test_keras_trainer_retracing_warning_is_filtered_and_others_kept() -> None:
    import logging

    from kerasr._keras import KerasTraceWarningFilter

    def record(message: str) -> logging.LogRecord:
        return logging.LogRecord("tensorflow", logging.WARNING, __file__, 1, message, None, None)

    keep = KerasTraceWarningFilter().filter
    template = ("5 out of the last 5 calls to <function {} at 0x7f> triggered tf.function "
                "retracing. Tracing is expensive")
    assert not keep(record(template.format(
        "TensorFlowTrainer.make_predict_function.<locals>.multi_step_on_data")))
    assert not keep(record(template.format(
        "TensorFlowTrainer._make_function.<locals>.multi_step_on_iterator")))
    assert keep(record(template.format("my_step")))  # a user's own tf.function still warns
    assert keep(record("some other TensorFlow warning about TensorFlowTrainer."))


#: Five models fitted and used in turn, as a k-fold loop or a learning-rate sweep does.
_LOOP = """
import numpy as np
import kerasr
from kerasr import (compile, evaluate, fit, keras_model_sequential, layer_dense, predict,
                    set_random_seed)
rng = np.random.default_rng(0)
x, y = rng.normal(size=(200, 3)), rng.normal(size=200)
for i in range(5):
    set_random_seed(i)
    model = keras_model_sequential() >> layer_dense(units=4, input_shape=3) >> layer_dense(1)
    model >> compile(optimizer="sgd", loss="mse")
    model >> fit(x, y, epochs=2, validation_split=0.2, verbose=0)
    model >> evaluate(x, y, verbose=0)
    model >> predict(x, verbose=0)
print("loaded")
"""


@pytest.mark.slow
def test_a_loop_of_models_prints_no_tensorflow_lines() -> None:
    quiet = _child(_LOOP)
    assert quiet.returncode == 0 and quiet.stdout.strip() == "loaded", quiet.stderr
    for noise in ("oneDNN", "absl::InitializeLog", "cpu_feature_guard", "retracing"):
        assert noise not in quiet.stderr, noise
    loud = _child(_LOOP, KERASR_TF_LOG="1")
    assert loud.returncode == 0, loud.stderr
    assert "triggered tf.function retracing" in loud.stderr  # the cause is still there
    if platform.machine() in ("x86_64", "AMD64"):  # TensorFlow's oneDNN builds
        assert "oneDNN custom operations" in loud.stderr


def test_tensorflow_imported_later_by_keras_on_jax_is_quiet_too() -> None:
    """On JAX, Keras imports TensorFlow only when it needs ``tf.data`` (here: for the
    checkpoint callback's file saving), long after kerasr loaded Keras."""
    pytest.importorskip("jax")
    code = (
        "import sys, numpy as np\n"
        "from kerasr import *\n"
        "m = keras_model_sequential() >> layer_dense(units=1, input_shape=3)\n"
        "m >> compile(optimizer='sgd', loss='mse')\n"
        "print('tf before fit:', 'tensorflow' in sys.modules)\n"
        "import tempfile, os\n"
        "ck = os.path.join(tempfile.mkdtemp(), 'ck.keras')\n"
        "m >> fit(np.ones((8, 3)), np.ones(8), epochs=1, verbose=0,\n"
        "         callbacks=[callback_model_checkpoint(ck)])\n"
        "print('tf after fit:', 'tensorflow' in sys.modules)\n"
    )
    quiet = _child(code, KERAS_BACKEND="jax")
    assert quiet.returncode == 0, quiet.stderr
    assert "tf before fit: False" in quiet.stdout and "tf after fit: True" in quiet.stdout
    assert "oneDNN" not in quiet.stderr and "absl::InitializeLog" not in quiet.stderr
    loud = _child(code, KERAS_BACKEND="jax", KERASR_TF_LOG="1")
    assert "tf after fit: True" in loud.stdout
    assert "oneDNN" in loud.stderr or "absl::InitializeLog" in loud.stderr  # the switch works
