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
# # Boston housing: regression with a small network
#
# Predict the median value of owner-occupied homes (in $1000s) in 1970s Boston suburbs from
# 13 numbers about each suburb. The data set ships with kerasr (no download) and is split
# exactly as `keras.datasets.boston_housing` splits it: 404 training and 102 test rows.
#
# The steps follow the R workshops: scale the features with the *training* mean and
# standard deviation, fit a 64-64-1 network with RMSprop on the mean squared error while
# watching the mean absolute error (MAE), check the choice of epochs with k-fold
# validation (full mode), then evaluate once on the test set. The R notebook reports a test
# MAE of 2.68 (thousand dollars).
#
# Set `KERASR_FAST=1` (or run `kerasr lab run boston --fast`) for a quick pass.

# %%
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from kerasr import (
    compile,
    dataset_boston_housing,
    evaluate,
    fit,
    keras_model_sequential,
    layer_dense,
    predict,
    set_random_seed,
)
from kerasr.lab_support import lab_fast, lab_out, show, write_results

FAST = lab_fast()
OUT = lab_out("boston")
results: dict[str, float] = {}


# %% [markdown]
# ## 1. Data
#
# R:
#
# ```r
# c(c(train_data, train_targets), c(test_data, test_targets)) %<-% dataset_boston_housing()
# ```

# %%
(train_data, train_targets), (test_data, test_targets) = dataset_boston_housing()
print(train_data.shape, test_data.shape)

# %% [markdown]
# The features live on very different scales (a crime rate, a tax rate, a proportion...).
# Each is centred and scaled with the training mean and standard deviation, and the *same*
# numbers are applied to the test set: the test data must not leak into the preprocessing.
#
# ```r
# mean <- apply(train_data, 2, mean)
# std <- apply(train_data, 2, sd)
# train_data <- scale(train_data, center = mean, scale = std)
# test_data <- scale(test_data, center = mean, scale = std)
# ```

# %%
mean = train_data.mean(axis=0)
std = train_data.std(axis=0, ddof=1)  # R's sd() divides by n - 1
train_data = (train_data - mean) / std
test_data = (test_data - mean) / std

# %% [markdown]
# Two reference points any model should beat: always predicting the training mean, and an
# ordinary linear regression.

# %%
baseline_mae = float(np.mean(np.abs(test_targets - train_targets.mean())))
design = np.column_stack([np.ones(len(train_data)), train_data])
coef, *_ = np.linalg.lstsq(design, train_targets, rcond=None)
linear_pred = np.column_stack([np.ones(len(test_data)), test_data]) @ coef
linear_mae = float(np.mean(np.abs(test_targets - linear_pred)))
print(f"test MAE predicting the training mean: {baseline_mae:.2f}")
print(f"test MAE of linear regression:        {linear_mae:.2f}")
results.update(baseline_mae=baseline_mae, linear_mae=linear_mae)

# %% [markdown]
# ## 2. The model
#
# ```r
# build_model <- function() {
#   model <- keras_model_sequential() %>%
#     layer_dense(units = 64, activation = "relu", input_shape = dim(train_data)[[2]]) %>%
#     layer_dense(units = 64, activation = "relu") %>%
#     layer_dense(units = 1)
#   model %>% compile(optimizer = "rmsprop", loss = "mse", metrics = c("mae"))
# }
# ```

# %%
def build_model():
    model = (keras_model_sequential()
             >> layer_dense(units=64, activation="relu", input_shape=train_data.shape[1])
             >> layer_dense(units=64, activation="relu")
             >> layer_dense(units=1))
    model >> compile(optimizer="rmsprop", loss="mse", metrics="mae")
    return model


# %% [markdown]
# ## 3. K-fold validation
#
# With only 404 training rows a single validation split is noisy. K-fold validation trains
# k models, each validated on a different fold, and averages their validation MAE per
# epoch. The R notebook uses 4 folds, 100 epochs and a batch size of 1 (minutes on a CPU);
# this lab uses batch size 16, and in fast mode only 2 folds and 2 epochs.

# %%
k = 2 if FAST else 4
cv_epochs = 2 if FAST else 100
fold_size = len(train_data) // k
fold_mae = []
mae_histories = []
for i in range(k):
    print(f"processing fold #{i + 1}")
    val_rows = np.arange(i * fold_size, (i + 1) * fold_size)
    train_rows = np.setdiff1d(np.arange(len(train_data)), val_rows)
    set_random_seed(i)
    model = build_model()
    history = model >> fit(train_data[train_rows], train_targets[train_rows],
                           validation_data=(train_data[val_rows], train_targets[val_rows]),
                           epochs=cv_epochs, batch_size=16, verbose=0)
    mae_histories.append(history.metrics["val_mae"])
    fold_mae.append(float(history.metrics["val_mae"][-1]))
average_mae = np.mean(mae_histories, axis=0)
print("validation MAE per fold:", np.round(fold_mae, 2), "mean:", round(np.mean(fold_mae), 2))
results.update(cv_folds=k, cv_fold_mae=fold_mae, cv_mean_mae=float(np.mean(fold_mae)))

# %%
fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(np.arange(1, cv_epochs + 1), average_mae, marker="o" if cv_epochs < 20 else None)
ax.set_xlabel("epoch")
ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
ax.set_ylabel("validation MAE (mean over folds)")
show(fig, "kfold_mae.png")

# %% [markdown]
# ## 4. The final model
#
# The curve flattens after about 80 epochs, so the final model trains on all 404 rows for
# 80 epochs with batch size 16, and is evaluated once on the test set.
#
# The full-mode figures, next to the workshop's, are in the table at the end of the lab.
#
# ```r
# model <- build_model()
# model %>% fit(train_data, train_targets, epochs = 80, batch_size = 16, verbose = 0)
# result <- model %>% evaluate(test_data, test_targets)
# ```

# %%
set_random_seed(42)
model = build_model()
history = model >> fit(train_data, train_targets, epochs=8 if FAST else 80, batch_size=16,
                       verbose=0)
result = model >> evaluate(test_data, test_targets, verbose=0)
result

# %%
print(f"test MSE {result['loss']:.2f}, test MAE {result['mae']:.2f} "
      f"(baseline {baseline_mae:.2f}, linear regression {linear_mae:.2f})")
results.update(test_mse=result["loss"], test_mae=result["mae"])
show(history.plot(), "history.png")

# %%
predicted = (model >> predict(test_data, verbose=0))[:, 0]
fig, ax = plt.subplots(figsize=(5, 5))
ax.scatter(test_targets, predicted, s=12)
ax.plot([0, 50], [0, 50], color="black", lw=1)
ax.set_xlabel("actual median value ($1000s)")
ax.set_ylabel("predicted")
show(fig, "predicted_vs_actual.png")

# %%
write_results(results)

# %% [markdown]
# ## Full mode next to the workshop
#
# Measured with kerasr (Keras 3.15, TensorFlow 2.21, CPU; the lab takes about 2 minutes on
# 2 shared cores), next to the workshop (Deep Learning with R 3.6, as assigned in
# Dozmorov's course; J.J. Allaire's render):
#
# | figure | workshop (R) | this lab, full mode |
# |---|---:|---:|
# | 4-fold CV: validation MAE per fold | 2.06, 2.16, 2.86, 2.38 | 1.86, 2.32, 2.63, 2.31 |
# | 4-fold CV: mean validation MAE | 2.36 | 2.28 |
# | final model: test MAE | 2.68 | 2.98 (seed 42); 2.61, 2.72, 2.63 (seeds 0, 1, 2); mean 2.74 |
# | final model: test MSE | 18.1 | 19.9 (seed 42); 15.8 to 20.0 over the four seeds |
# | predicting the training mean: test MAE | 6.53 (recomputed in R) | 6.53 |
# | linear regression: test MAE | 3.46 (recomputed in R) | 3.46 |
#
# The data, split and scaling are the workshop's exactly (both baselines agree to two
# decimals), and so is the final model's recipe (64-64-1, RMSprop, 80 epochs, batch 16). The
# test MAE moves by 0.4 with nothing but the seed: the workshop's 2.68 is one unseeded run,
# this lab's seed 42 happens to land at the high end, and the mean over four seeds is 2.74,
# so no setting was changed to chase the workshop's number. The cross-validation trains in
# batches of 16 instead of the workshop's batches of 1 (about 16 times fewer steps, minutes
# saved), which is why its fold MAEs differ; they agree in size and their mean is close.
