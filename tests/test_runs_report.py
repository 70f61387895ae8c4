"""view_run() and compare_runs(): self-contained HTML reports with the key values present, and
(when Chromium is installed) headless screenshots that are not blank."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import kerasr
from kerasr.errors import InvalidValueError
from kerasr.runs.run_dir import RUN_DIR_ENV, write_properties, write_run_metadata

CHROMIUM = next((p for p in (shutil.which("chromium"), "/usr/bin/chromium") if p and
                 Path(p).exists()), None)
# a 1x1 PNG
PIXEL = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAE"
                         "hQGAhKmMIQAAAABJRU5ErkJggg==")
MODEL = """Model
Model: "sequential"
________________________________________________________________________________
 Layer (type)                      Output Shape                    Param #
================================================================================
 dense (Dense)                     (None, 64)                      256
________________________________________________________________________________
Total params: 321 (1.25 KB)"""


def _run(base, name, *, units, start, src="units = 1\n", completed=True, extra_src=None,
         error=None):
    run = base / name
    source = base.parent / f"src-{name}"
    source.mkdir()
    (source / "train.py").write_text(src)
    if extra_src:
        (source / "extra.py").write_text(extra_src)
    write_run_metadata("source", source, run_dir=run)
    write_properties(run, {"type": "training", "context": "local", "script": "train.py",
                           "start": start, "end": start + 3725.0, "completed": completed,
                           "epochs": 3, "model": MODEL, "loss_function": "mse",
                           "optimizer": "<keras.optimizers.RMSprop object>",
                           "learning_rate": 0.001,
                           "output": f"Epoch 1/3\nhello from units={units}"})
    write_run_metadata("flags", {"units": units, "lr": 0.001}, run_dir=run)
    write_run_metadata("metrics", {"loss": [0.9, 0.5, None if error else 0.25],
                                   "val_loss": [1.0, 0.6, None if error else 0.3],
                                   "mae": [0.8, 0.4, None if error else 0.123456789]},
                       run_dir=run)
    write_run_metadata("evaluation", {"loss": 0.2718281828}, run_dir=run)
    if error:
        write_run_metadata("error", {"message": error, "traceback": ["File train.py, line 3"]},
                           run_dir=run)
    (run / "plots").mkdir()
    (run / "plots" / "Rplot001.png").write_bytes(PIXEL)
    (run / "model.h5").write_bytes(b"x")
    return run


@pytest.fixture
def runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(RUN_DIR_ENV, raising=False)
    base = tmp_path / "runs"
    old = _run(base, "2020-03-05T14-02-11Z", units=32, start=1.58e9,
               src="units = 32\nepochs = 3\n")
    new = _run(base, "2020-03-05T15-00-00Z", units=64, start=1.58e9 + 3600,
               src="units = 64\nepochs = 3\n", extra_src="def helper():\n    pass\n",
               completed=False, error="ValueError: loss is NaN")
    return old, new


def _text(page: str) -> str:
    return re.sub(r"<[^>]+>", " ", page)


def test_view_run_shows_the_run(runs):
    old, _ = runs
    seen = []
    path = kerasr.view_run(old, viewer=seen.append)
    assert seen == [path] and path.endswith("run-2020-03-05T14-02-11Z.html")
    page = Path(path).read_text()
    text = _text(page)
    assert "Training Run" in page and "2020-03-05T14-02-11Z" in page
    for card in ("Run", "Metrics", "Evaluation", "Flags", "Optimization", "Training",
                 "History", "Model", "Files", "Plots", "Console", "train.py"):
        assert f"<h2>{card}</h2>" in page, card
    # metrics with 4 decimals as tfruns shows them, the full value in the title
    assert ">0.1235<" in page and 'title="0.123456789"' in page
    assert ">0.2718<" in page  # eval_loss
    assert re.search(r"units</td><td class=\"v\">32<", page)
    assert "01:02:05" in text  # run time end - start
    assert "2020-03-05 14:00:00 GMT" in text or "GMT" in text
    assert "Total params: 321" in text and "_____" not in page  # rules removed
    assert "hello from units=32" in text and "units = 32" in text
    assert "model.h5" in text
    assert page.count("<svg") == 2  # one chart per metric: loss (val_loss overlaid), mae
    assert page.count("<polyline") == 3
    assert "data:image/png;base64," in page
    # self-contained: no scripts, no network
    assert "<script" not in page and not re.search(r'(src|href)="https?:', page)


def test_view_run_of_a_failed_run_shows_the_error(runs):
    _, new = runs
    page = Path(kerasr.view_run(str(new), viewer=False)).read_text()
    assert "<h2>Error</h2>" in page and "ValueError: loss is NaN" in page
    assert "File train.py, line 3" in page
    assert "2/3" in page  # epochs completed of total


def test_view_run_defaults_to_the_latest_run_and_saves(runs, tmp_path):
    page = Path(kerasr.view_run(viewer=False)).read_text()
    assert "2020-03-05T15-00-00Z" in page
    target = tmp_path / "out" / "view.html"
    assert kerasr.save_run_view(runs[0], target) == str(target)
    assert "2020-03-05T14-02-11Z" in target.read_text()
    with pytest.raises(InvalidValueError, match="is not a run directory"):
        kerasr.view_run("runs/missing", viewer=False)


def test_compare_runs_highlights_differences(runs):
    old, new = runs
    path = kerasr.compare_runs([str(new), str(old)], viewer=False)  # any order: older first
    page = Path(path).read_text()
    assert page.index("2020-03-05T14-02-11Z") < page.index("2020-03-05T15-00-00Z")
    rows = dict(re.findall(r'<tr( class="diff")?><td>(flag_\w+|metric_\w+|eval_\w+)</td>',
                           page)[i][::-1] for i in range(6))
    assert rows["flag_units"] == ' class="diff"'  # 32 vs 64
    assert rows["flag_lr"] == ""  # the same in both
    assert rows["metric_loss"] == ' class="diff"'  # 0.25 vs 0.5
    plain = page.replace("&nbsp;", " ")
    assert "<h2>FLAGS</h2>" in page
    assert re.search(r'units: <span class="diff_chg">32</span>', plain)
    assert re.search(r'units: <span class="diff_chg">64</span>', plain)
    assert "<h2>extra.py</h2>" in page and "(absent)" in page  # a file only the new run has
    assert "<h2>train.py</h2>" in page and "diff_chg" in page
    assert "ValueError: loss is NaN" in page
    assert "<script" not in page


def test_compare_runs_needs_two_runs(runs):
    with pytest.raises(InvalidValueError, match="You must pass at least 2 run directories"):
        kerasr.compare_runs([str(runs[0])], viewer=False)
    # the default: the latest two runs
    page = Path(kerasr.compare_runs(viewer=False)).read_text()
    assert "2020-03-05T14-02-11Z vs 2020-03-05T15-00-00Z" in page


def _assert_well_formed(page: str) -> None:
    """Every element closed in order (html.parser; the void elements excepted)."""
    from html.parser import HTMLParser

    void = {"meta", "img", "br", "hr", "input", "link", "col"}
    stack: list[str] = []

    class Checker(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag not in void:
                stack.append(tag)

        def handle_startendtag(self, tag, attrs):  # <br />: opens and closes itself
            pass

        def handle_endtag(self, tag):
            assert stack and stack[-1] == tag, f"</{tag}> closes <{stack[-1:]}>"
            stack.pop()

    Checker().feed(page)
    assert stack == [], f"unclosed: {stack}"


def test_reports_are_well_formed_html(runs):
    old, new = runs
    for path in (kerasr.view_run(old, viewer=False), kerasr.view_run(new, viewer=False),
                 kerasr.compare_runs([old, new], viewer=False)):
        page = Path(path).read_text()
        assert page.startswith("<!DOCTYPE html>")
        _assert_well_formed(page)


def _screenshot(url: str, out: Path, profile: Path) -> None:
    proc = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--hide-scrollbars", f"--screenshot={out}",
         "--window-size=1280,900", url],
        capture_output=True, text=True, timeout=180,
    )
    assert out.exists(), f"no screenshot of {url}:\n{proc.stderr[-3000:]}"


def _assert_not_blank(png: Path) -> None:
    from PIL import Image

    with Image.open(png) as image:
        rgb = image.convert("RGB")
        colours = rgb.getcolors(maxcolors=1_000_000)
    assert colours is not None
    total = sum(count for count, _ in colours)
    top = max(count for count, _ in colours)
    assert len(colours) > 50, f"{png.name}: only {len(colours)} colours"
    assert top / total < 0.95, f"{png.name}: {top / total:.0%} of the pixels are one colour"


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (apt-get install chromium)")
def test_reports_render_in_headless_chromium(runs, tmp_path):
    pytest.importorskip("PIL", reason="pillow not installed (needed to read the screenshots)")
    old, new = runs
    pages = {"view": kerasr.view_run(old, viewer=False),
             "compare": kerasr.compare_runs([old, new], viewer=False)}
    for name, path in pages.items():
        png = tmp_path / f"{name}.png"
        _screenshot(Path(path).as_uri(), png, tmp_path / f"profile-{name}")
        _assert_not_blank(png)
