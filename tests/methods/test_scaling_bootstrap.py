"""Wordfish bootstrap standard errors: the segment (block) bootstrap against the parametric one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from initiative_lib.corpus.matrix import from_counts
from initiative_lib.methods.scaling import wordfish


def clustered(seed=0, n_docs=10, n_segs=12, n_words=80, seg_len=60, dispersion=5.0):
    """Segments whose word rates scatter around the document's Wordfish rates (overdispersed counts)."""
    rng = np.random.default_rng(seed)
    theta = np.linspace(-1.5, 1.5, n_docs)
    beta = rng.normal(0, 0.8, n_words)
    psi = rng.normal(0, 1.0, n_words)
    rows, counts = [], []
    vocab = [f"w{j:03d}" for j in range(n_words)]
    for i in range(n_docs):
        p = np.exp(psi + beta * theta[i])
        p /= p.sum()
        for s in range(n_segs):
            q = rng.dirichlet(p * dispersion * n_words / 10)
            c = rng.multinomial(seg_len, q)
            rows.append({"doc_id": f"d{i:02d}", "seg_no": s + 1, "n_tokens": seg_len})
            counts.append({vocab[j]: int(v) for j, v in enumerate(c) if v})
    return from_counts(counts, pd.DataFrame(rows), vocab=vocab), theta


def test_segment_bootstrap_is_seeded_and_wider_than_parametric_under_clustering():
    m, theta = clustered()
    seg = wordfish(m, direction=("d00", "d09"), n_boot=30, bootstrap="segments", random_state=0)
    again = wordfish(m, direction=("d00", "d09"), n_boot=30, bootstrap="segments", random_state=0)
    pd.testing.assert_frame_equal(seg.documents, again.documents)
    par = wordfish(m, direction=("d00", "d09"), n_boot=30, random_state=0)
    assert seg.ci_method == "segment bootstrap"
    assert par.ci_method == "parametric bootstrap"
    assert np.corrcoef(seg.documents["theta"], theta)[0, 1] > 0.9
    # words cluster in segments: the Poisson simulation understates the uncertainty the segments show
    assert seg.documents["se"].median() > 1.5 * par.documents["se"].median()
    assert (seg.documents["ci_low"] <= seg.documents["ci_high"]).all()


def test_segment_bootstrap_of_identical_segments_has_no_spread():
    m, _ = clustered(seed=1, n_docs=5, n_segs=1)
    twice = from_counts(
        [dict(zip(m.vocab, r, strict=True)) for r in np.vstack([m.counts.toarray()] * 3).tolist()],
        pd.DataFrame({"doc_id": list(m.rows["doc_id"]) * 3, "seg_no": [1] * 5 + [2] * 5 + [3] * 5, "n_tokens": 60}),
        vocab=list(m.vocab),
    )
    fit = wordfish(twice, n_boot=5, bootstrap="segments", random_state=0)
    assert np.allclose(fit.documents["se"], 0.0, atol=1e-6)


def test_segment_bootstrap_needs_segments_and_a_known_option():
    m, _ = clustered(seed=2, n_docs=4, n_segs=2)
    with pytest.raises(ValueError, match="bootstrap='segments' needs a segment-level matrix"):
        wordfish(m.to_documents(), n_boot=2, bootstrap="segments", random_state=0)
    with pytest.raises(ValueError, match="bootstrap must be one of"):
        wordfish(m, n_boot=2, bootstrap="blocks", random_state=0)
