"""Findings tables: exact formatting, loud refusals, and the robustness summary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from initiative_lib.study.findings import (
    FINDINGS_COLUMNS,
    findings_table,
    format_number,
    format_p,
    robustness_findings,
    stack_findings,
)


def test_findings_table_formats_values_and_intervals():
    t = findings_table(
        [
            {"finding": "zero count", "value": 0, "interval": (0.0, 7.6531), "status": "not a finding"},
            {"finding": "ratio", "value": 3.48621, "interval": (1.855, 5.966), "test": "exact", "digits": 2},
            {"finding": "note", "value": "5 of 85", "interval": "n/a"},
        ]
    )
    assert list(t.columns) == FINDINGS_COLUMNS
    assert t["value"].tolist() == ["0", "3.49", "5 of 85"]
    assert t["interval"].tolist() == ["[0.000, 7.653]", "[1.85, 5.97]", "n/a"]
    assert t.index.tolist() == [1, 2, 3]
    assert format_number(None) == ""
    assert format_number(True) == "True"


@pytest.mark.parametrize(
    ("rows", "match"),
    [
        ([{"finding": "a"}], "'finding' and 'value'"),
        ([{"finding": "a", "value": 1, "colour": "red"}], "keys must include"),
        ([{"finding": "a", "value": 1, "status": "solid"}], "status must be one of"),
        ([{"finding": "a", "value": 1}, {"finding": "a", "value": 2}], "repeated"),
        ([{"finding": "a", "value": 1, "interval": (1, 2, 3)}], "interval must be"),
        ([("a", 1)], "expected a mapping"),
    ],
)
def test_findings_table_refuses_bad_rows(rows, match):
    with pytest.raises(ValueError, match=match):
        findings_table(rows)


def _table():
    return pd.DataFrame(
        {
            "specification": ["headline", "seed 2", "K = 10", "date"],
            "nearest_group": ["a", "b", "a", "a"],
            "js_a": [0.30, 0.40, 0.35, 0.31],
            "js_b": [0.50, 0.38, 0.45, 0.52],
            "js_c": [0.6, 0.6, 0.7, 0.65],
            "top_topic": ["1: x", "4: y", "1: x", "1: x"],
            "top_topic_share": [0.3, 0.2, 0.45, 0.3],
            "match_to_headline": [1.0, 0.55, 0.95, float("nan")],
        }
    )


def test_robustness_findings_marks_what_changes_as_fragile():
    t = robustness_findings(_table(), highlight=["date"]).set_index("finding")
    assert t.loc["specifications", "value"] == "4"
    assert t.loc["nearest group", "value"] == "a: 3, b: 1"
    assert t.loc["nearest group", "status"] == "fragile"
    assert t.loc["groups never nearest", "value"] == "c"
    assert t.loc["nearest group, date", "status"] == "robust"
    assert t.loc["distance to b (Jensen-Shannon)", "interval"] == "[0.380, 0.520]"
    assert t.loc["dominant topic's label as in headline", "value"] == "3 of 4"
    assert t.loc["dominant topic's share", "interval"] == "[0.200, 0.450]"
    assert t.loc["dominant topic's match to a headline topic (cosine)", "value"] == "seed 2 0.55, K = 10 0.95"
    assert t.loc["dominant topic's match to a headline topic (cosine)", "status"] == "fragile"


def test_stack_findings_numbers_rows_and_keeps_findings_unique():
    a = findings_table([{"finding": "x", "value": 1}])
    b = findings_table([{"finding": "y", "value": 2}])
    assert stack_findings(a, b).index.tolist() == [1, 2]
    with pytest.raises(ValueError, match="repeated"):
        stack_findings(a, a)
    with pytest.raises(ValueError, match="findings tables"):
        stack_findings(pd.DataFrame({"x": [1]}))


def test_robustness_findings_refuses_other_tables():
    with pytest.raises(ValueError, match="robustness table"):
        robustness_findings(pd.DataFrame({"specification": ["headline"]}))
    with pytest.raises(ValueError, match="reference"):
        robustness_findings(_table(), reference="nope")
    with pytest.raises(ValueError, match="highlight"):
        robustness_findings(_table(), highlight=["nope"])


def test_format_p():
    assert [format_p(p) for p in (0.5, 0.0004, 0)] == ["0.500", "< 0.001", "< 0.001"]
    with pytest.raises(ValueError, match="probability"):
        format_p(1.5)


def test_finding_formats_values_and_intervals():
    from initiative_lib.study.findings import finding

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


def test_finding_rows_pass_through_findings_table_unchanged():
    from initiative_lib.study.findings import finding

    t = findings_table([finding("a", 1234), finding("b", 2.5, interval=(1, 3), status="fragile")])
    assert t["value"].tolist() == ["1,234", "2.50"]
    assert t["interval"].tolist() == ["", "[1.00, 3.00]"]


def test_finding_errors():
    from initiative_lib.study.findings import finding

    with pytest.raises(ValueError, match="status must be one of"):
        finding("a", 1, status="solid")
    with pytest.raises(TypeError, match="non-empty string"):
        finding("", 1)
    with pytest.raises(ValueError, match="pair"):
        finding("a", 1, interval=(1, 2, 3))


def test_mark_stable_uses_both_thresholds():
    from initiative_lib.study.findings import mark_stable

    st = pd.DataFrame(
        {"topic": [0, 1, 2, 3], "median_similarity": [0.7, 0.69, 0.9, 0.9], "recurrence": [0.8, 1, 0.79, 1]}
    )
    assert mark_stable(st)["stable"].tolist() == [True, False, False, True]
    assert mark_stable(st, min_median=0.95)["stable"].tolist() == [False] * 4
    with pytest.raises(ValueError, match="recurrence"):
        mark_stable(st.drop(columns="recurrence"))
