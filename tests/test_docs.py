"""The documentation site: translation table, docstrings, mkdocs --strict, headless screenshots.

The build and the screenshot tests skip with a reason when mkdocs (``pip install -e ".[docs]"``)
or Chromium (``apt-get install chromium``) is missing; ``.ci/docs`` installs both.
"""

from __future__ import annotations

import functools
import html
import http.server
import importlib.util
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import kerasr
from kerasr.lab_catalog import LABS

ROOT = Path(__file__).resolve().parents[1]
TRANSLATION_MD = ROOT / "docs" / "translation.md"
WORKSHOPS_MD = ROOT.parent / "shared" / "reference" / "workshops.md"
CHROMIUM = next((p for p in (shutil.which("chromium"), "/usr/bin/chromium") if p and
                 os.path.exists(p)), None)


def _load_tool(name: str):
    spec = importlib.util.spec_from_file_location(f"_docs_tool_{name}", ROOT / "tools" /
                                                  f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def table_tool():
    return _load_tool("translation_table")


@pytest.fixture(scope="module")
def hooks():
    return _load_tool("docs_hooks")


def _exports() -> list[str]:
    return [n for n in kerasr.__all__ if not n.startswith("__")]


def _table_cells(text: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        if line.startswith("| ") and not line.startswith("|---"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            rows.append(cells)
    return rows


# --------------------------------------------------------------------------- translation table


def test_translation_table_is_current(table_tool):
    assert TRANSLATION_MD.read_text(encoding="utf-8") == table_tool.render(), (
        "docs/translation.md is stale: run `python tools/translation_table.py`"
    )


def test_every_export_is_in_the_translation_table():
    text = TRANSLATION_MD.read_text(encoding="utf-8")
    kerasr_cells = set()
    for cells in _table_cells(text):
        # workshop table: R | files | kerasr | ...; other table: R | kerasr | ...
        column = 2 if len(cells) == 6 else 1
        kerasr_cells.add(cells[column])
    missing = [n for n in _exports() if f"`{n}()`" not in kerasr_cells
               and f"`{n}`" not in kerasr_cells]
    assert not missing, f"kerasr exports missing from docs/translation.md: {missing}"


def test_every_workshop_function_is_in_the_translation_table(table_tool):
    functions = [e["function"] for e in table_tool.load_workshop_functions()]
    assert len(functions) >= 139
    r_cells = {cells[0] for cells in _table_cells(TRANSLATION_MD.read_text(encoding="utf-8"))}
    ws_rows, _ = table_tool.build_rows()
    assert [r["name"] for r in ws_rows if r["name"] in functions]
    assert {r["name"] for r in ws_rows} == set(functions)
    for row in ws_rows:
        assert row["status"] in {table_tool.SAME, table_tool.RENAMED, table_tool.DEPRECATED,
                                 table_tool.NOT_APPLICABLE, table_tool.NOT_YET}, row
        assert row["r"] in r_cells


def test_deprecated_rows_name_a_replacement(table_tool):
    ws_rows, other = table_tool.build_rows()
    for row in ws_rows + other:
        if row["status"] == table_tool.DEPRECATED:
            assert row["note"].startswith("use "), row


@pytest.mark.skipif(not WORKSHOPS_MD.exists(), reason="../shared/reference/workshops.md absent")
def test_committed_workshop_list_matches_the_reference(table_tool):
    assert table_tool.parse_workshops_md(WORKSHOPS_MD) == table_tool.load_workshop_functions(), (
        "run `python tools/translation_table.py --refresh-workshops`"
    )


# --------------------------------------------------------------------------- docstrings


def _lacking_r_python_lines() -> list[str]:
    lacking = []
    for name in _exports():
        obj = getattr(kerasr, name)
        if not callable(obj):
            continue
        doc = inspect.getdoc(obj) or ""
        if not (re.search(r"^\s*R:\s*\S", doc, re.M) and re.search(r"^\s*Python:\s*\S", doc,
                                                                    re.M)):
            lacking.append(name)
    return lacking


def test_public_docstrings_have_an_r_line_and_a_python_line():
    lacking = sorted(_lacking_r_python_lines())
    assert not lacking, f"docstrings without an `R:` line and a `Python:` line: {lacking}"


# --------------------------------------------------------------------------- generated pages


def test_api_reference_lists_every_export_once(hooks):
    names = [n for g in hooks.api_groups() for _, ns in g.sections for n in ns]
    assert sorted(names) == sorted(_exports())
    assert len(names) == len(set(names))


def test_lab_script_parsing(hooks):
    script = "\n".join([
        "# ---", "# jupyter:", "#   jupytext:", "# ---", "",
        "# %% [markdown]", "# # Title", "#", "# Some *text*.", "",
        "# %%", "x = 1", "", "# %%", "", "# %% [markdown]", "# ## Part", "",
        "# %%", "print(x)",
    ])
    cells = hooks.parse_percent_script(script)
    assert cells == [("markdown", "# Title\n\nSome *text*."), ("code", "x = 1"),
                     ("markdown", "## Part"), ("code", "print(x)")]
    nb = hooks.script_to_notebook(cells)
    assert nb["nbformat"] == 4 and [c["cell_type"] for c in nb["cells"]] == [
        "markdown", "code", "markdown", "code"]


def test_lab_page_from_a_committed_notebook_shows_its_outputs(hooks, tmp_path, monkeypatch):
    png = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5"
           "ErkJggg==")
    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# A lab\n", "\n", "Text."]},
        {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": ["print(1)"],
         "outputs": [{"output_type": "stream", "name": "stdout", "text": ["1\n"]},
                     {"output_type": "display_data", "metadata": {},
                      "data": {"image/png": png, "text/plain": ["<Figure>"]}}]},
    ]}
    (tmp_path / "demo.py").write_text("# %%\nprint(1)\n")
    (tmp_path / "demo.ipynb").write_text(json.dumps(notebook))
    monkeypatch.setattr(hooks, "LABS_DIR", tmp_path)
    page, nb_bytes = hooks.lab_page("demo")
    assert page.startswith("# A lab")
    assert "demo.ipynb" in page and "```python\nprint(1)\n```" in page
    assert "```text\n1\n```" in page and f"data:image/png;base64,{png}" in page
    assert nb_bytes == (tmp_path / "demo.ipynb").read_bytes()


def test_lab_page_from_a_fast_run_captions_figures_and_says_fast(hooks, tmp_path,
                                                                   monkeypatch):
    png = "iVBORw0KGgo="
    executed = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": "# A lab"},
        {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": "show(fig)",
         "outputs": [{"output_type": "display_data", "metadata": {"kerasr_figure": "fit.png"},
                      "data": {"image/png": png, "text/plain": "<Figure>"}}]},
    ]}
    (tmp_path / "demo.py").write_text("# %%\nshow(fig)\n")
    committed = dict(executed, cells=[dict(c, outputs=[]) if c["cell_type"] == "code" else c
                                      for c in executed["cells"]])
    (tmp_path / "demo.ipynb").write_text(json.dumps(committed))
    monkeypatch.setattr(hooks, "LABS_DIR", tmp_path)
    page, nb_bytes = hooks.lab_page("demo", executed)
    assert "**fast-mode** run" in page
    assert "<figcaption>Figure <code>fit.png</code> (fast mode)</figcaption>" in page
    assert nb_bytes == (tmp_path / "demo.ipynb").read_bytes()  # the download has no outputs
    plain, _ = hooks.lab_page("demo")
    assert "KERASR_DOCS_RUN_LABS=1" in plain and "figcaption" not in plain
    failed = hooks.failed_run_section("demo", "Traceback\nValueError: bad")
    assert "failed" in failed and "ValueError: bad" in failed


@pytest.mark.slow
def test_execute_lab_notebook_in_fast_mode(hooks, tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    labs = tmp_path / "labs"
    labs.mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import os\nfrom matplotlib.figure import Figure\n"
        "from kerasr.lab_support import lab_fast, lab_out, show\n"
        "OUT = lab_out('demo')\nfig = Figure()\nfig.add_subplot().plot([1, 2], [2, 1])\n"
        "show(fig, 'line.png')\nprint('fast', lab_fast())")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, labs / "demo.ipynb")
    monkeypatch.setattr(hooks, "LABS_DIR", labs)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    out = tmp_path / "out"
    out.mkdir()
    executed, error = hooks.execute_lab_notebook("demo", out)
    assert executed is not None, error
    assert (out / "line.png").is_file()
    outputs = executed["cells"][0]["outputs"]
    assert any(o.get("metadata", {}).get("kerasr_figure") == "line.png"
               and "image/png" in o.get("data", {}) for o in outputs)
    assert any("fast True" in "".join(o.get("text", "")) for o in outputs)


def test_r_python_lines_are_labelled():
    pytest.importorskip("griffe", reason="griffe (mkdocstrings[python]) not installed")
    griffe_ext = _load_tool("docs_griffe")
    text = "Summary.\n\nR: ``fit(model, x)``\nPython: ``fit(model, x)``\n"
    assert griffe_ext.label_r_python_lines(text).splitlines()[2:] == [
        "**R:** ``fit(model, x)``  ", "**Python:** ``fit(model, x)``"]


def test_datasets_page_lists_every_registry_file(hooks):
    from kerasr.data_loaders import registry

    page = hooks.datasets_page()
    for key, entry in registry.FILES.items():
        assert f"`{key}`" in page
        assert entry.sha256 is None or entry.sha256 in page
    assert "KERASR_DATA_DIR" in page and "kerasr data where" in page


# --------------------------------------------------------------------------- the build


@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    pytest.importorskip("mkdocs", reason="mkdocs not installed: pip install -e '.[docs]'")
    pytest.importorskip("material", reason="mkdocs-material not installed")
    pytest.importorskip("mkdocstrings", reason="mkdocstrings not installed")
    site = tmp_path_factory.mktemp("site")
    # the labs present when the build starts (labs/ may gain scripts while tests run)
    (site.parent / f"{site.name}-labs.json").write_text(json.dumps(_load_tool("docs_hooks")
                                                                   .lab_names()))
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
         str(ROOT / "mkdocs.yml"), "--site-dir", str(site)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    seconds = time.monotonic() - start
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stdout}\n{proc.stderr}"
    print(f"mkdocs build --strict: {seconds:.1f} s")
    return site


def test_mkdocs_build_strict(built_site, hooks):
    for page in ["index.html", "getting-started.html", "coming-from-r.html",
                 "translation.html", "datasets.html", "performance.html",
                 "reference/index.html", "labs/index.html"]:
        assert (built_site / page).exists(), page
    html = "".join(p.read_text(encoding="utf-8") for p in (built_site / "reference").glob("*.html"))
    missing = [n for n in _exports() if f'id="{hooks._canonical(n)}"' not in html]
    assert not missing, f"exports without a rendered API entry: {missing}"
    labs = json.loads((built_site.parent / f"{built_site.name}-labs.json").read_text())
    assert labs
    for lab in labs:
        assert (built_site / "labs" / f"{lab}.html").exists()
        notebook = json.loads((built_site / "labs" / f"{lab}.ipynb").read_text(encoding="utf-8"))
        assert notebook["nbformat"] == 4 and notebook["cells"]


# --------------------------------------------------------------------------- headless browser


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served_site(built_site):
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _chromium(profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
         "--hide-scrollbars", *args],
        capture_output=True, text=True, timeout=180,
    )


def _screenshot(url: str, out: Path, profile: Path, size: tuple[int, int] = (1280, 900),
                *args: str) -> str:
    proc = _chromium(profile, f"--screenshot={out}", f"--window-size={size[0]},{size[1]}",
                     *args, url)
    assert out.exists(), f"no screenshot of {url}:\n{proc.stderr[-3000:]}"
    return proc.stdout + proc.stderr


def _console_errors(log: str) -> list[str]:
    return [line for line in log.splitlines() if ":CONSOLE" in line
            and re.search(r"Uncaught|Error|Failed|404", line)]


def _assert_not_blank(png: Path, size: tuple[int, int] = (1280, 900)) -> None:
    from PIL import Image

    with Image.open(png) as image:
        rgb = image.convert("RGB")
        assert rgb.size == size
        colours = rgb.getcolors(maxcolors=1_000_000)
    assert colours is not None
    total = sum(count for count, _ in colours)
    top = max(count for count, _ in colours)
    assert len(colours) > 50, f"{png.name}: only {len(colours)} colours"
    assert top / total < 0.95, f"{png.name}: {top / total:.0%} of the pixels are one colour"


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (apt-get install chromium)")
def test_site_opens_in_headless_chromium(served_site, hooks, tmp_path):
    pytest.importorskip("PIL", reason="pillow not installed (needed to read the screenshots)")
    keep = os.environ.get("KERASR_DOCS_SCREENSHOTS")
    out_dir = Path(keep) if keep else tmp_path
    out_dir.mkdir(parents=True, exist_ok=True)
    lab = hooks.lab_names()[0]
    for name, path in [("home", "index.html"), (f"lab-{lab}", f"labs/{lab}.html")]:
        png = out_dir / f"{name}.png"
        log = _screenshot(f"{served_site}/{path}", png, tmp_path / f"profile-{name}")
        errors = _console_errors(log)
        assert not errors, f"console errors on {path}:\n" + "\n".join(errors)
        _assert_not_blank(png)


# --------------------------------------------------------------------------- layout at each width

# Pages that must fit the window: nothing cut off, nothing scrolling sideways, at desktop, tablet
# and phone widths. Headless Chromium will not open a window narrower than 500 px, so each page
# is loaded in a same-origin iframe of the width under test (its media queries see that width)
# and a script in the outer page measures the page inside: the document's scrollWidth against
# its clientWidth, every element in the content that scrolls or clips (overflow other than
# visible, with scrollWidth > clientWidth: a table or code block wider than its box) and every
# element whose box runs past the page's edge. --dump-dom prints the outer page with the figures.
LAYOUT_PAGES = ("getting-started", "translation")
LAYOUT_WIDTHS = (1280, 768, 390)
# every lab page too, at desktop and phone width (their long code lines may wrap)
LAB_PAGES = tuple(f"labs/{lab.name}" for lab in LABS)
LAB_WIDTHS = (1280, 390)
SCREENSHOT_WIDTHS = (1280, 390)
# where each screenshot looks: the translation page at its first table
SCREENSHOT_ANCHORS = {"translation": "#functions-the-workshops-use-139"}

_MEASURE_JS = r"""
function kerasrOverflow(doc) {
  const win = doc.defaultView, root = doc.documentElement, width = root.clientWidth;
  const name = (el) => el.tagName.toLowerCase() + (typeof el.className === "string"
    && el.className.trim() ? "." + el.className.trim().split(/\s+/).join(".") : "");
  const text = (el) => JSON.stringify(el.textContent.trim().replace(/\s+/g, " ").slice(0, 50));
  const problems = [];
  for (const el of doc.querySelectorAll(".md-content *")) {
    const box = el.getBoundingClientRect();
    if (!box.width && !box.height) continue;  // not shown
    if (!el.children.length && !el.textContent.trim()) continue;  // spaces hang at a line wrap
    if (win.getComputedStyle(el).overflowX !== "visible" && el.scrollWidth > el.clientWidth + 1) {
      problems.push(`${name(el)} scrolls or clips sideways: ${el.scrollWidth} px of content in `
                    + `${el.clientWidth} px: ${text(el)}`);
    } else if (box.left < -1 || box.right > width + 1) {
      problems.push(`${name(el)} runs past the page: ${Math.round(box.left)} to `
                    + `${Math.round(box.right)} px of ${width} px: ${text(el)}`);
    }
  }
  const wrapped = [];  // code blocks showing more lines than they have: long lines wrap
  for (const code of doc.querySelectorAll(".md-content pre > code")) {
    const style = win.getComputedStyle(code);
    const inner = code.clientHeight - parseFloat(style.paddingTop)
                  - parseFloat(style.paddingBottom);
    const shown = Math.round(inner / parseFloat(style.lineHeight));
    const lines = code.textContent.replace(/\n$/, "").split("\n");
    if (shown > lines.length) {
      const longest = lines.reduce((a, b) => (b.length > a.length ? b : a));
      wrapped.push(`${lines.length} lines shown on ${shown}: ${JSON.stringify(longest)}`);
    }
  }
  const count = (selector) => doc.querySelectorAll(".md-content " + selector).length;
  const cards = Array.from(doc.querySelectorAll(".md-content table tbody tr:first-child"))
    .filter((row) => win.getComputedStyle(row).display === "block").length;
  return {width: win.innerWidth, scrollWidth: root.scrollWidth, clientWidth: width,
          tables: count("table"), cards: cards, code_blocks: count("pre"),
          problems: problems.length, first: problems.slice(0, 12), wrapped_code: wrapped};
}
"""


def _layout_harness(cases: list[tuple[str, int]]) -> str:
    """The outer page: one iframe per case, each measured once it has loaded. The frames are
    made by the script, listener first, so a frame that loads at once is not missed."""
    return f"""<!doctype html><html><body style="margin:0"><pre id="result"></pre>
<script>{_MEASURE_JS}
const cases = {json.dumps([[page, width] for page, width in cases])};
const results = {{}};
let pending = cases.length;
for (const [page, width] of cases) {{
  const frame = document.createElement("iframe");
  frame.style.cssText = `border:0;display:block;width:${{width}}px;height:900px`;
  frame.addEventListener("load", () => setTimeout(() => {{
    results[`${{page}}@${{width}}`] = kerasrOverflow(frame.contentDocument);
    if (--pending === 0) document.getElementById("result").textContent = JSON.stringify(results);
  }}, 300));
  frame.src = `${{page}}.html`;
  document.body.insertBefore(frame, document.getElementById("result"));
}}
</script></body></html>"""


@pytest.fixture(scope="module")
def layout(built_site, served_site, tmp_path_factory):
    """The overflow figures of each LAYOUT_PAGES page at each LAYOUT_WIDTHS width, and of each
    lab page at LAB_WIDTHS (one Chromium run)."""
    if CHROMIUM is None:
        pytest.skip("chromium not installed (apt-get install chromium)")
    cases = [(page, width) for page in LAYOUT_PAGES for width in LAYOUT_WIDTHS]
    cases += [(page, width) for page in LAB_PAGES for width in LAB_WIDTHS]
    (built_site / "_layout.html").write_text(_layout_harness(cases), encoding="utf-8")
    start = time.monotonic()
    proc = _chromium(tmp_path_factory.mktemp("profile-layout"), "--window-size=1280,900",
                     f"--virtual-time-budget={2000 * len(cases)}", "--dump-dom",
                     f"{served_site}/_layout.html")
    print(f"layout of {len(cases)} page widths: {time.monotonic() - start:.1f} s")
    found = re.search(r'<pre id="result">(.+?)</pre>', proc.stdout, re.S)
    assert found, f"the layout script wrote no figures:\n{proc.stderr[-3000:]}"
    errors = _console_errors(proc.stderr)
    assert not errors, "console errors:\n" + "\n".join(errors)
    figures = json.loads(html.unescape(found.group(1)))
    for case, f in sorted(figures.items()):
        print(f"{case}: document scrollWidth {f['scrollWidth']} / clientWidth {f['clientWidth']}"
              f", {f['problems']} elements overflowing, {len(f['wrapped_code'])} of "
              f"{f['code_blocks']} code blocks wrap, {f['cards']} of {f['tables']} tables as cards")
    return figures


@pytest.mark.parametrize("width", LAYOUT_WIDTHS)
@pytest.mark.parametrize("page", LAYOUT_PAGES)
def test_page_fits_the_window_without_sideways_scrolling(layout, page, width):
    figures = layout[f"{page}@{width}"]
    assert figures["width"] == width  # the iframe really is that wide
    if page == "getting-started":
        assert figures["code_blocks"] >= 5 and figures["tables"] >= 2, figures
    else:
        assert figures["tables"] >= 4, figures
    assert figures["scrollWidth"] <= figures["clientWidth"], (
        f"{page}.html at {width} px scrolls sideways: {figures}")
    assert figures["problems"] == 0, (
        f"{page}.html at {width} px: {figures['problems']} elements wider than their box or the "
        "page, the first:\n" + "\n".join(figures["first"]))
    if width >= 1280:  # at desktop width every code line fits on one line (narrower: wraps)
        assert not figures["wrapped_code"], (
            f"{page}.html at {width} px: code blocks wrap:\n" + "\n".join(figures["wrapped_code"]))
    # phone: tables of three or more columns show one card per row (javascripts/tables.js)
    if width < 720:
        assert figures["cards"] >= (4 if page == "translation" else 1), figures
    else:
        assert figures["cards"] == 0, figures


@pytest.mark.parametrize("width", LAB_WIDTHS)
@pytest.mark.parametrize("page", LAB_PAGES)
def test_lab_page_fits_the_window_without_sideways_scrolling(layout, page, width):
    figures = layout[f"{page}@{width}"]
    assert figures["width"] == width and figures["code_blocks"] >= 3, figures
    assert figures["scrollWidth"] <= figures["clientWidth"], (
        f"{page}.html at {width} px scrolls sideways: {figures}")
    assert figures["problems"] == 0, (
        f"{page}.html at {width} px: {figures['problems']} elements wider than their box or the "
        "page, the first:\n" + "\n".join(figures["first"]))


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (apt-get install chromium)")
@pytest.mark.parametrize("width", SCREENSHOT_WIDTHS)
@pytest.mark.parametrize("page", LAYOUT_PAGES)
def test_screenshot_at_desktop_and_phone_width(served_site, built_site, tmp_path, page, width):
    """PNGs to look at (kept in $KERASR_DOCS_SCREENSHOTS): the page in an iframe that wide."""
    from PIL import Image

    keep = os.environ.get("KERASR_DOCS_SCREENSHOTS")
    out_dir = Path(keep) if keep else tmp_path
    out_dir.mkdir(parents=True, exist_ok=True)
    harness = f"_shot-{page}-{width}.html"
    (built_site / harness).write_text(
        f'<!doctype html><html><body style="margin:0"><iframe '
        f'src="{page}.html{SCREENSHOT_ANCHORS.get(page, "")}" '
        f'style="border:0;display:block;width:{width}px;height:900px"></iframe></body></html>',
        encoding="utf-8")
    png = out_dir / f"{page}-{width}.png"
    window = (max(width, 500), 900)  # headless Chromium's narrowest window is 500 px
    # the virtual time lets the header's title transition finish before the shot
    log = _screenshot(f"{served_site}/{harness}", png, tmp_path / "profile", window,
                      "--virtual-time-budget=2000")
    assert not _console_errors(log), log
    with Image.open(png) as image:
        image.crop((0, 0, width, 900)).save(png)
    _assert_not_blank(png, (width, 900))
