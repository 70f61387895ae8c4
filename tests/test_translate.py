"""kerasr translate: the rules of issue 19, one by one, on small R snippets (no Keras).

Most tests compare the Python text; the ``run`` tests execute the translation (numpy and
kerasr's light names only) and compare values with what R gives.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("tree_sitter_language_pack", reason='needs the "translate" extra')
pytest.importorskip("jupytext", reason='needs the "translate" extra')

from kerasr.translate import translate_file, translate_r  # noqa: E402
from kerasr.translate.parsing import RSyntaxError  # noqa: E402
from kerasr.translate.report import Report  # noqa: E402

TODO = "# TODO(kerasr):"


def tr(code: str) -> str:
    out = translate_r(textwrap.dedent(code))
    ast.parse(out)
    return out


def body(code: str) -> str:
    """The translation without its import lines."""
    lines = [
        line for line in tr(code).splitlines()
        if not line.startswith(("import ", "from kerasr import"))
    ]
    return "\n".join(lines).strip()


def run(code: str) -> dict:
    """Execute the translation; return its globals."""
    scope: dict = {}
    exec(compile(tr(code), "<translated>", "exec"), scope)
    return scope


# -- libraries, assignment, literals ----------------------------------------------------------
def test_library_keras_and_zeallot_become_the_kerasr_import():
    out = tr("library(keras)\nlibrary(zeallot)\nrequire('tensorflow')\n")
    assert out.count("from kerasr import *") == 3
    assert TODO not in out


def test_library_of_a_known_package_imports_its_python_counterpart():
    out = tr("library(tidyverse)\nlibrary(ggplot2)\n")
    assert "import pandas as pd" in out and "import matplotlib.pyplot as plt" in out


def test_library_without_python_port_is_commented_and_noted():
    report = Report()
    out = translate_r("library(recipes)\n", report=report)
    assert "# library(recipes)" in out
    assert report.r_packages == ["recipes"] and report.statements_todo == 0
    assert "R packages with no Python import (calls into them are marked): recipes" in (
        report.summary())


def test_three_assignment_arrows():
    assert body("x <- 1\n2 -> y\nz = 3\na <- b <- 4\n") == "x = 1\ny = 2\nz = 3\na = b = 4"


def test_literals_and_integer_suffix():
    out = body("v <- list(TRUE, FALSE, NULL, NA, Inf, 10L, 1e3L, .5, 0x10)")
    assert out == "v = [True, False, None, np.nan, np.inf, 10, 1000, 0.5, 16]"
    assert "import numpy as np" in tr("v <- NA")


def test_strings_keep_their_text():
    env = run('s <- "a \\"b\\" c"\nt <- \'single\'\nu <- "tab\\there"\nv <- "two\nlines"')
    assert env["s"] == 'a "b" c' and env["t"] == "single" and env["u"] == "tab\there"
    assert env["v"] == "two\nlines"


def test_operators():
    assert body("y <- 7 %% 3 + 7 %/% 2 - 2^3^2") == "y = 7 % 3 + 7 // 2 - 2**3**2"
    assert body("z <- (a + b) * c") == "z = (a + b) * c"
    assert body("w <- -x^2") == "w = -(x**2)" or body("w <- -x^2") == "w = -x**2"
    assert body("ok <- a > 1 && !b || c == 2") == "ok = a > 1 and not b or c == 2"
    assert body("m <- a %*% b") == "m = a @ b"
    env = run("r <- c(7 %% 3, 7 %/% 2, 2^3, -7 %/% 2, -7 %% 3)")
    assert env["r"] == [1, 3, 8, -4, 2]  # R: 1 3 8 -4 2 (floored, as Python)


# -- pipes ------------------------------------------------------------------------------------
def test_pipe_into_kerasr_verbs_and_layers_is_rshift():
    out = body(
        """
        model <- keras_model_sequential() %>%
          layer_dense(units = 1, input_shape = 1)
        model %>% compile(optimizer = "sgd", loss = "mse")
        """
    )
    assert "model = keras_model_sequential() >> layer_dense(units=1, input_shape=1)" in out
    assert 'model >> compile(optimizer="sgd", loss="mse")' in out
    assert TODO not in out


def test_multiline_pipe_keeps_comments_inside_parentheses():
    out = body(
        """
        model %>%   # the model
          compile(optimizer = "sgd", # stochastic gradient descent
                  loss = "mse")
        """
    )
    assert "# stochastic gradient descent" in out and "# the model" in out
    ast.parse(out)


def test_native_pipe_and_pipe_into_other_functions_becomes_a_call():
    assert body("y <- x |> sqrt()") == "y = np.sqrt(x)"
    assert body("y <- x %>% mean") == "y = np.mean(x)"
    assert body("y <- x %>% head(3)") == "y = x[:3]"
    assert body("y <- x %>% my_fun(2)\nmy_fun <- function(a, b) a + b").startswith(
        "y = my_fun(x, 2)"
    )


# -- %<-% ---------------------------------------------------------------------------------
def test_zeallot_plain_nesting_is_python_unpacking():
    assert body("c(c(x_train, y_train), c(x_test, y_test)) %<-% dataset_mnist()") == (
        "(x_train, y_train), (x_test, y_test) = dataset_mnist()"
    )
    assert body("c(a) %<-% dataset_mnist()") == "(a,) = dataset_mnist()"


def test_zeallot_with_defaults_or_collectors_uses_unpack():
    out = body("c(first, ...rest) %<-% values")
    assert out == 'first, rest = unpack("c(first, ...rest)", values)'
    env = run("values <- list(1, 2, 3)\nc(first, ...rest) %<-% values\nc(a, b = 5) %<-% list(9)")
    assert env["first"] == 1 and list(env["rest"]) == [2, 3]
    assert env["a"] == 9 and env["b"] == 5


# -- c(), list(), arguments -----------------------------------------------------------------
def test_c_is_a_tuple_for_shapes_and_a_list_otherwise():
    out = body(
        "m <- layer_conv_2d(filters = 32, kernel_size = c(3, 3), input_shape = c(28, 28, 1))\n"
        "x <- array_reshape(x, c(60000, 784))\n"
        "v <- c(1, 2, 3)\n"
    )
    assert "kernel_size=(3, 3)" in out and "input_shape=(28, 28, 1)" in out
    assert "array_reshape(x, (60000, 784))" in out  # positional: array_reshape's `dim`
    assert "v = [1, 2, 3]" in out


def test_list_named_and_unnamed():
    assert body("l <- list(a = 1, b = 'x')") == 'l = named_list(a=1, b="x")'
    assert body("l <- list(1, 2)") == "l = [1, 2]"
    env = run("l <- list(loss = 0.5, mae = 2)\nv <- l$mae\nw <- l[['loss']]")
    assert env["v"] == 2 and env["w"] == 0.5


def test_argument_names_from_and_dots():
    out = body("freeze_weights(conv_base, from = 'block1', to = 3)\nf(x, na.rm = TRUE)")
    assert "freeze_weights(conv_base, from_=\"block1\", to=3)" in out
    assert "f(x, na_rm=True)" in out


# -- access and indexing -------------------------------------------------------------------------
def test_dollar_and_double_bracket_access():
    assert body("y <- history$metrics$loss") == "y = history.metrics.loss"
    assert body("y <- df$Sepal.Length") == 'y = df["Sepal.Length"]'
    assert body("df$z <- 1") == 'df["z"] = 1'
    assert body("w <- model$layers[[1]]$get_weights()") == "w = model.layers[0].get_weights()"


def test_one_based_indexing_becomes_zero_based():
    assert body("a <- x[1]") == "a = x[0]"
    assert body("a <- x[1:3]") == "a = x[0:3]"
    assert body("a <- x[2:4, ]") == "a = x[1:4, :]"
    assert body("a <- x[, 1]") == "a = x[:, 0]"
    assert body("a <- x[i]") == "a = x[i - 1]"
    assert body("a <- x[c(1, 3)]") == "a = x[[0, 2]]"
    assert body("a <- x[x > 2]") == "a = x[x > 2]"
    env = run("x <- c(10, 20, 30, 40)\na <- x[2]\nb <- x[2:3]\ni <- 4\nc2 <- x[i]")
    assert env["a"] == 20 and env["b"] == [20, 30] and env["c2"] == 40


def test_kerasr_functions_that_take_r_indices_keep_them():
    out = body("l <- get_layer(model, index = 1)\nfreeze_weights(model, from = 1, to = 3)")
    assert "get_layer(model, index=1)" in out
    assert "freeze_weights(model, from_=1, to=3)" in out


def test_negative_row_index_drops_rows_and_other_negatives_are_marked():
    env = run("x <- matrix(1:6, ncol = 2)\nidx <- c(1, 3)\nkeep <- x[-idx, ]\n"
              "v <- seq(10, 30, by = 10)\nw <- v[-1]\n"
              "df <- tibble(a = 1:3)\nrest <- df[-2, ]")
    assert env["keep"].tolist() == [[2, 5]] and env["w"].tolist() == [20, 30]
    assert env["rest"]["a"].tolist() == [1, 3]  # R: rows 1 and 3 of the data frame
    out = tr("y <- x[, -1]")
    assert TODO in out and "negative index" in out


# -- functions and control flow ----------------------------------------------------------------
def test_function_with_body_becomes_def_returning_the_last_value():
    out = body(
        """
        sq_sum <- function(x, p = 2) {
          s <- sum(x^p)
          s
        }
        """
    )
    assert out.startswith("def sq_sum(x, p=2):")
    assert "return s" in out
    assert run("f <- function(x, p = 2) {\n  sum(x^p)\n}\nv <- f(3)")["v"] == 9


def test_one_line_function_argument_becomes_lambda():
    out = body("y <- sapply(1:3, function(i) i * 2)")
    assert "lambda i: i * 2" in out
    assert list(run("y <- sapply(1:3, function(i) i * 2)")["y"]) == [2, 4, 6]


def test_multi_statement_anonymous_function_is_hoisted_to_a_def():
    out = body(
        """
        cb <- callback_lambda(on_epoch_end = function(epoch, logs) {
          if (epoch %% 10 == 0) cat(".")
          cat("\\n")
        })
        """
    )
    assert "def _function_1(epoch, logs):" in out
    assert "callback_lambda(on_epoch_end=_function_1)" in out


def test_if_else_for_while():
    out = body(
        """
        total <- 0
        for (i in 1:10) {
          if (i %% 2 == 0) {
            total <- total + i
          } else if (i == 5) {
            next
          } else {
            total <- total - 1
          }
        }
        while (total > 100) total <- total - 100
        for (j in seq_len(3)) print(j)
        """
    )
    assert "for i in range(1, 11):" in out and "elif i == 5:" in out
    assert "continue" in out and "while total > 100:" in out
    assert "for j in range(1, 3 + 1):" in out or "for j in range(1, 4):" in out
    env = run(
        "total <- 0\nfor (i in 1:10) {\n if (i %% 2 == 0) total <- total + i"
        " else total <- total - 1\n}\nn <- 4\ns <- 0\nfor (k in seq_len(n)) s <- s + k"
    )
    assert env["total"] == 25 and env["s"] == 10  # R: 30 - 5 = 25; 1+2+3+4


def test_sequences_as_values():
    env = run("a <- 1:4\nb <- seq_len(3)\nc2 <- 5:2\nd <- seq(0, 1, by = 0.25)\n"
              "e <- seq(0, 1, length.out = 3)")
    assert list(env["a"]) == [1, 2, 3, 4] and list(env["b"]) == [1, 2, 3]
    assert list(env["c2"]) == [5, 4, 3, 2]
    assert list(env["d"]) == [0, 0.25, 0.5, 0.75, 1]
    assert list(env["e"]) == [0, 0.5, 1]
    env = run("f <- seq(4)\ns <- sort(c(3, 1, 2), decreasing = TRUE)\nu <- unique(c(3, 1, 3, 2))\n"
              "t <- sum(1, 2, 3)\nw <- sum(c(1, 2), 3)")
    assert list(env["f"]) == [1, 2, 3, 4] and list(env["s"]) == [3, 2, 1]
    assert list(env["u"]) == [3, 1, 2] and env["t"] == 6  # R: unique keeps order
    assert env["w"] == 6


# -- base R functions ---------------------------------------------------------------------------
def test_random_numbers_matrices_and_shapes():
    assert body("set.seed(42)") == "set_random_seed(42)"  # (running it would import Keras)
    env = run(
        """
        x <- runif(100, min = -1, max = 1)
        e <- rnorm(100, sd = 0.1)
        m <- matrix(x, ncol = 2)
        z <- matrix(0, nrow = 2, ncol = 3)
        r <- nrow(m)
        k <- ncol(m)
        d <- dim(z)
        s <- sample(10)
        """
    )
    assert env["x"].shape == (100,) and env["x"].min() >= -1 and env["x"].max() <= 1
    assert abs(env["e"].std() - 0.1) < 0.05
    assert env["m"].shape == (50, 2) and env["m"][1, 0] == env["x"][1]  # column-major
    assert env["m"][0, 1] == env["x"][50]
    assert env["z"].shape == (2, 3) and env["r"] == 50 and env["k"] == 2 and env["d"] == (2, 3)
    assert sorted(env["s"]) == list(range(1, 11))  # R's 1-based permutation


def test_paste0_cat_and_print(capsys):
    run('epoch <- 3\nloss <- 0.25\nmsg <- paste0("epoch ", epoch, ": ", loss)\n'
        'cat("loss:", loss, "\\n")\nprint(msg)\nlabel <- paste("a", "b", sep = "-")')
    out = capsys.readouterr().out
    assert "loss: 0.25\n" in out and "epoch 3: 0.25" in out
    assert 'f"epoch {epoch}: {loss}"' in tr('msg <- paste0("epoch ", epoch, ": ", loss)')
    env = run('n <- 3\nm <- glue("a: {n}", "b: {n * 2}", .sep = "\\n")')
    assert env["m"] == "a: 3\nb: 6"


def test_paste_with_complex_arguments_and_list_files(tmp_path: Path):
    env = run('g <- list(id = "x7")\np <- paste0("mnist/", g[["id"]], ".png")\n'
              f'files <- list.files("{tmp_path}", pattern = "[.]R$", full.names = TRUE)')
    assert env["p"] == "mnist/x7.png"
    assert env["files"] == []
    (tmp_path / "a.R").write_text("x <- 1")
    (tmp_path / "b.txt").write_text("")
    env = run(f'files <- list.files("{tmp_path}", pattern = "[.]R$", full.names = TRUE)')
    assert env["files"] == [str(tmp_path / "a.R")]


def test_apply_and_scale_match_r():
    env = run(
        "x <- matrix(c(1, 2, 3, 4, 5, 6), ncol = 2)\nmu <- apply(x, 2, mean)\n"
        "s <- apply(x, 2, sd)\nz <- scale(x, center = mu, scale = s)"
    )
    assert list(env["mu"]) == [2, 5] and list(env["s"]) == [1, 1]
    assert env["z"][:, 0].tolist() == [-1, 0, 1]


def test_variable_named_like_a_function_is_not_replaced():
    out = body("mean <- apply(x, 2, mean)\ny <- x - mean")
    assert "np.apply_along_axis(np.mean, 0, x)" in out and "y = x - mean" in out


# -- TODOs, comments, report -----------------------------------------------------------------------
def test_unknown_and_untranslatable_calls_get_a_todo_with_a_reason():
    out = tr(
        """
        library(keras)
        fit_model <- lm(y ~ x, data = d)
        p <- ggplot(d, aes(x, y)) + geom_point()
        z <- frobnicate(1)
        """
    )
    assert "statistical model" in out and "R formula" in out and "ggplot2" in out
    assert "`frobnicate()` is not in kerasr" in out
    lines = out.splitlines()
    i = next(i for i, line in enumerate(lines) if line.startswith("z = "))
    assert lines[i - 1].startswith(TODO)  # the TODO is right above its line


def test_comments_are_kept_where_they_were():
    out = tr(
        """
        # header comment
        n <- 10  # trailing comment

        # before the model
        model <- keras_model_sequential()
        """
    )
    lines = out.splitlines()
    assert "# header comment" in lines
    assert "n = 10  # trailing comment" in lines
    assert lines.index("# before the model") + 1 == lines.index(
        "model = keras_model_sequential()"
    )


def test_report_counts_statements_and_reasons():
    report = Report()
    translate_r("x <- 1\ny <- frob(x)\nz <- lm(y ~ x)\n", report=report)
    assert report.statements == 3 and report.statements_todo == 2
    assert report.translated_share == pytest.approx(1 / 3)
    text = report.summary("t.R")
    assert "3 R statements" in text and "33.3%" in text and "formula" in text


def test_output_is_idempotent_and_formatted():
    code = "model<-keras_model_sequential()%>%layer_dense(units=1,input_shape=c(3))\n"
    first, second = translate_r(code), translate_r(code)
    assert first == second
    assert "model = keras_model_sequential() >> layer_dense(units=1, input_shape=(3,))" in first


# -- bad input -------------------------------------------------------------------------------------
def test_r_syntax_error_reports_line_and_column_like_r():
    with pytest.raises(RSyntaxError) as info:
        translate_r("x <- 1\ny <- c(1, 2\nz <- 3\n")
    err = info.value
    assert err.line >= 2 and err.column >= 1
    assert str(err).startswith(f"<text>:{err.line}:{err.column}: unexpected")
    with pytest.raises(RSyntaxError) as info:
        translate_r("x <- 1\ny <- 2 +* 3\n")
    assert info.value.line == 2 and info.value.column in (8, 9)  # R: 2:9, at the `*`


def test_empty_code_and_wrong_types_are_clear_errors():
    from kerasr.errors import InvalidValueError

    with pytest.raises(InvalidValueError, match="translate_r\\(\\): `code` is empty"):
        translate_r("  \n")
    with pytest.raises(InvalidValueError, match="must be R source as a string"):
        translate_r(b"x <- 1")  # type: ignore[arg-type]


def test_file_errors_never_leave_a_half_written_output(tmp_path: Path):
    from kerasr.errors import InvalidValueError

    bad = tmp_path / "bad.R"
    bad.write_text("x <- (1\n")
    out = tmp_path / "out.py"
    out.write_text("OLD")
    with pytest.raises(RSyntaxError, match=r"bad\.R:\d+:\d+: unexpected"):
        translate_file(bad, out)
    assert out.read_text() == "OLD" and sorted(p.name for p in tmp_path.iterdir()) == [
        "bad.R", "out.py"]
    latin = tmp_path / "latin.R"
    latin.write_bytes("# caf\xe9\nx <- 1\n".encode("latin-1"))
    with pytest.raises(InvalidValueError, match="not UTF-8 text .*line 1"):
        translate_file(latin)
    empty = tmp_path / "empty.R"
    empty.write_text("\n")
    with pytest.raises(InvalidValueError, match="empty.R is empty"):
        translate_file(empty)
    good = tmp_path / "good.R"
    good.write_text("x <- 1\n")
    with pytest.raises(InvalidValueError, match="does not exist; create it first"):
        translate_file(good, tmp_path / "missing" / "good.py")
    with pytest.raises(InvalidValueError, match="is a folder; give a file name such as"):
        translate_file(good, tmp_path)
    with pytest.raises(InvalidValueError, match="must be an .R or .Rmd file"):
        translate_file(tmp_path / "good.txt")


# -- R Markdown and notebooks ----------------------------------------------------------------------
RMD = """---
title: "Baby steps"
output: html_notebook
---

Some **prose** about the model.

```{r setup, include=FALSE}
knitr::opts_chunk$set(echo = TRUE)
```

```{r}
library(keras)
n <- 5  # rows
```

More prose.

```{r, eval=FALSE}
model %>% fit(x, y, epochs = ___)
```

```{bash}
ls data
```
"""


def test_rmd_becomes_percent_cells_with_markdown_kept(tmp_path: Path):
    src = tmp_path / "lab.Rmd"
    src.write_text(RMD)
    out = translate_file(src, tmp_path / "lab.py")
    assert out == (tmp_path / "lab.py").read_text()
    ast.parse(out)
    assert "# %% [markdown]\n# Some **prose** about the model." in out
    assert "# More prose." in out
    assert "n = 5  # rows" in out and "from kerasr import *" in out
    assert "# ```bash" in out
    assert out.count("# %%") >= 6
    assert translate_file(src) == out  # idempotent


def test_rmd_to_notebook(tmp_path: Path):
    import nbformat

    src = tmp_path / "lab.Rmd"
    src.write_text(RMD)
    translate_file(src, tmp_path / "lab.ipynb", notebook=True)
    nb = nbformat.read(tmp_path / "lab.ipynb", as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    kinds = [c.cell_type for c in nb.cells]
    assert "markdown" in kinds and "code" in kinds
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "n = 5  # rows" in code
    json.loads((tmp_path / "lab.ipynb").read_text())


def test_rmd_chunk_that_r_does_not_run_and_does_not_parse_is_kept_commented(tmp_path: Path):
    src = tmp_path / "exercise.Rmd"
    src.write_text("Fill in the blanks.\n\n```{r, eval=FALSE}\nmodel %>% fit(x, y, epochs = )(\n"
                   "```\n\n```{r}\nx <- 1\n```\n")
    report = Report()
    out = translate_file(src, report=report)
    assert "# model %>% fit(x, y, epochs = )(" in out and "x = 1" in out
    assert "R chunk that R itself does not run" in out
    assert report.statements_todo == 1 and report.statements == 2


def test_rmd_syntax_error_reports_the_line_in_the_file(tmp_path: Path):
    src = tmp_path / "broken.Rmd"
    src.write_text("# Title\n\n```{r}\nx <- 1\ny <- (2\n```\n")
    with pytest.raises(RSyntaxError) as info:
        translate_file(src)
    assert str(info.value).startswith("broken.Rmd:") and info.value.line >= 5


# -- the command ---------------------------------------------------------------------------------
def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    return subprocess.run([sys.executable, "-m", "kerasr.cli", "translate", *args], cwd=cwd,
                          capture_output=True, text=True, env=env, timeout=120)


def test_cli_translates_and_reports_on_stderr(tmp_path: Path):
    (tmp_path / "lab.R").write_text("library(keras)\nx <- frob(1)\ny <- 2\n")
    proc = _cli("lab.R", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "3 R statements" in proc.stderr and "66.7%" in proc.stderr
    assert "no translation: frob()" in proc.stderr
    text = (tmp_path / "lab.py").read_text()
    assert "# %%" in text and "y = 2" in text
    proc = _cli("lab.R", "-o", "nb.ipynb", "--notebook", cwd=tmp_path)
    assert proc.returncode == 0 and (tmp_path / "nb.ipynb").is_file()


def test_cli_errors_are_one_line_with_exit_2(tmp_path: Path):
    (tmp_path / "bad.R").write_text("x <- c(1,\n")
    proc = _cli("bad.R", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("kerasr: error: bad.R:")
    assert not (tmp_path / "bad.py").exists()
    proc = _cli("nothere.R", cwd=tmp_path)
    assert proc.returncode == 2 and "is not a file" in proc.stderr


def test_missing_parser_names_the_extra():
    code = (
        "import sys; sys.modules['tree_sitter_language_pack'] = None\n"
        "from kerasr.translate import translate_r\n"
        "try:\n    translate_r('x <- 1')\nexcept Exception as e:\n    print(e)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert 'pip install "kerasr[translate]"' in proc.stdout


# -- dplyr and ggplot2 -----------------------------------------------------------------------------
def test_dplyr_verbs_become_pandas_with_columns_masked():
    out = body(
        """
        n <- 4
        df <- tibble(x = 1:n, y = x * 2)
        out <- df %>%
          mutate(z = x + y) %>%
          filter(z > 3) %>%
          select(x, z) %>%
          arrange(desc(z))
        """
    )
    assert TODO not in out
    assert '.assign(y=lambda d: d["x"] * 2)' in out
    assert '.assign(z=lambda d: d["x"] + d["y"])' in out and '.loc[lambda d: d["z"] > 3]' in out
    env = run(
        "n <- 4\ndf <- tibble(x = 1:n, y = x * 2)\nout <- df %>% mutate(z = x + y) %>%"
        " filter(z > 3) %>% select(x, z) %>% arrange(desc(z))\nv <- out %>% pull(z)\n"
        "s <- df %>% slice_sample(n = 2)\nr <- df %>% rename(a = x) %>% select(-y)"
    )
    assert list(env["v"]) == [12, 9, 6]  # R: 12 9 6
    assert len(env["s"]) == 2 and list(env["r"].columns) == ["a"]


def test_gather_case_when_top_n_and_drop_false():
    env = run(
        "df <- tibble(y = c(1, 2), a = c(3, 4), b = c(5, 6))\n"
        "long <- gather(df, key, value, -y)\n"
        "lab <- df %>% mutate(t = case_when(a == 3 ~ 'three', TRUE ~ 'other')) %>% pull(t)\n"
        "low <- df %>% top_n(-1, wt = b)\n"
        "m <- matrix(1:6, ncol = 3)\n"
        "col1 <- m[, 2, drop = FALSE]\n"
        "sub <- df[, 'a', drop = FALSE]"
    )
    assert env["long"].columns.tolist() == ["y", "key", "value"]
    assert env["long"]["value"].tolist() == [3, 4, 5, 6]  # R: gather stacks column by column
    assert list(env["lab"]) == ["three", "other"]
    assert env["low"]["b"].tolist() == [5]
    assert env["col1"].shape == (2, 1) and env["col1"][:, 0].tolist() == [3, 4]
    assert env["sub"].shape == (2, 1)


def test_data_frame_rows_by_position_and_columns_by_name():
    env = run(
        "df <- tibble(x = c(1, 2, 3), y = c(4, 5, 6), class = c(0, 1, 0))\n"
        "ind <- 2\n"
        "a <- df[ind, 'class']\n"
        "b <- df[-ind, c('x', 'y')]\n"
        "df[1, 'y'] <- 40\n"
        "s <- str_extract(c('a12', 'b7'), '[0-9]+')"
    )
    assert env["a"] == 1 and env["b"].values.tolist() == [[1, 4], [3, 6]]
    assert env["df"]["y"].tolist() == [40, 5, 6]
    assert env["s"].tolist() == ["12", "7"]
    env = run("df <- tibble(class = c(0, 1), my.col = class * 2)\n"
              "d2 <- df %>% mutate(y.z = class + 1)")
    assert env["df"].columns.tolist() == ["class", "my.col"]  # R's column names are kept
    assert env["d2"]["y.z"].tolist() == [1, 2] and env["df"]["my.col"].tolist() == [0, 2]


def test_expand_grid_keeps_r_row_order():
    env = run("g <- expand.grid(a = 1:2, b = c(10, 20))\nh <- expand_grid(a = 1:2, b = c(10, 20))")
    assert env["g"]["a"].tolist() == [1, 2, 1, 2] and env["g"]["b"].tolist() == [10, 10, 20, 20]
    assert env["h"]["a"].tolist() == [1, 1, 2, 2] and list(env["h"].columns) == ["a", "b"]


def test_simple_ggplot_becomes_matplotlib_lines():
    out = body(
        """
        ggplot(df, aes(x, y)) +
          geom_point(alpha = 0.5) +
          geom_line(aes(y = sin(x)), color = "red", lty = "dashed") +
          ggtitle("fit") +
          theme_minimal()
        theme_set(theme_bw())
        plot(history) + scale_y_log10()
        """
    )
    assert TODO not in out
    assert '_d = df\nplt.scatter(_d["x"], _d["y"], alpha=0.5)' in out
    assert 'plt.plot(_d["x"], np.sin(_d["x"]), color="red", linestyle="--")' in out
    assert 'plt.title("fit")' in out and 'plot(history)\nplt.yscale("log")' in out


def test_par_mfrow_fills_a_grid_of_subplots():
    out = body(
        """
        op <- par(mfrow = c(2, 3), mar = c(0, 0, 0, 0))
        for (i in 1:6) {
          plot(as.raster(images[i, , ], max = 255))
        }
        par(op)
        """
    )
    assert TODO not in out
    assert "plt.figure()" in out and "op = None" in out
    assert "    plt.subplot(2, 3, len(plt.gcf().axes) + 1)\n    plt.imshow(" in out
    import matplotlib

    matplotlib.use("Agg")
    env = run("images <- array(runif(6 * 4), dim = c(6, 2, 2))\n"
              "op <- par(mfrow = c(2, 3))\nfor (i in 1:6) plot(as.raster(images[i, , ]))\npar(op)")
    import matplotlib.pyplot as plt

    assert len(plt.gcf().axes) == 6 and "images" in env
    plt.close("all")


def test_ggplot_beyond_the_simple_layers_stays_a_todo():
    out = tr("ggplot(df, aes(x, y, color = group)) + geom_point() + facet_wrap(~g)")
    assert "ggplot2 plot" in out and "ggplot(df" in out
