"""Tests of initiative_lib.study.framing (framing profiles and the two-axis map) and initiative_lib.study.units."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from initiative_lib import load_corpus
from initiative_lib.corpus.matrix import from_counts
from initiative_lib.methods.dictionaries import dictionary_rates, load_lexicon
from initiative_lib.methods.keyness import keyness
from initiative_lib.plots.compare import plot_framing_map, plot_keyness_panels
from initiative_lib.study.framing import (
    AXES_COLUMNS,
    FRAMING_AXES,
    check_axes,
    framing_axes,
    framing_profiles,
    group_means,
)
from initiative_lib.study.units import (
    DECLARATION_LABELS,
    INITIATIVE_LABEL,
    SECTOR_LABELS,
    comparison_units,
    content_columns,
    document_segments,
    keyness_against_groups,
    pool_units,
    strategy_labels,
    unit_groups,
    unit_means,
)
from initiative_lib.text.tokens import count_segment

AXES = {"left": ["p", "q"], "right": ["r"]}


def long_rates(records):
    """Rates table from (doc_id, seg_no, n_tokens, {category: matches})."""
    rows = []
    for doc_id, seg_no, n_tokens, matches in records:
        for category in ("p", "q", "r"):
            m = matches.get(category, 0)
            rows.append((doc_id, seg_no, category, m, n_tokens, 1000 * m / n_tokens))
    return pd.DataFrame(rows, columns=["doc_id", "seg_no", "category", "matches", "n_tokens", "rate"])


RATES = long_rates(
    [
        ("a", 1, 100, {"p": 2, "q": 1, "r": 5}),
        ("a", 2, 300, {"q": 3, "r": 1}),
        ("b", 1, 200, {"p": 4}),
    ]
)


# --- the axes definition -------------------------------------------------------------------


def test_framing_axes_definition_uses_disjoint_shipped_categories():
    categories = set(load_lexicon()["category"])
    assert list(FRAMING_AXES) == ["open_global", "sovereign_controlled"]
    assert FRAMING_AXES["sovereign_controlled"] == ("sovereignty", "state_control")
    assert FRAMING_AXES["open_global"] == ("multistakeholder", "human_rights")
    used = [c for cats in FRAMING_AXES.values() for c in cats]
    assert set(used) <= categories
    assert len(used) == len(set(used))


@pytest.mark.parametrize(
    ("axes", "message"),
    [
        ({"only": ["p"]}, "exactly two"),
        ({"a": ["p"], "b": ["q"], "c": ["r"]}, "exactly two"),
        ({"a": "p", "b": ["q"]}, "one or more lexicon categories"),
        ({"a": [], "b": ["q"]}, "one or more lexicon categories"),
        ({"a": ["p", "zzz"], "b": ["q"]}, r"categories \['zzz'\] missing"),
        ({"a": ["p", "p"], "b": ["q"]}, "twice"),
        ({"a": ["p", "q"], "b": ["q", "r"]}, r"one axis only; both axes list \['q'\]"),
    ],
)
def test_check_axes_rejects_bad_definitions(axes, message):
    with pytest.raises(ValueError, match=message):
        check_axes(axes, ["p", "q", "r"])


# --- framing_axes --------------------------------------------------------------------------


def test_framing_axes_exact_scores():
    out = framing_axes(RATES, AXES, n_boot=0)
    assert list(out.columns) == AXES_COLUMNS
    assert out["doc_id"].tolist() == ["a", "b"]
    assert out["n_segments"].tolist() == [2, 1]
    assert out["n_tokens"].tolist() == [400, 200]
    assert out["x_matches"].tolist() == [6, 4]
    assert out["y_matches"].tolist() == [6, 0]
    np.testing.assert_allclose(out["x"], [15.0, 20.0])
    np.testing.assert_allclose(out["y"], [15.0, 0.0])
    assert out[["x_low", "x_high", "y_low", "y_high"]].isna().all().all()


def test_framing_axes_bootstrap_bounds_are_reproducible_and_bracket_the_segments():
    one = framing_axes(RATES, AXES, n_boot=400, random_state=3)
    two = framing_axes(RATES, AXES, n_boot=400, random_state=3)
    pd.testing.assert_frame_equal(one, two)
    a = one.iloc[0]
    # the two segments' own rates bound every resample: x in [10, 30], y in [3.33, 50]
    assert 10.0 <= a["x_low"] <= a["x"] <= a["x_high"] <= 30.0
    assert 1000 / 300 - 1e-9 <= a["y_low"] <= a["y"] <= a["y_high"] <= 50.0
    assert a["x_low"] < a["x_high"]
    # a single-segment document has no interval
    assert one.iloc[1][["x_low", "x_high", "y_low", "y_high"]].isna().all()


def test_framing_axes_document_level_rates_have_no_interval():
    docs = RATES.groupby(["doc_id", "category"], as_index=False)[["matches", "n_tokens"]].sum()
    out = framing_axes(docs, AXES, n_boot=100, random_state=0)
    np.testing.assert_allclose(out["x"], [15.0, 20.0])
    assert out["x_low"].isna().all()


def test_framing_axes_equals_summed_dictionary_rates_on_real_lexicon():
    texts = {
        "d1": "Cyber sovereignty and national security matter; the United Nations should decide. "
        "Human rights and privacy online, the digital economy and trade, and civil society stakeholders.",
        "d2": "Multistakeholder governance with the technical community and civil society protects freedom of "
        "expression and the market.",
    }
    counts, n_tokens = [], []
    for text in texts.values():
        c = count_segment(text)
        counts.append({**c.unigrams, **c.bigrams})
        n_tokens.append(c.n_tokens)
    m = from_counts(counts, pd.DataFrame({"doc_id": list(texts), "seg_no": 1, "n_tokens": n_tokens}))
    rates = dictionary_rates(m)
    out = framing_axes(rates, n_boot=0).set_index("doc_id")
    wide = rates.pivot_table(index="doc_id", columns="category", values="rate")
    for axis, col in zip(FRAMING_AXES, ("x", "y"), strict=True):
        expected = wide[list(FRAMING_AXES[axis])].sum(axis=1)
        np.testing.assert_allclose(out[col], expected.loc[out.index])
    assert (out["x"] > 0).all()
    assert out.loc["d1", "y"] > out.loc["d2", "y"]


def test_framing_axes_zero_token_document_gets_nan():
    rates = long_rates([("a", 1, 100, {"p": 1})])
    rates.loc[:, "n_tokens"] = 0
    out = framing_axes(rates, AXES, n_boot=10, random_state=0)
    assert np.isnan(out.loc[0, "x"])
    assert np.isnan(out.loc[0, "y"])


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n_boot": -1}, ValueError, "n_boot must be an int >= 0"),
        ({"n_boot": 1.5}, ValueError, "n_boot must be an int >= 0"),
        ({"ci": 1.0}, ValueError, "ci must be between 0 and 1"),
        ({"random_state": "seed"}, TypeError, "random_state must be"),
    ],
)
def test_framing_axes_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        framing_axes(RATES, AXES, **kwargs)


def test_framing_axes_rejects_bad_rates():
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        framing_axes([1, 2], AXES)
    with pytest.raises(ValueError, match=r"lacks columns \['matches'\]"):
        framing_axes(RATES.drop(columns="matches"), AXES)
    with pytest.raises(ValueError, match="is empty"):
        framing_axes(RATES.iloc[:0], AXES)
    with pytest.raises(ValueError, match="more than one row per"):
        framing_axes(pd.concat([RATES, RATES.iloc[:1]]), AXES)
    with pytest.raises(ValueError, match="missing from rates"):
        framing_axes(RATES)  # default axes name categories these rates lack


# --- group means, profiles, map ------------------------------------------------------------


META = pd.DataFrame({"doc_id": ["a", "b"], "group": ["one", "two"]})


def test_group_means_exact_and_errors():
    coords = pd.DataFrame({"doc_id": ["a", "b", "c"], "x": [1.0, 3.0, 5.0], "y": [2.0, 4.0, 0.0]})
    meta = pd.DataFrame({"doc_id": ["a", "b", "c"], "group": ["g", "g", "h"]})
    out = group_means(coords, meta)
    assert out.to_dict("list") == {"group": ["g", "h"], "n_documents": [2, 1], "x": [2.0, 5.0], "y": [3.0, 0.0]}
    with pytest.raises(ValueError, match="without a 'group' value"):
        group_means(coords, meta.iloc[:2])
    with pytest.raises(ValueError, match="more than one 'group'"):
        group_means(coords, pd.concat([meta, pd.DataFrame({"doc_id": ["a"], "group": ["h"]})]))
    with pytest.raises(ValueError, match="coords must be a DataFrame"):
        group_means(coords.drop(columns="y"), meta)


def test_framing_profiles_resample_segments_for_single_document_groups():
    rates = long_rates(
        [
            ("a", 1, 100, {"p": 1}),
            ("a", 2, 100, {"p": 3}),
            ("b", 1, 100, {"p": 2}),
            ("c", 1, 100, {"p": 4}),
            ("c", 2, 100, {"p": 4}),
        ]
    )
    meta = pd.DataFrame({"doc_id": ["a", "b", "c"], "group": ["solo", "many", "many"]})
    out = framing_profiles(rates, meta, order=["solo"], n_boot=200, random_state=1)
    assert out["group"].unique().tolist() == ["solo", "many"]
    p = out[out["category"] == "p"].set_index("group")
    assert p.loc["solo", "resampled"] == "segments"
    assert p.loc["solo", "n_units"] == 2
    assert p.loc["solo", "rate"] == pytest.approx(20.0)  # (1 + 3) / 200 tokens
    assert 10.0 <= p.loc["solo", "ci_low"] < p.loc["solo", "ci_high"] <= 30.0
    assert p.loc["many", "resampled"] == "documents"
    assert p.loc["many", "rate"] == pytest.approx(30.0)  # mean of 20 and 40 per 1,000
    again = framing_profiles(rates, meta, order=["solo"], n_boot=200, random_state=1)
    pd.testing.assert_frame_equal(out, again)


def test_framing_profiles_errors():
    with pytest.raises(ValueError, match=r"lacks columns \['seg_no'\]"):
        framing_profiles(RATES.drop(columns="seg_no"), META)
    with pytest.raises(ValueError, match="rows must have columns"):
        framing_profiles(RATES, META.rename(columns={"group": "g"}))


def test_plot_framing_map_attaches_documents_and_means():
    coords = framing_axes(RATES, AXES, n_boot=50, random_state=0)
    fig = plot_framing_map(coords, META, axes=AXES, highlight="a", labels={"b": "Doc B"})
    data = fig._initiative_plotted_data
    assert data["kind"].tolist() == ["document", "document", "group mean", "group mean"]
    assert data.loc[data["kind"] == "group mean", "group"].tolist() == ["one", "two"]
    assert "left" in fig.axes[0].get_xlabel()
    assert "right" in fig.axes[0].get_ylabel()
    plt.close(fig)
    fig = plot_framing_map(coords, META, axes=AXES, labels={"a": "Doc A", "b": "Doc B"}, label_offsets={"b": (-4, -9)})
    texts = {t.get_text(): t for t in fig.axes[0].texts}
    assert texts["Doc A"].get_ha() == "left"
    assert texts["Doc B"].get_ha() == "right"
    plt.close(fig)
    with pytest.raises(ValueError, match="highlight='zzz' is not a doc_id"):
        plot_framing_map(coords, META, axes=AXES, highlight="zzz")
    plt.close("all")


# --- comparison units ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_rows():
    return load_corpus().reset_index()


def test_comparison_units_on_the_corpus(corpus_rows):
    units = comparison_units(corpus_rows)
    early, late = strategy_labels()
    expected_order = [INITIATIVE_LABEL, *DECLARATION_LABELS.values(), early, late, *SECTOR_LABELS.values()]
    assert list(units.cat.categories) == expected_order
    sizes = units.value_counts()
    assert sizes[INITIATIVE_LABEL] == 1
    assert all(sizes[label] == 1 for label in DECLARATION_LABELS.values())
    assert (sizes[early], sizes[late]) == (41, 44)
    assert sizes["NETmundial civil society"] == 55
    assert sizes["NETmundial technical"] == 16
    assert units.index.equals(corpus_rows.index)
    assert unit_groups(corpus_rows, units).value_counts().to_dict() == {
        "netmundial": 6,
        "declaration": 2,
        "national": 2,
        "strategy": 2,
        "initiative": 1,
    }


def test_comparison_units_split_year_user_documents_and_unknown_declarations():
    rows = pd.DataFrame(
        {
            "doc_id": ["s1", "s2", "my-speech", "decl-new-2022"],
            "group": ["strategy", "strategy", "user", "declaration"],
            "year": [2012, 2013, 2021, 2022],
            "sector": [None] * 4,
        }
    )
    units = comparison_units(rows, split_year=2013)
    assert units.tolist() == ["Strategies before 2013", "Strategies 2013 on", "my-speech", "decl-new-2022"]
    assert list(units.cat.categories) == ["decl-new-2022", "Strategies before 2013", "Strategies 2013 on", "my-speech"]


@pytest.mark.parametrize(
    ("rows", "error", "message"),
    [
        (pd.DataFrame({"doc_id": ["a"]}), ValueError, r"lacks columns \['group'\]"),
        (pd.DataFrame({"doc_id": ["a"], "group": ["blog"]}), ValueError, r"unknown or missing group values \['blog'\]"),
        (pd.DataFrame({"doc_id": ["a"], "group": [None]}), ValueError, "unknown or missing group"),
        (pd.DataFrame({"doc_id": ["a"], "group": ["strategy"]}), ValueError, "needs a year"),
        (pd.DataFrame({"doc_id": ["a"], "group": ["strategy"], "year": [None]}), ValueError, "needs a year"),
        (pd.DataFrame({"doc_id": ["a"], "group": ["netmundial"]}), ValueError, "need a sector"),
        (pd.DataFrame({"doc_id": ["a"], "group": ["netmundial"], "sector": ["media"]}), ValueError, "'media'"),
        ([1, 2], TypeError, "must be a pandas DataFrame"),
    ],
)
def test_comparison_units_errors(rows, error, message):
    with pytest.raises(error, match=message):
        comparison_units(rows)


def test_comparison_units_rejects_non_integer_split():
    rows = pd.DataFrame({"doc_id": ["a"], "group": ["strategy"], "year": [2010]})
    with pytest.raises(TypeError, match="split_year must be an integer"):
        comparison_units(rows, split_year=2015.5)


def small_dtm():
    rows = pd.DataFrame(
        {
            "doc_id": ["wic", "s1", "s2", "n1"],
            "seg_no": [1, 1, 1, 1],
            "n_tokens": [10, 20, 30, 40],
            "group": ["initiative", "strategy", "strategy", "netmundial"],
            "year": [2020, 2016, 2010, 2014],
            "sector": [None, None, None, "academia"],
        }
    )
    counts = [{"shared": 3, "the": 4}, {"cyber": 5, "shared": 1}, {"cyber": 2}, {"rights": 6, "2014": 1}]
    return from_counts(counts, rows)


def test_pool_units_sums_counts_in_unit_order():
    m = small_dtm()
    pooled = pool_units(m, comparison_units(m.rows))
    assert pooled.level == "document"
    assert pooled.rows["doc_id"].tolist() == [
        INITIATIVE_LABEL,
        "Strategies before 2015",
        "Strategies 2015 on",
        "NETmundial academia",
    ]
    assert pooled.rows["group"].tolist() == ["initiative", "strategy", "strategy", "netmundial"]
    assert pooled.rows["n_tokens"].tolist() == [10, 30, 20, 40]
    assert pooled.rows["n_documents"].tolist() == [1, 1, 1, 1]
    assert int(pooled.counts.sum()) == int(m.counts.sum())
    cyber = list(m.vocab).index("cyber")
    assert pooled.counts[:, cyber].toarray().ravel().tolist() == [0, 2, 5, 0]


def test_pool_units_drops_unlabelled_rows_and_checks_input():
    m = small_dtm()
    pooled = pool_units(m, ["x", "y", "y", None])
    assert pooled.rows["doc_id"].tolist() == ["x", "y"]
    assert pooled.rows["n_documents"].tolist() == [1, 2]
    with pytest.raises(ValueError, match="one label per row"):
        pool_units(m, ["x"])
    with pytest.raises(ValueError, match="mix documents of different groups"):
        pool_units(m, ["x", "x", "y", "y"])
    with pytest.raises(ValueError, match="no labels"):
        pool_units(m, [None] * 4)
    with pytest.raises(TypeError, match="DocumentTermMatrix"):
        pool_units(m.counts, ["x"] * 4)


def test_content_terms_keeps_content_unigrams_only():
    m = small_dtm()
    assert content_columns(m).vocab.tolist() == ["cyber", "rights", "shared"]
    assert content_columns(m, min_count=5).vocab.tolist() == ["cyber", "rights"]
    with pytest.raises(ValueError, match="min_count must be an int >= 1"):
        content_columns(m, min_count=0)


def test_keyness_against_groups_matches_keyness_and_filters_rare_target_terms():
    m = small_dtm()
    out = keyness_against_groups(m, "initiative", min_count=1, min_target=2)
    assert out["reference"].unique().tolist() == ["netmundial", "strategy"]
    strat = out[out["reference"] == "strategy"].set_index("term")
    direct = keyness(m, m.rows["group"].eq("initiative"), m.rows["group"].eq("strategy"), min_count=1)
    direct = direct.set_index("term")
    assert strat.loc["shared", "g2"] == pytest.approx(direct.loc["shared", "g2"])
    assert strat.loc["shared", "target_count"] == 3
    assert strat.loc["cyber", "g2"] < 0  # used only by the reference: kept
    only_once = keyness_against_groups(m, "initiative", min_count=1, min_target=4)
    assert "shared" not in set(only_once.loc[only_once["g2"] > 0, "term"])
    ordered = keyness_against_groups(m, "initiative", references=["strategy"], min_count=1)
    assert ordered["reference"].unique().tolist() == ["strategy"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"target": "blog"}, "target 'blog' is not a value"),
        ({"target": "initiative", "by": "zzz"}, "by='zzz' is not a column"),
        ({"target": "initiative", "references": ["initiative"]}, "other than the target"),
        ({"target": "initiative", "references": []}, "other than the target"),
        ({"target": "initiative", "min_target": 0}, "min_target must be an int >= 1"),
    ],
)
def test_keyness_against_groups_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        keyness_against_groups(small_dtm(), **kwargs)


def test_plot_keyness_panels_one_panel_per_reference():
    m = small_dtm()
    k = keyness_against_groups(m, "initiative", min_count=1)
    fig = plot_keyness_panels(k, n=2)
    assert len(fig.axes) == 2
    assert [ax.get_title() for ax in fig.axes] == ["initiative vs netmundial", "initiative vs strategy"]
    data = fig._initiative_plotted_data
    assert set(data["side"]) == {"initiative", "reference"}
    plt.close(fig)
    with pytest.raises(ValueError, match="output of keyness_against_groups"):
        plot_keyness_panels(k.drop(columns="g2"))
    with pytest.raises(ValueError, match="n must be an int >= 1"):
        plot_keyness_panels(k, n=0)
    plt.close("all")


def test_unit_means_and_errors():
    m = small_dtm()
    shares = pd.DataFrame({"t0": [1.0, 0.5, 0.1, 0.0]}, index=["wic", "s1", "s2", "n1"])
    out = unit_means(shares, m.rows)
    assert out.index.tolist() == [
        INITIATIVE_LABEL,
        "Strategies before 2015",
        "Strategies 2015 on",
        "NETmundial academia",
    ]
    assert out["t0"].tolist() == [1.0, 0.1, 0.5, 0.0]
    with pytest.raises(ValueError, match="missing from rows"):
        unit_means(pd.DataFrame({"t0": [1.0]}, index=["zzz"]), m.rows)
    with pytest.raises(ValueError, match="unique doc_id"):
        unit_means(pd.DataFrame({"t0": [1.0, 2.0]}, index=["wic", "wic"]), m.rows)


def test_document_segments_only_for_texts():
    paras = document_segments("wic-initiative-2020")
    assert len(paras) == 7
    assert paras.index[0] == 1
    assert paras.iloc[0].startswith("World Initiative on jointly building")
    with pytest.raises(ValueError, match="ships as features only"):
        document_segments("decl-barlow-1996")


def test_comparison_units_own_documents_and_national_group():
    from initiative_lib.study.units import CHINA_NETMUNDIAL, CHINA_NETMUNDIAL_LABEL

    rows = pd.DataFrame(
        {
            "doc_id": ["nm-001", CHINA_NETMUNDIAL, "decl-rus-infosec-doctrine-2000", "wic-initiative-2020"],
            "group": ["netmundial", "netmundial", "national", "initiative"],
            "year": [2014, 2014, 2000, 2020],
            "sector": ["government", "government", None, None],
        }
    )
    units = comparison_units(rows, own={CHINA_NETMUNDIAL: CHINA_NETMUNDIAL_LABEL})
    assert units.tolist() == [
        "NETmundial government",
        CHINA_NETMUNDIAL_LABEL,
        "Russian doctrine 2000",
        INITIATIVE_LABEL,
    ]
    assert list(units.cat.categories)[:3] == [INITIATIVE_LABEL, CHINA_NETMUNDIAL_LABEL, "Russian doctrine 2000"]
    # without own=, China's submission is pooled with its sector
    assert comparison_units(rows).tolist()[1] == "NETmundial government"
    with pytest.raises(ValueError, match="non-empty label"):
        comparison_units(rows, own={CHINA_NETMUNDIAL: ""})
