"""The text_tokenizer family against the reference algorithm (keras_preprocessing 1.1.2).

The oracle is the real ``keras-preprocessing==1.1.2`` from PyPI (the dev extra), the code R
keras 2.x ran; hypothesis compares every function with it on random texts.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kerasr.errors import InvalidValueError, TargetError
from kerasr.preprocessing.text import (
    Tokenizer,
    TokenizerFileError,
    fit_text_tokenizer,
    load_text_tokenizer,
    save_text_tokenizer,
    sequences_to_matrix,
    sequences_to_texts,
    text_hashing_trick,
    text_one_hot,
    text_to_word_sequence,
    text_tokenizer,
    texts_to_matrix,
    texts_to_sequences,
    texts_to_sequences_generator,
)

kp = pytest.importorskip("keras_preprocessing.text")  # the dev extra installs it

MODES = ("binary", "count", "tfidf", "freq")
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# -- strategies -----------------------------------------------------------------------------------
WORDS = ["the", "The", "cat", "CAT", "a", "unk", "<OOV>", "don't", "é", "Straße", "İstanbul",
         "ΣΊΣΥΦΟΣ", "日本", "x1", "", "mat"]
SEPARATORS = [" ", "  ", ", ", ".", "!", "\t", "\n", "\r", "\xa0", "...", "-", "'", ","]
word_texts = st.lists(
    st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), max_size=25
).map(lambda pairs: "".join(w + s for w, s in pairs))
raw_texts = st.text(
    alphabet=st.sampled_from(list("aAbB cC,.!?\t\n\r'éÉßİΣ日-_") + ["\xa0", "\u2028"]), max_size=30
)
texts = st.lists(st.one_of(word_texts, raw_texts), max_size=12)
options = st.fixed_dictionaries(
    {
        "num_words": st.one_of(st.none(), st.integers(1, 12)),
        "oov_token": st.sampled_from([None, "<OOV>", "unk", "the"]),
        "lower": st.booleans(),
        "char_level": st.booleans(),
        "split": st.sampled_from([" ", ",", "ab"]),
        "filters": st.sampled_from(['!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n', "", "a.\n"]),
    }
)


def fitted_pair(opts: dict, *corpora: list[str]) -> tuple[Tokenizer, object]:
    ours = text_tokenizer(**opts)
    ref = kp.Tokenizer(**opts)
    for corpus in corpora:
        fit_text_tokenizer(ours, corpus)
        ref.fit_on_texts(corpus)
    return ours, ref


def assert_same_state(ours: Tokenizer, ref: object) -> None:
    assert list(ours.word_index.items()) == list(ref.word_index.items())  # R's named-list order
    assert dict(ours.index_word) == ref.index_word
    assert list(ours.word_counts.items()) == list(ref.word_counts.items())
    assert ours.word_docs == dict(ref.word_docs)
    assert ours.index_docs == dict(ref.index_docs)
    assert ours.document_count == ref.document_count


def same_matrix(ours, ref) -> None:
    """Equal matrices, or both refuse (the reference's ValueError, our InvalidValueError)."""
    try:
        expected = ref()
    except ValueError as exc:
        with pytest.raises(InvalidValueError, match="_matrix\\(\\)"):
            ours()
        assert "Fit" in str(exc) or "Specify a dimension" in str(exc)
        return
    np.testing.assert_allclose(ours(), expected, rtol=1e-12, atol=0)


# -- property tests against the reference ---------------------------------------------------------
@SETTINGS
@given(opts=options, first=texts, second=texts, other=texts)
def test_fit_and_convert_match_reference(opts, first, second, other):
    ours, ref = fitted_pair(opts, first, second)  # refits accumulate
    assert_same_state(ours, ref)
    if not ref.word_index:
        return
    probe = first + other
    sequences = ref.texts_to_sequences(probe)
    assert texts_to_sequences(ours, probe) == sequences
    assert list(texts_to_sequences_generator(ours, probe)) == sequences
    assert sequences_to_texts(ours, sequences) == ref.sequences_to_texts(sequences)
    for mode in MODES:
        same_matrix(lambda m=mode: texts_to_matrix(ours, probe, mode=m),
                    lambda m=mode: ref.texts_to_matrix(probe, mode=m))


@SETTINGS
@given(
    opts=options,
    corpus=texts,
    fit_seqs=st.lists(st.lists(st.integers(0, 15), max_size=8), max_size=6),
    seqs=st.lists(st.lists(st.integers(0, 25), max_size=10), max_size=8),
)
def test_sequences_to_matrix_matches_reference(opts, corpus, fit_seqs, seqs):
    ours, ref = fitted_pair(opts, corpus)
    if any(fit_seqs):  # R: fit_text_tokenizer(tokenizer, list(...)) is fit_on_sequences
        fit_text_tokenizer(ours, fit_seqs)
        ref.fit_on_sequences(fit_seqs)
    assert ours.index_docs == dict(ref.index_docs)
    assert ours.document_count == ref.document_count
    for mode in MODES:
        same_matrix(lambda m=mode: sequences_to_matrix(ours, seqs, mode=m),
                    lambda m=mode: ref.sequences_to_matrix(seqs, mode=m))


@SETTINGS
@given(
    text=st.one_of(word_texts, raw_texts),
    lower=st.booleans(),
    split=st.sampled_from([" ", ",", "ab"]),
    n=st.integers(2, 50),
)
def test_word_functions_match_reference(text, lower, split, n):
    assert text_to_word_sequence(text, lower=lower, split=split) == kp.text_to_word_sequence(
        text, lower=lower, split=split
    )
    assert text_hashing_trick(text, n, "md5", lower=lower, split=split) == kp.hashing_trick(
        text, n, "md5", lower=lower, split=split
    )
    assert text_one_hot(text, n, lower=lower, split=split) == kp.one_hot(
        text, n, lower=lower, split=split
    )


@SETTINGS
@given(opts=options, corpus=texts)
def test_json_matches_reference_both_ways(tmp_path_factory, opts, corpus):
    ours, ref = fitted_pair(opts, corpus)
    path = tmp_path_factory.mktemp("tok") / "tokenizer"
    save_text_tokenizer(ours, path)
    ours_json, ref_json = json.loads(path.read_text()), json.loads(ref.to_json())
    for document in (ours_json, ref_json):  # decode the five double-encoded dictionaries
        for name in ("word_counts", "word_docs", "index_docs", "index_word", "word_index"):
            document["config"][name] = json.loads(document["config"][name])
    assert ours_json == ref_json  # same layout and values (word_docs' order is arbitrary in both)
    for name in ("word_counts", "word_index"):  # these two orders are R's named-list orders
        assert list(ours_json["config"][name]) == list(ref_json["config"][name])
    back = kp.tokenizer_from_json(path.read_text())  # the reference reads our file
    assert back.word_index == ours.word_index and back.index_word == dict(ours.index_word)
    path.write_text(ref.to_json())  # and we read the reference's
    loaded = load_text_tokenizer(path)
    assert_same_state(loaded, ref)
    assert (loaded.num_words, loaded.oov_token, loaded.split) == (
        ref.num_words, ref.oov_token, ref.split
    )


# -- worked examples (shared/reference/wave2.md section 1.2, run on the reference) ---------------
EXAMPLE = ["The cat sat on the mat.", "The dog ate my homework!", "Dog, cat... DOG? mat"]


def test_worked_example():
    # R: tokenizer <- text_tokenizer(num_words = 5) %>% fit_text_tokenizer(texts)
    tok = text_tokenizer(num_words=5) >> fit_text_tokenizer(EXAMPLE)
    assert list(tok.word_index) == ["the", "dog", "cat", "mat", "sat", "on", "ate", "my",
                                    "homework"]
    assert tok["word_index"]["dog"] == 2 and tok.document_count == 3
    assert tok.index_word["1"] == "the" == tok.index_word[1]  # R's names "1", "2", ...
    # R: texts_to_sequences(tokenizer, c(texts, "unknown cat words"))
    assert texts_to_sequences(tok, [*EXAMPLE, "unknown cat words"]) == [
        [1, 3, 1, 4], [1, 2], [2, 3, 2, 4], [3]]
    np.testing.assert_allclose(
        texts_to_matrix(tok, EXAMPLE, mode="tfidf"),
        [[0, 1.1736, 0, 0.6931, 0.6931], [0, 0.6931, 0.6931, 0, 0], [0, 0, 1.1736, 0.6931, 0.6931]],
        atol=1e-4,
    )
    oov = text_tokenizer(oov_token="<OOV>") >> fit_text_tokenizer(EXAMPLE)
    assert oov.word_index["<OOV>"] == 1 and oov.word_index["the"] == 2


def test_oov_token_that_is_also_a_word_keeps_the_later_index():
    tok = text_tokenizer(oov_token="unk") >> fit_text_tokenizer(["a unk a"])
    assert tok.word_index == {"unk": 3, "a": 2}
    assert texts_to_sequences(tok, ["zzz a"]) == [[3, 2]]


def test_char_level_keeps_punctuation_and_spaces():
    tok = text_tokenizer(char_level=True) >> fit_text_tokenizer("Ab, a!")
    assert tok.word_index == {"a": 1, "b": 2, ",": 3, " ": 4, "!": 5}


def test_single_string_is_one_text_and_generators_fit():
    # R: as_texts() turns a length-1 character vector into a one-element list
    tok = text_tokenizer() >> fit_text_tokenizer("one text here")
    assert tok.document_count == 1 and len(tok.word_index) == 3
    # R: fit_text_tokenizer(tokenizer, function() ...) iterates a generator
    gen_tok = fit_text_tokenizer(text_tokenizer(), lambda: iter(["a b", "b"]))
    assert gen_tok.word_index == {"b": 1, "a": 2} and gen_tok.document_count == 2
    lazy = texts_to_sequences_generator(gen_tok, iter(["b a", "a"]))
    assert next(lazy) == [1, 2] and next(lazy) == [2]


def test_num_words_keeps_num_words_minus_one():
    # R's help says "the most common num_words words"; the code keeps num_words - 1
    tok = text_tokenizer(num_words=3) >> fit_text_tokenizer(["a a a b b c"])
    assert texts_to_sequences(tok, ["a b c"]) == [[1, 2]]
    assert len(tok.word_index) == 3  # the vocabulary keeps every word


# -- bad input ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "bad, what",
    [(["ok", 3], "element 2"), (["ok", None], "element 2"), ([["nested", "list"]], "element 1"),
     (3.5, "must be a string or a sequence"), (None, "must be a string or a sequence")],
)
def test_non_string_texts_are_refused(bad, what):
    tok = text_tokenizer() >> fit_text_tokenizer(["a b"])
    for function in (texts_to_sequences, texts_to_matrix):
        with pytest.raises(InvalidValueError, match=f"{function.__name__}\\(\\): `texts`.*{what}"):
            function(tok, bad, mode="binary") if function is texts_to_matrix else function(tok, bad)
    if not isinstance(bad, list) or bad[0] != ["nested", "list"]:
        with pytest.raises(InvalidValueError, match=f"fit_text_tokenizer\\(\\): `x`.*{what}"):
            fit_text_tokenizer(text_tokenizer(), bad)
    assert tok.document_count == 1  # a failed call changes nothing


def test_failed_fit_leaves_the_tokenizer_unchanged():
    tok = text_tokenizer() >> fit_text_tokenizer(["a b"])
    with pytest.raises(InvalidValueError, match="item 2"):
        fit_text_tokenizer(tok, iter(["c d", 5]))
    assert tok.word_index == {"a": 1, "b": 2} and tok.document_count == 1


def test_unfitted_tokenizer_and_bad_arguments():
    tok = text_tokenizer()
    with pytest.raises(InvalidValueError, match="texts_to_sequences\\(\\).*not been fitted"):
        texts_to_sequences(tok, ["a"])
    with pytest.raises(InvalidValueError, match="sequences_to_matrix\\(\\).*num_words"):
        sequences_to_matrix(tok, [[1]], mode="binary")
    with pytest.raises(InvalidValueError, match="tfidf"):
        sequences_to_matrix(text_tokenizer(num_words=4), [[1]], mode="tfidf")
    for bad in (0, -3, 2.5, True, "10"):
        with pytest.raises(InvalidValueError, match="text_tokenizer\\(\\): `num_words`"):
            text_tokenizer(num_words=bad)
    with pytest.raises(InvalidValueError, match="`split` must be a non-empty"):
        text_tokenizer(split="")
    with pytest.raises(InvalidValueError, match="`n` must be a whole number >= 2"):
        text_one_hot("a b", 1)
    with pytest.raises(InvalidValueError, match="text_to_word_sequence\\(\\): `text`"):
        text_to_word_sequence(["a", "b"])
    with pytest.raises(TargetError, match="texts_to_sequences"):
        ["a"] >> texts_to_sequences(["a"])


def test_mode_is_required_and_checked():
    # R: texts_to_matrix(tokenizer, texts)  ->  ValueError: Unknown vectorization mode
    tok = text_tokenizer() >> fit_text_tokenizer(EXAMPLE)
    with pytest.raises(InvalidValueError, match="texts_to_matrix\\(\\): `mode` must be one of"):
        texts_to_matrix(tok, EXAMPLE)
    with pytest.raises(InvalidValueError, match="sequences_to_matrix\\(\\): `mode`.*'tf-idf'"):
        sequences_to_matrix(tok, [[1]], mode="tf-idf")


@pytest.mark.parametrize(
    "bad, what",
    [([1, 2, 3], "wrap a single sequence"), ([[1, 2.5]], "only integers"),
     ([[1, None]], "only integers"), ("1 2", "list of integer sequences"),
     (np.ones((2, 2)), "2-D integer matrix")],
)
def test_bad_sequences(bad, what):
    tok = text_tokenizer(num_words=5) >> fit_text_tokenizer(EXAMPLE)
    with pytest.raises(InvalidValueError, match=f"sequences_to_matrix\\(\\).*{what}"):
        sequences_to_matrix(tok, bad, mode="count")
    with pytest.raises(InvalidValueError, match="negative"):
        sequences_to_matrix(tok, [[1, -1]], mode="count")


def test_padded_matrix_input_counts_index_zero_like_the_reference():
    tok = text_tokenizer(num_words=5) >> fit_text_tokenizer(EXAMPLE)
    ref = kp.Tokenizer(num_words=5)
    ref.fit_on_texts(EXAMPLE)
    padded = np.array([[0, 0, 1, 3], [0, 2, 2, 7]], dtype=np.int32)
    np.testing.assert_allclose(
        sequences_to_matrix(tok, padded, mode="freq"),
        ref.sequences_to_matrix(padded.tolist(), mode="freq"),
    )


# -- files ----------------------------------------------------------------------------------------
def test_save_load_round_trip_and_atomic_failure(tmp_path: Path):
    tok = text_tokenizer(num_words=5, oov_token="<OOV>") >> fit_text_tokenizer(EXAMPLE)
    path = tmp_path / "tokenizer-question-pairs"  # R: used as given, no extension added
    assert save_text_tokenizer(tok, path) is tok
    before = path.read_bytes()
    again = load_text_tokenizer(path)
    assert list(again.word_index.items()) == list(tok.word_index.items())
    assert texts_to_sequences(again, EXAMPLE) == texts_to_sequences(tok, EXAMPLE)
    broken = text_tokenizer() >> fit_text_tokenizer(["a"])
    broken.word_counts["a"] = {1, 2}  # not JSON-serializable: the write fails part-way
    with pytest.raises(TypeError):
        save_text_tokenizer(broken, path)
    assert path.read_bytes() == before  # the old file is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no temporary left
    with pytest.raises(InvalidValueError, match="save_text_tokenizer\\(\\): the folder"):
        save_text_tokenizer(tok, tmp_path / "missing" / "tok")


@pytest.mark.parametrize(
    "edit, problem",
    [(lambda s: s[: len(s) // 2], "not valid JSON"),
     (lambda s: s.replace('"Tokenizer"', '"Other"'), "class_name"),
     (lambda s: s.replace('\\"the\\": 1', '\\"the\\": -1'), "word_index holds"),
     (lambda s: s.replace('\\"the\\": 1', '\\"the\\": 7'), "do not match"),
     (lambda s: s.replace('"num_words": 5', '"num_words": 0'), "num_words"),
     (lambda s: s.replace('"document_count": 3', '"document_count": "x"'), "document_count")],
)
def test_corrupt_or_tampered_json(tmp_path: Path, edit, problem):
    tok = text_tokenizer(num_words=5) >> fit_text_tokenizer(EXAMPLE)
    path = tmp_path / "tok.json"
    save_text_tokenizer(tok, path)
    path.write_text(edit(path.read_text()))
    expected = f"load_text_tokenizer\\(\\): `filename`.*{problem}"
    with pytest.raises(TokenizerFileError, match=expected):
        load_text_tokenizer(path)


class _KerasPathPickler(pickle._Pickler):  # pure-Python pickler: rename the class's module
    def __init__(self, file, module):
        super().__init__(file, protocol=4)
        self.module = module

    def save_global(self, obj, name=None):
        if obj is kp.Tokenizer:
            self.save(self.module)
            self.save("Tokenizer")
            self.write(pickle.STACK_GLOBAL)
            self.memoize(obj)
            return
        super().save_global(obj, name)


@pytest.mark.parametrize("protocol", [4, 5])
def test_r_keras_pickles_need_opt_in(tmp_path: Path, protocol: int):
    # R: save_text_tokenizer(tokenizer, "tok") is reticulate::py_save_object(): pickle.dump
    ref = kp.Tokenizer(num_words=5, oov_token="<OOV>")
    ref.fit_on_texts(EXAMPLE)
    path = tmp_path / "tok"
    path.write_bytes(pickle.dumps(ref, protocol=protocol))
    with pytest.raises(TokenizerFileError, match="allow_pickle=True"):
        load_text_tokenizer(path)
    loaded = load_text_tokenizer(path, allow_pickle=True)
    assert_same_state(loaded, ref)
    assert texts_to_sequences(loaded, EXAMPLE) == ref.texts_to_sequences(EXAMPLE)


def test_pickles_under_later_keras_paths_are_read(tmp_path: Path):
    ref = kp.Tokenizer()
    ref.fit_on_texts(EXAMPLE)
    for module in ("keras.preprocessing.text", "keras.src.preprocessing.text"):
        path = tmp_path / module
        with open(path, "wb") as f:
            _KerasPathPickler(f, module).dump(ref)
        assert module.encode() in path.read_bytes()
        assert load_text_tokenizer(path, allow_pickle=True).word_index == ref.word_index


class _Evil:
    def __reduce__(self):
        import os

        return (os.system, ("echo pwned",))


def test_tampered_pickle_is_refused(tmp_path: Path):
    path = tmp_path / "tok"
    path.write_bytes(pickle.dumps(_Evil(), protocol=4))
    with pytest.raises(TokenizerFileError, match="refused global (posix|os|nt).system"):
        load_text_tokenizer(path, allow_pickle=True)
    path.write_bytes(pickle.dumps({"a": 1}, protocol=4))
    with pytest.raises(TokenizerFileError, match="not a Tokenizer"):
        load_text_tokenizer(path, allow_pickle=True)
    with pytest.raises(InvalidValueError, match="cannot read `filename`"):
        load_text_tokenizer(tmp_path / "missing")
