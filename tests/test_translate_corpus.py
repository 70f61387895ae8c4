"""The measure of ``kerasr translate`` (issue 19): the real workshop corpus, and labs that run.

1. Every ``.R``/``.Rmd`` file of ``shared/corpus/workshops/`` translates to Python that
   parses; the share of R statements translated without a TODO is reported and held above
   a floor (the figure measured when this test was written; see docs/porting-a-course.md).
2. R code written like the workshops' baby-steps, Boston, kyphosis and perceptron labs
   (the labs kerasr ships) is translated and *run*, with few epochs, in one subprocess.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("tree_sitter_language_pack", reason='needs the "translate" extra')
pytest.importorskip("jupytext", reason='needs the "translate" extra')

from kerasr.translate import translate_file, translate_r  # noqa: E402
from kerasr.translate.report import Report  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("KERASR_CORPUS", ROOT.parent / "shared" / "corpus" / "workshops"))
#: measured on the 51 corpus files when this floor was set (docs/porting-a-course.md)
TRANSLATED_SHARE_FLOOR = 0.90  # measured: 90.08% (2852 of 3166 statements)


def _corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.suffix in (".R", ".Rmd"))


@pytest.fixture(scope="module")
def corpus() -> tuple[dict[str, str], Report]:
    if not CORPUS.is_dir():
        pytest.skip(f"the workshop corpus is not here ({CORPUS}); set KERASR_CORPUS")
    total = Report()
    outputs: dict[str, str] = {}
    for path in _corpus_files():
        report = Report()
        outputs[str(path.relative_to(CORPUS))] = translate_file(path, report=report)
        total.add(report)
    return outputs, total


def test_every_corpus_file_translates_to_python_that_parses(corpus):
    outputs, total = corpus
    assert len(outputs) == 51
    for name, text in outputs.items():
        ast.parse(text, filename=name)
        assert "# %%" in text


def test_share_of_statements_translated_without_todo(corpus):
    _, total = corpus
    print("\n" + total.summary("workshop corpus"))  # the figure, in -s / -rA output
    assert total.statements > 3000
    assert total.translated_share >= TRANSLATED_SHARE_FLOOR, total.summary("corpus")


def test_corpus_translation_is_idempotent():
    if not CORPUS.is_dir():
        pytest.skip("the workshop corpus is not here")
    path = CORPUS / "anderson" / "scripts__keras-baby-steps.R"
    assert translate_file(path) == translate_file(path)


def test_notebook_output_for_a_corpus_notebook(tmp_path: Path):
    if not CORPUS.is_dir():
        pytest.skip("the workshop corpus is not here")
    import nbformat

    src = CORPUS / "kuo-luraschi" / "02-keras.Rmd"
    translate_file(src, tmp_path / "02-keras.ipynb", notebook=True)
    nb = nbformat.read(tmp_path / "02-keras.ipynb", as_version=4)
    nbformat.validate(nb)
    assert sum(c.cell_type == "markdown" for c in nb.cells) >= 10
    for cell in nb.cells:
        if cell.cell_type == "code":
            ast.parse(cell.source)


# -- translated labs that run -----------------------------------------------------------------
BABY_STEPS = """
library(keras)

# Simple linear regression example (Anderson's keras-baby-steps.R)
n <- 400
b <- 30
a <- 5
set.seed(123)
x <- runif(n, min = -1, max = 1)
y <- b + a*x + rnorm(n)
x <- matrix(x, ncol = 1)

sim_mod <- keras_model_sequential() %>%
  layer_dense(units = 1,
              activation = "linear",
              input_shape = ncol(x))

sim_mod %>%
  compile(optimizer = optimizer_sgd(learning_rate = 0.1), # stochastic gradient descent
          loss = "mse") # mean square error

history <- sim_mod %>%
  fit(x, y, # data
      batch_size = 16, # mini-batch size
      epochs = EPOCHS, verbose = 0)

w <- get_weights(sim_mod)
cat("RESULT slope", w[[1]][1, 1], "\\n")
cat("RESULT intercept", w[[2]][1], "\\n")
"""

BOSTON = """
library(keras)

c(c(train_data, train_targets), c(test_data, test_targets)) %<-% dataset_boston_housing()

mean <- apply(train_data, 2, mean)
std <- apply(train_data, 2, sd)
train_data <- scale(train_data, center = mean, scale = std)
test_data <- scale(test_data, center = mean, scale = std)

build_model <- function() {
  model <- keras_model_sequential() %>%
    layer_dense(units = 64, activation = "relu",
                input_shape = dim(train_data)[[2]]) %>%
    layer_dense(units = 64, activation = "relu") %>%
    layer_dense(units = 1)

  model %>% compile(
    optimizer = "rmsprop",
    loss = "mse",
    metrics = c("mae")
  )
}

set.seed(1)
model <- build_model()
model %>% fit(train_data, train_targets,
              epochs = EPOCHS, batch_size = 16, verbose = 0)
result <- model %>% evaluate(test_data, test_targets, verbose = 0)
cat("RESULT mae", result$mae, "\\n")
cat("RESULT rows", nrow(train_data), "\\n")
"""

KYPHOSIS = """
library(keras)

kyphosis <- dataset_kyphosis()
x <- as.matrix(kyphosis[, c("Age", "Number", "Start")])
x <- scale(x)
y <- to_categorical(as.integer(kyphosis$Kyphosis == "present"), num_classes = 2)

model <- keras_model_sequential() %>%
  layer_dense(units = 8, activation = "relu", input_shape = ncol(x)) %>%
  layer_dense(units = 2, activation = "softmax")

model %>% compile(
  loss = "binary_crossentropy",
  optimizer = optimizer_adam(learning_rate = 0.01),
  metrics = "accuracy"
)
history <- model %>% fit(x, y, epochs = EPOCHS, batch_size = 16,
                         validation_split = 0.2, verbose = 0)
acc <- history$metrics$accuracy
cat("RESULT epochs", length(acc), "\\n")
cat("RESULT accuracy", acc[length(acc)], "\\n")
"""

PERCEPTRONS = """
library(keras)

# XOR with a hidden layer
x <- matrix(c(0, 0, 1, 1,
              0, 1, 0, 1), ncol = 2)
y <- c(0, 1, 1, 0)

set.seed(42)
model <- keras_model_sequential() %>%
  layer_dense(units = 8, activation = "tanh", input_shape = c(2)) %>%
  layer_dense(units = 1, activation = "sigmoid")
model %>% compile(optimizer = optimizer_adam(learning_rate = 0.05),
                  loss = "binary_crossentropy")
model %>% fit(x, y, epochs = EPOCHS, batch_size = 4, verbose = 0)
p <- predict(model, x)
for (i in 1:nrow(x)) {
  cat("RESULT xor", i, round(p[i, 1], 3), "\\n")
}
"""

LABS = {"baby_steps": (BABY_STEPS, 20), "boston": (BOSTON, 3), "kyphosis": (KYPHOSIS, 3),
        "perceptrons": (PERCEPTRONS, 5)}


def _translations() -> dict[str, str]:
    out = {}
    for name, (code, epochs) in LABS.items():
        out[name] = translate_r(textwrap.dedent(code).replace("EPOCHS", str(epochs)))
    return out


def test_lab_translations_have_no_todo():
    for name, text in _translations().items():
        ast.parse(text)
        assert "TODO(kerasr)" not in text, (name, text)
        assert "from kerasr import *" in text
    boston = _translations()["boston"]
    assert "(train_data, train_targets), (test_data, test_targets) = dataset_boston_housing()" \
        in boston
    assert "def build_model():" in boston and "return model >> compile(" in boston


@pytest.mark.slow
def test_translated_labs_run(tmp_path: Path):
    files = {}
    for name, text in _translations().items():
        files[name] = tmp_path / f"{name}.py"
        files[name].write_text(text)
    driver = (
        "import runpy, sys\n"
        "for path in sys.argv[1:]:\n"
        "    print('LAB', path, flush=True)\n"
        "    runpy.run_path(path, run_name='__main__')\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg", TF_CPP_MIN_LOG_LEVEL="3")
    proc = subprocess.run([sys.executable, "-c", driver, *map(str, files.values())],
                          capture_output=True, text=True, env=env, timeout=600, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    results: dict[str, list[float]] = {}
    for key, *values in (line.split()[1:] for line in proc.stdout.splitlines()
                         if line.startswith("RESULT")):
        results.setdefault(key, []).extend(float(v) for v in values)
    # baby steps: one dense unit trained by SGD finds the simulated slope 5 and intercept 30
    assert results["slope"][0] == pytest.approx(5, abs=0.6)
    assert results["intercept"][0] == pytest.approx(30, abs=1.5)
    # Boston: 404 training rows (R's split), a finite test MAE after a few epochs
    assert results["rows"] == [404]
    assert 0 < results["mae"][0] < 25
    # kyphosis: one accuracy per epoch, a probability
    assert results["epochs"] == [LABS["kyphosis"][1]]
    assert 0 <= results["accuracy"][0] <= 1
    # perceptrons: rows numbered 1..4 (R's 1-based loop), probabilities
    xor = results["xor"]
    assert xor[0::2] == [1, 2, 3, 4] and all(0 <= p <= 1 for p in xor[1::2])
    assert json.dumps(results)  # plain numbers
    assert re.search(r"LAB .*perceptrons\.py", proc.stdout)
