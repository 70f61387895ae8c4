# ---
# jupyter:
#   jupytext:
#     formats: py:percent,ipynb
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Neural-net baby steps
#
# A single dense unit with a linear activation *is* linear regression: training it with
# stochastic gradient descent should land on the ordinary-least-squares coefficients. Then a
# small network learns a sine wave, and callbacks adjust the learning rate when progress
# stalls. Everything runs on data generated here, offline.
#
# Set `KERASR_FAST=1` (or run `kerasr lab run baby_steps --fast`) for a quick pass.

# %%
import json
import os

import numpy as np

from kerasr import (
    callback_early_stopping,
    callback_reduce_lr_on_plateau,
    compile,
    fit,
    get_weights,
    keras_model_sequential,
    layer_dense,
    optimizer_sgd,
    predict,
    set_random_seed,
)

FAST = os.environ.get("KERASR_FAST") == "1"
OUT = os.environ.get("KERASR_LAB_OUT", ".")
results: dict[str, float] = {}

# %% [markdown]
# ## 1. Linear regression with one dense unit
#
# The data: `y = 30 + 5 x + noise`, 1000 rows. R:
#
# ```r
# model <- keras_model_sequential() %>% layer_dense(units = 1, input_shape = 1)
# model %>% compile(optimizer = "sgd", loss = "mse")
# history <- model %>% fit(x, y, batch_size = 16, epochs = 20, validation_split = .2)
# ```

# %%
rng = np.random.default_rng(123)
n = 1000
x = rng.uniform(-1, 1, n)
y = 30 + 5 * x + rng.normal(size=n)
slope, intercept = np.polyfit(x, y, 1)
print(f"OLS: intercept {intercept:.4f}, slope {slope:.4f}")

set_random_seed(1)
model = keras_model_sequential() >> layer_dense(units=1, activation="linear", input_shape=1)
model >> compile(optimizer="sgd", loss="mse")
history = model >> fit(x, y, batch_size=16, epochs=5 if FAST else 20, validation_split=0.2)
history

# %%
kernel, bias = get_weights(model)
print(f"network: intercept {bias[0]:.4f}, slope {kernel[0, 0]:.4f}")
results.update(ols_intercept=float(intercept), ols_slope=float(slope),
               nn_intercept=float(bias[0]), nn_slope=float(kernel[0, 0]),
               nn_final_loss=float(history.metrics["loss"][-1]))
history.plot().savefig(os.path.join(OUT, "ols_history.png"), dpi=100)

# %% [markdown]
# ## 2. A sine wave needs capacity
#
# Three hidden layers of 256 ReLU units, SGD with momentum, and a learning rate that drops
# by 10x when the validation loss stops improving for 5 epochs. The rows are shuffled
# first: `validation_split` takes the *last* 20 % of the rows, which for ordered `x` would
# be a range of `x` the network never sees.

# %%
x_sine = np.linspace(-1, 2 * np.pi, n)
y_sine = np.sin(x_sine) + rng.normal(scale=0.2, size=n)
order = rng.permutation(n)
x_sine, y_sine = x_sine[order], y_sine[order]

set_random_seed(1)
sine = keras_model_sequential(input_shape=1)
for _ in range(3):
    sine >> layer_dense(units=256, activation="relu")
sine >> layer_dense(units=1)
sine >> compile(optimizer=optimizer_sgd(learning_rate=0.01, momentum=0.9), loss="mse")
sine_history = sine >> fit(
    x_sine, y_sine, batch_size=16, epochs=8 if FAST else 50, validation_split=0.2,
    callbacks=[callback_reduce_lr_on_plateau(factor=0.1, patience=5),
               callback_early_stopping(patience=10, restore_best_weights=True)],
)
sine_history

# %%
import matplotlib.pyplot as plt  # noqa: E402

grid = np.linspace(-1, 2 * np.pi, 200)
fig, ax = plt.subplots(figsize=(7, 4))
ax.scatter(x_sine, y_sine, s=4, alpha=0.4, label="data")
ax.plot(grid, np.sin(grid), color="black", label="sin(x)")
ax.plot(grid, (sine >> predict(grid, verbose=0))[:, 0], color="C3", label="network")
ax.legend()
fig.savefig(os.path.join(OUT, "sine_fit.png"), dpi=100)
sine_history.plot().savefig(os.path.join(OUT, "sine_history.png"), dpi=100)
results.update(sine_final_loss=float(sine_history.metrics["loss"][-1]),
               sine_final_val_loss=float(sine_history.metrics["val_loss"][-1]),
               sine_min_learning_rate=float(min(sine_history.metrics["learning_rate"])))

# %%
with open(os.path.join(OUT, "results.json"), "w") as handle:
    json.dump(results, handle, indent=2)
print(json.dumps(results, indent=2))
