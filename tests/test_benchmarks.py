"""The benchmark harness compares like with like: each workload's kerasr and plain-Keras
spellings train the same model to the same loss, and the docs table reports what it got.
(Speed itself is measured by benchmarks/run.py, never asserted in tests.)"""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.run import recommendation, table
from benchmarks.workloads import WORKLOADS
from kerasr.execution import AUTO_STEPS_PER_EXECUTION


@pytest.mark.parametrize("workload", WORKLOADS, ids=lambda w: w.name.split(",")[0])
def test_both_spellings_do_the_same_work(workload):
    x, y = workload.make_data(True)
    x, y = x[:256], y[:256]
    via_kerasr = workload.run_kerasr(x, y, True)
    same_work = workload.run_keras(x, y, True, AUTO_STEPS_PER_EXECUTION)
    assert np.isfinite(via_kerasr)
    np.testing.assert_allclose(via_kerasr, same_work, rtol=1e-4)


def report(backend: str, seconds: float) -> dict:
    row = {"workload": "OLS", "kerasr_s": seconds, "keras_s": seconds * 1.01,
           "keras_default_s": seconds * 1.8, "ratio": 0.99, "speedup": 1.8, "same_loss": True,
           "own_ms": 12.0, "implied": 1 + 0.012 / (seconds * 1.01)}
    return {"backend": backend, "results": [row], "pipe_us": 12.0, "reps": 5,
            "steps_per_execution": 32}


def test_table_quotes_both_ratios_and_recommends_the_faster_backend():
    text = table([report("tensorflow", 2.0), report("jax", 0.5)], False, 0.25,
                 {"IDX read": 0.012})
    assert "| OLS | tensorflow | 2.00 | 2.02 | 0.990 | 12 | 1.006 | 3.60 | 1.80x | yes |" in text
    assert "over 5 rounds" in text and "32 batches per execution" in text
    assert "| IDX read | 12.0 ms |" in text
    assert "- OLS: **jax** (4.0x faster than tensorflow)" in text
    assert "install the `jax` extra" in recommendation([report("tensorflow", 2.0)])
