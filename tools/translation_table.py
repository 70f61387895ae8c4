"""Write docs/translation.md: the R-to-Python translation table, generated from code.

Rows: every R function the workshops call (``docs/data/r_workshop_functions.json``, parsed from
``../shared/reference/workshops.md`` section 2 with ``--refresh-workshops``) and every name
``kerasr`` exports (``kerasr.__all__``). For each: the kerasr spelling, the plain Keras 3
equivalent and a status (same, renamed, deprecated with its replacement, not applicable in
Python, not yet in kerasr, kerasr only).

The Keras 3 equivalent of a generated family function is read from its docstring
("Wraps ``keras.layers.Conv2D``"); aliases and deprecations come from the family table;
the hand-written functions are described in the tables below. Importing kerasr does not import
Keras, so this runs in a second.

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
}

#: Keras equivalents above that are prose, not code.
PROSE = {"matplotlib by hand"}

#: kerasr exports whose R spelling differs from the kerasr name (status "renamed").
RENAMED_FROM_R = {
    "as_data_frame", "plot_history", "format_r_number", "pretty_num", "unpack", "named_list",
    "NamedList", "get_option", "set_option", "TrainingHistory", "dataset_kyphosis",
    "dataset_household_power", "fashion_mnist_class_names",
}

#: kerasr exports with no R function (the pipe machinery, kerasr's own errors).
KERASR_ONLY_NAMES = {
    "Deferred": "the deferred call `>>` applies (R's `%>%` needs none)",
    "verb": "declare your own pipe verb",
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
    "text_tokenizer": ("-", "`keras.layers.TextVectorization` (Tokenizer is gone from Keras 3)",
                       NOT_YET, "use `layer_text_vectorization()`"),
    "fit_text_tokenizer": ("-", "`TextVectorization.adapt(texts)`", NOT_YET,
                           "use `layer_text_vectorization()` and `adapt()`"),
    "texts_to_sequences": ("-", "`TextVectorization()(texts)`", NOT_YET,
                           "use `layer_text_vectorization()`"),
    "texts_to_matrix": ("-", "`TextVectorization(output_mode=\"multi_hot\")`", NOT_YET,
                        "use `layer_text_vectorization(output_mode=\"multi_hot\")`"),
    "save_text_tokenizer": ("-", "save the model that holds the `TextVectorization` layer",
                            NOT_YET, ""),
    "load_text_tokenizer": ("-", "load the model that holds the `TextVectorization` layer",
                            NOT_YET, ""),
    "image_load": ("-", "`keras.utils.load_img(path, target_size)`", NOT_YET, ""),
    "image_to_array": ("-", "`keras.utils.img_to_array(img)`", NOT_YET, ""),
    "image_array_save": ("-", "`keras.utils.save_img(path, x)`", NOT_YET, ""),
    "image_array_resize": ("-", "`keras.ops.image.resize(x, size)`", NOT_YET, ""),
    "image_data_generator": ("-", "`keras.utils.image_dataset_from_directory()` plus "
                             "augmentation layers (ImageDataGenerator is gone from Keras 3)",
                             NOT_YET, "augmentation: `layer_random_*()`, `layer_rescaling()`"),
    "flow_images_from_directory": ("-", "`keras.utils.image_dataset_from_directory(dir)`",
                                   NOT_YET, ""),
    "flow_images_from_data": ("-", "`tf.data.Dataset.from_tensor_slices((x, y)).batch(n)`",
                              NOT_YET, ""),
    "generator_next": ("`next(gen)`", "`next(iter(dataset))`", NOT_APPLICABLE,
                       "Python's own `next()`"),
    "get_file": ("-", "`keras.utils.get_file(fname, origin)`", NOT_YET,
                 "kerasr's data sets download through `data_loaders`"),
    "application_vgg16": ("-", "`keras.applications.VGG16()`", NOT_YET, ""),
    "application_vgg19": ("-", "`keras.applications.VGG19()`", NOT_YET, ""),
    "application_inception_v3": ("-", "`keras.applications.InceptionV3()`", NOT_YET, ""),
    "imagenet_preprocess_input": ("-", "`keras.applications.imagenet_utils.preprocess_input()`",
                                  NOT_YET, ""),
    "imagenet_decode_predictions": ("-",
                                    "`keras.applications.imagenet_utils.decode_predictions()`",
                                    NOT_YET, ""),
    "inception_v3_preprocess_input": ("-",
                                      "`keras.applications.inception_v3.preprocess_input()`",
                                      NOT_YET, ""),
    "create_layer": ("-", "subclass `keras.layers.Layer`", NOT_YET,
                     "call your Layer subclass directly"),
    "k_function": ("-", "a Python function (eager execution)", NOT_APPLICABLE,
                   "graph-mode backend API, gone from Keras 3"),
    "k_gradients": ("-", "`tf.GradientTape` / `jax.grad`", NOT_APPLICABLE,
                    "graph-mode backend API, gone from Keras 3"),
    "k_placeholder": ("-", "`keras.Input(shape)`", NOT_APPLICABLE,
                      "graph-mode backend API, gone from Keras 3"),
    "k_set_learning_phase": ("-", "pass `training=True/False` to the layer call",
                             NOT_APPLICABLE, "gone from Keras 3"),
    "k_variable": ("-", "`keras.Variable(value)`", NOT_YET, ""),
    "k_constant": ("-", "`keras.ops.convert_to_tensor(value)`", NOT_YET, ""),
    "k_int_shape": ("-", "`x.shape`", NOT_YET, ""),
    "k_shape": ("-", "`keras.ops.shape(x)`", NOT_YET, ""),
    "k_batch_flatten": ("-", "`keras.ops.reshape(x, (keras.ops.shape(x)[0], -1))`", NOT_YET,
                        ""),
    "k_random_normal": ("-", "`keras.random.normal(shape)`", NOT_YET, ""),
    "import": ("`import numpy`", "`import`", NOT_APPLICABLE, "Python's own `import`"),
    "tensorboard": ("-", "`tensorboard --logdir logs` (shell)", NOT_APPLICABLE,
                    "launch TensorBoard from a shell; `callback_tensorboard()` writes the logs"),
}

#: zeallot/tfruns functions: tfruns is not part of R keras itself.
TFRUNS_NOTE = "tfruns (R's run tracker); in Python use KerasTuner or your own loop"

#: ``k_*`` backend functions follow one rule: ``k_name`` -> ``keras.ops.name``.
K_OPS_RENAMES = {"k_pow": "power()", "k_permute_dimensions": "transpose()",
                 "k_flatten": "reshape(x, -1)"}


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


def export_row(name: str) -> dict[str, str]:
    """The table row of one kerasr export."""
    import kerasr

    obj = getattr(kerasr, name)
    doc = inspect.getdoc(obj) or ""
    module = getattr(obj, "__module__", "") or ""
    aliases, deprecated_aliases = _family_aliases()
    row = {"r": f"`{name}()`", "kerasr": f"`{name}()`", "keras": "-", "status": SAME,
           "note": ""}
    if inspect.isclass(obj):
        row["kerasr"] = f"`{name}`"
    if not callable(obj):
        row["kerasr"] = f"`{name}`"
    wrapped = _wrapped_keras(doc) if module.startswith("kerasr.generated") else None
    if wrapped:
        row["keras"] = f"`{wrapped}()`"
        if name in deprecated_aliases:
            row["status"] = DEPRECATED
            row["note"] = f"use `{deprecated_aliases[name]}()`"
        elif name in aliases:
            row["note"] = f"alias of `{aliases[name]}()`"
        return row
    if name in KERASR_ONLY_NAMES:
        row.update(r="-", status=KERASR_ONLY, note=KERASR_ONLY_NAMES[name])
        return row
    if inspect.isclass(obj) and issubclass(obj, BaseException) and name not in HAND_WRITTEN:
        row.update(r="-", status=KERASR_ONLY, note="kerasr's error class (R signals a condition)")
        if issubclass(obj, Warning):
            row["note"] = "warning class of legacy R spellings"
        row["keras"] = "-"
        return row
    if name not in HAND_WRITTEN:
        return _row_from_docstring(name, doc, row)
    r_spelling, keras_eq = HAND_WRITTEN[name]
    row["r"] = f"`{r_spelling}`"
    row["keras"] = _code(keras_eq)
    if name in DEPRECATED_HAND_WRITTEN:
        row["status"] = DEPRECATED
        row["note"] = f"use `{DEPRECATED_HAND_WRITTEN[name]}`"
    elif name in RENAMED_FROM_R:
        row["status"] = RENAMED
    return row


def _row_from_docstring(name: str, doc: str, row: dict[str, str]) -> dict[str, str]:
    """A hand-written export not in HAND_WRITTEN: its R spelling from the docstring's R line."""
    m = re.search(r"^\s*R:\s*``(.+?)``", doc, re.M)
    if not m:
        row.update(r="-", status=KERASR_ONLY)
        return row
    r_code = m.group(1)
    row["r"] = f"`{r_code}`"
    calls = re.findall(r"([A-Za-z_][\w.]*)\s*\(", r_code)
    row["status"] = SAME if name in calls else RENAMED
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
        return {"r": f"`{name}()`", "kerasr": "-", "keras": "-", "status": NOT_YET,
                "note": TFRUNS_NOTE}
    if name.startswith("k_"):
        op = K_OPS_RENAMES.get(name, name[2:] + "()")
        return {"r": f"`{name}()`", "kerasr": "-", "keras": f"`keras.ops.{op}`",
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
    if "`" in text or text.startswith("-") or text in PROSE:
        return text
    return f"`{text}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|") if text else ""


def render() -> str:
    import kerasr

    ws_rows, other = build_rows()
    counts: dict[str, int] = {}
    for r in ws_rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
    lines = [
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
        f"## Other kerasr exports ({len(other)})",
        "",
        "The rest of `kerasr.__all__`: every Keras layer, optimizer, loss, metric, callback,",
        "regularizer, initializer and constraint under its R name, plus kerasr's helpers.",
        "",
        "| R | kerasr | Keras 3 | status | note |",
        "|---|---|---|---|---|",
    ]
    for r in other:
        lines.append(
            f"| {_cell(r['r'])} | {_cell(r['kerasr'])} | {_cell(r['keras'])} | {r['status']} "
            f"| {_cell(r['note'])} |"
        )
    lines.append("")
    return "\n".join(lines)


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
