"""mkdocs hooks: pages generated from the code at build time (so they cannot drift).

- ``reference/*.md``: the API reference, one page per R reference group, listing every name
  in ``kerasr.__all__`` (mkdocstrings renders the docstrings);
- ``labs/<name>.md`` and ``labs/<name>.ipynb``: every lab script in ``labs/``, rendered as a
  page (markdown cells as text, code cells as code; outputs when a committed ``.ipynb`` has
  them) and offered as a downloadable notebook;
- ``datasets.md``: the data sets, from ``kerasr.data_loaders.registry`` and the shipped CSV files;
- with ``KERASR_DOCS_RUN_LABS=1`` (set by .ci/docs), each offline lab's notebook is executed in
  fast mode during the build (nbclient, a python3 kernel) and every cell's output is shown
  under the cell, figures with captions; labs that download their data say how to produce
  their outputs (off by default: minutes of CPU);
- ``performance.md``: only when ``docs/performance.md`` does not exist yet (``benchmarks/run.py``
  writes the real one), a short page saying how to generate it.

``docs/translation.md`` is different: it is committed, written by tools/translation_table.py,
and a test checks it is current.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LABS_DIR = ROOT / "labs"
if str(ROOT) not in sys.path:  # kerasr and data_loaders from this checkout
    sys.path.insert(0, str(ROOT))

# --------------------------------------------------------------------------- API reference


@dataclass
class Group:
    """One page of the API reference: a title, an intro and (section title, names) pairs."""

    slug: str
    title: str
    intro: str
    sections: list[tuple[str, list[str]]] = field(default_factory=list)


_UTILITY_MODULES = {
    "kerasr.pipe": "The pipe",
    "kerasr.arrays": "Arrays",
    "kerasr.preprocessing.sequence": "Sequences",
    "kerasr.backend": "Backend, seeds and sessions",
    "kerasr.options": "Options",
    "kerasr.named_list": "Named lists",
    "kerasr.errors": "Errors and warnings",
}


def _home_module(name: str) -> str | None:
    """The kerasr submodule that defines ``kerasr.<name>`` (found by identity for constants)."""
    import kerasr

    obj = getattr(kerasr, name)
    module = getattr(obj, "__module__", None)
    if callable(obj) and module and getattr(obj, "__name__", None) == name:
        return module
    for mod_name, mod in sorted(sys.modules.items()):
        if mod_name.startswith("kerasr.") and getattr(mod, name, None) is obj:
            return mod_name
    return None


def _source_file(name: str) -> str:
    """The file that defines ``kerasr.<name>``, so a reader finds the code in one hop."""
    module = _home_module(name) or "kerasr"
    path = ROOT / Path(*module.split("."))
    return str((path / "__init__.py" if path.is_dir() else path.with_suffix(".py"))
               .relative_to(ROOT))


def _inspected_entry(name: str, level: int) -> list[str]:
    """Markdown for a function mkdocstrings cannot read statically: heading, signature and
    docstring, taken from the live object."""
    import inspect

    import kerasr

    obj = getattr(kerasr, name)
    try:
        signature = f"{name}{inspect.signature(obj)}"
    except (TypeError, ValueError):
        signature = f"{name}(...)"
    doc = inspect.getdoc(obj) or ""
    return [f"{'#' * level} `{name}` {{ #{_anchor(name)} }}", "", "```python", signature,
            "```", "", doc, ""]


def _defined_in_source(name: str) -> bool:
    """True when ``name`` is written in its module's source (a def, class or assignment),
    which mkdocstrings reads statically; names built from a table at import are not."""
    import ast

    path = ROOT / _source_file(name)
    if not path.exists():
        return False
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            if node.name == name:
                return True
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return True
    return False


def _canonical(name: str) -> str:
    """The dotted path mkdocstrings should load for ``kerasr.<name>``."""
    module = _home_module(name)
    if module and module.startswith("kerasr"):
        return f"{module}.{name}"
    return f"kerasr.{name}"


def api_groups() -> list[Group]:
    """Every export of kerasr, grouped as the R package groups its reference."""
    import kerasr

    names = [n for n in kerasr.__all__ if not n.startswith("__")]
    by_module: dict[str, list[str]] = {}
    for name in names:
        by_module.setdefault(_home_module(name) or "kerasr", []).append(name)

    def take(module: str) -> list[str]:
        return sorted(by_module.pop(module, []), key=str.lower)

    def take_all(*prefixes: str) -> list[str]:
        """Every name whose home module is one of ``prefixes`` or inside it."""
        names: list[str] = []
        for module in [m for m in by_module if any(
                m == p or m.startswith(p + ".") for p in prefixes)]:
            names += by_module.pop(module)
        return sorted(names, key=str.lower)

    groups = [
        Group("models", "Models", "Build Sequential and functional models; inspect, weight and "
              "freeze them. Verbs take the model first, or follow `>>`.",
              [("Models", take("kerasr.models"))]),
    ]
    from kerasr.families.spec import FAMILIES

    for module in FAMILIES["layers"].modules:  # one page per R topic (R's layers-*.R files)
        topic = module.split("_", 1)[1]
        title = f"{topic.replace('_', ' ').capitalize()} layers"
        members = take(f"kerasr.{module}")
        if members:
            groups.append(Group(f"layers-{topic.replace('_', '-')}", title,
                                "Every Keras layer under its R name. Piped onto a Sequential "
                                "model it is added in place; called on a tensor it returns the "
                                "output tensor; called alone it returns the Keras layer.",
                                [(title, members)]))
    groups += [
        Group("training", "Training and evaluation", "Compile, fit, evaluate and predict, in "
              "place on the model, with R keras 2's defaults.",
              [("Training", take("kerasr.training"))]),
        Group("persistence", "Saving and loading", "Models and weights to files and bytes, "
              "including the workshops' `.h5` / `.hdf5` names.",
              [("Saving and loading", take("kerasr.persistence"))]),
        Group("callbacks", "Callbacks", "Pass one callback or a list to `fit(callbacks=)`.",
              [("Callbacks", take("kerasr.generated.callbacks"))]),
        Group("optimizers", "Optimizers", "`lr=` and `decay=` still work, with a deprecation "
              "warning naming `learning_rate=`.",
              [("Optimizers", take("kerasr.generated.optimizers"))]),
        Group("losses-metrics", "Losses and metrics", "Use them as objects in `compile()`, or "
              "use Keras's string names (`\"mse\"`, `\"accuracy\"`).",
              [("Losses", take("kerasr.generated.losses")),
               ("Metrics", take("kerasr.generated.metrics"))]),
        Group("regularizers", "Regularizers, initializers and constraints",
              "Arguments of layers (`kernel_regularizer=`, `kernel_initializer=`, ...).",
              [("Regularizers", take("kerasr.generated.regularizers")),
               ("Initializers", take("kerasr.generated.initializers")),
               ("Constraints", take("kerasr.generated.constraints"))]),
        Group("data", "Data sets", "R's `dataset_*()` loaders, with R's return shapes (named "
              "lists of train/test x/y). See also [the data sets page](../datasets.md).",
              [("Data sets", take("kerasr.datasets"))]),
        Group("history", "Training history", "What `fit()` returns: print, plot and data "
              "frame as in R.", [("History", sorted(
                  take("kerasr.history") + take("kerasr.history.core") + take("kerasr.history.live")
                  + take("kerasr.generics") + take("kerasr.rbase.format")
                  + take("kerasr.display"), key=str.lower))]),
        Group("zeallot", "zeallot: unpacking", "R's `%<-%`: `unpack()` takes zeallot's "
              "left-hand side verbatim; Python's own unpacking covers the common case.",
              [("zeallot", take("kerasr.zeallot"))]),
        Group("applications", "Applications", "Pretrained models with R's arguments; ImageNet "
              "weights download once through `get_file()`.",
              [("Applications", take("kerasr.generated.applications"))]),
        Group("text", "Text preprocessing", "R's tokenizer family (keras-preprocessing's "
              "algorithm) and sequences. See also [Text](../text.md).",
              [("Text", take_all("kerasr.preprocessing.text", "kerasr.preprocessing.text_core",
                                 "kerasr.preprocessing.text_io",
                                 "kerasr.preprocessing.sequence"))]),
        Group("images", "Images", "Loading, augmentation generators and downloads. See also "
              "[Images](../images.md).",
              [("Images", take_all("kerasr.preprocessing.image",
                                   "kerasr.preprocessing.image_imagenet",
                                   "kerasr.preprocessing.image_generators", "kerasr.downloads"))]),
        Group("ops", "Backend ops", "`op_*` (R keras3) and `k_*` (R keras 2) with 1-based axes, "
              "activations, custom metrics and layers. See also [Backend ops](../ops.md).",
              [("op_*", take("kerasr.generated.ops")),
               ("activation_*", take("kerasr.generated.activations")),
               ("k_* and custom pieces", take_all("kerasr.ops"))]),
        Group("runs", "Training runs (tfruns)", "Flags, training and tuning runs, listing and "
              "reports. See also [Training runs](../runs.md).",
              [("Runs", take_all("kerasr.runs"))]),
        Group("distribute", "More than one device", "Keras's distribution engines under R-style "
              "names. See also [the guide](../distribute.md).",
              [("Distribution", take("kerasr.distribute"))]),
        Group("translate", "Translating R code", "`translate_r()` and the `kerasr translate` "
              "command. See also [Porting a course](../porting-a-course.md).",
              [("Translator", take_all("kerasr.translate"))]),
    ]
    utilities = [(title, take(module)) for module, title in _UTILITY_MODULES.items()]
    leftovers = sorted((n for ns in by_module.values() for n in ns), key=str.lower)
    if leftovers:
        utilities.append(("Other", leftovers))
    groups.append(Group("utilities", "Utilities", "The pipe, array helpers, options, named "
                        "lists, seeds and backends.", [s for s in utilities if s[1]]))
    return groups


def _api_page(group: Group) -> str:
    lines = [f"# {group.title}", "", group.intro, ""]
    many = len(group.sections) > 1
    for title, names in group.sections:
        if many:
            lines += [f"## {title}", ""]
        lines += ["| function | summary | code |", "|---|---|---|"]
        for name in names:
            lines.append(f"| [`{name}`](#{_anchor(name)}) | {_summary(name)} "
                         f"| `{_source_file(name)}` |")
        lines.append("")
        for name in names:
            if not _defined_in_source(name):  # built from a table at import (k_*)
                lines += _inspected_entry(name, 3 if many else 2)
                continue
            lines += [f"::: {_canonical(name)}",
                      "    options:",
                      f"      heading_level: {3 if many else 2}",
                      ""]
    return "\n".join(lines)


def _anchor(name: str) -> str:
    return _canonical(name)


def _summary(name: str) -> str:
    import inspect

    import kerasr

    doc = inspect.getdoc(getattr(kerasr, name)) or ""
    first = doc.split("\n\n")[0].replace("\n", " ").strip()
    if not callable(getattr(kerasr, name)):
        first = "a constant"
    return first.replace("|", "\\|")


def reference_index(groups: list[Group]) -> str:
    lines = ["# API reference", "",
             "Every name `kerasr` exports, grouped as the R keras package groups its "
             "reference. Each function's documentation shows the R call and the Python call; "
             "the [translation table](../translation.md) maps every R function the workshops "
             "use to kerasr and plain Keras 3.", "",
             "| group | functions |", "|---|---:|"]
    for g in groups:
        count = sum(len(n) for _, n in g.sections)
        lines.append(f"| [{g.title}]({g.slug}.md) | {count} |")
    lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------- labs


def lab_names() -> list[str]:
    """The labs shipped in ``labs/``: every ``*.py`` except ``__init__.py``, sorted."""
    from_catalog: list[str] = []
    try:
        from kerasr.lab_catalog import LABS

        from_catalog = [lab.name for lab in LABS]
    except Exception:  # the catalogue is optional for the docs
        pass
    found = sorted(p.stem for p in LABS_DIR.glob("*.py") if not p.name.startswith("_"))
    ordered = [n for n in from_catalog if n in found]
    return ordered + [n for n in found if n not in ordered]


def lab_title(name: str) -> str:
    """The lab's first markdown heading (its title), else its name."""
    try:
        cells = parse_percent_script((LABS_DIR / f"{name}.py").read_text(encoding="utf-8"))
    except OSError:
        return name
    for kind, source in cells:
        if kind == "markdown":
            m = re.match(r"#\s+(.+)", source.lstrip())
            return m.group(1).strip() if m else name
    return name


def parse_percent_script(text: str) -> list[tuple[str, str]]:
    """A jupytext percent-format script as (cell type, source) pairs, header dropped."""
    lines = text.splitlines()
    if lines and lines[0].strip() == "# ---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "# ---"), 0)
        lines = lines[end + 1:]
    cells: list[tuple[str, list[str]]] = []
    current: tuple[str, list[str]] | None = None
    for line in lines:
        m = re.match(r"^# %%(.*)$", line)
        if m:
            kind = "markdown" if re.search(r"\[(markdown|md)\]", m.group(1)) else "code"
            current = (kind, [])
            cells.append(current)
            continue
        if current is None:
            current = ("code", [])
            cells.append(current)
        if current[0] == "markdown":
            line = line[2:] if line.startswith("# ") else line.lstrip("#")
        current[1].append(line)
    out = []
    for kind, body in cells:
        source = "\n".join(body).strip("\n")
        if source.strip():
            out.append((kind, source))
    return out


def script_to_notebook(cells: list[tuple[str, str]]) -> dict[str, Any]:
    """An nbformat-4 notebook (no outputs) from parsed cells."""
    nb_cells = []
    for kind, source in cells:
        lines = source.splitlines(keepends=True)
        cell: dict[str, Any] = {"cell_type": kind, "metadata": {}, "source": lines}
        if kind == "code":
            cell.update(execution_count=None, outputs=[])
        nb_cells.append(cell)
    return {
        "cells": nb_cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _join(source: Any) -> str:
    return "".join(source) if isinstance(source, list) else str(source)


def _render_outputs(outputs: list[dict[str, Any]], caption_note: str = "") -> list[str]:
    parts: list[str] = []
    for out in outputs:
        kind = out.get("output_type")
        if kind == "stream":
            text = _join(out.get("text", "")).rstrip()
            if text:
                parts += ["```text", text, "```", ""]
        elif kind in ("execute_result", "display_data"):
            data = out.get("data", {})
            if "image/png" in data:
                png = _join(data["image/png"]).replace("\n", "")
                name = (out.get("metadata") or {}).get("kerasr_figure")
                caption = (f"Figure <code>{name}</code>{caption_note}" if name
                           else f"Figure{caption_note}")
                parts += ["<figure class=\"kerasr-output\">",
                          f'<img alt="{name or "output figure"}" '
                          f'src="data:image/png;base64,{png}">',
                          f"<figcaption>{caption}</figcaption>", "</figure>", ""]
            elif "text/plain" in data:
                parts += ["```text", _join(data["text/plain"]).rstrip(), "```", ""]
        elif kind == "error":
            parts += ["```text", f"{out.get('ename')}: {out.get('evalue')}", "```", ""]
    return parts


def lab_page(name: str, executed: dict[str, Any] | None = None) -> tuple[str, bytes]:
    """The markdown page of a lab and the bytes of its downloadable notebook.

    ``executed``: the lab's notebook after a fast run (:func:`execute_lab_notebook`); its
    outputs are shown under each cell. The download is always the committed notebook.
    """
    script = LABS_DIR / f"{name}.py"
    committed = LABS_DIR / f"{name}.ipynb"
    note = ""
    if committed.exists():
        nb_bytes = committed.read_bytes()
        nb = executed if executed is not None else json.loads(nb_bytes)
        cells = [(c["cell_type"], _join(c.get("source", "")), c.get("outputs", []))
                 for c in nb.get("cells", [])]
        has_outputs = any(outputs for _, _, outputs in cells)
        if executed is not None:
            origin = FAST_ORIGIN
            note = " (fast mode)"
        elif has_outputs:
            origin = "its committed notebook, with the outputs saved in it"
        else:
            origin = NO_OUTPUT_ORIGIN
    else:
        parsed = parse_percent_script(script.read_text(encoding="utf-8"))
        nb_bytes = (json.dumps(script_to_notebook(parsed), indent=1) + "\n").encode()
        cells = [(kind, source, []) for kind, source in parsed]
        origin = NO_OUTPUT_ORIGIN
    body: list[str] = []
    title_done = False
    for kind, source, outputs in cells:
        if kind == "markdown":
            if not title_done and source.lstrip().startswith("# "):
                body += [source, ""]
                title_done = True
                body += [_lab_banner(name, origin), ""]
                continue
            body += [source, ""]
        elif kind == "code":
            body += ["```python", source.rstrip(), "```", ""]
            body += _render_outputs(outputs, note)
    if not title_done:
        body = [f"# {name}", "", _lab_banner(name, origin), ""] + body
    return "\n".join(body), nb_bytes


FAST_ORIGIN = ("a **fast-mode** run of its notebook, executed while these docs were built (few "
               "epochs, small subsets): the outputs under the cells are not the workshop's "
               "numbers; the full-mode figures are quoted in the text")
NO_OUTPUT_ORIGIN = ("its notebook; code is shown without outputs (build the docs with "
                    "`KERASR_DOCS_RUN_LABS=1` to show each cell's output from a fast run)")


def _lab_banner(name: str, origin: str) -> str:
    return (f'!!! tip "Run this lab"\n'
            f"    Download the notebook [{name}.ipynb]({name}.ipynb) or the script "
            f"[{name}.py]({name}.py), or run it from a shell: "
            f"`kerasr lab run {name} --fast` (quick) or `kerasr lab run {name}` (the "
            f"workshop's settings). This page is rendered from {origin}.")


def labs_index(names: list[str]) -> str:
    topics: dict[str, tuple[str, str]] = {}
    try:
        from kerasr.lab_catalog import LABS

        topics = {lab.name: (lab.topic, lab.data) for lab in LABS}
    except Exception:
        pass
    lines = ["# Labs", "",
             "The workshops' labs, translated to Python with kerasr. Each is a script in "
             "jupytext's percent format (it runs as a script and opens as a notebook in "
             "Jupyter with jupytext); each page links to a downloadable `.ipynb`, and "
             "`kerasr lab notebook NAME DIR` copies one from the installed package.", "",
             "```sh", "kerasr lab list                    # what is available",
             "kerasr lab run baby_steps --fast  # a quick pass, writes results.json and plots",
             "```", "",
             "| lab | topic | data | notebook |", "|---|---|---|---|"]
    for name in names:
        topic, data = topics.get(name, ("", ""))
        lines.append(f"| [{name}]({name}.md) | {topic} | {data} | "
                     f"[{name}.ipynb]({name}.ipynb) |")
    lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------- data sets

#: Licences and sources (reference/datasets.md); keyed by the first part of a registry key.
DATA_INFO: dict[str, tuple[str, str, str]] = {
    # name: (title, source, licence)
    "mnist": ("MNIST", "Yann LeCun, Corinna Cortes and Christopher Burges; Keras's `mnist.npz`",
              "CC BY-SA 3.0 (as stated by Keras)"),
    "fashion_mnist": ("Fashion-MNIST", "Zalando Research (zalandoresearch/fashion-mnist)",
                      "MIT, (c) 2017 Zalando SE"),
    "household_power": ("UCI individual household electric power consumption",
                        "UCI Machine Learning Repository, dataset 235 (Georges Hebrail, "
                        "Alice Berard; DOI 10.24432/C58K54)", "CC BY 4.0"),
    "boston_housing": ("Boston housing", "Harrison & Rubinfeld (1978), as `MASS::Boston`; "
                       "CSV from Rdatasets (`csv/MASS/Boston.csv`)",
                       "MASS is GPL-2 or GPL-3; the data are public (StatLib)"),
    "kyphosis": ("kyphosis", "Chambers & Hastie (1992), *Statistical Models in S*, as "
                 "`rpart::kyphosis`; CSV from Rdatasets (`csv/rpart/kyphosis.csv`)",
                 "rpart is GPL-2 or GPL-3"),
}

#: Data sets loaded through Keras's own downloader (kerasr wraps keras.datasets).
KERAS_LOADED = [
    ("IMDB", "`dataset_imdb()`", "`keras.datasets.imdb`"),
    ("Reuters", "`dataset_reuters()`", "`keras.datasets.reuters`"),
    ("CIFAR-10 / CIFAR-100", "`dataset_cifar10()` / `dataset_cifar100()`",
     "`keras.datasets.cifar10` / `cifar100`"),
]


def _size(n: int | None) -> str:
    if n is None:
        return "?"
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB ({n:,} bytes)"
    if n >= 1_000:
        return f"{n / 1_000:.1f} kB ({n:,} bytes)"
    return f"{n:,} bytes"


def datasets_page() -> str:
    from kerasr.data_loaders import manage, registry

    DATASETS = manage.DATASETS
    # shipped CSVs: data set -> file name (manage's table; else the files folder)
    _SHIPPED = getattr(manage, "_SHIPPED", None) or {
        p.stem.lower(): p.name for p in sorted((ROOT / "data_loaders" / "files").glob("*.csv"))}

    key_to_set = {key: ds for ds, keys in DATASETS.items() for key in keys}
    lines = [
        "# Data sets",
        "",
        "Generated from `data_loaders.registry` at build time. Every downloaded file is "
        "verified against the pinned SHA-256 digest below (the UCI zip has no published "
        "digest: its size is pinned, the zip's CRC-32 is checked, and the digest of the "
        "first verified download is remembered).",
        "",
        "## Cache",
        "",
        "- Files are cached in Keras's folder, `~/.keras/datasets`, so an existing Keras "
        "cache is reused; set `KERASR_DATA_DIR` to use another folder.",
        "- `kerasr data where` prints the folder; `kerasr data fetch mnist` downloads a data "
        "set ahead of time; `kerasr data verify` re-checks cached files against their digests.",
        "- Offline, a missing file fails with a message naming the URL and the exact path "
        "where you can put the file by hand (copy it from a machine that has it).",
        "- Downloads are atomic (temporary file, then rename), retried over the mirrors "
        "listed, and never trusted before the digest matches.",
        "",
        "## Shipped with the package",
        "",
        "| data set | file | size | SHA-256 | source | licence |",
        "|---|---|---|---|---|---|",
    ]
    for ds, fname in _SHIPPED.items():
        path = ROOT / "data_loaders" / "files" / fname
        data = path.read_bytes()
        title, source, licence = DATA_INFO.get(ds, (ds, "", ""))
        lines.append(f"| {title} (`{ds}`) | `{fname}` | {_size(len(data))} | "
                     f"`{hashlib.sha256(data).hexdigest()}` | {source} | {licence} |")
    lines += ["", "## Downloaded on first use", "",
              "| data set | cache path | size | SHA-256 | mirrors (tried in order) |",
              "|---|---|---|---|---|"]
    seen: list[str] = []
    for key, entry in registry.FILES.items():
        ds = key_to_set.get(key, "")
        if ds and ds not in seen:
            seen.append(ds)
        digest = f"`{entry.sha256}`" if entry.sha256 else "none published (size pinned)"
        mirrors = "<br>".join(f"<{u}>" for u in entry.urls)
        label = f"`{ds}`: {entry.description}" if ds else entry.description
        lines.append(f"| {label} | `{key}` | {_size(entry.size)} | {digest} | {mirrors} |")
    lines += ["", "## Sources and licences", "", "| data set | source | licence |",
              "|---|---|---|"]
    for title, source, licence in DATA_INFO.values():
        lines.append(f"| {title} | {source} | {licence} |")
    lines += ["", "## Loaded through Keras", "",
              "These are downloaded and cached by Keras itself (same cache folder), with "
              "Keras's own checks.", "", "| data set | kerasr | Keras |", "|---|---|---|"]
    for title, fn, keras_mod in KERAS_LOADED:
        lines.append(f"| {title} | {fn} | {keras_mod} |")
    lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------- lab runs (opt-in)

RUN_LABS_ENV = "KERASR_DOCS_RUN_LABS"


def execute_lab_notebook(name: str, out: Path) -> tuple[dict[str, Any] | None, str]:
    """Run the lab's committed notebook in fast mode in a python3 kernel, in folder ``out``.

    Returns (the executed notebook, "") or (None, the error's tail). The kernel inherits
    ``KERASR_FAST=1`` and ``KERASR_LAB_OUT=out``; matplotlib's inline backend draws figures.
    """
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(LABS_DIR / f"{name}.ipynb", as_version=4)
    wanted = {"KERASR_FAST": "1", "KERASR_LAB_OUT": str(out), "MPLBACKEND": None}
    saved = {key: os.environ.get(key) for key in wanted}
    try:
        for key, value in wanted.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        NotebookClient(nb, timeout=900, kernel_name="python3",
                       resources={"metadata": {"path": str(out)}}).execute()
        return json.loads(nbformat.writes(nb)), ""
    except Exception as exc:  # reported on the page and in the build log
        return None, str(exc)[-2000:]
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def failed_run_section(name: str, log_tail: str) -> str:
    """Markdown for a lab whose fast run failed during the build."""
    lines = ['!!! failure "The fast run of this lab failed while building the docs"', "",
             "    ```text"]
    lines += [f"    {line}" for line in log_tail.splitlines()[-15:]]
    lines += ["    ```", ""]
    return "\n".join(lines)


DOWNLOAD_LAB_NOTE = """## Outputs

This lab downloads its data on first use, so its outputs are not produced while building
these pages offline. Run it with `kerasr lab run {name} --fast --out lab-output` (or open the
notebook) to see its results and figures.
"""


def _lab_is_offline(name: str) -> bool:
    """True for labs on bundled or generated data (their fast runs are built into the docs)."""
    from kerasr.lab_catalog import LABS

    return any(lab.name == name and lab.offline for lab in LABS)


PERFORMANCE_PLACEHOLDER = """# Performance

This page is written by the benchmark command and has not been generated in this build:

```sh
python benchmarks/run.py          # writes docs/performance.md
```
"""


# --------------------------------------------------------------------------- mkdocs events


def on_config(config: Any) -> Any:
    """Insert the generated API and lab pages into the navigation."""
    nav = config.get("nav") or []
    groups = api_groups()
    labs = lab_names()
    for i, item in enumerate(nav):
        if not isinstance(item, dict):
            continue
        (title, value), = item.items()
        if value == "reference/index.md":
            layer_pages = [{g.title: f"reference/{g.slug}.md"} for g in groups
                           if g.slug.startswith("layers-")]
            pages: list[Any] = [{"Overview": "reference/index.md"}]
            for g in groups:
                if g.slug.startswith("layers-"):
                    if layer_pages:
                        pages.append({"Layers": layer_pages})
                        layer_pages = []
                    continue
                pages.append({g.title: f"reference/{g.slug}.md"})
            nav[i] = {title: pages}
        elif value == "labs/index.md":
            nav[i] = {title: [{"Overview": "labs/index.md"}]
                      + [{lab_title(n): f"labs/{n}.md"} for n in labs]}
    return config


def on_files(files: Any, config: Any) -> Any:
    """Add the generated pages and notebooks as virtual files."""
    from mkdocs.structure.files import File

    def add(path: str, content: str | bytes) -> None:
        existing = files.get_file_from_path(path)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, path, content=content))

    groups = api_groups()
    add("reference/index.md", reference_index(groups))
    for g in groups:
        add(f"reference/{g.slug}.md", _api_page(g))
    names = lab_names()
    add("labs/index.md", labs_index(names))
    run_labs = os.environ.get(RUN_LABS_ENV) == "1"
    for name in names:
        page, notebook = lab_page(name)
        if run_labs and not _lab_is_offline(name):
            page = page.rstrip("\n") + "\n\n" + DOWNLOAD_LAB_NOTE.format(name=name)
        elif run_labs:
            import logging
            import tempfile

            out = Path(tempfile.mkdtemp(prefix=f"kerasr-docs-{name}-"))
            executed, tail = execute_lab_notebook(name, out)
            if executed is None:
                logging.getLogger("mkdocs.plugins.kerasr").warning(
                    "lab %s: the fast run failed:\n%s", name, tail)
                page = page.rstrip("\n") + "\n\n" + failed_run_section(name, tail)
            else:
                page, notebook = lab_page(name, executed)
        add(f"labs/{name}.md", page)
        add(f"labs/{name}.ipynb", notebook)
        add(f"labs/{name}.py", (LABS_DIR / f"{name}.py").read_bytes())
    add("datasets.md", datasets_page())
    if files.get_file_from_path("performance.md") is None:
        add("performance.md", PERFORMANCE_PLACEHOLDER)
    return files

