"""Length-matched baselines: exact windows, determinism, simulations with known answers, bad input."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest

from initiative_lib.corpus.matrix import from_counts
from initiative_lib.methods.baselines import length_matched_baseline


def share_of(counts: np.ndarray, column: int) -> float:
    return float(counts[column] / counts.sum())


def two_stats(counts: np.ndarray) -> dict[str, float]:
    return {"first": float(counts[0] / counts.sum()), "length": float(counts.sum())}


def _matrix(seg_tokens: dict[str, list[int]], groups: dict[str, str]) -> object:
    rows, counts = [], []
    for doc, lens in seg_tokens.items():
        for i, n in enumerate(lens, start=1):
            rows.append({"doc_id": doc, "seg_no": i, "group": groups[doc], "n_tokens": n})
            counts.append({"a": n // 2, "b": n - n // 2})
    return from_counts(counts, pd.DataFrame(rows))


def test_segment_windows_are_the_runs_that_reach_the_target_length():
    m = _matrix({"t": [10], "d": [5, 5, 5], "e": [3, 3]}, {"t": "T", "d": "G", "e": "G"})
    res = length_matched_baseline(m, "t", two_stats, window="segments", n_windows=50, random_state=1)
    w = res.windows[res.windows["statistic"] == "length"]
    assert res.target_tokens == 10
    # document e (6 tokens) is too short; d gives runs starting at its first or second segment, two segments each
    assert set(w["doc_id"]) == {"d"}
    assert set(w["first_row"]) == {1, 2}
    assert (w["n_rows"] == 2).all()
    assert (w["value"] == 10).all()
    s = res.summary.set_index("statistic")
    assert s.loc["length", "n_documents"] == 1
    assert s.loc["length", "n_too_short"] == 1
    assert s.loc["length", "percentile"] == 0.5  # all ties


def test_token_windows_have_exactly_the_target_length_and_segment_runs_at_least_it():
    rng = np.random.default_rng(0)
    lens = {f"d{i}": rng.integers(3, 30, size=12).tolist() for i in range(5)}
    lens["t"] = [17, 20]
    m = _matrix(lens, {d: ("T" if d == "t" else "G") for d in lens})
    tok = length_matched_baseline(m, "t", two_stats, n_windows=300, random_state=2)
    seg = length_matched_baseline(m, "t", two_stats, window="segments", n_windows=300, random_state=2)
    assert (tok.windows["n_tokens"] == 37).all()
    assert (seg.windows["n_tokens"] >= 37).all()
    assert seg.windows["n_tokens"].max() > 37


def test_same_seed_same_result_and_independent_of_n_jobs():
    rng = np.random.default_rng(3)
    lens = {f"d{i}": rng.integers(5, 40, size=20).tolist() for i in range(6)}
    lens["t"] = [30, 25]
    groups = {d: ("T" if d == "t" else ("A" if d < "d3" else "B")) for d in lens}
    m = _matrix(lens, groups)
    stat = functools.partial(share_of, column=0)
    one = length_matched_baseline(m, "t", stat, n_windows=120, random_state=5)
    again = length_matched_baseline(m, "t", stat, n_windows=120, random_state=5)
    two = length_matched_baseline(m, "t", stat, n_windows=120, random_state=5, n_jobs=2)
    pd.testing.assert_frame_equal(one.windows, again.windows)
    pd.testing.assert_frame_equal(one.windows, two.windows)
    pd.testing.assert_frame_equal(one.summary, two.summary)
    other = length_matched_baseline(m, "t", stat, n_windows=120, random_state=6)
    assert not one.windows["value"].equals(other.windows["value"])


def _multinomial_corpus(rng, p_by_group, n_docs=8, n_segs=15, seg_len=40, target_p=None, target_len=120):
    rows, counts = [], []
    vocab = [f"w{j}" for j in range(len(next(iter(p_by_group.values()))))]
    for g, p in p_by_group.items():
        for d in range(n_docs):
            for s in range(n_segs):
                c = rng.multinomial(seg_len, p)
                rows.append({"doc_id": f"{g}{d}", "seg_no": s + 1, "group": g, "n_tokens": seg_len})
                counts.append(dict(zip(vocab, c.tolist(), strict=True)))
    c = rng.multinomial(target_len, target_p)
    rows.append({"doc_id": "target", "seg_no": 1, "group": "target", "n_tokens": target_len})
    counts.append(dict(zip(vocab, c.tolist(), strict=True)))
    return from_counts(counts, pd.DataFrame(rows))


def test_target_from_a_group_falls_inside_it_and_outside_a_different_group():
    p_a = np.array([0.3, 0.3, 0.2, 0.1, 0.1])
    p_b = np.array([0.05, 0.15, 0.2, 0.3, 0.3])
    inside = []
    for seed in range(20):
        rng = np.random.default_rng(seed)
        m = _multinomial_corpus(rng, {"A": p_a, "B": p_b}, target_p=p_a)
        res = length_matched_baseline(
            m, "target", functools.partial(share_of, column=0), n_windows=200, random_state=seed
        )
        s = res.summary.set_index("comparator")
        inside.append(s.loc["A", "percentile"])
        assert s.loc["B", "percentile"] > 0.97
    # the target's percentile among windows of its own group is roughly uniform
    inside = np.array(inside)
    assert 0.2 < inside.mean() < 0.8
    assert (inside > 0.01).all()


def test_length_matching_removes_the_length_advantage_of_cosine_similarity():
    # a long document is more similar to the group centroid than a short one from the same distribution;
    # windows of the short text's length are not
    rng = np.random.default_rng(11)
    p = rng.dirichlet(np.full(200, 0.1))
    m = _multinomial_corpus(rng, {"A": p}, n_docs=10, n_segs=30, seg_len=50, target_p=p, target_len=100)
    centroid = np.asarray(m.counts.sum(axis=0)).ravel().astype(float)

    def cosine(c: np.ndarray) -> float:
        return float(c @ centroid / np.linalg.norm(c) / np.linalg.norm(centroid))

    res = length_matched_baseline(m, "target", cosine, n_windows=300, random_state=0)
    whole_docs = [
        cosine(np.asarray(m.counts[(m.rows["doc_id"] == f"A{d}").to_numpy()].sum(axis=0)).ravel()) for d in range(10)
    ]
    target = res.summary["target_value"].iloc[0]
    assert target < min(whole_docs)  # against whole documents the short text looks least similar
    assert 0.02 < res.summary["percentile"].iloc[0] < 0.98  # against its own length it is ordinary


def test_mapping_statistics_and_document_level_and_exclude():
    m = _matrix({"t": [10], "d": [5, 5, 5], "e": [12]}, {"t": "T", "d": "G", "e": "H"})
    res = length_matched_baseline(m.to_documents(), "t", two_stats, by="doc_id", n_windows=20, random_state=0)
    assert sorted(res.summary["statistic"].unique()) == ["first", "length"]
    assert sorted(res.summary["comparator"].unique()) == ["d", "e"]
    excl = (m.rows["doc_id"] == "e").to_numpy()
    res = length_matched_baseline(m, (m.rows["doc_id"] == "t").to_numpy(), two_stats, exclude=excl, random_state=0)
    assert res.summary["comparator"].tolist() == ["G", "G"]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"target": "nope"}, ValueError, "target 'nope' is not a doc_id of dtm"),
        ({"by": "region"}, ValueError, "by must be a column of dtm.rows; got 'region'"),
        ({"window": "words"}, ValueError, "window must be one of"),
        ({"n_windows": 0}, ValueError, "n_windows must be an int >= 1; got 0"),
        ({"statistic": "cosine"}, TypeError, "statistic must be a callable"),
        ({"statistic": lambda c: "x"}, TypeError, "statistic must return a number or a mapping"),
        ({"target": [True]}, ValueError, "target must have one entry per row"),
    ],
)
def test_bad_input_is_refused(kwargs, error, message):
    m = _matrix({"t": [10], "d": [5, 5, 5]}, {"t": "T", "d": "G"})
    args = {"target": "t", "statistic": two_stats, **kwargs}
    with pytest.raises(error, match=message.replace("(", r"\(").replace(".", r"\.")):
        length_matched_baseline(m, args.pop("target"), args.pop("statistic"), **args)
