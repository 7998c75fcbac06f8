"""The study's fast paths give the reference's numbers to the last bit, on random input.

FramingStatistic against its one-row matrix, the window TF-IDF and cosines of
similarity_baseline against the sparse code, framing_axes' matches against the
pivot table, and the memo of load_external_groups.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from initiative_lib.methods.dictionaries import load_lexicon
from initiative_lib.study import framing, units
from initiative_lib.study.external import load_external_groups
from initiative_lib.study.validity import FramingStatistic


def _bytes(d: dict[str, float]) -> dict[str, bytes]:
    return {k: np.float64(v).tobytes() for k, v in d.items()}


# ---------------------------------------------------------------- FramingStatistic


def _framing_vocab() -> pd.Index:
    """The shipped lexicon's words and phrases, words its prefixes match, their phrases' words, and fillers."""
    lex = load_lexicon()
    terms = set()
    for entry, kind in zip(lex["entry"], lex["kind"], strict=True):
        if kind == "prefix":
            terms.update({entry[:-1], entry[:-1] + "ty", entry[:-1] + "s"})
        else:
            terms.add(entry)
            terms.update(entry.split(" "))
    terms.update({"the", "of", "network", "the internet", "of states"})
    return pd.Index(sorted(terms), dtype=object)


VOCAB = _framing_vocab()
STAT = FramingStatistic(VOCAB)
SOME = FramingStatistic(VOCAB, categories=["cooperation", "security", "nope"], position=False)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.0, 1.0), st.integers(1, 9))
def test_framing_statistic_equals_its_one_row_matrix_to_the_last_bit(seed, density, top):
    rng = np.random.default_rng(seed)
    counts = (rng.integers(0, top + 1, len(VOCAB)) * (rng.random(len(VOCAB)) < density)).astype(np.int64)
    bigrams = np.array([" " in t for t in VOCAB])
    if not counts[bigrams].any():
        counts[np.flatnonzero(bigrams)[seed % bigrams.sum()]] = 1  # a window always has two-word terms
    for stat in (STAT, SOME):
        assert _bytes(stat(counts)) == _bytes(stat._call_matrix(counts))


def test_framing_statistic_takes_the_matrix_path_for_other_input():
    counts = np.ones(len(VOCAB), dtype=np.int64)
    assert _bytes(STAT(counts.astype(float))) == _bytes(STAT._call_matrix(counts.astype(float)))
    repeated = FramingStatistic(pd.Index(["security", "security", "peace and security"]))
    assert repeated._counter is None
    assert repeated(np.array([1, 2, 1]))["security"] == repeated._call_matrix(np.array([1, 2, 1]))["security"]
    no_bigram = np.where([" " in t for t in VOCAB], 0, 1)
    with pytest.raises(ValueError, match="no bigram columns"):
        STAT(no_bigram)


# ---------------------------------------------------------------- similarity_baseline


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 1500), st.floats(0.0, 1.0), st.integers(1, 60))
def test_tfidf_row_and_dense_dot_equal_the_sparse_code(seed, n_cols, density, top):
    rng = np.random.default_rng(seed)
    idf = np.log((1.0 + 40) / (1.0 + rng.integers(0, 40, n_cols))) + 1.0
    counts = (rng.integers(1, top + 1, n_cols) * (rng.random(n_cols) < density)).astype(np.int64)
    dense = units._tfidf_row(counts, idf)
    sparse = units._tfidf_unit(sp.csr_matrix(counts.astype(np.float64)[None, :]), idf)
    assert dense.tobytes() == sparse.toarray().ravel().tobytes()
    ref = units._tfidf_unit(sp.csr_matrix(rng.integers(0, 5, (1, n_cols)) * (rng.random((1, n_cols)) < 0.5)), idf)
    order = np.argsort(ref.indices, kind="stable")
    fast = units._dense_dot(dense, ref.indices[order], ref.data[order])
    assert np.float64(fast).tobytes() == np.float64(units._row_dot(sparse, ref)).tobytes()


# ---------------------------------------------------------------- framing_axes


AXES = (("a", "b"), ("c",))


def _random_rates(rng: np.random.Generator, segments: bool) -> pd.DataFrame:
    rows = []
    for d in range(int(rng.integers(1, 7))):
        for s in range(1, int(rng.integers(1, 5)) + 1 if segments else 2):
            tokens = int(rng.integers(0, 300))
            for cat in ("a", "b", "c", "z"):
                if rng.random() < 0.85:  # some (unit, category) rows missing
                    rows.append({"doc_id": f"d{(d * 7) % 5}-{d}", "seg_no": s, "category": cat,
                                 "matches": int(rng.integers(0, 20)), "n_tokens": tokens})  # fmt: skip
    rates = pd.DataFrame(rows)
    rates = rates.sample(frac=1.0, random_state=int(rng.integers(0, 1000))).reset_index(drop=True)
    return rates if segments else rates.drop(columns="seg_no")


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1), st.booleans())
def test_axis_matches_equal_the_pivot_table(seed, segments):
    rates = _random_rates(np.random.default_rng(seed), segments)
    if not {"a", "b", "c"} <= set(rates["category"]):
        return
    keys = ["doc_id", "seg_no"] if segments else ["doc_id"]
    found = framing._axis_matches(rates, keys, *AXES)
    assert found is not None
    ref = framing._axis_matches_reference(rates, keys, *AXES)
    pd.testing.assert_frame_equal(found[0], ref[0])
    assert found[1].tobytes() == ref[1].tobytes()
    assert found[2].tobytes() == ref[2].tobytes()
    doubled = pd.concat([rates, rates.iloc[:1]], ignore_index=True)
    for fn in (framing._axis_matches, framing._axis_matches_reference):
        with pytest.raises(ValueError, match="more than one row per"):
            fn(doubled, keys, *AXES)


def test_axis_matches_leave_fractional_or_missing_values_to_the_reference():
    rates = pd.DataFrame({"doc_id": ["x", "x", None], "category": ["a", "c", "a"], "matches": [1, 2, 3],
                          "n_tokens": [10, 10, 5]})  # fmt: skip
    assert framing._axis_matches(rates, ["doc_id"], *AXES) is None
    assert framing._axis_matches(rates.assign(matches=[0.5, 1.0, 2.0]).iloc[:2], ["doc_id"], *AXES) is None


# ---------------------------------------------------------------- external groups


def test_load_external_groups_memo_returns_independent_copies():
    first = load_external_groups()
    first.loc[0, "iso3"] = "XXX"
    second = load_external_groups()
    assert second.loc[0, "iso3"] != "XXX"
    pd.testing.assert_frame_equal(second, load_external_groups())


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 800), st.floats(0.0, 1.0))
def test_left_out_unit_entries_equal_the_sparse_difference(seed, n_cols, density):
    rng = np.random.default_rng(seed)
    idf = np.log((1.0 + 30) / (1.0 + rng.integers(0, 30, n_cols))) + 1.0
    doc = (rng.integers(1, 9, n_cols) * (rng.random(n_cols) < density)).astype(np.int64)
    unit = doc + (rng.integers(1, 30, n_cols) * (rng.random(n_cols) < density)).astype(np.int64)
    rest = sp.csr_matrix(unit[None, :]).astype(np.float64) - sp.csr_matrix(doc[None, :])
    if not rest.count_nonzero():
        assert not (unit - doc).any()
        return
    ref = units._tfidf_unit(rest, idf)
    order = np.argsort(ref.indices, kind="stable")
    cols, values = units._tfidf_entries(unit - doc, idf)
    assert cols.tolist() == ref.indices[order].tolist()
    assert values.tobytes() == ref.data[order].tobytes()
