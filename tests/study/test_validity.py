"""The study's validity helpers: target rate intervals, the framing statistic for baselines, influence."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from initiative_lib.corpus.debates import by_country, debate_matrix
from initiative_lib.corpus.matrix import document_term_matrix, from_counts
from initiative_lib.methods.dictionaries import dictionary_rates
from initiative_lib.study.validity import FramingStatistic, target_rate_intervals, validation_influence


@pytest.fixture(scope="module")
def documents():
    return document_term_matrix(level="document", ngrams="both")


def test_target_rate_intervals_zero_counts_get_exact_nonzero_upper_bounds(documents):
    out = target_rate_intervals(documents)
    assert set(out["group"]) == {"declaration", "national", "strategy", "netmundial"}
    zero = out[out["count"] == 0]
    assert len(zero) > 0
    assert (zero["rate_low"] == 0).all()
    # Garwood upper bound for 0 at 95%: 3.689 / 482 tokens * 1000
    np.testing.assert_allclose(zero["rate_high"], 3.6889 / 482 * 1000, rtol=1e-3)
    coop = out[(out["category"] == "cooperation") & (out["group"] == "strategy")].iloc[0]
    assert coop["count"] == 13  # slogans and circular entries no longer count
    assert coop["ratio_low"] > 1
    with pytest.raises(ValueError, match="not a doc_id"):
        target_rate_intervals(documents, target="nope")


def test_framing_statistic_equals_dictionary_rates_and_pickles():
    vocab = pd.Index(["human", "human rights", "rights", "sovereignty", "information security", "information"])
    counts = np.array([2, 1, 1, 3, 1, 1])
    stat = FramingStatistic(vocab)
    out = stat(counts)
    m = from_counts(
        [dict(zip(vocab, counts.tolist(), strict=True))], pd.DataFrame({"doc_id": ["d"], "n_tokens": [2 + 1 + 3 + 1]})
    )
    expected = dictionary_rates(m).set_index("category")["rate"]
    for cat, value in expected.items():
        assert out[cat] == pytest.approx(value)
    # sovereign: 3 sovereignty + 1 information security; open: 1 human rights
    assert out["position"] == pytest.approx(np.log(4.5 / 1.5))
    again = pickle.loads(pickle.dumps(stat))
    assert again(counts) == out


def test_validation_influence_lists_every_axis_entry(documents):
    debate = by_country(debate_matrix(ngrams="both")).to_documents()
    out = validation_influence(documents, debate)
    assert out.iloc[0]["entry"] == "(none)"
    assert set(out["category"].iloc[1:]) == {"sovereignty", "state_control", "multistakeholder", "human_rights"}
    full = out.iloc[0]
    assert full["russian_doctrine"] > 0 > full["paris_call"]
    assert full["auc"] > 0.5
    np.testing.assert_allclose(out["change_auc"], out["auc"] - full["auc"])
