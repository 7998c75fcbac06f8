"""The robustness table: one row per specification, independent of n_jobs."""

from __future__ import annotations

from dataclasses import replace

import pytest

from initiative_lib.corpus.matrix import DocumentTermMatrix
from initiative_lib.datasets import synthetic_dtm
from initiative_lib.methods.preprocess import PreprocessConfig
from initiative_lib.study.robustness import Specification, robustness_table
from initiative_lib.study.specification import INITIATIVE

CONFIG = PreprocessConfig(stopwords=None, min_df=1, max_df=1.0, min_token_length=1, phrases=None)


def _raw() -> DocumentTermMatrix:
    dtm, _ = synthetic_dtm(n_docs=16, n_terms=60, k=3, random_state=1)
    rows = dtm.rows.copy()
    rows["doc_id"] = rows["doc_id"].replace({"d0000": INITIATIVE})
    rows["group"] = rows["group"].where(rows["doc_id"] == INITIATIVE, rows["group"].replace({"initiative": "user"}))
    rows["language"] = "en"
    return replace(dtm, rows=rows)


SPECS = (
    Specification("reference", config=CONFIG, k=3, method="nmf", random_state=0),
    Specification("other seed", config=CONFIG, k=3, method="nmf", random_state=1),
    Specification("K = 2", config=CONFIG, k=2, method="nmf", random_state=0),
)


def test_table_has_one_row_per_specification():
    table = robustness_table(SPECS, raw=_raw())
    assert table["specification"].tolist() == ["reference", "other seed", "K = 2"]
    js = table.filter(like="js_")
    assert ((js >= 0) & (js <= 1)).all().all()
    assert table.loc[0, "match_to_headline"] == pytest.approx(1.0)
    assert table["nearest_group"].notna().all()
    assert "initiative" not in set(table["nearest_group"])


def test_table_does_not_depend_on_n_jobs():
    one = robustness_table(SPECS, raw=_raw(), n_jobs=1)
    two = robustness_table(SPECS, raw=_raw(), n_jobs=2)
    assert one.equals(two)


def test_bad_arguments():
    with pytest.raises(ValueError, match="n_jobs must be an int >= 1; got 0"):
        robustness_table(SPECS, raw=_raw(), n_jobs=0)
    with pytest.raises(ValueError, match="at least one Specification"):
        robustness_table((), raw=_raw())


def test_plot_robustness_attaches_data():
    import pandas as pd

    from initiative_lib.plots.robustness import plot_robustness
    from initiative_lib.plots.style import plotted_data

    table = pd.DataFrame({"specification": ["a", "b"], "js_strategy": [0.4, 0.5], "js_netmundial": [0.6, 0.55]})
    data = plotted_data(plot_robustness(table))
    assert sorted(data["group"].unique()) == ["netmundial", "strategy"]
    assert len(data) == 4
    with pytest.raises(ValueError, match="needs 'specification'"):
        plot_robustness(table.drop(columns="specification"))
