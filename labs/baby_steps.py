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
# stalls. Along the way: why rows must be shuffled before `validation_split`, how the
# learning rate and momentum change training, how early stopping ends it, and why a ReLU
# output unit cannot predict negative numbers. Everything runs on data generated here,
# offline.
#
# Set `KERASR_FAST=1` (or run `kerasr lab run baby_steps --fast`) for a quick pass.

# %%
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

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
    to_categorical,
)
from kerasr.lab_support import lab_fast, lab_out, show, write_results

FAST = lab_fast()
OUT = lab_out("baby_steps")
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
#
# Keras spends a noticeable time setting up each epoch, so fast mode trains fewer, longer
# epochs (smaller batches) throughout this lab.

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
history = model >> fit(x, y, batch_size=8 if FAST else 16, epochs=6 if FAST else 20,
                       validation_split=0.2)
history

# %%
kernel, bias = get_weights(model)
print(f"network: intercept {bias[0]:.4f}, slope {kernel[0, 0]:.4f}")
results.update(ols_intercept=float(intercept), ols_slope=float(slope),
               nn_intercept=float(bias[0]), nn_slope=float(kernel[0, 0]),
               nn_final_loss=float(history.metrics["loss"][-1]))
show(history.plot(), "ols_history.png")

# %% [markdown]
# ## 2. A sine wave needs capacity, and shuffled rows
#
# `y = sin(x) + noise` for `x` from -1 to 2 pi. A line cannot follow it; three hidden layers
# of 256 ReLU units can. R:
#
# ```r
# model <- keras_model_sequential() %>%
#   layer_dense(256, activation = "relu", input_shape = 1) %>%
#   layer_dense(256, activation = "relu") %>%
#   layer_dense(256, activation = "relu") %>%
#   layer_dense(1)
# model %>% compile(optimizer = optimizer_sgd(lr = 0.01, momentum = 0.9), loss = "mse")
# history <- model %>% fit(df$x, df$y, batch_size = 16, epochs = 50, validation_split = .2,
#   callbacks = callback_reduce_lr_on_plateau(factor = 0.1, patience = 5))
# ```
#
# The first attempt uses the rows as generated, in increasing `x`. `validation_split`
# takes the *last* 20 % of the rows, so the network is validated on `x` from 4.8 to 6.3, a
# range it never saw: the validation loss stays far above the training loss ("Uh oh").

# %%
x_sine = np.linspace(-1, 2 * np.pi, n)
y_sine = np.sin(x_sine) + rng.normal(scale=0.2, size=n)
sine_epochs = 4 if FAST else 50


def sine_model():
    model = keras_model_sequential(input_shape=1)
    for _ in range(3):
        model >> layer_dense(units=256, activation="relu")
    model >> layer_dense(units=1)
    model >> compile(optimizer=optimizer_sgd(learning_rate=0.01, momentum=0.9), loss="mse")
    return model


set_random_seed(1)
ordered = sine_model()
ordered_history = ordered >> fit(x_sine, y_sine, batch_size=16, epochs=sine_epochs,
                                 validation_split=0.2, verbose=0)
ordered_history

# %% [markdown]
# The fix is one line: shuffle the rows first (R: `df <- df[sample(seq_len(nrow(df))), ]`).
# This time a callback also divides the learning rate by 10 when the validation loss has
# not improved for 5 epochs, and early stopping ends training after 10 epochs without
# improvement.

# %%
order = rng.permutation(n)
x_sine, y_sine = x_sine[order], y_sine[order]

set_random_seed(1)
sine = sine_model()
sine_history = sine >> fit(
    x_sine, y_sine, batch_size=16, epochs=sine_epochs, validation_split=0.2,
    callbacks=[callback_reduce_lr_on_plateau(factor=0.1, patience=5),
               callback_early_stopping(patience=10, restore_best_weights=True)],
)
sine_history

# %%
grid = np.linspace(-1, 2 * np.pi, 200)
fig, ax = plt.subplots(figsize=(7, 4))
ax.scatter(x_sine, y_sine, s=4, alpha=0.4, label="data")
ax.plot(grid, np.sin(grid), color="black", label="sin(x)")
ax.plot(grid, (ordered >> predict(grid, verbose=0))[:, 0], color="C1",
        label="network, unshuffled rows")
ax.plot(grid, (sine >> predict(grid, verbose=0))[:, 0], color="C3",
        label="network, shuffled rows")
ax.axvspan(x_sine.max() - 0.2 * (x_sine.max() - x_sine.min()), x_sine.max(), color="grey",
           alpha=0.15, label="unshuffled validation block")
ax.set_xlabel("x")
ax.set_ylabel("y = sin(x) + noise")
ax.legend(fontsize=8)
show(fig, "sine_fit.png")

# %%
show(sine_history.plot(), "sine_history.png")
results.update(sine_final_loss=float(sine_history.metrics["loss"][-1]),
               sine_final_val_loss=float(sine_history.metrics["val_loss"][-1]),
               sine_min_learning_rate=float(min(sine_history.metrics["learning_rate"])),
               unshuffled_final_loss=float(ordered_history.metrics["loss"][-1]),
               unshuffled_final_val_loss=float(ordered_history.metrics["val_loss"][-1]))

# %% [markdown]
# ## 3. Learning rate and momentum
#
# Three overlapping clouds of points in the plane, one per class (R's
# `mlbench::mlbench.simplex(n = 3200, d = 2, sd = 0.6)`: the class centres are the corners
# of a triangle), classified by 8 ReLU units and a softmax layer. The same network is
# trained with several learning rates, and once with momentum, which lets the steps build
# up speed along a consistent direction. R:
#
# ```r
# model %>% compile(optimizer = optimizer_sgd(lr = 0.1, momentum = 0.9),
#                   loss = "categorical_crossentropy", metrics = "accuracy")
# history <- model %>% fit(x_train, y_train, batch_size = 32, epochs = 50,
#                          validation_data = list(x_valid, y_valid))
# ```

# %%
n_simplex = 960 if FAST else 3200
corners = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, np.sqrt(3) / 2]])
classes = rng.integers(0, 3, n_simplex)
x_simplex = corners[classes] + rng.normal(scale=0.6, size=(n_simplex, 2))
y_simplex = to_categorical(classes, 3)
cut = int(0.7 * n_simplex)
x_fit, y_fit, x_valid, y_valid = (x_simplex[:cut], y_simplex[:cut],
                                  x_simplex[cut:], y_simplex[cut:])


def simplex_model(learning_rate, momentum=0.0):
    model = (keras_model_sequential(input_shape=2)
             >> layer_dense(units=8, activation="relu")
             >> layer_dense(units=3, activation="softmax"))
    model >> compile(optimizer=optimizer_sgd(learning_rate=learning_rate, momentum=momentum),
                     loss="categorical_crossentropy", metrics="accuracy")
    return model


settings = {"lr 1e-05": (1e-5, 0.0), "lr 0.01": (0.01, 0.0), "lr 0.1": (0.1, 0.0),
            "lr 0.01, momentum 0.9": (0.01, 0.9)}
if FAST:
    del settings["lr 0.01"]
lr_epochs = 3 if FAST else 50
lr_histories = {}
for label, (learning_rate, momentum) in settings.items():
    set_random_seed(1)
    model = simplex_model(learning_rate, momentum)
    lr_histories[label] = model >> fit(x_fit, y_fit, batch_size=32, epochs=lr_epochs,
                                       validation_data=(x_valid, y_valid), verbose=0)
    best = min(lr_histories[label].metrics["val_loss"])
    results[f"min_val_loss {label}"] = float(best)
    print(f"{label:>22}: minimum validation loss {best:.3f}")

# %%
fig, ax = plt.subplots(figsize=(7, 4))
for label, h in lr_histories.items():
    ax.plot(np.arange(1, lr_epochs + 1), h.metrics["val_loss"], marker="o", ms=3, label=label)
ax.set_xlabel("epoch")
ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
ax.set_ylabel("validation loss")
ax.legend()
show(fig, "learning_rates.png")

# %% [markdown]
# A learning rate of 1e-5 barely moves the weights; 0.01 to 0.1 learn, and momentum makes
# 0.01 learn as fast as a larger rate.
#
# ## 4. Early stopping
#
# Rather than guessing the number of epochs, ask for many and let
# `callback_early_stopping()` stop once the validation loss has not improved by at least
# `min_delta` for `patience` epochs; `restore_best_weights` keeps the best epoch's weights.
#
# ```r
# callbacks = callback_early_stopping(patience = 3, restore_best_weights = TRUE,
#                                     min_delta = 0.0001)
# ```

# %%
set_random_seed(1)
model = simplex_model(0.1, 0.9)
stopped = model >> fit(x_fit, y_fit, batch_size=32, epochs=6 if FAST else 100,
                       validation_data=(x_valid, y_valid), verbose=0,
                       callbacks=callback_early_stopping(patience=3, min_delta=1e-4,
                                                         restore_best_weights=True))
print(f"stopped after {len(stopped.metrics['loss'])} epochs")
results["early_stopping_epochs"] = len(stopped.metrics["loss"])
show(stopped.plot(), "early_stopping_history.png")

# %% [markdown]
# ## 5. A ReLU output cannot be negative
#
# `y = -200 - 5 x + noise`: every target is far below zero. A single unit with a ReLU
# activation outputs `max(0, w x + b)`. Its first gradient steps push `w x + b` below zero
# for every row, where the ReLU's gradient is 0, so training stops with all predictions
# exactly 0 and a loss near the mean of `y^2` (about 40,000). R (Anderson's `relu.R`):
#
# ```r
# model <- keras_model_sequential() %>%
#   layer_dense(units = 1, activation = "relu", input_shape = 1)
# model %>% compile(optimizer = "sgd", loss = "mse")
# model %>% fit(x, y, batch_size = 32, epochs = 100, validation_split = .2)
# ```

# %%
x_relu = rng.normal(size=500)
y_relu = -200 - 5 * x_relu + rng.normal(scale=10, size=500)
relu_epochs = 5 if FAST else 100
relu_batch = 8 if FAST else 32

set_random_seed(1)
relu_model = keras_model_sequential() >> layer_dense(units=1, activation="relu", input_shape=1)
relu_model >> compile(optimizer="sgd", loss="mse")
relu_history = relu_model >> fit(x_relu, y_relu, batch_size=relu_batch, epochs=relu_epochs,
                                 validation_split=0.2, verbose=0)
relu_pred = (relu_model >> predict(x_relu, verbose=0))[:, 0]
print(f"share of predictions that are exactly 0: {np.mean(relu_pred == 0):.2f}; "
      f"final loss {relu_history.metrics['loss'][-1]:.0f}")

# %% [markdown]
# A linear output fixes it: the same single unit, now ordinary regression again, recovers
# the intercept and slope.

# %%
set_random_seed(1)
linear_model = (keras_model_sequential()
                >> layer_dense(units=1, activation="linear", input_shape=1))
linear_model >> compile(optimizer="sgd", loss="mse")
linear_history = linear_model >> fit(x_relu, y_relu, batch_size=relu_batch, epochs=relu_epochs,
                                     validation_split=0.2, verbose=0)
relu_kernel, relu_bias = get_weights(linear_model)
relu_slope, relu_intercept = np.polyfit(x_relu, y_relu, 1)
print(f"linear unit: intercept {relu_bias[0]:.2f}, slope {relu_kernel[0, 0]:.2f}; "
      f"OLS: {relu_intercept:.2f}, {relu_slope:.2f}")

# %% [markdown]
# Hidden ReLU layers are fine as long as the output is linear, but a deep network started
# on targets around -200 often settles on a constant (the workshop saw exactly that).
# Shifting the target to centre it (`y - -200`) makes the same network fit well. Finally a
# ReLU output *can* be right when the shape of the data is a ReLU: on the shifted target,
# one ReLU unit draws a hinge. That last model has no `input_shape`: Keras builds it when
# it first sees data, which must then be a one-column matrix (R: `as.matrix(x)`).

# %%
y_shifted = y_relu - -200
set_random_seed(1)
deep = (keras_model_sequential()
        >> layer_dense(units=8, activation="relu", input_shape=1)
        >> layer_dense(units=8, activation="relu")
        >> layer_dense(units=1, activation="linear"))
deep >> compile(optimizer="sgd", loss="mse")
deep_history = deep >> fit(x_relu, y_shifted, batch_size=relu_batch, epochs=relu_epochs,
                           validation_split=0.2, verbose=0)

set_random_seed(1)
hinge = keras_model_sequential() >> layer_dense(units=1, activation="relu")
hinge >> compile(optimizer="sgd", loss="mse")
hinge >> fit(x_relu[:, None], y_shifted, batch_size=relu_batch, epochs=relu_epochs,
             validation_split=0.2, verbose=0)

# %%
order_relu = np.argsort(x_relu)
fig, axes = plt.subplots(1, 2, figsize=(11, 4))
axes[0].scatter(x_relu, y_relu, s=4, alpha=0.4, color="grey")
axes[0].plot(x_relu[order_relu], relu_pred[order_relu], color="C3", label="ReLU output")
axes[0].plot(x_relu[order_relu],
             (linear_model >> predict(x_relu[order_relu], verbose=0))[:, 0],
             color="C0", label="linear output")
axes[0].set_title("y = -200 - 5x + noise")
axes[0].legend()
axes[1].scatter(x_relu, y_shifted, s=4, alpha=0.4, color="grey")
axes[1].plot(x_relu[order_relu], (deep >> predict(x_relu[order_relu], verbose=0))[:, 0],
             color="C0", label="8-8-1 network")
axes[1].plot(x_relu[order_relu], (hinge >> predict(x_relu[order_relu], verbose=0))[:, 0],
             color="C3", label="one ReLU unit")
axes[1].set_title("shifted target: y + 200")
axes[1].legend()
show(fig, "relu_output.png")
results.update(relu_zero_share=float(np.mean(relu_pred == 0)),
               relu_final_loss=float(relu_history.metrics["loss"][-1]),
               relu_linear_intercept=float(relu_bias[0]),
               relu_linear_slope=float(relu_kernel[0, 0]),
               relu_ols_intercept=float(relu_intercept), relu_ols_slope=float(relu_slope),
               relu_linear_val_loss=float(linear_history.metrics["val_loss"][-1]),
               shifted_deep_val_loss=float(deep_history.metrics["val_loss"][-1]))

# %%
write_results(results)

# %% [markdown]
# ## Full mode next to the workshops
#
# Measured with kerasr (Keras 3.15, TensorFlow 2.21, CPU; about 2 minutes on 2 shared
# cores), next to what the workshops (Anderson's "Neural net babysteps", Boehmke's
# "Main ingredients" and "Differences in learning rates") report or what recomputing their
# R code gives:
#
# | figure | workshop (R) | this lab, full mode |
# |---|---:|---:|
# | OLS intercept / slope | 30.01 / 4.97 | 29.99 / 5.07 |
# | one dense unit, intercept / slope after 20 epochs | "basically match" OLS | 30.01 / 5.07 |
# | one dense unit, final training MSE | ≈ 1.00 (OLS sigma 1.002) | 1.09 (validation 0.96) |
# | sine, shuffled: final validation MSE | noise floor 0.039 (recomputed) | 0.042 (training 0.038) |
# | sine, in `x` order: final validation MSE | "Uh oh" (no number) | 1.42 |
# | simplex, min. validation loss, lr 1e-5 | 1.23 | 1.10 |
# | simplex, min. validation loss, lr 0.01 | 0.757 | 0.738 |
# | simplex, min. validation loss, lr 0.1 | 0.738 | 0.738 |
# | simplex, min. validation loss, momentum 0.9 | 0.745 | 0.737 (lr 0.01) |
# | ReLU output: share of predictions exactly 0 | all ("zero for all") | 1.00 |
# | ReLU output: training MSE | ≈ 40,000 (39,805 recomputed) | 40,122 |
# | linear output: intercept / slope | ≈ OLS: −199.4 / −4.77 | −200.1 / −4.14 (OLS −200.1 / −4.22) |
# | linear output: validation MSE | 128.7 (OLS, recomputed) | 115.4 (OLS 114.8) |
# | 8-8-1 on the shifted target: validation MSE | "Voila" (no number) | 120.5 |
#
# The data are drawn here with NumPy (seed 123), not with R's generator, so the OLS line and
# every figure built on it differ slightly from the workshop's draw; the simplex data are
# a re-implementation of `mlbench.simplex()`. In section 5 the OLS line to compare with is
# the one fitted on the same 80 % of the rows the network trains on (`validation_split`
# holds out the last 20 %), as the workshop's recomputed −199.4 / −4.77 is; the whole
# sample's OLS slope here is −4.96. The networks' figures land on the workshop's within
# SGD noise; lr 1e-5 barely moves the weights from their random start, so its loss
# reflects the start more than the training (1.10 against R's 1.23, still clearly the
# worst). Nothing was tuned.
