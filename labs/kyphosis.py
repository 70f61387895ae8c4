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
# quarter of the data. With so few rows (17 cases present, 4 of them in each test set of
# 21), the AUC of any model moves a lot from one split to another: the workshop's logistic
# regression scored 0.719 on its split, while 90 % of random splits give 0.69 to 0.97. So
# the lab ends by repeating the comparison on ten splits and comparing the means.
#
# Set `KERASR_FAST=1` (or run `kerasr lab run kyphosis --fast`) for a quick pass.

# %%
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator
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
    regularizer_l2,
    set_random_seed,
    summary,
    to_categorical,
)
from kerasr.lab_support import lab_fast, lab_out, show, write_results

FAST = lab_fast()
OUT = lab_out("kyphosis")
SEED = 7  # every network starts from set_random_seed(SEED), so runs repeat
results: dict = {}


# %% [markdown]
# ## 1. Data and a stratified split
#
# R (rsample): `data_split <- initial_split(kyphosis, prop = 3/4, strata = "Kyphosis")`.
# scikit-learn's `train_test_split(..., stratify=...)` does the same; the seed fixes the
# split so that runs repeat.

# %%
kyphosis = dataset_kyphosis()
print(kyphosis["Kyphosis"].value_counts())
features = ["Age", "Number", "Start"]


def initial_split(seed):
    """rsample's initial_split(prop = 3/4, strata = "Kyphosis"), with the outcome as 0/1."""
    training, testing = train_test_split(kyphosis, test_size=0.25,
                                         stratify=kyphosis["Kyphosis"], random_state=seed)
    return (training, testing, (training["Kyphosis"] == "present").to_numpy().astype(int),
            (testing["Kyphosis"] == "present").to_numpy().astype(int))


training, testing, y_train, y_test = initial_split(5)
print(len(training), "training rows,", len(testing), "test rows,", y_test.sum(), "present")

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
def glm_predict(training, y_train, testing):
    glm = LogisticRegression(C=np.inf, max_iter=10_000).fit(training[features], y_train)
    return glm, glm.predict_proba(testing[features])[:, 1]


glm, glm_prob = glm_predict(training, y_train, testing)
glm_auc = roc_auc_score(y_test, glm_prob)
print("glm coefficients:", np.round(glm.intercept_, 3), np.round(glm.coef_, 3))
print(f"glm test AUC: {glm_auc:.3f}")
results["glm_auc"] = float(glm_auc)

# %% [markdown]
# ## 3. A one-layer network on the scaled features
#
# Two softmax outputs (absent, present) on the three columns: a logistic regression in
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
# model: it centres and scales the three columns with the training mean and sd, as R's
# `scale()` does, and trains with a learning rate of 0.1 for 50 epochs. Those 100 Adam
# steps reach the maximum-likelihood fit, and the one-layer network *is* the logistic
# regression: same ranking of the test rows, same AUC. (With 0.01 for 100 epochs it stops
# short, at 0.85 on this split; 0.05 for 100 epochs also gets there, in twice the time.)
# Fast mode trains 10 epochs of batches of 8.
#
# ```r
# x <- scale(x, center = train_mean, scale = train_sd)
# model1 %>% compile(loss = "binary_crossentropy", optimizer = optimizer_adam(lr = 0.1),
#                    metrics = "accuracy")
# model1 %>% fit(x = x, y = y, batch_size = 32, epochs = 50, verbose = 0)
# ```

# %%
def scale_like(frame, training):
    """R's scale(x, center = train_mean, scale = train_sd) on the three columns."""
    reference = training[features]
    return ((frame[features] - reference.mean()) / reference.std()).to_numpy("float32")


def fit_model1(training, y_train, testing):
    set_random_seed(SEED)
    model = keras_model_sequential() >> layer_dense(2, input_shape=3, activation="softmax")
    model >> compile(loss="binary_crossentropy", optimizer=optimizer_adam(learning_rate=0.1),
                     metrics="accuracy")
    history = model >> fit(scale_like(training, training), to_categorical(y_train, 2),
                           batch_size=8 if FAST else 32, epochs=10 if FAST else 50, verbose=0)
    return model, history, model >> predict(scale_like(testing, training), verbose=0)


model1, history1, prob1 = fit_model1(training, y_train, testing)
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
# `prep()` learns these from the training rows, `bake()` applies them to any rows.
#
# One addition to the workshop's model: 60 training rows share 16 levels of `Start`, some
# seen once or twice, and 4 free numbers per level can learn those few rows by heart. An
# L2 penalty on the embedding, `embeddings_regularizer = regularizer_l2(0.03)`, pulls each
# level's vector towards zero unless the data keep pushing it away (level 0, for levels
# never seen in training, stays at "no effect"). It helps, but only a little: see below.

# %%
def prep(training):
    """The recipe, learned from the training rows: Start's levels, Age's and Number's mean/sd."""
    levels = np.sort(training["Start"].unique())
    return {"codes": {level: code for code, level in enumerate(levels, start=1)},
            "mean": training[["Age", "Number"]].mean(), "sd": training[["Age", "Number"]].std()}


def bake(recipe, frame):
    """The recipe applied to a data frame: a dict of named input arrays."""
    scaled = (frame[["Age", "Number"]] - recipe["mean"]) / recipe["sd"]
    return {
        "age": scaled["Age"].to_numpy("float32")[:, None],
        "number": scaled["Number"].to_numpy("float32")[:, None],
        "start": frame["Start"].map(recipe["codes"]).fillna(0).to_numpy("int32")[:, None],
    }


def build_model2(start_num_levels):
    set_random_seed(SEED)
    age = layer_input(shape=1, name="age")
    number = layer_input(shape=1, name="number")
    start = layer_input(shape=1, name="start")
    start_embedding = (layer_embedding(start, start_num_levels + 1, 4,
                                       embeddings_regularizer=regularizer_l2(0.03))
                       >> layer_flatten())
    output = (layer_concatenate([age, number, start_embedding])
              >> layer_dense(8, activation="relu")
              >> layer_dense(2, activation="softmax", name="kyphosis"))
    return keras_model(inputs=[age, number, start], outputs=output)


recipe = prep(training)
model2 = build_model2(len(recipe["codes"]))
summary(model2)

# %% [markdown]
# The workshop trains with a learning rate of 1e-4 for 500 epochs. With two batches per
# epoch that is only 1,000 small Adam steps, and the network stays close to its random
# start: its test AUC on this split is 0.43 with seed 7 and 0.85 with seed 1, a matter of
# where it started (0.59 with 1e-3 for 500 epochs, seed 7). This lab uses 2e-2
# for 50 epochs, as many steps as the one-layer network gets; longer or slower runs (1e-2
# for 100 epochs, 3e-3 for 200) score no better on average. Fast mode trains 10 epochs of
# smaller batches.
#
# Tuning, each setting judged by the mean test AUC over the ten splits of section 6
# (0.77 with this lab's settings, and with 1e-2 for 100 epochs, at which some of these
# were measured; a change of 0.02 is within what the seed alone moves):
# the L2 penalty on the embedding adds a little (0.76 without it); the same penalty on the
# hidden layer too (0.01 or 0.03) gives 0.75; an embedding of 1 or 2 numbers per level
# instead of 4 gives 0.75 to 0.78; class weights (present counted 3 to 4 times, as the
# classes are 64 to 17) change the mean by less than 0.01; dropout (0.3) after the hidden
# layer gives 0.74; stopping after 15 or 25 epochs gives 0.78 or 0.75. Early stopping on
# `validation_split = 0.2` is worse than useless here: the validation set is 12 rows with 2
# or 3 cases present, its loss is noise, training stops at random, and the mean falls to
# 0.64 (0.12 on one split).
#
# ```r
# model2 %>% compile(optimizer = optimizer_adam(lr = 2e-2), loss = "binary_crossentropy",
#                    metric = "accuracy")
# model2 %>% fit(x = list(age = ..., number = ..., start = ...), y = y,
#                batch_size = 32, epochs = 50, verbose = 0)
# ```

# %%
def fit_model2(model, recipe, training, y_train, testing):
    model >> compile(optimizer=optimizer_adam(learning_rate=2e-2), loss="binary_crossentropy",
                     metrics="accuracy")
    history = model >> fit(x=bake(recipe, training), y=to_categorical(y_train, 2),
                           batch_size=8 if FAST else 32, epochs=10 if FAST else 50, verbose=0)
    return history, model >> predict(bake(recipe, testing), verbose=0)


history2, prob2 = fit_model2(model2, recipe, training, y_train, testing)
functional_auc = roc_auc_score(y_test, prob2[:, 1])
print(f"functional model test AUC: {functional_auc:.3f}")
results["functional_auc"] = float(functional_auc)

# %% [markdown]
# ## 5. ROC curves and the training history

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

# %% [markdown]
# In full mode the embedding network's training loss keeps falling and its training
# accuracy reaches 1 after about 30 epochs: it fits all 60 training rows, which a logistic
# regression with 4 coefficients cannot, even with the penalty. On 21 test rows it ranks
# worse than the logistic regression on this split (0.71 against 0.88).

# %%
show(history2.plot(), "functional_history.png")

# %% [markdown]
# ## 6. One split is not enough: ten splits
#
# The test set holds 21 rows, 4 of them with kyphosis present: the AUC is the share of
# the 68 (present, absent) pairs that a model ranks the right way round, so one present
# child ranked below 4 more absent ones moves it by 0.06. On this split the embedding
# network trails the logistic regression by 0.18; is that the model or the split? Repeat
# the whole comparison (split, recipe, three fits) on ten stratified splits (seeds 0 to 9;
# seed 5 is the split above) and compare the means. Fast mode uses two splits.

# %%
n_splits = 2 if FAST else 10
split_auc: dict[str, list[float]] = {"glm": [], "nn": [], "functional": []}
for split_seed in range(n_splits):
    tr, te, y_tr, y_te = initial_split(split_seed)
    split_auc["glm"].append(roc_auc_score(y_te, glm_predict(tr, y_tr, te)[1]))
    split_auc["nn"].append(roc_auc_score(y_te, fit_model1(tr, y_tr, te)[2][:, 1]))
    split_recipe = prep(tr)
    model = build_model2(len(split_recipe["codes"]))
    split_auc["functional"].append(
        roc_auc_score(y_te, fit_model2(model, split_recipe, tr, y_tr, te)[1][:, 1]))
    print(f"split {split_seed}: " + ", ".join(f"{k} {v[-1]:.3f}" for k, v in split_auc.items()))
for key, values in split_auc.items():
    print(f"{key}: mean test AUC {np.mean(values):.3f} (sd {np.std(values, ddof=1):.3f})")
    results[f"{key}_auc_by_split"] = [float(v) for v in values]
    results[f"{key}_auc_mean"] = float(np.mean(values))
results["n_splits"] = n_splits

# %%
fig, ax = plt.subplots(figsize=(7, 4))
labels = {"glm": "logistic regression", "nn": "one-layer network",
          "functional": "embedding network"}
for key, values in split_auc.items():
    line, = ax.plot(range(n_splits), values, marker="o",
                    label=f"{labels[key]} (mean {np.mean(values):.2f})")
    ax.axhline(np.mean(values), color=line.get_color(), lw=1, ls="--")
ax.set_xlabel("split (seed of initial_split)")
ax.xaxis.set_major_locator(MaxNLocator(integer=True))
ax.set_ylabel("test AUC")
ax.legend(loc="lower left")
show(fig, "auc_by_split.png")

# %% [markdown]
# Full mode, measured with kerasr (Keras 3.15, TensorFlow 2.21, CPU, seed 7 for every
# network), next to the workshop:
#
# | model | workshop (its split, unseeded) | this lab, split 5 | this lab, mean of 10 splits |
# |---|---:|---:|---:|
# | logistic regression | 0.719 | 0.882 | 0.812 (sd 0.108) |
# | one-layer network | not reported | 0.882 | 0.816 (sd 0.106) |
# | embedding network | not reported | 0.706 | 0.772 (sd 0.076) |
#
# Closer to the workshop's settings, on split 5: the one-layer network scores 0.42 to
# 0.65 over seeds on the raw columns, and 0.853 on scaled columns with a learning rate of
# 0.01; the embedding network scores 0.43 with 1e-4 for 500 epochs (0.85 with seed 1) and
# 0.588 with 1e-3 for 500 epochs (no penalty). Full mode takes about a minute on two idle
# CPU cores (two on a busy machine).
#
# Over 2,000 random splits in R, the logistic regression's test AUC has a median of 0.84
# (5-95 %: 0.69 to 0.97): the workshop's 0.719 is one unlucky draw, and this lab's split 5
# a lucky one. The one-layer network on scaled inputs matches the logistic regression on
# every split to within one pair of test rows (0.015), as it should. The embedding network
# lands within reach of it on average (0.04 below, while single splits spread by 0.08 to
# 0.11), and the gap is most likely the price of the teaching point: an embedding knows
# nothing of the order of the vertebrae, so each of 16 levels is learned from its own 1 to
# 13 training rows, where the logistic regression's single slope for `Start` uses all 60.
# The mean of ten splits is itself noisy: with seeds 1, 2 and 3 instead of 7 the embedding
# network's mean is 0.757, 0.750 and 0.769 (the one-layer network's 0.810 to 0.813), and
# its settings were chosen by looking at these splits, which flatters it a little.

# %%
write_results(results)
