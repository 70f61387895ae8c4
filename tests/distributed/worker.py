"""One worker of a multi-worker fit, started by tests/test_distribute.py (never collected).

Usage: ``python worker.py OUT_DIR [die_after_epoch]``; the cluster comes from TF_CONFIG (on
TensorFlow) or the KERAS_DISTRIBUTION_* variables (on JAX). Prints one JSON line.
"""

import json
import os
import sys
import time

import numpy as np

from kerasr import (
    callback_csv_logger,
    callback_lambda,
    callback_model_checkpoint,
    compile,
    distribute_multi_worker,
    evaluate,
    fit,
    keras_model_sequential,
    layer_dense,
    load_model,
    optimizer_sgd,
    predict,
    save_model,
    set_random_seed,
)
from kerasr.distribute import WorkerFailedError

out = sys.argv[1]
die_after = int(sys.argv[2]) if len(sys.argv) > 2 else None
timeout = float(os.environ.get("KERASR_TEST_JOIN_TIMEOUT", "120"))

scope = distribute_multi_worker(timeout=timeout)
me = scope.process_id
rng = np.random.default_rng(0)
x = rng.normal(size=(256, 4)).astype("float32")
y = (x @ np.array([1.0, -2.0, 0.5, 3.0], dtype="float32") + 0.1).astype("float32")
if scope.engine.__class__.__name__ == "DataParallel":  # JAX: each process passes its own rows
    scope.engine.auto_shard_dataset = False
    x, y = x[me::scope.num_processes], y[me::scope.num_processes]
    batch_size = 32 // scope.num_processes
else:  # TensorFlow: every worker passes all rows; the strategy gives each its share
    batch_size = 32
with scope:
    set_random_seed(1)
    model = keras_model_sequential() >> layer_dense(units=1, input_shape=4,
                                                     kernel_initializer="zeros")
    model >> compile(optimizer=optimizer_sgd(learning_rate=0.05), loss="mse", metrics="mae")


def maybe_die(epoch, logs):
    if die_after is not None and me == 1 and epoch == die_after:
        os._exit(3)  # a worker that crashes: no goodbye to the others


started = time.monotonic()
outcome = {"process": me, "processes": scope.num_processes, "replicas": scope.num_replicas,
           "repr": repr(scope)}
try:
    history = model >> fit(x, y, epochs=3 if die_after is None else 200,
                           batch_size=batch_size, shuffle=False, verbose=0,
                           callbacks=[callback_lambda(on_epoch_end=maybe_die),
                                      callback_model_checkpoint(
                                          os.path.join(out, f"ck-{me}.keras")),
                                      callback_csv_logger(os.path.join(out, f"log-{me}.csv"))])
    outcome["loss"] = history.metrics["loss"]
    outcome["weights"] = [float(w) for w in np.concatenate(
        [np.asarray(v).ravel() for v in model.get_weights()])]
    outcome["eval"] = list(model >> evaluate(x, y, batch_size=batch_size, verbose=0))
    outcome["pred"] = np.asarray(model >> predict(x[:4], verbose=0)).ravel().tolist()
    with scope:
        outcome["pred_inside"] = np.asarray(model >> predict(x[:4], verbose=0)).ravel().tolist()
    save_model(model, os.path.join(out, f"model-{me}.keras"))
    if me == 0:
        outcome["loaded_pred"] = np.asarray(
            load_model(os.path.join(out, "model-0.keras")) >> predict(x[:4], verbose=0)
        ).ravel().tolist()
except WorkerFailedError as error:
    outcome["failed"] = str(error)
outcome["seconds"] = time.monotonic() - started
print(json.dumps(outcome), flush=True)
