"""Tests of initiative_lib.methods.passages (kwic and passage alignment) on invented texts."""

import numpy as np
import pandas as pd
import pytest

from initiative_lib.corpus.matrix import from_counts
from initiative_lib.methods.passages import align_passages, kwic, query_counts
from initiative_lib.text.tokens import count_segment

TEXTS = {
    "d1": "Countries should respect cyber sovereignty. Cyber-security is shared; Cyber Sovereignty matters.",
    "d2": "Nothing relevant here.",
}


def test_kwic_single_word_positions_and_context():
    out = kwic(TEXTS, "sovereignty", window=2)
    assert list(out.columns) == ["doc_id", "position", "left", "keyword", "right"]
    assert out["doc_id"].tolist() == ["d1", "d1"]
    assert out["position"].tolist() == [4, 9]
    assert out.iloc[0]["left"] == "respect cyber"
    assert out.iloc[0]["right"] == "cyber-security is"
    assert out.iloc[1]["right"] == "matters"  # end of text: shorter context


def test_kwic_multiword_is_case_insensitive_and_ignores_punctuation():
    out = kwic(TEXTS, "Cyber  Sovereignty!", window=1)
    assert out["position"].tolist() == [3, 8]
    assert out["keyword"].tolist() == ["cyber sovereignty", "cyber sovereignty"]
    assert out.iloc[1]["left"] == "shared"


def test_kwic_window_zero_and_no_match():
    out = kwic(TEXTS, "cyber", window=0)
    assert (out["left"] == "").all()
    assert (out["right"] == "").all()
    assert kwic(TEXTS, "internet").empty
    assert list(kwic(TEXTS, "internet").columns) == ["doc_id", "position", "left", "keyword", "right"]


def test_kwic_regex_per_token():
    out = kwic(TEXTS, r"cyber\S* \w+", regex=True, window=0)
    assert out["keyword"].tolist() == ["cyber sovereignty", "cyber-security is", "cyber sovereignty"]
    assert kwic(TEXTS, "sovereign", regex=True).empty  # regexes match whole tokens
    assert len(kwic(TEXTS, "sovereign.*", regex=True)) == 2


def test_kwic_accepts_series():
    out = kwic(pd.Series(TEXTS), "relevant")
    assert out["doc_id"].tolist() == ["d2"]
    assert out["position"].tolist() == [1]


def test_kwic_errors():
    with pytest.raises(ValueError, match="window must be an int >= 0; got -1"):
        kwic(TEXTS, "cyber", window=-1)
    with pytest.raises(ValueError, match=r"pattern '\.\.\.' has no tokens"):
        kwic(TEXTS, "...")
    with pytest.raises(ValueError, match=r"pattern 'cyber\(' is not a valid regular expression"):
        kwic(TEXTS, "cyber(", regex=True)
    with pytest.raises(TypeError, match=r"texts\['x'\] must be a string; got int"):
        kwic({"x": 3}, "cyber")
    with pytest.raises(TypeError, match="mapping or Series"):
        kwic(["a text"], "text")


# --- alignment -----------------------------------------------------------------------------

SEGMENTS = [
    ("s1", 1, "strategy", "Critical infrastructure must be protected against cyber attacks and threats."),
    ("s1", 2, "strategy", "Training and education build national cyber skills."),
    ("s2", 1, "strategy", "Cyber threats and attacks on infrastructure are rising."),
    ("d1", 1, "declaration", "Human rights apply online as offline, including privacy."),
    ("d1", 2, "declaration", "States cooperate to protect critical infrastructure from attacks."),
    ("d2", 1, "declaration", "Privacy and freedom of expression are human rights."),
]


@pytest.fixture
def seg_dtm():
    counts, n_tokens = [], []
    for *_, text in SEGMENTS:
        c = count_segment(text)
        counts.append({**c.unigrams, **c.bigrams})
        n_tokens.append(c.n_tokens)
    rows = pd.DataFrame(
        {
            "doc_id": [s[0] for s in SEGMENTS],
            "seg_no": [s[1] for s in SEGMENTS],
            "n_tokens": n_tokens,
            "group": [s[2] for s in SEGMENTS],
        }
    )
    return from_counts(counts, rows)


QUERIES = [
    "We oppose cyber attacks on critical infrastructure.",
    "Human rights and privacy must be protected.",
]


def test_align_finds_the_obvious_segments(seg_dtm):
    out = align_passages(QUERIES, seg_dtm, top_n=2, min_tokens=0)
    assert list(out.columns) == ["paragraph", "group", "rank", "doc_id", "seg_no", "score", "n_tokens", "shared_terms"]
    top = out[out["rank"] == 1].set_index(["paragraph", "group"])
    strategy = out[(out["paragraph"] == 1) & (out["group"] == "strategy")]
    assert set(zip(strategy["doc_id"], strategy["seg_no"], strict=True)) == {("s1", 1), ("s2", 1)}
    assert tuple(top.loc[(1, "declaration"), ["doc_id", "seg_no"]]) == ("d1", 2)
    assert top.loc[(2, "declaration"), "doc_id"] in {"d1", "d2"}
    assert "critical infrastructure" in top.loc[(1, "declaration"), "shared_terms"]
    assert out.groupby(["paragraph", "group"])["rank"].max().le(2).all()
    assert ((out["score"] > 0) & (out["score"] <= 1)).all()
    for _, g in out.groupby(["paragraph", "group"]):
        assert g["score"].is_monotonic_decreasing


def test_align_count_weighting_is_plain_cosine(seg_dtm):
    out = align_passages(QUERIES[:1], seg_dtm, top_n=10, weighting="count", min_tokens=0)
    q = query_counts(QUERIES[:1], seg_dtm.vocab).toarray()[0].astype(float)
    x = seg_dtm.counts.toarray().astype(float)
    cos = x @ q / (np.linalg.norm(x, axis=1) * np.linalg.norm(q))
    for row in out.itertuples():
        i = np.flatnonzero((seg_dtm.rows["doc_id"] == row.doc_id) & (seg_dtm.rows["seg_no"] == row.seg_no))[0]
        assert row.score == pytest.approx(cos[i])


def test_align_identical_paragraph_scores_one(seg_dtm):
    out = align_passages([SEGMENTS[3][3]], seg_dtm, top_n=1, min_tokens=0)
    top = out[out["group"] == "declaration"].iloc[0]
    assert (top["doc_id"], top["seg_no"]) == ("d1", 1)
    assert top["score"] == pytest.approx(1.0)


def test_align_series_keys_and_zero_scores(seg_dtm):
    queries = pd.Series({"p7": "Nothing in common whatsoever.", "p8": "Privacy."})
    out = align_passages(queries, seg_dtm, min_tokens=0)
    assert set(out["paragraph"]) == {"p8"}  # no segment shares a word with p7 ("in" is absent)
    assert set(out["group"]) == {"declaration"}


def test_query_counts_drop_unknown_terms(seg_dtm):
    q = query_counts(["Zebra privacy privacy."], seg_dtm.vocab)
    assert q.sum() == 2


def test_align_errors(seg_dtm):
    with pytest.raises(ValueError, match="weighting must be 'tfidf' or 'count'; got 'bm25'"):
        align_passages(QUERIES, seg_dtm, weighting="bm25")
    with pytest.raises(ValueError, match="top_n must be an int >= 1; got 0"):
        align_passages(QUERIES, seg_dtm, top_n=0)
    with pytest.raises(ValueError, match="by='sector' is not a column"):
        align_passages(QUERIES, seg_dtm, by="sector")
    with pytest.raises(ValueError, match="segment-level matrix"):
        align_passages(QUERIES, seg_dtm.to_documents())
    with pytest.raises(TypeError, match="not one string"):
        align_passages("one paragraph", seg_dtm)
    with pytest.raises(ValueError, match="min_tokens must be an int >= 0"):
        align_passages(QUERIES, seg_dtm, min_tokens=-1)


def _length_dtm(lengths, counts):
    rows = pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(len(lengths))],
            "seg_no": 1,
            "n_tokens": lengths,
            "group": "strategy",
        }
    )
    return from_counts(counts, rows)


def test_a_tiny_segment_no_longer_wins():
    # a 33-token "title page" holding the paragraph's two words and little else, against a 120-token
    # passage that shares the same two words among many others
    title = {"cyberspace": 1, "community": 1, "strategy": 1}
    passage = {"cyberspace": 3, "community": 2, "security": 9, "cooperation": 8, "network": 7, "law": 6}
    m = _length_dtm([33, 120], [title, passage])
    query = ["Community in cyberspace."]
    before = align_passages(query, m, top_n=1, weighting="count", min_tokens=0)
    assert before["doc_id"].tolist() == ["d0"]  # cosine 2/sqrt(2*3) = 0.816 for the title page
    assert before["score"].item() == pytest.approx(2 / np.sqrt(6))
    after = align_passages(query, m, top_n=1, weighting="count")  # default min_tokens=50
    assert after["doc_id"].tolist() == ["d1"]
    assert after["score"].item() == pytest.approx(5 / (np.sqrt(2) * np.sqrt(9 + 4 + 81 + 64 + 49 + 36)))
    assert after["n_tokens"].item() == 120


def test_min_tokens_is_inclusive_and_can_empty_a_group():
    m = _length_dtm([49, 50], [{"privacy": 1}, {"privacy": 1, "law": 1}])
    out = align_passages(["Privacy."], m, top_n=5, weighting="count")
    assert out["doc_id"].tolist() == ["d1"]  # 50 tokens is long enough, 49 is not
    assert align_passages(["Privacy."], m, weighting="count", min_tokens=51).empty
