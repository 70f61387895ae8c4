"""The translation rules, as tables: R construct or function -> Python template or TODO reason.

Read this module to know what ``kerasr translate`` does with a piece of R. The emitter
(:mod:`kerasr.translate.emitter`) walks the R syntax tree and looks every name up here;
it holds no rule of its own beyond the shape of the syntax (assignments, calls, loops).

Function templates
------------------
``FUNCTIONS`` maps an R function to a :class:`Rule`. ``formals`` lists R's parameters in
R's order (``name=default`` gives R's default as Python text); R's positional and named
arguments are matched to them as R does (exact names). ``py`` is the Python text, where

- ``{name}`` is the translated argument (or its default);
- ``<< ... >>`` is an optional part, kept only when every ``{name}`` inside it was given;
- ``{...}`` is every argument R passed through ``...``, as Python arguments.

``special`` names a handler for the calls a template cannot say: base R in
:mod:`kerasr.translate.base_r` (``paste0`` becomes an f-string, ``c()`` a tuple or a
list), dplyr in :mod:`kerasr.translate.tidy`; simple ggplot2 statements are rewritten by
:mod:`kerasr.translate.ggplot`. ``todo`` marks a call that is
kept as written (dots become underscores) under ``# TODO(kerasr): <reason>``.

Names that kerasr exports (``kerasr.__all__``) are translated to themselves, with R's
argument names; kerasr verbs and layers take ``>>`` in place of ``%>%``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__: list[str] = []  # internal: nothing re-exported at the top level


@dataclass(frozen=True)
class Rule:
    """How one R function is written in Python (see the module docstring)."""

    formals: str = ""
    py: str | None = None
    imports: tuple[str, ...] = ()
    special: str | None = None
    todo: str | None = None
    statement: bool = False  # the template is a statement (``raise``), not an expression
    formal_list: tuple[tuple[str, str | None], ...] = field(default=(), init=False)

    def __post_init__(self) -> None:
        parts: list[tuple[str, str | None]] = []
        for item in filter(None, (p.strip() for p in self.formals.split(","))):
            name, _, default = item.partition("=")
            parts.append((name.strip(), default.strip() or None))
        object.__setattr__(self, "formal_list", tuple(parts))


NP = ("import numpy as np",)
PD = ("import pandas as pd",)
PLT = ("import matplotlib.pyplot as plt",)
OS = ("import os",)
TIME = ("import time",)
KERASR = ("from kerasr import *",)

# ------------------------------------------------------------------------------------------
# library() / require(): which R packages become which Python imports
# ------------------------------------------------------------------------------------------
#: R packages whose functions kerasr provides: ``library(keras)`` -> ``from kerasr import *``.
KERASR_PACKAGES = frozenset({"keras", "keras3", "zeallot", "tensorflow", "kerasr", "tfruns",
                             "reticulate"})
#: R packages with an obvious Python counterpart: the import that replaces ``library(pkg)``.
PACKAGE_IMPORTS: dict[str, tuple[str, ...]] = {
    "tidyverse": NP + PD + PLT,
    "dplyr": PD,
    "tibble": PD,
    "readr": PD,
    "tidyr": PD,
    "purrr": (),
    "magrittr": (),
    "ggplot2": PLT,
    "stats": NP,
    "here": OS,
}

# ------------------------------------------------------------------------------------------
# Literals, constants and operators
# ------------------------------------------------------------------------------------------
#: R constants (nodes and names) -> Python text, and the imports they need.
CONSTANTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "TRUE": ("True", ()),
    "FALSE": ("False", ()),
    "T": ("True", ()),
    "F": ("False", ()),
    "NULL": ("None", ()),
    "NA": ("np.nan", NP),
    "NA_real_": ("np.nan", NP),
    "NA_integer_": ("None", ()),
    "NA_character_": ("None", ()),
    "Inf": ("np.inf", NP),
    "NaN": ("np.nan", NP),
    "pi": ("np.pi", NP),
    "LETTERS": ('list("ABCDEFGHIJKLMNOPQRSTUVWXYZ")', ()),
    "letters": ('list("abcdefghijklmnopqrstuvwxyz")', ()),
}

#: R binary operators -> (Python operator, Python precedence). Assignment, pipes, ``:``,
#: ``%<-%``, ``%in%`` and ``~`` have their own handling in the emitter.
BINARY_OPERATORS: dict[str, tuple[str, int]] = {
    "+": ("+", 11), "-": ("-", 11), "*": ("*", 12), "/": ("/", 12),
    "^": ("**", 14), "**": ("**", 14), "%%": ("%", 12), "%/%": ("//", 12), "%*%": ("@", 12),
    "==": ("==", 6), "!=": ("!=", 6), "<": ("<", 6), ">": (">", 6), "<=": ("<=", 6),
    ">=": (">=", 6),
    "&&": ("and", 4), "||": ("or", 3), "&": ("&", 9), "|": ("|", 7),
}
#: R unary operators -> (Python operator, precedence).
UNARY_OPERATORS: dict[str, tuple[str, int]] = {"-": ("-", 13), "+": ("+", 13), "!": ("not ", 5)}
#: R pipes, written ``>>`` for kerasr verbs and layers, else as a call with the left side first.
PIPES = frozenset({"%>%", "|>"})

# ------------------------------------------------------------------------------------------
# Arguments
# ------------------------------------------------------------------------------------------
#: Arguments where R's ``c(...)`` means a shape: written as a Python tuple.
SHAPE_ARGUMENTS = frozenset({
    "input_shape", "batch_input_shape", "shape", "batch_shape", "kernel_size", "pool_size",
    "strides", "dilation_rate", "target_shape", "dim", "dims", "size", "output_shape",
    "cropping", "padding_size", "target_size", "new_shape", "output_size", "perm",
})
#: Argument names that are Python keywords: R ``from =`` -> ``from_=``.
PYTHON_KEYWORD_SUFFIX = "_"

# ------------------------------------------------------------------------------------------
# Functions
# ------------------------------------------------------------------------------------------
GGPLOT = ("ggplot2 plot: redraw it with matplotlib (plt.plot, plt.scatter, plt.hist) "
          "or kerasr plot() for a training history")
DPLYR = ("dplyr/tidyr verb: rewrite with pandas (df.assign, df[cols], df.query, df.sample, "
         "df.groupby)")
STATS = ("statistical model: use scikit-learn (LinearRegression, LogisticRegression) or "
         "statsmodels")
RECIPES = "recipes/rsample preprocessing: use scikit-learn (train_test_split, StandardScaler)"
TFRUNS = "tfruns: kerasr.runs has training_run()/flags(); check the names"
STRINGS = "stringr/glue text function: use Python str methods or re"

FUNCTIONS: dict[str, Rule] = {
    # -- vectors and sequences --------------------------------------------------------
    "c": Rule(special="c"),
    "list": Rule(special="list"),
    "seq_len": Rule("length.out", "np.arange(1, {length.out} + 1)", NP),
    "seq_along": Rule("along.with", "np.arange(1, len({along.with}) + 1)", NP),
    "seq": Rule(special="seq", imports=NP),
    "rep": Rule("x, times=1, each=1",
                "np.tile(np.repeat({x}, {each}), {times})", NP),
    "length": Rule("x", "len({x})"),
    "rev": Rule("x", "{x}[::-1]"),
    "sort": Rule("x, decreasing", "np.sort({x})<<[:: -1 if {decreasing} else 1]>>", NP),
    "unique": Rule("x", "pd.unique(np.asarray({x}))", NP + PD),  # R keeps the first-seen order
    "which": Rule("x", "np.flatnonzero({x}) + 1", NP),
    "which.max": Rule("x", "np.argmax({x}) + 1", NP),
    "which.min": Rule("x", "np.argmin({x}) + 1", NP),
    "head": Rule("x, n=6", "{x}[:{n}]"),
    "tail": Rule("x, n=6", "{x}[-{n}:]"),
    "append": Rule("x, values", "np.append({x}, {values})", NP),
    "unlist": Rule("x", "np.concatenate([np.ravel(v) for v in {x}])", NP),
    "vector": Rule("mode=\"list\", length=0", "[None] * {length}"),
    "numeric": Rule("length=0", "np.zeros({length})", NP),
    "integer": Rule("length=0", "np.zeros({length}, dtype=int)", NP),
    "character": Rule("length=0", '[""] * {length}'),
    # -- arrays ------------------------------------------------------------------------
    "matrix": Rule(special="matrix", imports=NP),
    "array": Rule("data=np.nan, dim", "np.reshape({data}, {dim}, order=\"F\")", NP),
    "nrow": Rule("x", "{x}.shape[0]"),
    "NROW": Rule("x", "len({x})"),
    "ncol": Rule("x", "{x}.shape[1]"),
    "NCOL": Rule("x", "{x}.shape[1]"),
    "dim": Rule("x", "{x}.shape"),
    "t": Rule("x", "np.transpose({x})", NP),
    "cbind": Rule("...", "np.column_stack([{...}])", NP),
    "rbind": Rule("...", "np.vstack([{...}])", NP),
    "as.matrix": Rule("x", "np.asarray({x})", NP),
    "as.array": Rule("x", "np.asarray({x})", NP),
    "as.vector": Rule("x", "np.ravel({x})", NP),
    "as.numeric": Rule("x", "np.asarray({x}, dtype=float)", NP),
    "as.double": Rule("x", "np.asarray({x}, dtype=float)", NP),
    "as.integer": Rule("x", "np.asarray({x}).astype(int)", NP),
    "as.character": Rule("x", "str({x})"),
    "as.list": Rule("x", "list({x})"),
    "as.data.frame": Rule("x", "pd.DataFrame({x})", PD),
    "as_tibble": Rule("x", "pd.DataFrame({x})", PD),
    "data.frame": Rule(special="tibble", imports=PD),
    "tibble": Rule(special="tibble", imports=PD),
    # -- dplyr verbs (kerasr.translate.tidy): columns inside become d["col"] ----------------
    "mutate": Rule(special="mutate", imports=PD),
    "filter": Rule(special="filter", imports=PD),
    "select": Rule(special="select", imports=PD),
    "pull": Rule(special="pull", imports=PD),
    "arrange": Rule(special="arrange", imports=PD),
    "slice_sample": Rule(special="slice_sample", imports=PD),
    "sample_n": Rule(special="slice_sample", imports=PD),
    "sample_frac": Rule(special="sample_frac", imports=PD),
    "rename": Rule(special="rename", imports=PD),
    "group_by": Rule(special="group_by", imports=PD),
    "ungroup": Rule(special="ungroup", imports=PD),
    "summarise": Rule(special="summarise", imports=PD),
    "summarize": Rule(special="summarise", imports=PD),
    "count": Rule(special="count", imports=PD),
    "n_distinct": Rule("x", "pd.Series({x}).nunique()", PD),
    "gather": Rule(special="gather", imports=PD),
    "pivot_longer": Rule(special="pivot_longer", imports=PD),
    "case_when": Rule(special="case_when", imports=NP),
    "top_n": Rule(special="top_n", imports=PD),
    "expand.grid": Rule(special="expand_grid", imports=NP + PD),
    "expand_grid": Rule(special="expand_grid", imports=NP + PD),
    "left_join": Rule(special="join", imports=PD),
    "inner_join": Rule(special="join", imports=PD),
    "right_join": Rule(special="join", imports=PD),
    "full_join": Rule(special="join", imports=PD),
    "row_number": Rule(special="row_number"),
    "n": Rule(special="n"),
    "first": Rule("x", "{x}[0]"),
    "last": Rule("x", "{x}[-1]"),
    "distinct": Rule(special="distinct", imports=PD),
    "apply": Rule(special="apply", imports=NP),
    "lapply": Rule("X, FUN", "[{FUN}(v) for v in {X}]"),
    "sapply": Rule("X, FUN", "np.array([{FUN}(v) for v in {X}])", NP),
    "map": Rule(".x, .f", "[{.f}(v) for v in {.x}]"),
    "map_dbl": Rule(".x, .f", "np.array([{.f}(v) for v in {.x}], dtype=float)", NP),
    "map_dfr": Rule(".x, .f", "pd.concat([{.f}(v) for v in {.x}])", PD),
    "table": Rule("...", "pd.Series({...}).value_counts(sort=False).sort_index()", PD),
    # -- arithmetic and statistics -------------------------------------------------------
    "sum": Rule("...", "np.sum", NP, special="reduce"),
    "mean": Rule("x", "np.mean({x})", NP),
    "median": Rule("x", "np.median({x})", NP),
    "sd": Rule("x", "np.std({x}, ddof=1)", NP),
    "var": Rule("x", "np.var({x}, ddof=1)", NP),
    "max": Rule("...", "np.max", NP, special="reduce"),
    "min": Rule("...", "np.min", NP, special="reduce"),
    "range": Rule("x", "(np.min({x}), np.max({x}))", NP),
    "abs": Rule("x", "np.abs({x})", NP),
    "sqrt": Rule("x", "np.sqrt({x})", NP),
    "exp": Rule("x", "np.exp({x})", NP),
    "log": Rule("x", "np.log({x})", NP),
    "log2": Rule("x", "np.log2({x})", NP),
    "log10": Rule("x", "np.log10({x})", NP),
    "sin": Rule("x", "np.sin({x})", NP),
    "cos": Rule("x", "np.cos({x})", NP),
    "tanh": Rule("x", "np.tanh({x})", NP),
    "floor": Rule("x", "np.floor({x})", NP),
    "ceiling": Rule("x", "np.ceil({x})", NP),
    "round": Rule("x, digits=0", "np.round({x}, {digits})", NP),
    "cumsum": Rule("x", "np.cumsum({x})", NP),
    "prod": Rule("...", "np.prod", NP, special="reduce"),
    "colMeans": Rule("x", "np.mean({x}, axis=0)", NP),
    "rowMeans": Rule("x", "np.mean({x}, axis=1)", NP),
    "colSums": Rule("x", "np.sum({x}, axis=0)", NP),
    "rowSums": Rule("x", "np.sum({x}, axis=1)", NP),
    "ifelse": Rule("test, yes, no", "np.where({test}, {yes}, {no})", NP),
    "is.null": Rule("x", "({x} is None)"),
    "is.na": Rule("x", "pd.isna({x})", PD),
    "any": Rule("...", "np.any([{...}])", NP),
    "all": Rule("...", "np.all([{...}])", NP),
    "cor": Rule("x, y", "np.corrcoef({x}, {y})[0, 1]", NP),
    "scale": Rule(special="scale", imports=NP),
    # -- random numbers (seeded by set_random_seed) --------------------------------------
    "set.seed": Rule("seed", "set_random_seed({seed})", KERASR),
    "rnorm": Rule("n, mean, sd", "np.random.normal(<<loc={mean}, >><<scale={sd}, >>size={n})", NP),
    "runif": Rule("n, min, max", "np.random.uniform(<<low={min}, >><<high={max}, >>size={n})", NP),
    "rbinom": Rule("n, size, prob", "np.random.binomial({size}, {prob}, size={n})", NP),
    "sample": Rule(special="sample", imports=NP),
    # -- text and printing ------------------------------------------------------------
    "paste0": Rule(special="paste0"),
    "paste": Rule(special="paste"),
    "sprintf": Rule("fmt, ...", "{fmt} % ({...},)"),
    "cat": Rule(special="cat"),
    "print": Rule("x", "print({x})"),
    "message": Rule("...", "print({...})"),
    "nchar": Rule("x", "len({x})"),
    "toupper": Rule("x", "{x}.upper()"),
    "tolower": Rule("x", "{x}.lower()"),
    "format": Rule("x", "str({x})"),
    "str": Rule("object", "print(repr({object}))"),
    "glimpse": Rule("x", "{x}.info()"),
    "invisible": Rule("x", "{x}"),
    "suppressWarnings": Rule("expr", "{expr}"),
    "suppressMessages": Rule("expr", "{expr}"),
    "stop": Rule("...", "raise RuntimeError({...})", statement=True),
    "return": Rule("value=None", "return {value}", statement=True),
    "stopifnot": Rule("...", "assert {...}", statement=True),
    # -- files and time -----------------------------------------------------------------
    "file.path": Rule("...", "os.path.join({...})", OS),
    "here": Rule("...", "os.path.join({...})", OS),
    "dir.create": Rule("path", "os.makedirs({path}, exist_ok=True)", OS),
    "file.exists": Rule("...", "os.path.exists({...})", OS),
    "basename": Rule("path", "os.path.basename({path})", OS),
    "list.files": Rule(special="list_files", imports=OS),
    "dir": Rule(special="list_files", imports=OS),
    "read.csv": Rule("file", "pd.read_csv({file})", PD),
    "read_csv": Rule("file", "pd.read_csv({file})", PD),
    "write.csv": Rule("x, file", "{x}.to_csv({file})", PD),
    "write_csv": Rule("x, file, path", "{x}.to_csv(<<{file}>><<{path}>>, index=False)", PD),
    "readRDS": Rule("file", "pd.read_pickle({file})", PD),
    "saveRDS": Rule("object, file", "pd.to_pickle({object}, {file})", PD),
    "Sys.time": Rule("", "time.time()", TIME),
    "Sys.setenv": Rule("...", "os.environ.update(dict({...}))", OS),
    "system.time": Rule("expr", "{expr}"),
    "names": Rule("x", "list({x}.keys())"),
    "setNames": Rule("object, nm", "named_list(zip({nm}, {object}))", KERASR),
    "exists": Rule(todo="exists(): test the name with `'name' in globals()`"),
    # -- notebooks and checks -----------------------------------------------------------
    "include_graphics": Rule("path", "IPython.display.Image(filename={path})",
                             ("import IPython.display",)),
    "expect_equal": Rule("object, expected", "np.testing.assert_equal({object}, {expected})",
                         NP),
    "expect_true": Rule("object", "assert {object}", statement=True),
    "do.call": Rule("what, args", "{what}(*{args})"),
    "factor": Rule("x", "pd.Categorical({x})", PD),
    "as.factor": Rule("x", "pd.Categorical({x})", PD),
    "glue": Rule(special="glue"),
    "set_names": Rule("x, nm", "named_list(zip({nm}, {x}))", KERASR),
    "map_lgl": Rule(".x, .f", "np.array([{.f}(v) for v in {.x}], dtype=bool)", NP),
    "map_chr": Rule(".x, .f", "[str({.f}(v)) for v in {.x}]"),
    "map_int": Rule(".x, .f", "np.array([{.f}(v) for v in {.x}], dtype=int)", NP),
    "pmax": Rule("a, b", "np.maximum({a}, {b})", NP),
    "pmin": Rule("a, b", "np.minimum({a}, {b})", NP),
    "diag": Rule("x", "np.diag({x})", NP),
    "dir.exists": Rule("paths", "os.path.isdir({paths})", OS),
    "file.size": Rule("...", "os.path.getsize({...})", OS),
    "tempfile": Rule("", "tempfile.mktemp()", ("import tempfile",)),
    "Sys.getenv": Rule("x", "os.environ.get({x})", OS),
    "prop.table": Rule("x", "{x} / np.sum({x})", NP),
    "na.omit": Rule("object", "{object}.dropna()"),
    "read_lines": Rule("file", "open({file}, encoding=\"utf-8\").read().splitlines()"),
    "read_tsv": Rule("file", "pd.read_csv({file}, sep=\"\\t\")", PD),
    "dev.off": Rule("", "plt.close()", PLT),
    "title": Rule("main", "plt.title({main})", PLT),
    "load": Rule(todo="load() reads R's .RData: save the objects with numpy/pickle instead"),
    "save": Rule(todo="save() writes R's .RData: use numpy.save or pickle"),
    "as.raster": Rule("x, max=1", "np.asarray({x}) / {max}", NP),
    # crayon's colours only style terminal text: the text is kept
    **{colour: Rule("...", "{...}") for colour in (
        "blue", "red", "green", "yellow", "cyan", "magenta", "silver", "bold", "italic")},
    "is.numeric": Rule("x", "np.issubdtype(np.asarray({x}).dtype, np.number)", NP),
    "is.character": Rule("x", "isinstance({x}, str)"),
    "iterate": Rule("it", "list({it})"),
    "readChar": Rule("con, nchars", "open({con}, encoding=\"utf-8\").read()"),
    "readLines": Rule("con", "open({con}, encoding=\"utf-8\").read().splitlines()"),
    "dir_ls": Rule("path=\".\"", "[os.path.join({path}, f) for f in sorted(os.listdir({path}))]",
                   OS),
    "is.factor": Rule("x", "isinstance(pd.Series({x}).dtype, pd.CategoricalDtype)", PD),
    "levels": Rule("x", "list(pd.Categorical({x}).categories)", PD),
    "quantile": Rule("x, probs", "np.quantile({x}, {probs})", NP),
    "map2_dbl": Rule(".x, .y, .f", "np.array([{.f}(a, b) for a, b in zip({.x}, {.y})], "
                     "dtype=float)", NP),
    "map2": Rule(".x, .y, .f", "[{.f}(a, b) for a, b in zip({.x}, {.y})]"),
    "class": Rule("x", "type({x}).__name__"),
    "row.names": Rule("x", "list({x}.index)"),
    "rownames": Rule("x", "list({x}.index)"),
    "colnames": Rule("x", "list({x}.columns)"),
    "readJPEG": Rule("source", "plt.imread({source})", PLT),
    "rescale": Rule("x", "({x} - np.min({x})) / (np.max({x}) - np.min({x}))", NP),
    "sample.int": Rule(special="sample", imports=NP),
    # -- plots (base graphics) ----------------------------------------------------------
    "hist": Rule("x", "plt.hist({x})", PLT),
    "lines": Rule("x, y", "plt.plot({x}, {y})", PLT),
    "points": Rule("x, y", "plt.scatter({x}, {y})", PLT),
    "abline": Rule(todo="abline(): draw the line with plt.axline or plt.axhline"),
    "par": Rule(todo="par(): set the figure layout with plt.subplots"),
    "image": Rule(special="image", imports=PLT),
    # -- R-only things with a clear reason -------------------------------------------------
    "install.packages": Rule(todo="install Python packages with pip instead"),
    "install_keras": Rule(todo="pip install kerasr installs Keras and TensorFlow"),
    "use_condaenv": Rule(todo="Python environments are chosen outside the script"),
    "use_virtualenv": Rule(todo="Python environments are chosen outside the script"),
    "use_python": Rule(todo="Python environments are chosen outside the script"),
    "png": Rule(special="png", imports=PLT),
    "source": Rule(todo="source(): translate that file too and import it"),
    "rm": Rule(todo="rm(): use `del name`, or remove the line"),
    "gc": Rule(todo="gc(): remove the line, or use gc.collect()"),
    "sessionInfo": Rule(todo="use `kerasr info` for versions"),
    "knitr::opts_chunk$set": Rule(todo="knitr chunk options have no Python equivalent"),
    "lm": Rule(todo=STATS),
    "glm": Rule(todo=STATS),
    "coef": Rule(todo=STATS),
    "sigma": Rule(todo=STATS),
    "residuals": Rule(todo=STATS),
    "confusionMatrix": Rule(todo="use sklearn.metrics.confusion_matrix"),
    "initial_split": Rule(todo=RECIPES),
    "training": Rule(todo=RECIPES),
    "testing": Rule(todo=RECIPES),
    "vfold_cv": Rule(todo=RECIPES),
    "recipe": Rule(todo=RECIPES),
    "prep": Rule(todo=RECIPES),
    "bake": Rule(todo=RECIPES),
    "juice": Rule(todo=RECIPES),
    "tuning_run": Rule(todo=TFRUNS),
    "ls_runs": Rule(todo=TFRUNS),
    # -- stringr: pandas' vectorised string methods ----------------------------------------
    "str_detect": Rule("string, pattern", "pd.Series({string}).str.contains({pattern})", PD),
    "str_replace": Rule("string, pattern, replacement",
                        "pd.Series({string}).str.replace({pattern}, {replacement}, n=1, "
                        "regex=True)", PD),
    "str_replace_all": Rule("string, pattern, replacement",
                            "pd.Series({string}).str.replace({pattern}, {replacement}, "
                            "regex=True)", PD),
    "str_split": Rule("string, pattern", "pd.Series({string}).str.split({pattern})", PD),
    "str_to_lower": Rule("string", "pd.Series({string}).str.lower()", PD),
    "str_to_upper": Rule("string", "pd.Series({string}).str.upper()", PD),
    "str_length": Rule("string", "pd.Series({string}).str.len()", PD),
    "str_trim": Rule("string", "pd.Series({string}).str.strip()", PD),
    "str_count": Rule("string, pattern", "pd.Series({string}).str.count({pattern})", PD),
    "str_extract": Rule("string, pattern",
                        "pd.Series({string}).str.extract(\"(\" + {pattern} + \")\", expand=False)",
                        PD),
    "str_sub": Rule("string, start=1, end=-1",
                    "pd.Series({string}).str.slice({start} - 1, {end})", PD),
}

#: numpy reductions and their NA-skipping forms, for ``na.rm = TRUE``.
NAN_FUNCTIONS = {"np.sum": "np.nansum", "np.mean": "np.nanmean", "np.max": "np.nanmax",
                 "np.min": "np.nanmin", "np.median": "np.nanmedian", "np.std": "np.nanstd",
                 "np.var": "np.nanvar", "np.prod": "np.nanprod"}

#: Prefixes and names of whole families with one reason (checked when FUNCTIONS has no entry).
FAMILY_TODOS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("ggplot", "geom_", "aes", "facet_", "scale_", "theme", "labs", "xlab", "ylab", "ggtitle",
      "coord_", "stat_", "guides", "annotate", "element_", "position_", "gridExtra", "theme_",
      "transition_", "animate", "ggplotly", "update_geom_defaults"), GGPLOT),
    (("mutate", "select", "filter", "arrange", "group_by", "summarise", "summarize",
      "slice", "slice_", "pull", "rename", "left_join", "inner_join", "bind_rows", "bind_cols",
      "distinct", "count", "gather", "spread", "pivot_", "nest", "unnest", "ungroup",
      "transmute", "top_n", "n_distinct", "case_when", "everything", "starts_with",
      "contains", "one_of", "sample_n", "sample_frac", "tally", "add_column", "rownames_to",
      "enframe", "separate", "unite", "drop_na", "replace_na", "across", "all_of", "row_number",
      "desc", "lag", "lead", "matches", "select_if", "n", "first", "expand_grid"), DPLYR),
    (("step_", "all_numeric", "all_nominal", "all_outcomes", "all_predictors", "bake",
      "training", "testing", "analysis", "assessment"), RECIPES),
    (("str_",), STRINGS),
    (("flag_", "flags"), TFRUNS),
)

#: kerasr functions whose index arguments are R's own (1-based): left as written.
R_INDEX_ARGUMENTS: dict[str, frozenset[str]] = {
    "get_layer": frozenset({"index"}),
    "freeze_weights": frozenset({"from", "to"}),
    "unfreeze_weights": frozenset({"from", "to"}),
}

#: Extra names kerasr layers and verbs accept through ``>>`` besides its verbs.
PIPEABLE_PREFIXES = ("layer_", "bidirectional", "time_distributed")

#: TODO reasons for syntax that Python cannot say directly (keys of the report).
SYNTAX_TODOS: dict[str, str] = {
    "formula": "R formula (`~`): no Python equivalent; rewrite for the Python library used",
    "negative_index": "negative index drops elements in R: use np.delete(x, i - 1) or a mask",
    "super_assign": "`<<-` assigns in an enclosing scope: use `global`/`nonlocal`",
    "replacement": "R replacement function (`f(x) <- v`): rewrite as a Python assignment",
    "pipe_target": "pipe into something that is not a call: rewrite as a call",
    "unpack": "`%<-%` with defaults or collectors: check the `unpack()` pattern",
    "expression_if": "`if` used as a value with blocks: rewrite as statements",
    "braced_value": "`{ ... }` used as a value: move the statements out",
    "assign_in_call": "assignment inside a call: move it out of the call",
    "repeat": "repeat loop: check the `break` condition",
    "dots_placeholder": "`.` placeholder in a pipe: check the argument order",
    "data_frame_index": "data frame index `df[rows, cols]`: use df.iloc / df.loc",
    "drop": "`drop = FALSE` in an index: keep the dimension with a slice",
    "tidy_column": "data-masked column name: columns of the data frame are not Python names",
    "chunk": "R chunk that R itself does not run (eval = FALSE) and that does not parse",
}
