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
# # Kyphosis: logistic regression versus a small network
#
# 81 children had corrective spinal surgery; for each we know the age in months, the number
# of vertebrae involved, the first vertebra operated on (`Start`), and whether a kyphosis
# (a forward curvature of the spine) was present afterwards. The data set (rpart's
# `kyphosis`) ships with kerasr, so this lab runs offline.
#
# A logistic regression is the benchmark. A network with one softmax layer is the same
# model family, fitted by gradient descent instead of maximum likelihood; a second network,
# built with the functional API, learns an *embedding* of `Start` instead of treating it as
# a number. All three are compared by the area under the ROC curve (AUC) on a held-out
# quarter of the data. With so few rows (17 cases present), the AUC of any model moves a
# lot from one split to another: the workshop's logistic regression scored 0.719 on its
# split, while typical splits give 0.7 to 0.95.
#
# Set `KERASR_FAST=1` (or run `kerasr lab run kyphosis --fast`) for a quick pass.

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score, roc_curve
from sklearn.model_selection import train_test_split

from kerasr import (
    compile,
    dataset_kyphosis,
    fit,
    keras_model,
    keras_model_sequential,
    layer_concatenate,
    layer_dense,
    layer_embedding,
    layer_flatten,
    layer_input,
    optimizer_adam,
    predict,
    set_random_seed,
    summary,
    to_categorical,
)
from kerasr.lab_support import lab_fast, lab_out, show, write_results

FAST = lab_fast()
OUT = lab_out("kyphosis")
results: dict[str, float] = {}


# %% [markdown]
# ## 1. Data and a stratified split
#
# R (rsample): `data_split <- initial_split(kyphosis, prop = 3/4, strata = "Kyphosis")`.
# scikit-learn's `train_test_split(..., stratify=...)` does the same; the seed fixes the
# split so that runs repeat.

# %%
kyphosis = dataset_kyphosis()
print(kyphosis["Kyphosis"].value_counts())
training, testing = train_test_split(kyphosis, test_size=0.25, stratify=kyphosis["Kyphosis"],
                                     random_state=5)
y_train = (training["Kyphosis"] == "present").to_numpy().astype(int)
y_test = (testing["Kyphosis"] == "present").to_numpy().astype(int)
features = ["Age", "Number", "Start"]
print(len(training), "training rows,", len(testing), "test rows")

# %% [markdown]
# ## 2. Logistic regression
#
# ```r
# glm_fit <- glm(Kyphosis ~ Age + Number + Start, data = training(data_split),
#                family = binomial("logit"))
# predicted <- predict(glm_fit, testing(data_split), type = "response")
# roc_auc(predicted, Kyphosis, present)
# ```
#
# `C=np.inf` switches off scikit-learn's default penalty, giving R's unpenalised `glm`.

# %%
glm = LogisticRegression(C=np.inf, max_iter=10_000)
glm.fit(training[features], y_train)
glm_prob = glm.predict_proba(testing[features])[:, 1]
glm_auc = roc_auc_score(y_test, glm_prob)
print("glm coefficients:", np.round(glm.intercept_, 3), np.round(glm.coef_, 3))
print(f"glm test AUC: {glm_auc:.3f}")
results["glm_auc"] = float(glm_auc)

# %% [markdown]
# ## 3. A one-layer network on the raw features
#
# Two softmax outputs (absent, present) on the three raw columns: a logistic regression in
# disguise, trained with Adam. R:
#
# ```r
# model1 <- keras_model_sequential() %>%
#   layer_dense(2, input_shape = 3, activation = "softmax")
# model1 %>% compile(loss = "binary_crossentropy", optimizer = optimizer_adam(lr = 0.001),
#                    metrics = "accuracy")
# y <- kyphosis$Kyphosis %>% as.integer() %>% `-`(1) %>% to_categorical()
# model1 %>% fit(x = x, y = y, batch_size = 32, epochs = 100, verbose = 0)
# ```
#
# The workshop feeds the raw columns, with a learning rate of 0.001 for 100 epochs: `Age`,
# in months, then dominates the start of training, and 200 small Adam steps leave the
# network near its random start (test AUC 0.42 to 0.65 over seeds here, below the logistic
# regression's 0.88). This lab does what the workshop's own recipe does for the second
# model: it centres and scales the three columns with the training mean and sd, and uses
# a learning rate of 0.01. Then the one-layer network is the logistic regression it
# resembles, and lands next to it (0.85 to 0.90 over seeds 7, 1, 2). Fast mode trains 10
# epochs of batches of 8.
#
# ```r
# x <- scale(x, center = train_mean, scale = train_sd)
# model1 %>% compile(loss = "binary_crossentropy", optimizer = optimizer_adam(lr = 0.01),
#                    metrics = "accuracy")
# ```

# %%
x_train = training[features].to_numpy("float32")
x_test = testing[features].to_numpy("float32")
train_mean, train_sd = x_train.mean(axis=0), x_train.std(axis=0, ddof=1)  # R's scale()
x_train, x_test = (x_train - train_mean) / train_sd, (x_test - train_mean) / train_sd
set_random_seed(7)
model1 = keras_model_sequential() >> layer_dense(2, input_shape=3, activation="softmax")
model1 >> compile(loss="binary_crossentropy", optimizer=optimizer_adam(learning_rate=0.01),
                  metrics="accuracy")
history1 = model1 >> fit(x_train, to_categorical(y_train, 2), batch_size=8 if FAST else 32,
                         epochs=10 if FAST else 100, verbose=0)
prob1 = model1 >> predict(x_test, verbose=0)
nn_auc = roc_auc_score(y_test, prob1[:, 1])
print(f"network test AUC: {nn_auc:.3f}; rows sum to 1: {np.allclose(prob1.sum(axis=1), 1)}")
results.update(nn_auc=float(nn_auc), nn_rows_sum_to_one=bool(np.allclose(prob1.sum(axis=1), 1)))

# %% [markdown]
# ## 4. The functional API: an embedding of `Start`
#
# `Start` is a vertebra number, closer to a category than to a quantity. The second model
# gives each of its levels a learned 4-dimensional vector (an embedding), and concatenates
# that with the scaled `Age` and `Number`. Three inputs need the functional API: inputs
# are declared with `layer_input()`, piped through layers, and tied together by
# `keras_model()`. R:
#
# ```r
# age <- layer_input(shape = 1, name = "age")
# number <- layer_input(shape = 1, name = "number")
# start <- layer_input(shape = 1, name = "start")
# start_embedding <- layer_embedding(start, start_num_levels + 1, 4) %>% layer_flatten()
# kyphosis <- layer_concatenate(list(age, number, start_embedding)) %>%
#   layer_dense(8, activation = "relu") %>%
#   layer_dense(2, activation = "softmax", name = "kyphosis")
# model2 <- keras_model(inputs = list(age, number, start), outputs = kyphosis)
# ```
#
# The recipe's `step_integer(Start)` codes the training levels 1, 2, ... (0 for a level
# never seen in training); `step_center`/`step_scale` use the training mean and sd.

# %%
levels = np.sort(training["Start"].unique())
start_codes = {level: code for code, level in enumerate(levels, start=1)}
start_num_levels = len(levels)


def bake(frame):
    """The recipe applied to a data frame: a dict of named input arrays."""
    scaled = (frame[["Age", "Number"]] - training[["Age", "Number"]].mean()) / \
        training[["Age", "Number"]].std()
    return {
        "age": scaled["Age"].to_numpy("float32")[:, None],
        "number": scaled["Number"].to_numpy("float32")[:, None],
        "start": frame["Start"].map(start_codes).fillna(0).to_numpy("int32")[:, None],
    }


set_random_seed(7)
age = layer_input(shape=1, name="age")
number = layer_input(shape=1, name="number")
start = layer_input(shape=1, name="start")
start_embedding = layer_embedding(start, start_num_levels + 1, 4) >> layer_flatten()
output = (layer_concatenate([age, number, start_embedding])
          >> layer_dense(8, activation="relu")
          >> layer_dense(2, activation="softmax", name="kyphosis"))
model2 = keras_model(inputs=[age, number, start], outputs=output)
summary(model2)

# %% [markdown]
# The workshop trains with a learning rate of 1e-4 for 500 epochs. With two batches per
# epoch that is only 1,000 small Adam steps: here the network stays close to its random
# start (its test AUC can even fall below 0.5), so this lab uses 1e-3. Fast mode trains 10
# epochs of smaller batches with a learning rate of 1e-2. On 60 training rows, an
# embedding of 16 levels is a lot of parameters: expect this model to do no better than
# the logistic regression.
#
# ```r
# model2 %>% compile(optimizer = optimizer_adam(lr = 1e-4), loss = "binary_crossentropy",
#                    metric = "accuracy")
# model2 %>% fit(x = list(age = ..., number = ..., start = ...), y = y,
#                batch_size = 32, epochs = 500, verbose = 0)
# ```

# %%
model2 >> compile(optimizer=optimizer_adam(learning_rate=1e-2 if FAST else 1e-3),
                  loss="binary_crossentropy", metrics="accuracy")
history2 = model2 >> fit(x=bake(training), y=to_categorical(y_train, 2),
                         batch_size=8 if FAST else 32, epochs=10 if FAST else 500, verbose=0)
prob2 = model2 >> predict(bake(testing), verbose=0)
functional_auc = roc_auc_score(y_test, prob2[:, 1])
print(f"functional model test AUC: {functional_auc:.3f}")
results["functional_auc"] = float(functional_auc)

# %% [markdown]
# Full mode, measured with kerasr (Keras 3.15, TensorFlow 2.21, CPU, this split and seed 7):
# logistic regression AUC 0.882, one-layer network 0.853, embedding network 0.588. The
# workshop reports only the logistic regression (0.719 on its own, unseeded split; over
# random splits its median is 0.84). The embedding network, with 16 levels of `Start` to
# learn from 60 rows, does not reach the logistic regression here; the workshop reports no
# figure for it.
#
# ## 5. ROC curves

# %%
fig, ax = plt.subplots(figsize=(5.5, 5))
for label, prob in [("logistic regression", glm_prob), ("one-layer network", prob1[:, 1]),
                    ("embedding network", prob2[:, 1])]:
    fpr, tpr, _ = roc_curve(y_test, prob)
    ax.plot(fpr, tpr, label=f"{label} (AUC {roc_auc_score(y_test, prob):.2f})")
ax.plot([0, 1], [0, 1], color="grey", lw=1, ls="--")
ax.set_xlabel("false positive rate")
ax.set_ylabel("true positive rate")
ax.legend(loc="lower right")
show(fig, "roc_curves.png")

# %%
show(history2.plot(), "functional_history.png")

# %%
write_results(results)
