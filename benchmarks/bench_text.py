"""kerasr's text tokenizer against the reference (keras_preprocessing 1.1.2) on IMDB-sized text.

Builds a synthetic corpus shaped like IMDB's training reviews (25,000 documents, about 33 MB:
Zipf-distributed words over an 80,000-word vocabulary, capitals, punctuation, ``<br />``
tags), then times fitting a tokenizer and converting the texts to sequences, the workshops'
``text_tokenizer(num_words = 10000) %>% fit_text_tokenizer(texts)`` then
``texts_to_sequences(tokenizer, texts)``, with kerasr and with the reference, alternating, and
reports median seconds and the ratio reference / kerasr (above 1: kerasr is faster). Both must
give the same ``word_index`` and sequences. Also times ``texts_to_matrix(mode = "binary")`` on
the first 2,000 texts.

    python benchmarks/bench_text.py [--docs 25000] [--repeats 3] [--write-docs]

``--write-docs`` replaces the "Text tokenizer" section of docs/performance.md.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

SECTION = "## Text tokenizer"


def synthetic_reviews(n_docs: int = 25_000, seed: int = 0, vocabulary: int = 80_000) -> list[str]:
    """IMDB-like reviews: about 1,330 characters (230 words) each on average."""
    rng = np.random.RandomState(seed)
    letters = np.array(list("etaoinshrdlcumwfgypbvkjxqz"))
    weights = 1.0 / np.arange(1, len(letters) + 1) ** 0.6
    lengths = rng.randint(1, 10, size=vocabulary)
    chars = rng.choice(letters, size=int(lengths.sum()), p=weights / weights.sum())
    cuts = np.cumsum(lengths)[:-1]
    words = np.array(["".join(w) for w in np.split(chars, cuts)], dtype=object)
    zipf = 1.0 / np.arange(1, vocabulary + 1) ** 1.07
    zipf /= zipf.sum()
    doc_lengths = np.clip(rng.lognormal(5.06, 0.6, size=n_docs).astype(int), 10, 2500)
    tokens = words[rng.choice(vocabulary, size=int(doc_lengths.sum()), p=zipf)]
    decorations = rng.choice(
        np.array(["", "", "", "", "", "", "", "", "", "", "", "", ",", ",", ".", ".", "!", "?",
                  "'s", "'t", "...", ")", "\"", " <br /><br />"], dtype=object),
        size=len(tokens),
    )
    capital = rng.random_sample(len(tokens)) < 0.08
    tokens = np.where(capital, np.char.capitalize(tokens.astype(str)).astype(object), tokens)
    pieces = tokens + decorations
    bounds = np.cumsum(doc_lengths)[:-1]
    return [" ".join(doc) for doc in np.split(pieces, bounds)]


def kerasr_run(texts: list[str], num_words: int) -> tuple[Any, list[list[int]]]:
    from kerasr.preprocessing.text import fit_text_tokenizer, text_tokenizer, texts_to_sequences

    tokenizer = text_tokenizer(num_words=num_words) >> fit_text_tokenizer(texts)
    return tokenizer, texts_to_sequences(tokenizer, texts)


def reference_run(texts: list[str], num_words: int) -> tuple[Any, list[list[int]]]:
    from keras_preprocessing.text import Tokenizer

    tokenizer = Tokenizer(num_words=num_words)
    tokenizer.fit_on_texts(texts)
    return tokenizer, tokenizer.texts_to_sequences(texts)


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    """CPU seconds of this process (both implementations are single-threaded; CPU time is
    steadier than wall time on a machine shared with other jobs)."""
    gc.collect()
    start = time.process_time()
    result = function()
    return time.process_time() - start, result


def measure(texts: list[str], repeats: int = 3, num_words: int = 10_000) -> dict[str, Any]:
    """Alternating timings of both implementations; checks they agree."""
    ours_times, ref_times, ours_matrix, ref_matrix = [], [], [], []
    head = texts[:2000]
    for round_ in range(repeats):
        order = ("ours", "ref") if round_ % 2 == 0 else ("ref", "ours")
        for which in order:
            if which == "ours":
                seconds, (ours, ours_seqs) = timed(lambda: kerasr_run(texts, num_words))
                ours_times.append(seconds)
                from kerasr.preprocessing.text import texts_to_matrix

                seconds, ours_x = timed(lambda t=ours: texts_to_matrix(t, head, mode="binary"))
                ours_matrix.append(seconds)
            else:
                seconds, (ref, ref_seqs) = timed(lambda: reference_run(texts, num_words))
                ref_times.append(seconds)
                seconds, ref_x = timed(lambda t=ref: t.texts_to_matrix(head, mode="binary"))
                ref_matrix.append(seconds)
    same = (
        list(ours.word_index.items()) == list(ref.word_index.items())
        and ours_seqs == ref_seqs
        and np.array_equal(ours_x, ref_x)
    )
    ours_s, ref_s = statistics.median(ours_times), statistics.median(ref_times)
    return {
        "docs": len(texts),
        "megabytes": sum(map(len, texts)) / 1e6,
        "vocabulary": len(ours.word_index),
        "ours": ours_s,
        "reference": ref_s,
        "ratio": ref_s / ours_s,
        "ours_matrix": statistics.median(ours_matrix),
        "reference_matrix": statistics.median(ref_matrix),
        "same": same,
        "repeats": repeats,
    }


def markdown(result: dict[str, Any]) -> str:
    r = result
    return "\n".join([
        SECTION,
        "",
        "Written by `python benchmarks/bench_text.py --write-docs` on this machine (2 CPU cores).",
        f"Synthetic IMDB-sized reviews: {r['docs']:,} documents, {r['megabytes']:.1f} MB, "
        f"{r['vocabulary']:,} distinct words; median of {r['repeats']} alternating rounds. "
        "Reference: `keras-preprocessing` 1.1.2 (the code R keras 2.x ran).",
        "",
        "| step | kerasr (CPU s) | reference (CPU s) | reference / kerasr | same result |",
        "|---|---|---|---|---|",
        f"| `text_tokenizer(num_words = 10000)`, fit + `texts_to_sequences` | {r['ours']:.2f} | "
        f"{r['reference']:.2f} | {r['ratio']:.2f}x | {'yes' if r['same'] else 'NO'} |",
        f"| `texts_to_matrix(mode = \"binary\")`, first 2,000 texts | {r['ours_matrix']:.3f} | "
        f"{r['reference_matrix']:.3f} | {r['reference_matrix'] / r['ours_matrix']:.2f}x | "
        f"{'yes' if r['same'] else 'NO'} |",
        "",
    ])


def write_docs(text: str, path: Path = ROOT / "docs" / "performance.md") -> None:
    """Replace (or append) the section, atomically."""
    import os
    import tempfile

    current = path.read_text(encoding="utf-8") if path.exists() else ""
    start = current.find(SECTION)
    if start >= 0:
        end = current.find("\n## ", start + len(SECTION))
        current = current[:start] + text + (current[end + 1:] if end >= 0 else "")
    else:
        current = current.rstrip("\n") + "\n\n" + text
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".performance.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(current)
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=25_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)
    texts = synthetic_reviews(args.docs)
    result = measure(texts, args.repeats)
    text = markdown(result)
    print(text)
    if args.write_docs:
        write_docs(text)
    return 0 if result["same"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
