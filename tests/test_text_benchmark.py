"""benchmarks/bench_text.py runs and both implementations agree (a small corpus, not timed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.bench_text import SECTION, markdown, measure, synthetic_reviews, write_docs

pytest.importorskip("keras_preprocessing.text")  # the reference, from the dev extra


def test_benchmark_agrees_with_reference_and_writes_its_section(tmp_path: Path):
    texts = synthetic_reviews(300, seed=1, vocabulary=3000)
    assert len(texts) == 300 and all(isinstance(t, str) and t for t in texts)
    result = measure(texts, repeats=1)
    assert result["same"] and result["docs"] == 300 and result["ratio"] > 0
    page = tmp_path / "performance.md"
    page.write_text("# Performance\n\n## Other\n\nkept\n")
    write_docs(markdown(result), page)
    write_docs(markdown(result), page)  # replaced, not appended twice
    text = page.read_text()
    assert text.count(SECTION) == 1 and "## Other\n\nkept" in text and "| yes |" in text
