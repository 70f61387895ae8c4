"""Write docs/translation.md: the R-to-Python translation table, generated from code.

Rows: every R function the workshops call (``docs/data/r_workshop_functions.json``, parsed from
``../shared/reference/workshops.md`` section 2 with ``--refresh-workshops``) and every name
``kerasr`` exports (``kerasr.__all__``). For each: the kerasr spelling, the plain Keras 3
equivalent and a status (same, renamed, deprecated with its replacement, not applicable in
Python, not yet in kerasr, kerasr only).

The Keras 3 equivalent of a generated family function is read from its docstring
("Wraps ``keras.layers.Conv2D``"); aliases and deprecations come from the family table;
a ``k_*`` function carries its Keras spelling (``__kerasr_keras__``) or, for the graph-mode
ones, the replacement it names (``__kerasr_not_applicable__``); the hand-written functions are
described in the tables below. The ``op_*`` and ``activation_*`` rows get compact tables of
their own. Importing kerasr does not import Keras, so this runs in a second.

    python tools/translation_table.py            # write docs/translation.md
    python tools/translation_table.py --check    # exit 1 when docs/translation.md is stale
    python tools/translation_table.py --refresh-workshops ../shared/reference/workshops.md
"""

from __future__ import annotations

import argparse
import inspect
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "translation.md"
WORKSHOP_DATA = ROOT / "docs" / "data" / "r_workshop_functions.json"
DEFAULT_WORKSHOPS_MD = ROOT.parent / "shared" / "reference" / "workshops.md"

SAME = "same"
RENAMED = "renamed"
DEPRECATED = "deprecated"
NOT_APPLICABLE = "not applicable in Python"
NOT_YET = "not yet in kerasr"
KERASR_ONLY = "kerasr only"

_REMOVED_TOKENIZER = "(removed in Keras 3; kerasr implements keras-preprocessing's Tokenizer)"
_REMOVED_IDG = ("(removed in Keras 3; kerasr implements keras-preprocessing's "
                "ImageDataGenerator)")

#: Hand-written kerasr exports: name -> (R spelling, plain Keras 3 equivalent).
#: An export missing here falls back to its own name and "-"; the test still finds its row.
HAND_WRITTEN: dict[str, tuple[str, str]] = {
    # models
    "keras_model_sequential": ("keras_model_sequential()", "keras.Sequential()"),
    "keras_model": ("keras_model(inputs, outputs)", "keras.Model(inputs, outputs)"),
    "keras_input": ("keras_input(shape)", "keras.Input(shape)"),
    "layer_input": ("layer_input(shape)", "keras.Input(shape)"),
    "clone_model": ("clone_model(model)", "keras.models.clone_model(model)"),
    "count_params": ("count_params(model)", "model.count_params()"),
    "get_layer": ("get_layer(model, index = 1)", "`model.get_layer(name)` / `model.layers[i - 1]`"),
    "get_weights": ("get_weights(model)", "model.get_weights()"),
    "set_weights": ("set_weights(model, w)", "model.set_weights(w)"),
    "freeze_weights": ("freeze_weights(model, from, to)", "`layer.trainable = False`"),
    "unfreeze_weights": ("unfreeze_weights(model, from, to)", "`layer.trainable = True`"),
    "pop_layer": ("pop_layer(model)", "model.pop()"),
    "reset_states": ("reset_states(model)", "`layer.reset_state()` on each stateful layer"),
    "summary": ("summary(model)", "model.summary()"),
    # training
    "compile": ("compile(model, ...)", "model.compile(...)"),
    "fit": ("fit(model, x, y, ...)", "model.fit(x, y, ...)"),
    "evaluate": ("evaluate(model, x, y)", "model.evaluate(x, y, return_dict=True)"),
    "predict": ("predict(model, x)", "model.predict(x)"),
    "predict_on_batch": ("predict_on_batch(model, x)", "model.predict_on_batch(x)"),
    "train_on_batch": ("train_on_batch(model, x, y)", "model.train_on_batch(x, y)"),
    "test_on_batch": ("test_on_batch(model, x, y)", "model.test_on_batch(x, y)"),
    "fit_generator": ("fit_generator(model, gen, ...)", "model.fit(gen, ...)"),
    "evaluate_generator": ("evaluate_generator(model, gen)", "model.evaluate(gen)"),
    "predict_generator": ("predict_generator(model, gen)", "model.predict(gen)"),
    "predict_classes": ("predict_classes(model, x)", "model.predict(x).argmax(axis=-1)"),
    "predict_proba": ("predict_proba(model, x)", "model.predict(x)"),
    # persistence
    "save_model": ("save_model(model, file)", "model.save(\"m.keras\")"),
    "load_model": ("load_model(file)", "keras.models.load_model(\"m.keras\")"),
    "save_model_hdf5": ("save_model_hdf5(model, file)", "model.save(\"m.h5\")"),
    "load_model_hdf5": ("load_model_hdf5(file)", "keras.models.load_model(\"m.h5\")"),
    "save_model_tf": ("save_model_tf(model, dir)", "model.export(dir)"),
    "load_model_tf": ("load_model_tf(dir)", "keras.layers.TFSMLayer(dir)"),
    "save_model_weights": ("save_model_weights(model, file)",
                           "model.save_weights(\"m.weights.h5\")"),
    "load_model_weights": ("load_model_weights(model, file)",
                           "model.load_weights(\"m.weights.h5\")"),
    "save_model_weights_hdf5": ("save_model_weights_hdf5(model, file)",
                                "model.save_weights(\"m.weights.h5\")"),
    "load_model_weights_hdf5": ("load_model_weights_hdf5(model, file)",
                                "model.load_weights(...)"),
    "model_to_json": ("model_to_json(model)", "model.to_json()"),
    "model_from_json": ("model_from_json(json)", "keras.models.model_from_json(json)"),
    "serialize_model": ("serialize_model(model)",
                        "`model.save()` to a `.keras` file, then read it"),
    "unserialize_model": ("unserialize_model(raw)", "`keras.models.load_model()` on such a file"),
    # utilities
    "array_reshape": ("array_reshape(x, dim)", "`numpy.reshape(x, dim)` (C order, as here)"),
    "to_categorical": ("to_categorical(y, num_classes)", "keras.utils.to_categorical(y, n)"),
    "normalize": ("normalize(x, axis = -1)", "keras.utils.normalize(x, axis)"),
    "pad_sequences": ("pad_sequences(sequences, maxlen)",
                      "keras.utils.pad_sequences(sequences, maxlen)"),
    "custom_metric": ("custom_metric(name, fn)", "a Python function named `name`"),
    "k_clear_session": ("k_clear_session()", "keras.backend.clear_session()"),
    "set_random_seed": ("set_random_seed(seed)", "keras.utils.set_random_seed(seed)"),
    "use_session_with_seed": ("use_session_with_seed(seed)", "keras.utils.set_random_seed(seed)"),
    "use_backend": ("use_backend(\"jax\")", "`KERAS_BACKEND=jax` before importing keras"),
    "shape": ("shape(NULL, 3)", "a tuple `(None, 3)`"),
    "get_option": ("getOption(name)", "-"),
    "set_option": ("options(name = value)", "-"),
    # history
    "TrainingHistory": ("keras_training_history", "keras.callbacks.History"),
    "as_data_frame": ("as.data.frame(history)", "pandas.DataFrame(history.history)"),
    "plot_history": ("plot(history)", "matplotlib by hand"),
    "plot": ("plot(history)", "matplotlib by hand"),
    "format_r_number": ("format(x, digits = 4)", "-"),
    "pretty_num": ("prettyNum(x, big.mark = \",\")", "-"),
    # zeallot and named lists
    "unpack": ("%<-%", "Python unpacking `(x, y), (xt, yt) = ...`"),
    "destructure": ("destructure(x)", "-"),
    "named_list": ("list(a = 1, b = 2)", "dict"),
    "NamedList": ("list (named)", "dict"),
    # data sets
    "dataset_mnist": ("dataset_mnist()", "keras.datasets.mnist.load_data()"),
    "dataset_fashion_mnist": ("dataset_fashion_mnist()",
                              "keras.datasets.fashion_mnist.load_data()"),
    "dataset_boston_housing": ("dataset_boston_housing()",
                               "keras.datasets.boston_housing.load_data()"),
    "dataset_cifar10": ("dataset_cifar10()", "keras.datasets.cifar10.load_data()"),
    "dataset_cifar100": ("dataset_cifar100()", "keras.datasets.cifar100.load_data()"),
    "dataset_imdb": ("dataset_imdb(num_words)", "keras.datasets.imdb.load_data(num_words)"),
    "dataset_imdb_word_index": ("dataset_imdb_word_index()",
                                "keras.datasets.imdb.get_word_index()"),
    "dataset_reuters": ("dataset_reuters(num_words)",
                        "keras.datasets.reuters.load_data(num_words)"),
    "dataset_reuters_word_index": ("dataset_reuters_word_index()",
                                   "keras.datasets.reuters.get_word_index()"),
    "dataset_kyphosis": ("data(kyphosis, package = \"rpart\")", "- (not in Keras)"),
    "dataset_household_power": ("read.table(\"household_power_consumption.txt\")",
                                "- (not in Keras)"),
    "fashion_mnist_class_names": ("c(\"T-shirt/top\", \"Trouser\", ...)", "-"),
    "get_file": ("get_file(fname, origin)", "keras.utils.get_file(fname, origin)"),
    # configuration, custom objects and custom layers
    "get_config": ("get_config(object)", "object.get_config()"),
    "from_config": ("from_config(config)",
                    "`keras.saving.deserialize_keras_object(config)` / `Class.from_config()`"),
    "with_custom_object_scope": ("with_custom_object_scope(objects, expr)",
                                 "keras.saving.custom_object_scope(objects)"),
    "Layer": ("Layer(classname, initialize, call)", "subclass `keras.layers.Layer`"),
    "new_layer_class": ("new_layer_class(classname, initialize, call)",
                        "subclass `keras.layers.Layer`"),
    "new_model_class": ("new_model_class(classname, initialize, call)",
                        "subclass `keras.Model`"),
    "create_layer": ("create_layer(layer_class, object, args)",
                     "`layer_class(**args)`, then call it or `model.add()`"),
    "adapt": ("adapt(object, data)", "layer.adapt(data)"),
    "get_vocabulary": ("get_vocabulary(object)", "layer.get_vocabulary()"),
    # R keras 2 layers that Keras 3 has no class for
    "layer_activation_selu": ("layer_activation_selu()", "keras.layers.Activation(\"selu\")"),
    "layer_activation_thresholded_relu": ("layer_activation_thresholded_relu(theta = 1)",
                                          "keras.layers.ReLU(threshold=theta)"),
    "layer_locally_connected_1d": ("layer_locally_connected_1d(filters, kernel_size)",
                                   "- (removed from Keras 3)"),
    "layer_locally_connected_2d": ("layer_locally_connected_2d(filters, kernel_size)",
                                   "- (removed from Keras 3)"),
    # text preprocessing (keras-preprocessing's Tokenizer, gone from Keras 3)
    "text_tokenizer": ("text_tokenizer(num_words = NULL)", _REMOVED_TOKENIZER),
    "Tokenizer": ("text_tokenizer() object", _REMOVED_TOKENIZER),
    "fit_text_tokenizer": ("fit_text_tokenizer(object, x)",
                           "`Tokenizer.fit_on_texts(texts)` (keras-preprocessing)"),
    "texts_to_sequences": ("texts_to_sequences(tokenizer, texts)",
                           "`Tokenizer.texts_to_sequences(texts)` (keras-preprocessing)"),
    "texts_to_sequences_generator": (
        "texts_to_sequences_generator(tokenizer, texts)",
        "`Tokenizer.texts_to_sequences_generator(texts)` (keras-preprocessing)"),
    "texts_to_matrix": ("texts_to_matrix(tokenizer, texts, mode = \"binary\")",
                        "`Tokenizer.texts_to_matrix(texts, mode)` (keras-preprocessing)"),
    "sequences_to_matrix": ("sequences_to_matrix(tokenizer, sequences, mode = \"binary\")",
                            "`Tokenizer.sequences_to_matrix(sequences, mode)` "
                            "(keras-preprocessing)"),
    "sequences_to_texts": ("sequences_to_texts(tokenizer, sequences)",
                           "`Tokenizer.sequences_to_texts(sequences)` (keras-preprocessing)"),
    "save_text_tokenizer": ("save_text_tokenizer(object, filename)",
                            "`Tokenizer.to_json()` (keras-preprocessing)"),
    "load_text_tokenizer": ("load_text_tokenizer(filename)",
                            "`tokenizer_from_json(text)` (keras-preprocessing)"),
    "text_to_word_sequence": ("text_to_word_sequence(text)",
                              "`text_to_word_sequence(text)` (keras-preprocessing)"),
    "text_one_hot": ("text_one_hot(text, n)", "`one_hot(text, n)` (keras-preprocessing)"),
    "text_hashing_trick": ("text_hashing_trick(text, n, hash_function = NULL)",
                           "`hashing_trick(text, n, hash_function)` (keras-preprocessing)"),
    # images
    "image_load": ("image_load(path, target_size = NULL)",
                   "keras.utils.load_img(path, target_size=None)"),
    "image_to_array": ("image_to_array(img)", "keras.utils.img_to_array(img)"),
    "image_from_array": ("image_from_array(x)", "keras.utils.array_to_img(x)"),
    "image_array_save": ("image_array_save(img, path)", "keras.utils.save_img(path, x)"),
    "image_array_resize": ("image_array_resize(img, height, width)",
                           "keras.ops.image.resize(x, (height, width))"),
    "image_data_generator": ("image_data_generator(rescale = 1/255, ...)", _REMOVED_IDG),
    "fit_image_data_generator": ("fit_image_data_generator(object, x)",
                                 "`ImageDataGenerator.fit(x)` (keras-preprocessing)"),
    "flow_images_from_data": ("flow_images_from_data(x, y, generator)",
                              "`ImageDataGenerator.flow(x, y)` (keras-preprocessing)"),
    "flow_images_from_directory": (
        "flow_images_from_directory(directory, generator, target_size)",
        "`ImageDataGenerator.flow_from_directory(directory)` (keras-preprocessing)"),
    "flow_images_from_dataframe": (
        "flow_images_from_dataframe(dataframe, directory, x_col, y_col, generator)",
        "`ImageDataGenerator.flow_from_dataframe(df)` (keras-preprocessing)"),
    "generator_next": ("generator_next(generator)", "Python's `next(generator)`"),
    "imagenet_preprocess_input": ("imagenet_preprocess_input(x, mode = \"caffe\")",
                                  "keras.applications.imagenet_utils.preprocess_input(x)"),
    "imagenet_decode_predictions": ("imagenet_decode_predictions(preds, top = 5)",
                                    "keras.applications.imagenet_utils.decode_predictions(preds)"),
    # distribution (R: tensorflow's tf$distribute)
    "distribute_data_parallel": (
        "with(tf$distribute$MirroredStrategy()$scope(), ...)",
        "`tf.distribute.MirroredStrategy()` / `keras.distribution.DataParallel()`"),
    "distribute_multi_worker": (
        "with(tf$distribute$MultiWorkerMirroredStrategy()$scope(), ...)",
        "`tf.distribute.MultiWorkerMirroredStrategy()` / `keras.distribution.initialize()` + "
        "`DataParallel()`"),
    "distribution_devices": ("tf$config$list_logical_devices()",
                             "keras.distribution.list_devices()"),
    "in_distribution": ("tf$distribute$has_strategy()",
                        "`tf.distribute.has_strategy()` / `keras.distribution.distribution()`"),
    # display and translation
    "present_figure": ("plot(x)", "matplotlib's `fig.show()` / `fig.savefig()`"),
}

#: tfruns, R's run tracker (``kerasr.runs``): R spelling of each function.
TFRUNS: dict[str, str] = {
    "training_run": "training_run(file = \"train.R\", flags = NULL)",
    "tuning_run": "tuning_run(file, flags = list(...), sample = NULL)",
    "flags": "FLAGS <- flags(flag_integer(\"units\", 32), ...)",
    "Flags": "FLAGS$units",
    "flag_integer": "flag_integer(name, default, description)",
    "flag_numeric": "flag_numeric(name, default, description)",
    "flag_string": "flag_string(name, default, description)",
    "flag_boolean": "flag_boolean(name, default, description)",
    "ls_runs": "ls_runs(subset, order, runs_dir = \"runs\")",
    "run_info": "run_info(run_dir)",
    "latest_run": "latest_run(runs_dir = \"runs\")",
    "view_run": "view_run(run_dir = latest_run())",
    "compare_runs": "compare_runs(runs = ls_runs(latest_n = 2))",
    "save_run_view": "save_run_view(run_dir, filename = \"auto\")",
    "save_run_comparison": "save_run_comparison(runs, filename = \"auto\")",
    "clean_runs": "clean_runs(runs = ls_runs(), runs_dir = \"runs\")",
    "purge_runs": "purge_runs(runs_dir = \"runs\")",
    "run_dir": "run_dir()",
    "is_run_active": "is_run_active()",
    "unique_run_dir": "unique_run_dir(runs_dir = \"runs\")",
    "write_run_metadata": "write_run_metadata(type, data, run_dir = NULL)",
}

#: Keras equivalents above that are prose, not code.
PROSE = {"matplotlib by hand"}

#: kerasr exports whose R spelling differs from the kerasr name (status "renamed").
RENAMED_FROM_R = {
    "as_data_frame", "plot_history", "format_r_number", "pretty_num", "unpack", "named_list",
    "NamedList", "get_option", "set_option", "TrainingHistory", "dataset_kyphosis",
    "dataset_household_power", "fashion_mnist_class_names",
}

#: kerasr exports with no R function (the pipe machinery, kerasr's own tools).
KERASR_ONLY_NAMES = {
    "Deferred": "the deferred call `>>` applies (R's `%>%` needs none)",
    "verb": "declare your own pipe verb",
    "as_axis": "R's 1-based `axis` as Keras's 0-based one (what every `op_*`/`k_*` does)",
    "as_custom_objects": "R's forms of `custom_objects =` (named list, list) as a dict",
    "translate_r": "translate R keras code to kerasr Python",
    "translate_file": "translate an `.R`/`.Rmd` file to a Python script or notebook",
}

#: Notes on hand-written rows.
NOTES = {
    "text_tokenizer": "the Keras 3 way: `layer_text_vectorization()`",
    "Tokenizer": "the class `text_tokenizer()` returns",
    "image_data_generator": "the Keras 3 way: `image_dataset_from_directory()` and "
                            "augmentation layers (`layer_random_flip()`, `layer_rescaling()`)",
    "flow_images_from_directory": "the Keras 3 way: "
                                  "`keras.utils.image_dataset_from_directory(directory)`",
    "flow_images_from_data": "the Keras 3 way: "
                             "`tf.data.Dataset.from_tensor_slices((x, y)).batch(n)`",
    "layer_activation_selu": "Keras 3 has no SELU layer class",
    "layer_activation_thresholded_relu": "Keras 3 removed ThresholdedReLU; ReLU keeps `x` "
                                         "where `x == theta`",
    "distribute_data_parallel": "TensorFlow: MirroredStrategy; JAX: DataParallel",
    "distribute_multi_worker": "the cluster from TF_CONFIG on both backends; on TensorFlow "
                               "kerasr fixes Keras 3's fit() under the strategy "
                               "(keras-team/keras#20585)",
    "with_custom_object_scope": "Python: a `with` block",
    "create_layer": "R keras 2's way to wrap a custom layer class",
    "get_file": "kerasr's data sets download through `data_loaders`",
}

#: Hand-written exports that exist only to say what to use instead: name -> note.
NOT_APPLICABLE_HAND_WRITTEN = {
    "layer_locally_connected_1d": "raises an error: use `layer_conv_1d()`",
    "layer_locally_connected_2d": "raises an error: use `layer_conv_2d()`",
}

#: Deprecated hand-written exports: name -> replacement.
DEPRECATED_HAND_WRITTEN = {
    "fit_generator": "fit()",
    "evaluate_generator": "evaluate()",
    "predict_generator": "predict()",
    "predict_classes": "predict(model, x).argmax(axis=-1)",
    "predict_proba": "predict()",
    "use_session_with_seed": "set_random_seed()",
}

#: Workshop R functions that are not kerasr exports: name -> (kerasr, Keras 3, status, note).
WORKSHOP_ONLY: dict[str, tuple[str, str, str, str]] = {
    "%<-%": ("`(a, b) = value` or `unpack(\"c(a, b)\", value)`", "Python unpacking", RENAMED,
             "zeallot's operator; R patterns copy verbatim into `unpack()`"),
    "plot": ("`history.plot()` or `plot_history(history)`", "matplotlib by hand", RENAMED,
             "on a training history"),
    "import": ("`import numpy`", "`import`", NOT_APPLICABLE, "Python's own `import`"),
    "tensorboard": ("-", "`tensorboard --logdir logs` (shell)", NOT_APPLICABLE,
                    "launch TensorBoard from a shell; `callback_tensorboard()` writes the logs"),
}

#: tfruns functions: not part of R keras, nor of Keras.
TFRUNS_NOTE = "tfruns, R's run tracker: `kerasr.runs` (scripts are `.py` files)"
TFRUNS_KERAS = "(no Keras equivalent: tfruns)"

#: ``k_*`` functions kerasr implements itself (no single Keras call): their Keras spelling.
#: The others carry ``__kerasr_keras__`` (``keras.ops.mean()``), read from the function.
K_IMPL_KERAS = {
    "k_sqrt": "keras.ops.sqrt(keras.ops.maximum(x, 0))",
    "k_clip": "keras.ops.clip(x, min_value, max_value)",
    "k_flatten": "keras.ops.reshape(x, (-1,))",
    "k_batch_flatten": "keras.ops.reshape(x, (keras.ops.shape(x)[0], -1))",
    "k_repeat": "keras.ops.repeat(keras.ops.expand_dims(x, 1), n, axis=1)",
    "k_gather": "keras.ops.take(reference, indices, axis=0)",
    "k_cast_to_floatx": "keras.ops.cast(x, keras.config.floatx())",
    "k_dot": "keras.ops.matmul(x, y)",
    "k_batch_dot": "`keras.ops.einsum()` / `keras.ops.matmul()`",
    "k_l2_normalize": "keras.utils.normalize(x, axis, order=2)",
    "k_relu": "keras.activations.relu(x, negative_slope=alpha, max_value=max_value)",
    "k_normalize_batch_in_training": "`keras.ops.moments()`, then "
                                     "`keras.ops.batch_normalization()`",
    "k_bias_add": "keras.ops.add(x, bias)",
    "k_pool2d": "`keras.ops.max_pool()` / `keras.ops.average_pool()`",
    "k_pool3d": "`keras.ops.max_pool()` / `keras.ops.average_pool()`",
    "k_temporal_padding": "keras.ops.pad(x, pad_width)",
    "k_spatial_2d_padding": "keras.ops.pad(x, pad_width)",
    "k_spatial_3d_padding": "keras.ops.pad(x, pad_width)",
    "k_resize_images": "`keras.ops.repeat(x, factor, axis)` per axis",
    "k_resize_volumes": "`keras.ops.repeat(x, factor, axis)` per axis",
    "k_switch": "keras.ops.where(condition, then, else)",
    "k_foldl": "keras.ops.scan(f, init, xs)",
    "k_foldr": "keras.ops.scan(f, init, xs, reverse=True)",
    "k_random_binomial": "keras.random.uniform(shape) < p",
    "k_random_bernoulli": "keras.random.uniform(shape) < p",
    "k_random_normal_variable": "keras.Variable(keras.random.normal(shape, mean, scale))",
    "k_random_uniform_variable": "keras.Variable(keras.random.uniform(shape, low, high))",
    "k_variable": "keras.Variable(value)",
    "k_constant": "keras.ops.convert_to_tensor(value)",
    "k_shape": "keras.ops.shape(x)",
    "k_int_shape": "x.shape",
    "k_get_variable_shape": "x.shape",
    "k_ndim": "keras.ops.ndim(x)",
    "k_dtype": "keras.backend.standardize_dtype(x.dtype)",
    "k_count_params": "keras.ops.size(x)",
    "k_is_keras_tensor": "keras.backend.is_keras_tensor(x)",
    "k_is_sparse": "`isinstance(x, tf.SparseTensor)` (TensorFlow)",
    "k_to_dense": "keras.ops.convert_to_tensor(x, sparse=False)",
    "k_eval": "keras.ops.convert_to_numpy(x)",
    "k_get_value": "keras.ops.convert_to_numpy(x)",
    "k_batch_get_value": "[keras.ops.convert_to_numpy(x) for x in xs]",
    "k_set_value": "x.assign(value)",
    "k_batch_set_value": "`x.assign(value)` for each pair",
    "k_update": "x.assign(new_x)",
    "k_update_add": "x.assign_add(increment)",
    "k_update_sub": "x.assign_sub(decrement)",
    "k_moving_average_update": "x.assign(x * momentum + value * (1 - momentum))",
    "k_print_tensor": "print(keras.ops.convert_to_numpy(x))",
}

#: Graph-mode ``k_*`` functions (they raise GraphModeError): their Keras 3 way. The note is
#: the replacement the function carries (``__kerasr_not_applicable__``).
GRAPH_MODE_KERAS = {
    "k_function": "a Python function (eager execution)",
    "k_gradients": "`tf.GradientTape` / `jax.grad`",
    "k_placeholder": "`keras.Input(shape)`",
    "k_is_placeholder": "`keras.backend.is_keras_tensor(x)`",
    "k_learning_phase": "the `training=` argument of a layer call",
    "k_set_learning_phase": "the `training=` argument of a layer call",
    "k_in_train_phase": "the `training=` argument of a layer call",
    "k_in_test_phase": "the `training=` argument of a layer call",
    "k_rnn": "`keras.layers.RNN(cell)` / `keras.ops.scan()`",
    "k_local_conv1d": "- (removed from Keras 3)",
    "k_local_conv2d": "- (removed from Keras 3)",
    "k_conv2d_transpose": "`keras.ops.conv_transpose()`",
    "k_conv3d_transpose": "`keras.ops.conv_transpose()`",
    "k_ctc_batch_cost": "`keras.ops.ctc_loss()`",
    "k_ctc_decode": "`keras.ops.ctc_decode()`",
    "k_reset_uids": "`keras.backend.clear_session()`",
}


# --------------------------------------------------------------------------- workshop list


def parse_workshops_md(path: Path) -> list[dict[str, str]]:
    """The table of section 2 of workshops.md: function, package and lab-file count."""
    text = path.read_text(encoding="utf-8")
    start = text.index("## 2. API surface")
    end = text.index("\n### 2.1", start)
    rows = []
    for line in text[start:end].splitlines():
        m = re.match(r"^\|\s*(\d+)\s*\|\s*`([^`]+)`\s*\|\s*([^|]+?)\s*\|\s*(\d+)\s*\|", line)
        if m:
            rows.append({"rank": int(m.group(1)), "function": m.group(2),
                         "package": m.group(3), "lab_files": int(m.group(4))})
    if not rows:
        raise SystemExit(f"no function table found in section 2 of {path}")
    return rows


def load_workshop_functions() -> list[dict[str, str]]:
    return json.loads(WORKSHOP_DATA.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- rows


def _wrapped_keras(doc: str) -> str | None:
    m = re.search(r"Wraps ``(keras\.[\w.]+)``", doc)
    return m.group(1) if m else None


def _family_aliases() -> tuple[dict[str, str], dict[str, str]]:
    """alias -> canonical R name, and alias -> deprecated replacement (the family table)."""
    from kerasr.families import spec

    aliases: dict[str, str] = {}
    for family in spec.FAMILIES.values():
        for cls, names in family.aliases.items():
            for alias in names:
                aliases[alias] = spec.r_name(family.name, cls)
    return aliases, dict(spec.DEPRECATED_ALIASES)


def _calls(r_code: str) -> list[str]:
    return re.findall(r"([A-Za-z_][\w.]*)\s*\(", r_code)


def export_row(name: str) -> dict[str, str]:
    """The table row of one kerasr export."""
    import kerasr

    obj = getattr(kerasr, name)
    doc = inspect.getdoc(obj) or ""
    module = getattr(obj, "__module__", "") or ""
    aliases, deprecated_aliases = _family_aliases()
    row = {"r": f"`{name}()`", "kerasr": f"`{name}()`", "keras": "-", "status": SAME,
           "note": ""}
    if inspect.isclass(obj) or not callable(obj):
        row["kerasr"] = f"`{name}`"
    if name in deprecated_aliases:
        replacement = deprecated_aliases[name]
        wrapped = _wrapped_keras(inspect.getdoc(getattr(kerasr, replacement)) or "")
        row.update(keras=f"`{wrapped}()`" if wrapped else "-", status=DEPRECATED,
                   note=f"use `{replacement}()`")
        return row
    wrapped = _wrapped_keras(doc) if module.startswith("kerasr.generated") else None
    if wrapped:
        row["keras"] = f"`{wrapped}()`"
        if name in aliases:
            row["note"] = f"alias of `{aliases[name]}()`"
        axes = re.findall(r"``(\w+)``(?:, ``\w+``)*: 1-based", doc)
        if axes and not row["note"]:
            row["note"] = f"`{axes[0]}` 1-based"
        return row
    if hasattr(obj, "__kerasr_not_applicable__"):
        # a graph-mode k_* function: it raises GraphModeError naming the replacement
        row = _row_from_docstring(name, doc, row)
        row.update(keras=GRAPH_MODE_KERAS.get(name, "-"), status=NOT_APPLICABLE,
                   note=f"raises GraphModeError: {obj.__kerasr_not_applicable__}")
        return row
    if hasattr(obj, "__kerasr_keras__"):
        return _k_row(name, doc, obj.__kerasr_keras__, row)
    if name in KERASR_ONLY_NAMES:
        row.update(r="-", status=KERASR_ONLY, note=KERASR_ONLY_NAMES[name])
        return row
    if inspect.isclass(obj) and issubclass(obj, BaseException) and name not in HAND_WRITTEN:
        row.update(r="-", status=KERASR_ONLY, note="kerasr's error class (R signals a condition)")
        if issubclass(obj, Warning):
            row["note"] = "warning class of legacy R spellings"
        return row
    if name in TFRUNS:
        r_code = TFRUNS[name]
        row.update(r=f"`{r_code}`", keras=TFRUNS_KERAS, note=TFRUNS_NOTE,
                   status=SAME if name in _calls(r_code) else RENAMED)
        return row
    if name not in HAND_WRITTEN:
        return _row_from_docstring(name, doc, row)
    r_spelling, keras_eq = HAND_WRITTEN[name]
    row["r"] = f"`{r_spelling}`"
    row["keras"] = _code(keras_eq)
    row["note"] = NOTES.get(name, "")
    if name in DEPRECATED_HAND_WRITTEN:
        row["status"] = DEPRECATED
        row["note"] = f"use `{DEPRECATED_HAND_WRITTEN[name]}`"
    elif name in NOT_APPLICABLE_HAND_WRITTEN:
        row["status"] = NOT_APPLICABLE
        row["note"] = NOT_APPLICABLE_HAND_WRITTEN[name]
    elif name in RENAMED_FROM_R or name not in _calls(r_spelling):
        row["status"] = RENAMED
    return row


def _k_row(name: str, doc: str, keras_eq: str | None, row: dict[str, str]) -> dict[str, str]:
    """An R keras 2 ``k_*`` function: its Keras spelling, and R keras3's ``op_*`` name."""
    import kerasr

    row = _row_from_docstring(name, doc, row)
    keras_eq = keras_eq or K_IMPL_KERAS.get(name, "-")
    row["keras"] = _code(keras_eq)
    m = re.match(r"`?keras\.ops\.(\w+)\(", keras_eq)
    if m and hasattr(kerasr, f"op_{m.group(1)}"):
        row["note"] = f"R keras3: `op_{m.group(1)}()`"
    return row


def _row_from_docstring(name: str, doc: str, row: dict[str, str]) -> dict[str, str]:
    """A hand-written export not in HAND_WRITTEN: its R spelling from the docstring's R line."""
    m = re.search(r"^\s*R:\s*``(.+?)``", doc, re.M)
    if not m:
        row.update(r="-", status=KERASR_ONLY)
        return row
    r_code = re.sub(r"^[\w.]+\s*<-\s*", "", m.group(1))  # `x <- f(...)`: the call
    row["r"] = f"`{r_code}`"
    row["status"] = SAME if name in _calls(r_code) else RENAMED
    return row


def workshop_row(entry: dict[str, str]) -> dict[str, str]:
    """The row of a workshop R function that kerasr does not export under that name."""
    name = entry["function"]
    package = entry["package"]
    if name in WORKSHOP_ONLY:
        kerasr_name, keras_eq, status, note = WORKSHOP_ONLY[name]
        return {"r": f"`{name}`" if name.startswith("%") else f"`{name}()`",
                "kerasr": kerasr_name, "keras": keras_eq, "status": status, "note": note}
    if package.startswith("tfruns") or name == "flags":
        return {"r": f"`{name}()`", "kerasr": "-", "keras": TFRUNS_KERAS, "status": NOT_YET,
                "note": TFRUNS_NOTE}
    if name.startswith("k_"):
        return {"r": f"`{name}()`", "kerasr": "-", "keras": f"`keras.ops.{name[2:]}()`",
                "status": NOT_YET, "note": "call `keras.ops` directly"}
    return {"r": f"`{name}()`", "kerasr": "-", "keras": "-", "status": NOT_YET, "note": ""}


def build_rows() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(workshop rows, rows of the other kerasr exports), each sorted by name."""
    import kerasr

    exports = [n for n in kerasr.__all__ if not n.startswith("__")]
    export_set = set(exports)
    workshop = load_workshop_functions()
    workshop_names = {e["function"] for e in workshop}
    ws_rows = []
    for entry in workshop:
        name = entry["function"]
        row = export_row(name) if name in export_set else workshop_row(entry)
        row["name"] = name
        row["uses"] = str(entry["lab_files"])
        ws_rows.append(row)
    other = []
    for name in exports:
        if name in workshop_names:
            continue
        row = export_row(name)
        row["name"] = name
        other.append(row)
    ws_rows.sort(key=lambda r: (-int(r["uses"]), r["name"]))
    other.sort(key=lambda r: r["name"].lower())
    return ws_rows, other


# --------------------------------------------------------------------------- markdown


def _code(text: str) -> str:
    """Wrap a Keras equivalent in backticks unless it is prose or already marked up."""
    if "`" in text or text.startswith(("-", "(")) or text in PROSE:
        return text
    return f"`{text}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|") if text else ""


def _summary(rows: list[dict[str, str]]) -> str:
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    return ", ".join(f"{v} {k}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))


def render() -> str:
    import kerasr

    ws_rows, other = build_rows()
    rest, grouped = _group_generated(other)
    summary = _summary(ws_rows)
    lines = [
        # no table of contents beside the page: the wide tables get its column at desktop width
        "---",
        "hide:",
        "  - toc",
        "---",
        "",
        "<!-- Generated by tools/translation_table.py from kerasr's code; do not edit. -->",
        "",
        "# Translation table",
        "",
        "Every R function the workshops call, and every name `kerasr` exports, with its kerasr",
        "spelling, the plain Keras 3 equivalent, and a status:",
        "",
        f"- **{SAME}**: the R name and arguments work as in R;",
        f"- **{RENAMED}**: kerasr spells it differently (R operators, generics, `base` R);",
        f"- **{DEPRECATED}**: still works, with a warning naming the replacement;",
        f"- **{NOT_APPLICABLE}**: Python has its own way, shown in the note;",
        f"- **{NOT_YET}**: not in kerasr {kerasr.__version__}; call Keras as shown;",
        f"- **{KERASR_ONLY}**: no R counterpart.",
        "",
        "Arguments keep R's names everywhere (`units =` becomes `units=`); see",
        "[Coming from R](coming-from-r.md) for the idioms and the",
        "[API reference](reference/index.md) for each function.",
        "",
        f"## Functions the workshops use ({len(ws_rows)})",
        "",
        "Sorted by the number of workshop lab files that call them (column *files*); "
        f"status counts: {summary}.",
        "",
        "| R | files | kerasr | Keras 3 | status | note |",
        "|---|---:|---|---|---|---|",
    ]
    for r in ws_rows:
        lines.append(
            f"| {_cell(r['r'])} | {r['uses']} | {_cell(r['kerasr'])} | {_cell(r['keras'])} "
            f"| {r['status']} | {_cell(r['note'])} |"
        )
    lines += [
        "",
        f"## Other kerasr exports ({len(rest)})",
        "",
        "The rest of `kerasr.__all__`: every Keras layer, optimizer, loss, metric, callback,",
        "regularizer, initializer, constraint and application under its R name, R keras 2's",
        "`k_*` backend functions, tfruns (`kerasr.runs`), the text tokenizer and image",
        "generators, and kerasr's helpers; the `op_*` and `activation_*` functions follow in",
        f"tables of their own. Status counts of these {len(other)} exports, the two tables "
        f"below included: {_summary(other)}.",
        "",
        "| R | kerasr | Keras 3 | status | note |",
        "|---|---|---|---|---|",
    ]
    for r in rest:
        lines.append(
            f"| {_cell(r['r'])} | {_cell(r['kerasr'])} | {_cell(r['keras'])} | {r['status']} "
            f"| {_cell(r['note'])} |"
        )
    for title, intro, rows in [
        ("Backend ops: `op_*`", "Every function of `keras.ops` under R keras3's `op_*` name",
         grouped["ops"]),
        ("Activations: `activation_*`", "Every function of `keras.activations` under R "
         "keras3's `activation_*` name", grouped["activations"]),
    ]:
        lines += [
            "",
            f"## {title} ({len(rows)})",
            "",
            f"{intro}; R and kerasr spell them the same (status **{SAME}** for all).",
            "Axis arguments are 1-based, as in R (the note names them); the others keep",
            "Keras's names and defaults except where R keras3 differs.",
            "",
            "| Keras 3 | kerasr and R | note |",
            "|---|---|---|",
        ]
        lines += [f"| {_cell(r['keras'])} | {_cell(r['kerasr'])} | {_cell(r['note'])} |"
                  for r in rows]
    lines.append("")
    return "\n".join(lines)


def _group_generated(other: list[dict[str, str]]) -> tuple[list[dict[str, str]],
                                                            dict[str, list[dict[str, str]]]]:
    """Split the op_* and activation_* rows (all status same, R spelling = kerasr's) from the
    rest: they get compact tables of their own."""
    import kerasr

    grouped: dict[str, list[dict[str, str]]] = {"ops": [], "activations": []}
    rest = []
    for r in other:
        module = getattr(getattr(kerasr, r["name"]), "__module__", "") or ""
        group = module.rpartition(".")[2] if module.startswith("kerasr.generated.") else ""
        if group in grouped and r["status"] == SAME and r["r"] == r["kerasr"]:
            grouped[group].append(r)
        else:
            rest.append(r)
    return rest, grouped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if docs/translation.md differs from a fresh generation")
    parser.add_argument("--refresh-workshops", nargs="?", const=str(DEFAULT_WORKSHOPS_MD),
                        metavar="WORKSHOPS_MD",
                        help="re-parse workshops.md section 2 into " + str(WORKSHOP_DATA.name))
    args = parser.parse_args(argv)
    if args.refresh_workshops:
        rows = parse_workshops_md(Path(args.refresh_workshops))
        WORKSHOP_DATA.parent.mkdir(parents=True, exist_ok=True)
        WORKSHOP_DATA.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {WORKSHOP_DATA} ({len(rows)} functions)")
    text = render()
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is stale: run python tools/translation_table.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
