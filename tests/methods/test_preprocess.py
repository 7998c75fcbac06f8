"""Tests for initiative_lib.methods.preprocess."""

from __future__ import annotations

import math
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2_contingency

from initiative_lib.corpus.matrix import from_counts
from initiative_lib.methods.preprocess import (
    PreprocessConfig,
    align_vocab,
    apply_preprocessing,
    load_stopwords,
    preprocess,
    rank_collocations,
)


def _rows(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": [f"d{i // 2}" for i in range(n)],
            "seg_no": [i % 2 + 1 for i in range(n)],
            "n_tokens": 10,
            "group": "user",
        }
    )


@pytest.fixture
def bigram_dtm():
    segs = [
        {"human": 3, "rights": 3, "the": 4, "of": 2, "human rights": 3, "of the": 2, "cyber": 1},
        {"human": 1, "rights": 2, "council": 2, "rights council": 2, "the": 2, "2020": 1},
        {"cyber": 2, "security": 2, "cyber security": 2, "the": 3, "of": 3, "of the": 3},
        {"security": 1, "law": 2, "the": 1, "the law": 1, "human": 1, "rights": 1, "human rights": 1},
    ]
    return from_counts(segs, _rows(len(segs)))


def _table(r: pd.Series) -> np.ndarray:
    return np.array([[r.n_12, r.n_1 - r.n_12], [r.n_2 - r.n_12, r.n - r.n_1 - r.n_2 + r.n_12]], dtype=float)


# --- collocations ---------------------------------------------------------


def test_g2_matches_scipy_log_likelihood(bigram_dtm):
    ranked = rank_collocations(bigram_dtm, min_count=1)
    assert len(ranked) == 5
    for r in ranked.itertuples():
        stat, *_ = chi2_contingency(_table(r), correction=False, lambda_="log-likelihood")
        assert r.g2 == pytest.approx(stat, rel=1e-10)


def test_pmi_and_t_by_hand(bigram_dtm):
    ranked = rank_collocations(bigram_dtm, statistic="pmi", min_count=1).set_index("bigram")
    r = ranked.loc["human rights"]
    n = bigram_dtm.counts[:, [i for i, t in enumerate(bigram_dtm.vocab) if " " not in t]].sum()
    assert r.n == n
    assert (r.n_12, r.n_1, r.n_2) == (4, 5, 6)
    e11 = 5 * 6 / n
    assert r.expected == pytest.approx(e11)
    assert r.pmi == pytest.approx(math.log2(4 / e11))
    assert r.t == pytest.approx((4 - e11) / math.sqrt(4))
    assert bool(r.positive)


def test_rank_sorted_and_min_count(bigram_dtm):
    ranked = rank_collocations(bigram_dtm, statistic="t", min_count=3)
    assert set(ranked["bigram"]) == {"human rights", "of the"}
    assert ranked["t"].is_monotonic_decreasing


@pytest.mark.parametrize(("kwargs", "word"), [({"statistic": "chi2"}, "statistic"), ({"min_count": 0}, "min_count")])
def test_rank_bad_arguments(bigram_dtm, kwargs, word):
    with pytest.raises(ValueError, match=word):
        rank_collocations(bigram_dtm, **kwargs)


# --- phrases ----------------------------------------------------------------


def test_phrase_merge_subtracts_and_keeps_totals_honest(bigram_dtm):
    cfg = PreprocessConfig(stopwords=None, drop_numbers=False, min_token_length=1, phrases=["human rights"])
    out = preprocess(bigram_dtm, cfg)
    dense = pd.DataFrame(out.counts.toarray(), columns=out.vocab)
    assert dense["human rights"].tolist() == [3, 0, 0, 1]
    assert dense["human"].tolist() == [0, 1, 0, 0]
    assert dense["rights"].tolist() == [0, 2, 0, 0]
    # each phrase occurrence counted once: unigram tokens minus one per phrase occurrence
    raw_uni = sum(bigram_dtm.counts[:, j].sum() for j, t in enumerate(bigram_dtm.vocab) if " " not in t)
    assert out.counts.sum() == raw_uni - 4
    assert "of the" not in out.vocab  # other bigrams dropped by default


def test_overlapping_phrases_clip_at_zero(bigram_dtm):
    cfg = PreprocessConfig(stopwords=None, phrases=["human rights", "rights council"])
    out = preprocess(bigram_dtm, cfg)
    dense = pd.DataFrame(out.counts.toarray(), columns=out.vocab)
    # row 1: rights 2 - human rights 0 - rights council 2 = 0; row 0: rights 3 - 3 = 0
    assert "rights" not in dense.columns or (dense["rights"] >= 0).all()
    assert out.counts.data.min() > 0


def test_phrases_top_n_skip_stopword_bigrams(bigram_dtm):
    out = preprocess(bigram_dtm, PreprocessConfig(phrases=2, phrase_min_count=1))
    used = out.preprocessing["phrases_used"]
    assert len(used) == 2
    assert "of the" not in used
    assert "the law" not in used
    ranked = rank_collocations(bigram_dtm, min_count=1)
    ok = ranked[ranked["bigram"].isin(["human rights", "rights council", "cyber security"])]
    assert used == ok["bigram"].head(2).tolist()


def test_missing_phrase_is_an_error(bigram_dtm):
    with pytest.raises(ValueError, match="digital divide"):
        preprocess(bigram_dtm, PreprocessConfig(phrases=["digital divide"]))


def test_keep_bigrams_filters_stopword_bigrams(bigram_dtm):
    out = preprocess(bigram_dtm, PreprocessConfig(keep_bigrams=True))
    bigrams = [t for t in out.vocab if " " in t]
    assert set(bigrams) == {"human rights", "rights council", "cyber security"}
    assert out.counts[:, list(out.vocab).index("human")].sum() == 5  # not subtracted


# --- term filters, stemming, df ------------------------------------------


def test_stopwords_numbers_length(bigram_dtm):
    out = preprocess(bigram_dtm, PreprocessConfig())
    assert "the" not in out.vocab
    assert "of" not in out.vocab
    assert "2020" not in out.vocab
    assert all(" " not in t for t in out.vocab)
    out2 = preprocess(bigram_dtm, PreprocessConfig(stopwords=None, drop_numbers=False, min_token_length=1))
    assert {"the", "of", "2020"} <= set(out2.vocab)
    out3 = preprocess(bigram_dtm, PreprocessConfig(stopwords=["Cyber", "law"], min_token_length=3))
    assert "cyber" not in out3.vocab
    assert "law" not in out3.vocab
    assert "the" in out3.vocab
    assert "of" not in out3.vocab


def test_stemming_sums_columns():
    m = from_counts([{"right": 1, "rights": 2, "governing": 1}, {"governance": 3, "rights": 1}], _rows(2))
    out = preprocess(m, PreprocessConfig(stem="snowball"))
    dense = pd.DataFrame(out.counts.toarray(), columns=out.vocab)
    assert dense["right"].tolist() == [3, 1]
    assert out.counts.sum() == m.counts.sum()
    assert out.preprocessing["snowballstemmer"]


def test_min_max_df_counts_and_proportions():
    segs = [{"a": 1, "b": 1, "c": 1}, {"a": 1, "b": 1}, {"a": 1}, {"a": 2, "d": 1}]
    m = from_counts(segs, _rows(4))
    base = {"stopwords": None, "min_token_length": 1}
    assert preprocess(m, PreprocessConfig(**base, min_df=2)).vocab.tolist() == ["a", "b"]
    assert preprocess(m, PreprocessConfig(**base, min_df=0.5)).vocab.tolist() == ["a", "b"]
    assert preprocess(m, PreprocessConfig(**base, max_df=0.75)).vocab.tolist() == ["b", "c", "d"]
    assert preprocess(m, PreprocessConfig(**base, max_df=1)).vocab.tolist() == ["c", "d"]  # int = rows
    assert preprocess(m, PreprocessConfig(**base, max_df=1.0)).vocab.tolist() == ["a", "b", "c", "d"]


def test_rows_aligned_and_record(bigram_dtm):
    cfg = PreprocessConfig(stopwords="english+domain", phrases=["human rights"], min_df=1)
    out = preprocess(bigram_dtm, cfg)
    pd.testing.assert_frame_equal(out.rows, bigram_dtm.rows)
    rec = out.preprocessing
    assert PreprocessConfig.from_dict(rec["config"]) == cfg
    assert rec["phrases_used"] == ["human rights"]
    assert rec["n_stopwords"] == len(load_stopwords("english+domain"))
    assert len(rec["stopwords_sha256"]) == 64
    assert rec["tokens_out"] == out.counts.sum()
    assert rec["n_terms_out"] == out.shape[1]


def test_preprocessed_twice_is_an_error(bigram_dtm):
    out = preprocess(bigram_dtm)
    with pytest.raises(ValueError, match="already preprocessed"):
        preprocess(out)


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"stopwords": "french"}, "stopwords"),
        ({"stem": "porter"}, "stem"),
        ({"min_df": -1}, "min_df"),
        ({"min_df": 1.5}, "min_df"),
        ({"max_df": 0}, "max_df"),
        ({"min_token_length": 0}, "min_token_length"),
        ({"phrases": 0}, "phrases"),
        ({"phrases": ["human-rights"]}, "phrases"),
        ({"phrase_statistic": "chi2"}, "phrase_statistic"),
        ({"phrase_min_count": 0}, "phrase_min_count"),
    ],
)
def test_config_errors_name_argument(kwargs, word):
    with pytest.raises(ValueError, match=word) as err:
        PreprocessConfig(**kwargs)
    assert repr(next(iter(kwargs.values())))[:10] in str(err.value)


def test_config_type_errors():
    with pytest.raises(TypeError, match="min_df"):
        PreprocessConfig(min_df=True)
    with pytest.raises(TypeError, match="phrases"):
        PreprocessConfig(phrases="human rights")


# --- stopword files -----------------------------------------------------------


def test_stopword_lists():
    en = load_stopwords("english")
    both = load_stopwords("english+domain")
    assert 170 <= len(en) <= 230
    assert en < both
    assert {"the", "and", "of", "which", "s"} <= en
    assert {"shall", "annex", "paragraph", "also"} <= both
    assert not {"security", "sovereignty", "cooperation", "rights", "internet"} & both
    assert all(w == w.lower() and " " not in w for w in both)
    with pytest.raises(ValueError, match="stopwords"):
        load_stopwords("german")


@pytest.mark.parametrize("name", ["stopwords_en.txt", "stopwords_domain.txt"])
def test_stopword_files_have_header_and_no_duplicates(name):
    text = resources.files("initiative_lib").joinpath("data", name).read_text(encoding="utf-8")
    assert text.startswith("#")
    words = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    assert len(words) == len(set(words))


# --- new texts ----------------------------------------------------------------


def test_apply_preprocessing_and_align(bigram_dtm):
    out = preprocess(bigram_dtm, PreprocessConfig(stem="snowball", phrases=["human rights"]))
    new = from_counts([{"human": 2, "rights": 2, "human rights": 2, "the": 5, "unseen": 1}], _rows(1))
    applied = apply_preprocessing(new, out.preprocessing)
    aligned = align_vocab(applied, out.vocab)
    assert aligned.vocab.equals(out.vocab)
    dense = pd.Series(aligned.counts.toarray()[0], index=aligned.vocab)
    assert dense["human right"] == 2
    assert dense.sum() == 2


# -- the vectorised term filters, phrase merging and stemming against the plain loops they replace --------------


def _keep_reference(vocab, config, phrases):
    """The per-term loop that ``_keep_terms`` replaced."""
    from initiative_lib.methods.preprocess import _term_ok

    stop = config.stopword_set()
    keep = np.zeros(len(vocab), dtype=bool)
    for j, term in enumerate(vocab):
        if " " not in term:
            keep[j] = _term_ok(term, config, stop)
        elif term in set(phrases):
            keep[j] = True
        elif config.keep_bigrams:
            keep[j] = all(_term_ok(tok, config, stop) for tok in term.split(" "))
    return keep


def _merge_reference(counts, vocab, phrases):
    """The per-token loop that ``_merge_phrases`` replaced."""
    import scipy.sparse as sp

    col = pd.Index(vocab)
    rows_, cols_ = [], []
    for p, j in zip(phrases, col.get_indexer(phrases), strict=True):
        if j < 0:
            continue
        for tok in p.split(" "):
            u = col.get_indexer([tok])[0]
            if u >= 0:
                rows_.append(j)
                cols_.append(u)
    if not rows_:
        return counts
    n = len(vocab)
    out = (counts - counts @ sp.csr_matrix((np.ones(len(rows_), dtype=np.int64), (rows_, cols_)), shape=(n, n))).tocsr()
    out.data[out.data < 0] = 0
    out.eliminate_zeros()
    out.sort_indices()
    return out


_WORDS = ["the", "of", "human", "rights", "cyber", "2020", "x", "u.n", "1st", "states", "running", "ran", "a", ""]


@given(
    terms=st.lists(
        st.one_of(
            st.sampled_from(_WORDS[:-1]),
            st.tuples(st.sampled_from(_WORDS), st.sampled_from(_WORDS)).map(" ".join),
            st.lists(st.sampled_from(_WORDS), min_size=3, max_size=4).map(" ".join),
        ),
        min_size=0,
        max_size=30,
        unique=True,
    ),
    keep_bigrams=st.booleans(),
    drop_numbers=st.booleans(),
    min_len=st.integers(1, 3),
    stopwords=st.sampled_from([None, "english", "english+domain"]),
    n_phrases=st.integers(0, 4),
    data=st.data(),
)
@settings(max_examples=150, deadline=None)
def test_vectorised_term_filters_match_the_per_term_loop(
    terms, keep_bigrams, drop_numbers, min_len, stopwords, n_phrases, data
):
    import scipy.sparse as sp

    from initiative_lib.methods.preprocess import _bigram_mask, _keep_terms, _merge_phrases

    vocab = pd.Index(terms, dtype=object)
    bigrams = [t for t in terms if " " in t]
    phrases = data.draw(st.lists(st.sampled_from([*bigrams, "not there"]), max_size=n_phrases, unique=True))
    config = PreprocessConfig(
        stopwords=stopwords, keep_bigrams=keep_bigrams, drop_numbers=drop_numbers, min_token_length=min_len
    )
    got = _keep_terms(vocab, _bigram_mask(vocab), config, phrases)
    assert got.dtype == bool
    assert np.array_equal(got, _keep_reference(vocab, config, phrases))
    rng = np.random.default_rng(len(terms))
    counts = sp.csr_matrix(rng.integers(0, 3, size=(4, len(terms))), dtype=np.int64)
    a, b = _merge_phrases(counts, vocab, phrases), _merge_reference(counts, vocab, phrases)
    assert a.dtype == b.dtype
    assert np.array_equal(a.toarray(), b.toarray())


def test_stems_are_those_of_each_word_and_shared_between_calls():
    import snowballstemmer

    from initiative_lib.methods.preprocess import _STEMS, _stem_terms

    stemmer = snowballstemmer.stemmer("english")
    terms = pd.Index(["running", "states rights", "running running", "ran", "cyber securities", "a"], dtype=object)
    expected = [" ".join(stemmer.stemWords(t.split(" "))) for t in terms]
    assert _stem_terms(terms) == expected
    assert _STEMS["running"] == "run"
    assert _stem_terms(terms[::-1]) == expected[::-1]  # from the shared stems
    assert _stem_terms(pd.Index([], dtype=object)) == []


def test_bigram_mask_is_kept_per_vocabulary_object_and_read_only():
    from initiative_lib.methods.preprocess import _bigram_mask

    vocab = pd.Index(["human rights", "rights", "of the", "x"], dtype=object)
    first = _bigram_mask(vocab)
    assert first.tolist() == [True, False, True, False]
    assert _bigram_mask(vocab) is first
    with pytest.raises(ValueError, match="read-only"):
        first[0] = False
    other = pd.Index(["a", "b c"], dtype=object)
    assert _bigram_mask(other).tolist() == [False, True]
    for _ in range(10):  # more vocabularies than are kept: still right
        assert _bigram_mask(pd.Index(["a b", "c"], dtype=object)).tolist() == [True, False]
    assert _bigram_mask(vocab).tolist() == [True, False, True, False]
