"""Findings tables (initiative_lib.study.findings)."""

from __future__ import annotations

import numpy as np
import pytest

from initiative_lib.study.findings import FINDINGS_COLUMNS, finding, findings_table


def test_finding_formats_values_and_intervals():
    row = finding("rate", np.float64(2.0 / 3.0), interval=(0.0, 7.6543), test="Garwood", status="robust", digits=3)
    assert row == {
        "finding": "rate",
        "value": "0.667",
        "interval": "[0.000, 7.654]",
        "test": "Garwood",
        "status": "robust",
    }
    assert finding("n", np.int64(1234))["value"] == "1,234"
    assert finding("label", "topic 2")["value"] == "topic 2"
    assert finding("none", float("nan"))["value"] == "nan"


def test_findings_table_is_indexed_by_finding():
    t = findings_table([finding("a", 1), finding("b", 2.5, status="fragile")])
    assert list(t.index) == ["a", "b"]
    assert list(t.columns) == FINDINGS_COLUMNS[1:]
    assert t.loc["b", "status"] == "fragile"


def test_findings_errors():
    with pytest.raises(ValueError, match="status must be one of"):
        finding("a", 1, status="solid")
    with pytest.raises(TypeError, match="non-empty string"):
        finding("", 1)
    with pytest.raises(ValueError, match="pair"):
        finding("a", 1, interval=(1, 2, 3))
    with pytest.raises(TypeError, match="non-empty list"):
        findings_table([])
    with pytest.raises(ValueError, match="repeated"):
        findings_table([finding("a", 1), finding("a", 2)])
    with pytest.raises(ValueError, match="keys"):
        findings_table([{"finding": "a"}])


def test_mark_stable_uses_both_thresholds():
    import pandas as pd

    from initiative_lib.study.findings import mark_stable

    st = pd.DataFrame(
        {"topic": [0, 1, 2, 3], "median_similarity": [0.7, 0.69, 0.9, 0.9], "recurrence": [0.8, 1, 0.79, 1]}
    )
    assert mark_stable(st)["stable"].tolist() == [True, False, False, True]
    assert mark_stable(st, min_median=0.95)["stable"].tolist() == [False] * 4
    with pytest.raises(ValueError, match="recurrence"):
        mark_stable(st.drop(columns="recurrence"))
