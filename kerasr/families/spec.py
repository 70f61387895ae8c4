"""THE table of kerasr's generated families: one :class:`Family` entry each.

Most R names follow from the Keras class name (``Conv2D`` -> ``layer_conv_2d``); each entry
holds the rest: the R prefix, where the members come from in Keras (module and base class),
the runtime adapter that builds them, R's own spellings, argument names and defaults where
they differ from Keras, legacy aliases, the Keras classes that have no R function (with a
reason), and the docs' grouping. ``tools/generate_api.py``, ``tools/write_init.py``, the
translation table, the docs and ``tests/test_families.py`` all read it. Adding a family is
one entry here plus ``python tools/generate_api.py``.

It imports nothing from Keras, so the generator and the runtime can both read it.

R: ``layer_conv_2d(filters = 32, kernel_size = c(3, 3))``
Python: ``layer_conv_2d(filters=32, kernel_size=(3, 3))``
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["FAMILIES", "Family", "r_name", "snake_case"]


@dataclass(frozen=True)
class Family:
    """One generated family: where its members come from and how R spells them."""

    #: the family's key, also Keras's module name: ``keras.<name>``
    name: str
    #: prefix of the R function names (``layer_``)
    r_prefix: str
    #: the Keras base class every member derives from (in ``keras.<name>``); for a family
    #: of functions (``kind="function"``), members are the module's capitalised functions
    base_class: str
    #: the runtime adapter the generated bodies call, and its module in ``kerasr.families``
    adapter: str
    #: how the docstring example uses a member: "pipe", "compile:<arg>", "fit:<arg>", "call"
    usage: str
    #: docs: the API page group and its title
    docs_group: str
    docs_title: str
    #: Keras classes whose R name does not follow the rule: class -> R name
    r_names: dict[str, str] = field(default_factory=dict)
    #: extra R names for a class (older R keras spellings the workshops use)
    aliases: dict[str, list[str]] = field(default_factory=dict)
    #: Keras classes with no R function, and why (the coverage test reads this)
    not_applicable: dict[str, str] = field(default_factory=dict)
    #: R argument names that differ from Keras's: class -> {r_name: keras_name}
    arg_names: dict[str, dict[str, str]] = field(default_factory=dict)
    #: R defaults that differ from Keras's: class -> {argument: default}
    defaults: dict[str, dict[str, object]] = field(default_factory=dict)
    #: arguments R takes that the Keras class does not: class -> [names] (default None)
    extra_args: dict[str, list[str]] = field(default_factory=dict)
    #: arguments every member takes in R (kerasr handles them itself)
    common_args: tuple[str, ...] = ()
    #: arguments that are shapes: an R length-1 vector (a scalar) becomes a 1-tuple
    shape_args: frozenset[str] = frozenset()
    #: split the generated code into one module per R topic (``generated/layers_core.py``)
    by_topic: bool = False
    #: "class" (members are Keras classes) or "function" (Keras functions, e.g. VGG16)
    kind: str = "class"
    #: the module of ``kerasr.families`` that holds the adapter
    adapter_module: str = "factories"
    #: spellings rewritten before the snake-case rule (``ResNet`` -> ``Resnet``)
    name_rewrites: dict[str, str] = field(default_factory=dict)

    @property
    def modules(self) -> list[str]:
        """The generated modules of this family, relative to ``kerasr``."""
        if self.by_topic:
            topics = dict.fromkeys(LAYER_TOPICS.values())
            return [f"generated.{self.name}_{topic}" for topic in topics]
        return [f"generated.{self.name}"]


#: R keras3's ``R/layers-*.R`` topics, from Keras's ``keras.src.layers.<subpackage>``.
LAYER_TOPICS: dict[str, str] = {
    "core": "core",
    "activations": "activations",
    "attention": "attention",
    "convolutional": "convolutional",
    "pooling": "pooling",
    "rnn": "recurrent",
    "merging": "merging",
    "normalization": "normalization",
    "regularization": "regularization",
    "reshaping": "reshaping",
    "preprocessing": "preprocessing",
    "wrappers": "backend_wrappers",  # TFSMLayer, JaxLayer, FlaxLayer, TorchModuleWrapper
}

def layer_topic(keras_module: str) -> str:
    """The R topic of a Keras layer class, from its defining module's path."""
    parts = keras_module.split(".")
    if len(parts) > 3 and parts[:3] == ["keras", "src", "layers"] and parts[3] in LAYER_TOPICS:
        return LAYER_TOPICS[parts[3]]
    return LAYER_TOPICS["wrappers"]


#: Merge layers: R's first argument is ``inputs`` (a list of tensors).
MERGE_LAYERS = ("Add", "Average", "Concatenate", "Dot", "Maximum", "Minimum", "Multiply",
                "Subtract")

#: Aliases that are deprecated in R keras: alias -> replacement named in the warning.
DEPRECATED_ALIASES: dict[str, str] = {
    "loss_cosine_proximity": "loss_cosine_similarity",
    "metric_cosine_proximity": "metric_cosine_similarity",
}

_LAYERS = Family(
    name="layers", r_prefix="layer_", base_class="Layer", adapter="create_layer",
    usage="pipe", docs_group="layers", docs_title="Layers", adapter_module="layers",
    r_names={
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
    not_applicable={
        "Layer": "base class for custom layers",
        "InputLayer": "layer_input() / keras_input() build inputs",
        "Wrapper": "base class of bidirectional() and time_distributed()",
    },
    defaults={"AveragePooling1D": {"pool_size": 2}, "AveragePooling2D": {"pool_size": (2, 2)},
              "AveragePooling3D": {"pool_size": (2, 2, 2)}},
    extra_args={"Embedding": ["input_length"]},
    common_args=("input_shape", "batch_input_shape", "batch_size", "dtype", "name",
                 "trainable", "weights"),
    shape_args=frozenset({"target_shape", "dims", "noise_shape", "output_shape"}),
    by_topic=True,
)
# R's numbers are doubles: wherever a Keras default is a float, an integer argument is
# converted (``optimizer_sgd(momentum = 0)``), for every family (factories.r_doubles).

#: Every generated family, in the order of ``from kerasr import *`` and the docs.
FAMILIES: dict[str, Family] = {
    family.name: family
    for family in (
        _LAYERS,
        Family(
            name="optimizers", r_prefix="optimizer_", base_class="Optimizer",
            adapter="create_optimizer", usage="compile:optimizer", docs_group="optimizers",
            docs_title="Optimizers",
            r_names={"RMSprop": "optimizer_rmsprop", "AdamW": "optimizer_adam_w",
                     "LossScaleOptimizer": "optimizer_loss_scale",
                     "ScheduleFreeAdamW": "optimizer_schedule_free_adam_w"},
            not_applicable={"Optimizer": "base class",
                            "MultiOptimizer": "takes (optimizer, layers) pairs; use keras "
                                              "directly"},
            common_args=("lr", "decay"),
        ),
        Family(
            name="losses", r_prefix="loss_", base_class="Loss", adapter="create_loss",
            usage="compile:loss", docs_group="losses-metrics", docs_title="Losses",
            r_names={"CTC": "loss_ctc"},
            aliases={"KLDivergence": ["loss_kullback_leibler_divergence"],
                     "LogCosh": ["loss_logcosh"],
                     "CosineSimilarity": ["loss_cosine_proximity"]},
            not_applicable={"Loss": "base class"},
        ),
        Family(
            name="metrics", r_prefix="metric_", base_class="Metric", adapter="create_metric",
            usage="compile:metrics", docs_group="losses-metrics", docs_title="Metrics",
            r_names={"AUC": "metric_auc", "IoU": "metric_iou", "BinaryIoU": "metric_binary_iou",
                     "OneHotIoU": "metric_one_hot_iou",
                     "OneHotMeanIoU": "metric_one_hot_mean_iou",
                     "MeanIoU": "metric_mean_iou", "R2Score": "metric_r2_score",
                     "F1Score": "metric_f1_score", "FBetaScore": "metric_fbeta_score",
                     "MeanMetricWrapper": "metric_mean_wrapper"},
            aliases={"KLDivergence": ["metric_kullback_leibler_divergence"],
                     "LogCoshError": ["metric_logcosh_error"],
                     "CosineSimilarity": ["metric_cosine_proximity"]},
            not_applicable={"Metric": "base class"},
        ),
        Family(
            name="callbacks", r_prefix="callback_", base_class="Callback",
            adapter="create_callback", usage="fit:callbacks", docs_group="callbacks",
            docs_title="Callbacks",
            r_names={"CSVLogger": "callback_csv_logger",
                     "TerminateOnNaN": "callback_terminate_on_nan",
                     "ReduceLROnPlateau": "callback_reduce_lr_on_plateau",
                     "LambdaCallback": "callback_lambda",
                     "TensorBoard": "callback_tensorboard",
                     "SwapEMAWeights": "callback_swap_ema_weights"},
            aliases={"TerminateOnNaN": ["callback_terminate_on_naan"]},
            not_applicable={"Callback": "base class", "CallbackList": "internal container",
                            "History": "fit() returns the history",
                            "OrbaxCheckpoint": "JAX/Orbax only"},
            defaults={"TensorBoard": {"log_dir": "logs"}},
            extra_args={
                "ModelCheckpoint": ["period"],
                "LambdaCallback": [
                    "on_batch_begin", "on_batch_end", "on_test_begin", "on_test_end",
                    "on_test_batch_begin", "on_test_batch_end", "on_predict_begin",
                    "on_predict_end", "on_predict_batch_begin", "on_predict_batch_end",
                ],
            },
        ),
        Family(
            name="applications", r_prefix="application_", base_class="",
            adapter="create_application", usage="call", docs_group="applications",
            docs_title="Applications", kind="function", adapter_module="applications",
            name_rewrites={"ConvNeXt": "Convnext", "DenseNet": "Densenet",
                           "EfficientNet": "Efficientnet", "InceptionResNet": "InceptionResnet",
                           "MobileNet": "Mobilenet", "ResNet": "Resnet"},
            r_names={"NASNetLarge": "application_nasnetlarge",
                     "NASNetMobile": "application_nasnetmobile",
                     "EfficientNetV2B0": "application_efficientnet_v2b0",
                     "EfficientNetV2B1": "application_efficientnet_v2b1",
                     "EfficientNetV2B2": "application_efficientnet_v2b2",
                     "EfficientNetV2B3": "application_efficientnet_v2b3",
                     "EfficientNetV2L": "application_efficientnet_v2l",
                     "EfficientNetV2M": "application_efficientnet_v2m",
                     "EfficientNetV2S": "application_efficientnet_v2s"},
        ),
        Family(
            name="regularizers", r_prefix="regularizer_", base_class="Regularizer",
            adapter="create_object", usage="call", docs_group="regularizers",
            docs_title="Regularizers",
            r_names={"L1": "regularizer_l1", "L2": "regularizer_l2", "L1L2": "regularizer_l1_l2",
                     "OrthogonalRegularizer": "regularizer_orthogonal"},
            not_applicable={"Regularizer": "base class"},
            arg_names={"L1": {"l": "l1"}, "L2": {"l": "l2"}},
            defaults={"L1L2": {"l1": 0.01, "l2": 0.01}},
        ),
        Family(
            name="initializers", r_prefix="initializer_", base_class="Initializer",
            adapter="create_object", usage="call", docs_group="regularizers",
            docs_title="Initializers",
            r_names={"Identity": "initializer_identity", "STFT": "initializer_stft"},
            not_applicable={"Initializer": "base class"},
        ),
        Family(
            name="constraints", r_prefix="constraint_", base_class="Constraint",
            adapter="create_object", usage="call", docs_group="regularizers",
            docs_title="Constraints",
            r_names={"MaxNorm": "constraint_maxnorm", "MinMaxNorm": "constraint_minmaxnorm",
                     "NonNeg": "constraint_nonneg", "UnitNorm": "constraint_unitnorm"},
            not_applicable={"Constraint": "base class"},
        ),
    )
}


def snake_case(class_name: str) -> str:
    """``Conv2DTranspose`` -> ``conv_2d_transpose``; ``LSTMCell`` -> ``lstm_cell``."""
    s = re.sub(r"(\d)D(?=[A-Z]|$)", r"_\1d", class_name)
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s)
    return re.sub(r"_+", "_", s).lower()


def r_name(family: str, class_name: str) -> str:
    """The R function name of a Keras class of ``family``.

    R: ``layer_conv_2d``
    Python: ``r_name("layers", "Conv2D")``  # "layer_conv_2d"
    """
    spec = FAMILIES[family]
    if class_name in spec.r_names:
        return spec.r_names[class_name]
    for old, new in spec.name_rewrites.items():
        class_name = class_name.replace(old, new)
    return spec.r_prefix + snake_case(class_name)
