"""The small table of R-specific exceptions used to generate kerasr's families.

Most R names follow from the Keras class name (``Conv2D`` -> ``layer_conv_2d``); this table
holds the rest: R's own spellings, R's argument names and defaults where they differ from
Keras, legacy aliases, and the Keras base classes that have no R function (with a reason).
It imports nothing from Keras, so the generator and the runtime can both read it.
"""

from __future__ import annotations

import re

#: family -> (keras module, prefix of the R names)
FAMILIES: dict[str, tuple[str, str]] = {
    "layers": ("layers", "layer_"),
    "optimizers": ("optimizers", "optimizer_"),
    "losses": ("losses", "loss_"),
    "metrics": ("metrics", "metric_"),
    "callbacks": ("callbacks", "callback_"),
    "regularizers": ("regularizers", "regularizer_"),
    "initializers": ("initializers", "initializer_"),
    "constraints": ("constraints", "constraint_"),
}

#: Keras classes whose R name does not follow the rule.
R_NAMES: dict[str, dict[str, str]] = {
    "layers": {
        "ReLU": "layer_activation_relu",
        "LeakyReLU": "layer_activation_leaky_relu",
        "PReLU": "layer_activation_parametric_relu",
        "ELU": "layer_activation_elu",
        "Softmax": "layer_activation_softmax",
        "UpSampling1D": "layer_upsampling_1d",
        "UpSampling2D": "layer_upsampling_2d",
        "UpSampling3D": "layer_upsampling_3d",
        "Bidirectional": "bidirectional",
        "TimeDistributed": "time_distributed",
        "RNN": "layer_rnn",
        "TFSMLayer": "layer_tfsm",
        "JaxLayer": "layer_jax_model_wrapper",
        "FlaxLayer": "layer_flax_module_wrapper",
        "TorchModuleWrapper": "layer_torch_module_wrapper",
        "ContrastLimitedAdaptiveHistogramEqualization": "layer_clahe",
    },
    "optimizers": {
        "RMSprop": "optimizer_rmsprop",
        "AdamW": "optimizer_adam_w",
        "LossScaleOptimizer": "optimizer_loss_scale",
        "ScheduleFreeAdamW": "optimizer_schedule_free_adam_w",
    },
    "losses": {"CTC": "loss_ctc"},
    "metrics": {"AUC": "metric_auc", "IoU": "metric_iou", "BinaryIoU": "metric_binary_iou",
                "OneHotIoU": "metric_one_hot_iou", "OneHotMeanIoU": "metric_one_hot_mean_iou",
                "MeanIoU": "metric_mean_iou", "R2Score": "metric_r2_score",
                "F1Score": "metric_f1_score", "FBetaScore": "metric_fbeta_score",
                "MeanMetricWrapper": "metric_mean_wrapper"},
    "callbacks": {"CSVLogger": "callback_csv_logger", "TerminateOnNaN": "callback_terminate_on_nan",
                  "ReduceLROnPlateau": "callback_reduce_lr_on_plateau",
                  "LambdaCallback": "callback_lambda", "TensorBoard": "callback_tensorboard",
                  "SwapEMAWeights": "callback_swap_ema_weights"},
    "regularizers": {"L1": "regularizer_l1", "L2": "regularizer_l2", "L1L2": "regularizer_l1_l2",
                     "OrthogonalRegularizer": "regularizer_orthogonal"},
    "initializers": {"Identity": "initializer_identity", "STFT": "initializer_stft"},
    "constraints": {"MaxNorm": "constraint_maxnorm", "MinMaxNorm": "constraint_minmaxnorm",
                    "NonNeg": "constraint_nonneg", "UnitNorm": "constraint_unitnorm"},
}

#: Extra R names for the same Keras class (older R keras spellings the workshops use).
R_ALIASES: dict[str, dict[str, list[str]]] = {
    "losses": {"KLDivergence": ["loss_kullback_leibler_divergence"], "LogCosh": ["loss_logcosh"],
               "CosineSimilarity": ["loss_cosine_proximity"]},
    "metrics": {"KLDivergence": ["metric_kullback_leibler_divergence"],
                "LogCoshError": ["metric_logcosh_error"],
                "CosineSimilarity": ["metric_cosine_proximity"]},
    "callbacks": {"TerminateOnNaN": ["callback_terminate_on_naan"]},
}

#: Aliases that are deprecated in R keras: alias -> replacement named in the warning.
DEPRECATED_ALIASES: dict[str, str] = {
    "loss_cosine_proximity": "loss_cosine_similarity",
    "metric_cosine_proximity": "metric_cosine_similarity",
}

#: Keras classes with no R function, and why (the coverage test reads this).
NOT_APPLICABLE: dict[str, dict[str, str]] = {
    "layers": {
        "Layer": "base class for custom layers",
        "InputLayer": "layer_input() / keras_input() build inputs",
        "Wrapper": "base class of bidirectional() and time_distributed()",
    },
    "optimizers": {"Optimizer": "base class",
                   "MultiOptimizer": "takes (optimizer, layers) pairs; use keras directly"},
    "losses": {"Loss": "base class"},
    "metrics": {"Metric": "base class"},
    "callbacks": {"Callback": "base class", "CallbackList": "internal container",
                  "History": "fit() returns the history", "OrbaxCheckpoint": "JAX/Orbax only"},
    "regularizers": {"Regularizer": "base class"},
    "initializers": {"Initializer": "base class"},
    "constraints": {"Constraint": "base class"},
}

#: R argument names that differ from Keras's: family -> class -> {r_name: keras_name}.
R_ARG_NAMES: dict[str, dict[str, dict[str, str]]] = {
    "regularizers": {"L1": {"l": "l1"}, "L2": {"l": "l2"}},
}

#: R defaults that differ from Keras's: family -> class -> {argument: default}.
R_DEFAULTS: dict[str, dict[str, dict[str, object]]] = {
    "layers": {"AveragePooling1D": {"pool_size": 2}, "AveragePooling2D": {"pool_size": (2, 2)},
               "AveragePooling3D": {"pool_size": (2, 2, 2)}},
    "regularizers": {"L1L2": {"l1": 0.01, "l2": 0.01}},
    "callbacks": {"TensorBoard": {"log_dir": "logs"}},
}

#: Arguments R keras takes that the Keras class does not (legacy or R-only), appended to
#: the generated signature with default None: family -> class -> [names].
R_EXTRA_ARGS: dict[str, dict[str, list[str]]] = {
    "layers": {"Embedding": ["input_length"]},
    "callbacks": {
        "ModelCheckpoint": ["period"],
        "LambdaCallback": [
            "on_batch_begin", "on_batch_end", "on_test_begin", "on_test_end",
            "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end",
            "on_predict_batch_begin", "on_predict_batch_end",
        ],
    },
}

#: Arguments every layer takes in R (``CL`` in the R package), kerasr handles them itself.
LAYER_COMMON_ARGS = ["input_shape", "batch_input_shape", "batch_size", "dtype", "name",
                     "trainable", "weights"]

#: Merge layers: R's first argument is ``inputs`` (a list of tensors).
MERGE_LAYERS = ["Add", "Average", "Concatenate", "Dot", "Maximum", "Minimum", "Multiply",
                "Subtract"]


def snake_case(class_name: str) -> str:
    """``Conv2DTranspose`` -> ``conv_2d_transpose``; ``LSTMCell`` -> ``lstm_cell``."""
    s = re.sub(r"(\d)D(?=[A-Z]|$)", r"_\1d", class_name)
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s)
    return re.sub(r"_+", "_", s).lower()


def r_name(family: str, class_name: str) -> str:
    """The R function name of a Keras class of ``family``."""
    special = R_NAMES.get(family, {}).get(class_name)
    if special:
        return special
    return FAMILIES[family][1] + snake_case(class_name)
