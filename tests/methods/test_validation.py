"""Measurement validation: sheets, scores against simulated coders of known accuracy, intrusion tests, bad sheets.

No human judgements are shipped: every code here is simulated or a hand-made exact case.
"""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from initiative_lib.datasets import synthetic_dtm
from initiative_lib.methods.validation import (
    SheetError,
    coding_sample,
    cohen_kappa,
    read_coding_sheet,
    score_coding,
    score_intrusion,
    topic_intrusion,
    word_intrusion,
)
from initiative_lib.paths import REPO_DIR
from initiative_lib.topics.model import fit_topics


def _units(n_per=(30, 12, 5)):
    rows = []
    for cat, n in zip(["sov", "open", "coop"], n_per, strict=True):
        for i in range(n):
            rows.append({"doc_id": f"d{i % 7}", "seg_no": i, "category": cat, "group": "A" if i % 2 else "B"})
    return pd.DataFrame(rows)


def test_coding_sample_is_stratified_seeded_and_weighted():
    units = _units()
    sheet = coding_sample(units, strata=["category", "group"], n_per_stratum=4, coders=["ann", "ben"], random_state=3)
    sizes = units.groupby(["category", "group"]).size()
    got = sheet.groupby(["category", "group"]).size()
    assert (got == np.minimum(sizes, 4)).all()
    for (cat, grp), part in sheet.groupby(["category", "group"]):
        assert (part["stratum_size"] == sizes[(cat, grp)]).all()
        assert part["weight"].iloc[0] == pytest.approx(sizes[(cat, grp)] / len(part))
    assert sheet["unit_id"].is_unique
    assert (sheet["code_ann"] == "").all()
    again = coding_sample(units, strata=["category", "group"], n_per_stratum=4, coders=["ann", "ben"], random_state=3)
    pd.testing.assert_frame_equal(sheet, again)
    # each sampled unit is a unit of the input
    merged = sheet.merge(units, on=["doc_id", "seg_no", "category", "group"], how="left", indicator=True)
    assert (merged["_merge"] == "both").all()


def test_coding_sample_texts_from_a_table_or_callable_and_never_inside_the_repository(tmp_path):
    units = _units((3, 2, 2))
    segs = units[["doc_id", "seg_no"]].drop_duplicates().assign(text=lambda d: "invented text " + d["doc_id"])
    sheet = coding_sample(units, strata="category", n_per_stratum=2, coders=["ann"], texts=segs, random_state=0)
    assert sheet["text"].str.startswith("invented text").all()
    sheet2 = coding_sample(
        units, strata="category", n_per_stratum=2, coders=["ann"], texts=lambda r: f"t {r['doc_id']}", random_state=0
    )
    assert (sheet2["text"] == "t " + sheet2["doc_id"]).all()
    out = tmp_path / "sheet.csv"
    coding_sample(units, strata="category", n_per_stratum=2, coders=["ann"], texts=segs, path=out, random_state=0)
    assert pd.read_csv(out)["unit_id"].tolist() == sheet["unit_id"].tolist()
    with pytest.raises(ValueError, match="must not be written inside the repository"):
        coding_sample(units, strata="category", n_per_stratum=2, coders=["ann"], texts=segs, path=REPO_DIR / "x.csv")
    assert not (REPO_DIR / "x.csv").exists()
    with pytest.raises(ValueError, match=r"no text for unit .* expected a non-empty string"):
        coding_sample(units, strata="category", n_per_stratum=2, coders=["ann"], texts=segs.iloc[:1], random_state=0)


def _simulate(truth, accuracy, rng):
    flip = rng.random(truth.size) > accuracy
    return np.where(flip, 1 - truth, truth)


def test_scores_recover_known_precision_and_coder_accuracy():
    rng = np.random.default_rng(0)
    n = 4000
    category = np.repeat(["sov", "open"], n // 2)
    true_precision = np.where(category == "sov", 0.8, 0.4)
    truth = (rng.random(n) < true_precision).astype(int)
    perfect = truth
    noisy = _simulate(truth, 0.9, rng)
    sheet = pd.DataFrame({"unit_id": [f"u{i}" for i in range(n)], "category": category})
    sheet["code_perfect"] = perfect.astype(str)
    sheet["code_noisy"] = noisy.astype(str)
    sc = score_coding(sheet, consensus="perfect")
    p = sc.precision.set_index(["scope", "coder"])
    for cat, prec in [("sov", 0.8), ("open", 0.4)]:
        row = p.loc[(cat, "perfect")]
        assert row["ci_low"] <= prec <= row["ci_high"]
        # a coder of accuracy a sees precision p a + (1 - p)(1 - a)
        expected = prec * 0.9 + (1 - prec) * 0.1
        row = p.loc[(cat, "noisy")]
        assert row["ci_low"] <= expected <= row["ci_high"]
    # agreement: kappa between a perfect and a 90%-accurate coder is known in expectation
    a = sc.agreement.set_index(["scope", "measure"])
    pa = a.loc[("all", "percent_agreement"), "value"]
    assert pa == pytest.approx(0.9, abs=0.02)
    prevalence = truth.mean()
    pe = prevalence * (prevalence * 0.9 + (1 - prevalence) * 0.1) + (1 - prevalence) * (
        (1 - prevalence) * 0.9 + prevalence * 0.1
    )
    assert a.loc[("all", "cohen_kappa"), "value"] == pytest.approx((0.9 - pe) / (1 - pe), abs=0.03)


def test_recall_where_the_sheet_has_predictions():
    rng = np.random.default_rng(1)
    n = 3000
    truth = (rng.random(n) < 0.3).astype(int)
    # the measure flags 70% of true units and 10% of others
    predicted = np.where(truth == 1, rng.random(n) < 0.7, rng.random(n) < 0.1).astype(int)
    sheet = pd.DataFrame(
        {"unit_id": range(n), "category": "x", "predicted": predicted.astype(str), "code_a": truth.astype(str)}
    )
    sc = score_coding(sheet)
    r = sc.recall.set_index(["scope", "coder"]).loc[("x", "a")]
    assert r["ci_low"] <= 0.7 <= r["ci_high"]
    p = sc.precision.set_index(["scope", "coder"]).loc[("x", "a")]
    true_precision = 0.3 * 0.7 / (0.3 * 0.7 + 0.7 * 0.1)
    assert p["ci_low"] <= true_precision <= p["ci_high"]
    assert p["n"] == predicted.sum()


def test_agreement_cross_checked_against_sklearn_and_krippendorff():
    rng = np.random.default_rng(4)
    truth = rng.integers(0, 2, size=60)
    codes = {c: _simulate(truth, acc, rng).astype(float) for c, acc in [("a", 0.9), ("b", 0.8), ("c", 0.7)]}
    codes["c"][[3, 9, 20]] = np.nan
    sheet = pd.DataFrame({"unit_id": range(60), "category": "k"})
    for c, v in codes.items():
        sheet[f"code_{c}"] = ["" if np.isnan(x) else str(int(x)) for x in v]
    sc = score_coding(sheet, by=None)
    ag = sc.agreement.set_index(["measure", "coders"])["value"]
    for x, y in [("a", "b"), ("a", "c"), ("b", "c")]:
        ok = ~np.isnan(codes[x]) & ~np.isnan(codes[y])
        assert ag[("cohen_kappa", f"{x}+{y}")] == pytest.approx(cohen_kappa_score(codes[x][ok], codes[y][ok]))
    ref = krippendorff.alpha(reliability_data=np.vstack(list(codes.values())), level_of_measurement="nominal")
    assert ag[("krippendorff_alpha", "a+b+c")] == pytest.approx(ref)


def test_cohen_kappa_exact_cases():
    assert cohen_kappa([1, 0, 1, 0], [1, 0, 1, 0]) == 1.0
    assert cohen_kappa([1, 0, 1, 0], [0, 1, 0, 1]) == -1.0
    assert np.isnan(cohen_kappa([1, 1], [1, 1]))
    assert cohen_kappa(["x", "y", None], ["x", "y", "y"]) == 1.0
    assert cohen_kappa([1, 1, 0, 0, 1], [1, 0, 0, 0, 1]) == pytest.approx(
        cohen_kappa_score([1, 1, 0, 0, 1], [1, 0, 0, 0, 1])
    )


def test_alpha_bootstrap_interval_is_seeded_and_covers_the_estimate():
    rng = np.random.default_rng(2)
    truth = rng.integers(0, 2, size=80)
    sheet = pd.DataFrame(
        {
            "unit_id": range(80),
            "category": "k",
            "code_a": _simulate(truth, 0.9, rng).astype(str),
            "code_b": _simulate(truth, 0.9, rng).astype(str),
        }
    )
    one = score_coding(sheet, n_boot=200, random_state=0).agreement
    two = score_coding(sheet, n_boot=200, random_state=0).agreement
    pd.testing.assert_frame_equal(one, two)
    row = one.set_index(["scope", "measure"]).loc[("k", "krippendorff_alpha")]
    assert row["ci_low"] < row["value"] < row["ci_high"]


def test_partially_coded_sheet_round_trip_through_csv(tmp_path):
    units = _units((6, 6, 6))
    path = tmp_path / "sheet.csv"
    sheet = coding_sample(units, strata="category", n_per_stratum=3, coders=["ann", "ben"], path=path, random_state=1)
    filled = pd.read_csv(path, dtype=str, keep_default_na=False)
    filled.loc[:, "code_ann"] = ["1", "0", "1", "1", "", "1", "0", "1", "1"]
    filled.loc[:, "code_ben"] = ["1", "0", "", "1", "1", "1", "0", "0", "1"]
    filled.to_csv(path, index=False)
    sc = score_coding(path)
    ann = sc.precision.set_index(["scope", "coder"]).loc[("all", "ann")]
    assert (ann["n"], ann["x"]) == (8, 6)
    assert len(sheet) == 9


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d.assign(code_ann=["1", "2", "0"]),
            "sheet.csv, row 3, field 'code_ann': got '2'; expected 0, 1 or empty",
        ),
        (lambda d: d.assign(unit_id=["u1", "u1", "u3"]), "sheet.csv, row 3, field 'unit_id': 'u1' appears twice"),
        (lambda d: d.drop(columns="unit_id"), "no 'unit_id' column"),
        (lambda d: d.drop(columns=["code_ann", "code_ben"]), "no code columns"),
        (lambda d: d.assign(predicted=["1", "", "0"]), "row 3, field 'predicted': empty; expected 0 or 1"),
        (lambda d: d.assign(weight=["1", "-2", "1"]), "row 3, field 'weight': got '-2'; expected a positive number"),
        (lambda d: d.assign(code_ann="", code_ben=""), "has no codes yet"),
    ],
)
def test_bad_sheets_are_refused_with_file_row_and_field(tmp_path, change, message):
    base = pd.DataFrame({"unit_id": ["u1", "u2", "u3"], "category": "x", "code_ann": ["1", "0", "1"], "code_ben": ""})
    path = tmp_path / "sheet.csv"
    change(base).to_csv(path, index=False)
    with pytest.raises(SheetError, match=message.replace("(", r"\(").replace(".", r"\.")):
        score_coding(path)


def test_bad_arguments_are_refused():
    units = _units((3, 2, 2))
    with pytest.raises(ValueError, match="coders must be a non-empty list"):
        coding_sample(units, strata="category", n_per_stratum=2, coders="ann")
    with pytest.raises(ValueError, match=r"units lacks columns \['region'\]"):
        coding_sample(units, strata="region", n_per_stratum=2, coders=["ann"])
    with pytest.raises(ValueError, match="n_per_stratum must be an int >= 1"):
        coding_sample(units, strata="category", n_per_stratum=0, coders=["ann"])
    sheet = pd.DataFrame({"unit_id": ["u1"], "code_ann": ["1"]})
    with pytest.raises(ValueError, match="consensus must be 'majority' or one of the coders"):
        score_coding(sheet, by=None, consensus="zoe")
    assert read_coding_sheet(sheet)["code_ann"].tolist() == [1.0]


@pytest.fixture(scope="module")
def model():
    dtm, _ = synthetic_dtm(n_docs=60, n_terms=120, k=4, random_state=0)
    return fit_topics(dtm, 4, method="lda", random_state=0)


def test_word_intrusion_questions_and_scores_recover_coder_skill(model):
    test = word_intrusion(model, coders=["ann", "ben"], n_words=5, n_per_topic=30, random_state=1)
    key = test.key.set_index("question_id")
    beta = model.topic_term
    for _, row in test.sheet.iterrows():
        k = key.loc[row["question_id"]]
        options = [row[f"option_{i}"] for i in range(1, 7)]
        assert options[k["intruder_option"] - 1] == k["intruder"]
        ranked = beta.loc[k["topic"]].sort_values(ascending=False, kind="mergesort").index.tolist()
        assert set(options) - {k["intruder"]} == set(ranked[:5])
        assert ranked.index(k["intruder"]) >= len(ranked) // 2
    # simulated coders: ann finds the intruder with probability 0.8, ben guesses
    rng = np.random.default_rng(12)
    sheet = test.sheet.copy()
    truth = key.loc[sheet["question_id"], "intruder_option"].to_numpy()
    guess = rng.integers(1, 7, size=len(sheet))
    sheet["answer_ann"] = np.where(rng.random(len(sheet)) < 0.8, truth, (truth % 6) + 1).astype(str)
    sheet["answer_ben"] = guess.astype(str)
    scores = score_intrusion(sheet, test.key)
    by = scores.by_coder.set_index("coder")
    assert by.loc["ann", "ci_low"] <= 0.8 <= by.loc["ann", "ci_high"]
    assert by.loc["ben", "ci_low"] <= 1 / 6 <= by.loc["ben", "ci_high"]
    assert scores.by_topic["n"].tolist() == [60, 60, 60, 60]


def test_topic_intrusion_questions_and_topic_log_odds(model, tmp_path):
    test = topic_intrusion(model, coders=["ann"], n_questions=15, n_topics_shown=2, min_tokens=1, random_state=0)
    theta = model.segment_topics
    for (_, q), (_, k) in zip(test.sheet.iterrows(), test.key.iterrows(), strict=True):
        shares = theta.loc[q["doc_id"]] if "seg_no" not in q else theta.loc[(q["doc_id"], q["seg_no"])]
        top = shares.sort_values(ascending=False, kind="mergesort").index[:2].tolist()
        assert k["intruder"] not in top
        shown = [int(q[f"option_{i}"].split(":")[0]) for i in range(1, 4)]
        assert shown[k["intruder_option"] - 1] == k["intruder"]
        assert set(shown) == {*top, k["intruder"]}
    sheet = test.sheet.copy()
    sheet["answer_ann"] = test.key["intruder_option"].astype(str)
    right = score_intrusion(sheet, test.key).by_coder.set_index("coder")
    assert right.loc["ann", "estimate"] == 1.0
    assert right.loc["ann", "mean_tlo"] == 0.0
    sheet["answer_ann"] = (test.key["intruder_option"] % 3 + 1).astype(str)
    wrong = score_intrusion(sheet, test.key).by_coder.set_index("coder")
    assert wrong.loc["ann", "estimate"] == 0.0
    assert wrong.loc["ann", "mean_tlo"] < 0
    # files: sheet and key written apart, and refused as one file
    test = topic_intrusion(
        model,
        coders=["ann"],
        n_questions=3,
        n_topics_shown=2,
        min_tokens=1,
        random_state=0,
        path=tmp_path / "s.csv",
        key_path=tmp_path / "k.csv",
    )
    assert "intruder" not in pd.read_csv(tmp_path / "s.csv").columns
    assert "intruder" in pd.read_csv(tmp_path / "k.csv").columns
    with pytest.raises(ValueError, match="key_path must differ from path"):
        word_intrusion(model, coders=["a"], path=tmp_path / "x.csv", key_path=tmp_path / "x.csv")


def test_intrusion_answers_are_checked(model, tmp_path):
    test = word_intrusion(model, coders=["ann"], n_words=3, random_state=0)
    sheet = test.sheet.copy()
    sheet["answer_ann"] = ["1", "9", "", "2"]
    path = tmp_path / "answers.csv"
    sheet.to_csv(path, index=False)
    with pytest.raises(
        SheetError, match=r"answers\.csv, row 3, field 'answer_ann': got '9'; expected an option number from 1 to 4"
    ):
        score_intrusion(path, test.key)
    sheet["answer_ann"] = ""
    with pytest.raises(SheetError, match="no answers yet"):
        score_intrusion(sheet, test.key)
    with pytest.raises(TypeError, match="model must be a fitted TopicModel"):
        word_intrusion(object(), coders=["a"])


def test_dictionary_hits_units_feed_a_coding_sample():
    from initiative_lib.corpus.matrix import from_counts
    from initiative_lib.methods.dictionaries import dictionary_rates
    from initiative_lib.methods.validation import dictionary_hits

    lex = pd.DataFrame({"category": ["sov", "sov", "open"], "entry": ["sovereign*", "control", "open"]})
    rows = pd.DataFrame(
        {"doc_id": ["a", "a", "b"], "seg_no": [1, 2, 1], "n_tokens": [10, 10, 10], "group": ["g", "g", "h"]}
    )
    m = from_counts([{"sovereignty": 2, "control": 1}, {"trade": 3}, {"open": 2, "sovereign": 1}], rows)
    hits = dictionary_hits(m, lex)
    assert hits[["doc_id", "seg_no", "category", "matches", "terms"]].to_numpy().tolist() == [
        ["a", 1, "sov", 3, "sovereignty x2; control"],
        ["b", 1, "sov", 1, "sovereign"],
        ["b", 1, "open", 2, "open x2"],
    ]
    everything = dictionary_hits(m, lex, include_misses=True)
    assert len(everything) == 6
    assert everything["predicted"].sum() == 3
    assert everything["matches"].sum() == dictionary_rates(m, lex)["matches"].sum()
    sheet = coding_sample(everything, strata=["category", "predicted"], n_per_stratum=5, coders=["a"], random_state=0)
    assert len(sheet) == 6
    assert set(sheet.columns) >= {"terms", "group", "predicted", "code_a"}


def test_weighted_precision_recovers_the_population_share_under_unequal_sampling():
    # stratum A: 1,000 hits, precision 0.9; stratum B: 100 hits, precision 0.2; 100 drawn from each
    rng = np.random.default_rng(5)
    truth_a = (rng.random(1000) < 0.9).astype(int)
    truth_b = (rng.random(100) < 0.2).astype(int)
    units = pd.DataFrame(
        {
            "doc_id": [f"a{i}" for i in range(1000)] + [f"b{i}" for i in range(100)],
            "seg_no": 1,
            "stratum": ["A"] * 1000 + ["B"] * 100,
            "truth": np.concatenate([truth_a, truth_b]),
        }
    )
    sheet = coding_sample(units, strata="stratum", n_per_stratum=100, coders=["c"], random_state=0)
    sheet["code_c"] = sheet["truth"].astype(str)
    sc = score_coding(sheet.drop(columns="truth"), by="stratum")
    row = sc.precision.set_index(["scope", "coder"]).loc[("all", "c")]
    population = units["truth"].mean()
    assert row["weighted_ci_low"] <= population <= row["weighted_ci_high"]
    assert abs(row["weighted_estimate"] - population) < abs(row["estimate"] - population)
    assert row["n_effective"] < row["n"]
    # with equal weights the weighted columns equal the exact ones
    b = sc.precision.set_index(["scope", "coder"]).loc[("B", "c")]
    assert b["weighted_estimate"] == pytest.approx(b["estimate"])
    assert b["weighted_ci_low"] == pytest.approx(b["ci_low"])
    assert b["weighted_ci_high"] == pytest.approx(b["ci_high"])


def test_shipped_corpus_crash_test_hits_sheet_with_the_initiative_texts(tmp_path):
    # the one document that ships as text fills the sheet; the sheet goes to the user's folder only
    from initiative_lib import load_segments
    from initiative_lib.corpus.matrix import document_term_matrix
    from initiative_lib.methods.validation import dictionary_hits

    dtm = document_term_matrix("segment", ngrams="both")
    hits = dictionary_hits(dtm.select_rows(dtm.rows["group"].isin(["initiative", "declaration"]).to_numpy()))
    assert (hits["matches"] > 0).all()
    assert (hits["terms"] != "").all()
    own = hits[hits["doc_id"] == "wic-initiative-2020"]
    segs = load_segments()
    sheet = coding_sample(
        own,
        strata="category",
        n_per_stratum=3,
        coders=["c1", "c2"],
        texts=segs,
        path=tmp_path / "s.csv",
        random_state=0,
    )
    assert sheet["text"].str.len().gt(0).all()
    assert set(sheet["category"]) == set(own["category"])
    with pytest.raises(ValueError, match="inside the repository"):
        coding_sample(own, strata="category", n_per_stratum=1, coders=["c1"], texts=segs, path=REPO_DIR / "s.csv")


# ---------------------------------------------------------------- simulated coders and answer sheets


def test_simulate_coding_recovers_the_simulated_precision_and_agreement():
    from initiative_lib.methods.validation import SIMULATED_TRUTH, simulate_coding

    units = _units(n_per=(400, 400, 5))
    sheet = coding_sample(units, strata="category", n_per_stratum=400, coders=["a", "b"], random_state=1)
    coded = simulate_coding(sheet, precision={"sov": 0.9, "open": 0.5, "coop": 0.5}, accuracy={"a": 1.0, "b": 0.8},
                            random_state=2)  # fmt: skip
    truth = coded.groupby("category")[SIMULATED_TRUTH].mean()
    assert abs(truth["sov"] - 0.9) < 0.05
    assert abs(truth["open"] - 0.5) < 0.07
    assert (coded["code_a"].astype(int) == coded[SIMULATED_TRUTH]).all()  # accuracy 1 codes the truth
    agree_b = (coded["code_b"].astype(int) == coded[SIMULATED_TRUTH]).mean()
    assert abs(agree_b - 0.8) < 0.04
    scores = score_coding(coded)
    a = scores.precision.set_index(["scope", "coder"]).loc[("sov", "a")]
    assert a["ci_low"] <= truth["sov"] <= a["ci_high"]
    # the same seed gives the same codes; the sheet is not changed in place
    again = simulate_coding(sheet, precision={"sov": 0.9, "open": 0.5, "coop": 0.5}, accuracy={"a": 1.0, "b": 0.8},
                            random_state=2)  # fmt: skip
    pd.testing.assert_frame_equal(coded, again)
    assert (sheet["code_a"] == "").all()


def test_simulate_coding_refuses_bad_input():
    from initiative_lib.methods.validation import simulate_coding

    sheet = coding_sample(_units(), strata="category", n_per_stratum=3, coders=["a"], random_state=0)
    with pytest.raises(ValueError, match="probability"):
        simulate_coding(sheet, precision=1.5, accuracy=0.9)
    with pytest.raises(ValueError, match="no value for"):
        simulate_coding(sheet, precision={"sov": 0.9}, accuracy=0.9)
    with pytest.raises(ValueError, match="no value for"):
        simulate_coding(sheet, precision=0.9, accuracy={"z": 0.9})
    with pytest.raises(ValueError, match="code_"):
        simulate_coding(sheet.drop(columns="code_a"), precision=0.9, accuracy=0.9)


def test_simulate_intrusion_answers_scores_near_the_simulated_accuracy(model):
    from initiative_lib.methods.validation import simulate_intrusion_answers

    test = word_intrusion(model, coders=["ann", "guess"], n_words=5, n_per_topic=100, random_state=0)
    answers = simulate_intrusion_answers(test, accuracy={"ann": 0.8, "guess": 0.0}, random_state=1)
    by = score_intrusion(answers, test.key).by_coder.set_index("coder")["estimate"]
    # ann: 0.8 + 0.2 / 6 expected; a pure guesser: 1 / 6
    assert abs(by["ann"] - (0.8 + 0.2 / 6)) < 0.05
    assert abs(by["guess"] - 1 / 6) < 0.05
    with pytest.raises(TypeError, match="IntrusionTest"):
        simulate_intrusion_answers(test.sheet, accuracy=0.5)
