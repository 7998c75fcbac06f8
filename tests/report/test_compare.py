"""compare(): the report of the initiative reproduces the notebooks; it is deterministic; bad input is refused."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from initiative_lib.build.add import read_user_text
from initiative_lib.cli import main, parser
from initiative_lib.corpus.matrix import DocumentTermMatrix, document_term_matrix
from initiative_lib.errors import CorpusError
from initiative_lib.methods import align_passages, dictionary_rates, js_distance, tfidf_similarity
from initiative_lib.paths import DEFAULT_CORPUS_DIR
from initiative_lib.report import compare, framing_baseline, read_document, render_html, report_tables
from initiative_lib.study import (
    analysis_data,
    content_columns,
    document_segments,
    headline_model,
    keyness_against_groups,
    pool_units,
    similarity_baseline,
    target_keyness,
)
from initiative_lib.study.specification import INITIATIVE
from initiative_lib.topics import topic_mix_table

INITIATIVE_FILE = DEFAULT_CORPUS_DIR / "texts" / f"{INITIATIVE}.txt"
ENGLISH = "States should cooperate to keep the Internet open, and they must respect the rights of users. " * 5


def _tree_digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*"))
            if p.is_file()}  # fmt: skip


@pytest.fixture(scope="module")
def shipped_before():
    return _tree_digest(DEFAULT_CORPUS_DIR)


@pytest.fixture(scope="module")
def report(tmp_path_factory, shipped_before):
    out = tmp_path_factory.mktemp("reports") / "initiative"
    return compare(INITIATIVE_FILE, title="The initiative", out_dir=out, passage_texts=False, progress=False)


@pytest.fixture(scope="module")
def notebook():
    """What notebooks 02-04 compute for the initiative, with the same functions."""
    raw = document_term_matrix(level="segment", ngrams="both")
    is_initiative = raw.rows["doc_id"].eq(INITIATIVE).to_numpy()
    data = analysis_data()
    model = headline_model(data)
    mix = topic_mix_table(model, by="group", extra={"target": model.transform(data.target, by_document=True)})
    english = raw.select_rows(raw.rows["language"].eq("en").to_numpy())
    content = content_columns(english)
    return {
        "raw": raw,
        "keyness": target_keyness(raw, is_initiative),
        "mix": mix,
        "distances": js_distance(mix),
        "content": content,
        "keyness_groups": keyness_against_groups(
            content, "initiative", references=["declaration", "national", "strategy", "netmundial"]
        ),
        "passages": align_passages(
            document_segments(INITIATIVE),
            content.select_rows(~content.rows["doc_id"].eq(INITIATIVE).to_numpy()),
            top_n=2,
            n_shared=4,
        ),
        "rates": dictionary_rates(english.to_documents()),
    }


def _csv(report: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(report / "tables" / f"{name}.csv", keep_default_na=False, na_values=[""])


def test_the_folder_holds_the_page_every_figure_and_the_tables(report):
    figures = ["framing", "framing-windows", "keyness", "keyness-groups", "nearest-groups", "topic-mix"]
    for name in figures:
        for ext in ("pdf", "png", "csv"):
            assert (report / f"{name}.{ext}").is_file(), f"{name}.{ext}"
    groups = pd.read_csv(report / "nearest-groups.csv")
    assert {"group", "cosine"} <= set(groups.columns)
    assert groups["group"].tolist() == ["declaration", "national", "strategy", "netmundial"]
    page = (report / "report.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == len(figures)
    assert "<script" not in page.lower()
    assert "http://" not in page
    assert "https://" not in page
    assert "<style>" in page
    assert "stylesheet" not in page
    assert "initiative-report-" not in page
    assert str(report) not in page


def test_topic_mix_and_distances_equal_the_notebooks(report, notebook):
    shares = _csv(report, "topic-shares")
    np.testing.assert_allclose(shares["share"], notebook["mix"].loc["target"].to_numpy(), rtol=1e-5)
    assert (shares["ci_low"] <= shares["share"] + 1e-9).all()
    assert (shares["share"] <= shares["ci_high"] + 1e-9).all()
    dist = _csv(report, "topic-distances").set_index("group")["js_distance"]
    want = notebook["distances"].loc["target"].drop("target")
    np.testing.assert_allclose(dist.reindex(want.index), want, rtol=1e-5)


def test_keyness_equals_the_notebooks(report, notebook):
    got = _csv(report, "keyness")
    want = notebook["keyness"]
    assert got["term"].astype(str).tolist() == want["term"].astype(str).tolist()
    for col in ("target_count", "reference_count", "target_rows"):
        assert got[col].tolist() == want[col].tolist()
    np.testing.assert_allclose(got["g2"], want["g2"], rtol=1e-5, atol=1e-9)
    groups = _csv(report, "keyness-groups")
    want_g = notebook["keyness_groups"]
    assert groups["reference"].tolist() == want_g["reference"].tolist()
    assert groups["term"].astype(str).tolist() == want_g["term"].astype(str).tolist()
    assert groups["target_count"].tolist() == want_g["target_count"].tolist()
    np.testing.assert_allclose(groups["g2"], want_g["g2"], rtol=1e-5, atol=1e-9)


def test_similarity_passages_and_framing_equal_the_study_functions(report, notebook):
    content = notebook["content"]
    sim = tfidf_similarity(content.to_documents()).loc[INITIATIVE].drop(INITIATIVE)
    near = _csv(report, "nearest-documents")
    np.testing.assert_allclose(near["cosine"], sim.loc[near["doc_id"]].to_numpy(), rtol=1e-5)
    assert near["cosine"].iloc[0] == pytest.approx(sim.max(), rel=1e-5)
    passages = _csv(report, "passages")
    want = notebook["passages"]
    for col in ("paragraph", "group", "rank", "doc_id", "seg_no"):
        assert passages[col].tolist() == want[col].tolist()
    np.testing.assert_allclose(passages["score"], want["score"], rtol=1e-5)
    assert "text" not in passages.columns or passages["text"].isna().all()  # nothing fetched here
    rates = notebook["rates"]
    mine = rates[rates["doc_id"] == INITIATIVE].set_index("category")
    framing = _csv(report, "framing").drop_duplicates("category").set_index("category")
    assert framing["matches"].to_dict() == mine["matches"].reindex(framing.index).to_dict()
    np.testing.assert_allclose(framing["rate"], mine["rate"].reindex(framing.index), rtol=1e-5)


def test_report_tables_on_the_shipped_corpus_equal_the_notebooks_exactly(notebook, tmp_path):
    # the headline model from the user cache ($INITIATIVE_DATA of this test process), which the report
    # fixture's compare() filled: tests/report/test_model_cache.py shows a cached model equals a fresh fit
    t = report_tables(notebook["raw"], INITIATIVE, n_windows=20)
    assert t.keyness.drop(columns="bonferroni").equals(notebook["keyness"])
    assert t.topic_mix.loc["target"].equals(notebook["mix"].loc["target"])
    nearest = t.nearest_groups.set_index("group")
    assert nearest["cosine"].between(0, 1).all()
    assert (nearest["n_windows"] == 20).all()
    assert nearest["window_low"].le(nearest["window_median"]).all()
    assert nearest["window_median"].le(nearest["window_high"]).all()


def test_the_baselines_place_the_target_with_the_study_values(notebook):
    content = notebook["content"]
    is_t = content.rows["doc_id"].eq(INITIATIVE).to_numpy()
    rows = content.rows.assign(group=np.where(is_t, "target", content.rows["group"].astype(object)))
    labelled = DocumentTermMatrix(counts=content.counts, rows=rows, vocab=content.vocab, level="segment")
    refs = ["declaration", "national", "strategy", "netmundial"]
    pooled = pool_units(labelled, pd.Categorical(rows["group"], categories=["target", *refs], ordered=True))
    sim = similarity_baseline(labelled, pooled, INITIATIVE, n_windows=10, random_state=0)
    want = tfidf_similarity(pooled).loc["target"]
    for g in refs:
        got = sim[(sim["comparator"] == g) & (sim["statistic"] == g)]
        assert float(got["target_value"].iloc[0]) == pytest.approx(float(want[g]), rel=1e-12)
        assert int(got["n_windows"].iloc[0]) == 10
    raw = notebook["raw"]
    english = raw.select_rows(raw.rows["language"].eq("en").to_numpy())
    is_t = english.rows["doc_id"].eq(INITIATIVE).to_numpy()
    seg = DocumentTermMatrix(
        counts=english.counts,
        rows=english.rows.assign(group=np.where(is_t, "target", english.rows["group"].astype(object))),
        vocab=english.vocab,
        level="segment",
    )
    framing = framing_baseline(seg, INITIATIVE, n_windows=10, random_state=0)
    rates = notebook["rates"]
    mine = rates[rates["doc_id"] == INITIATIVE].set_index("category")["rate"]
    got = framing.drop_duplicates("statistic").set_index("statistic")["target_value"]
    np.testing.assert_allclose(got.reindex(mine.index), mine, rtol=1e-12)
    assert set(framing["comparator"]) == set(refs)


def test_caveats_are_generated_from_the_numbers(report):
    caveats = _csv(report, "caveats")["caveat"].tolist()
    assert any(c.startswith(f"This text is the same as corpus document(s) {INITIATIVE}") for c in caveats)
    assert any(c.startswith("Too short for topic claims") for c in caveats)
    assert any(re.match(r"No match at all for .*exact 95% upper bound", c) for c in caveats)


def test_a_rerun_is_byte_identical_and_the_shipped_corpus_is_unchanged(report, tmp_path, shipped_before):
    # one rerun, into a folder holding an earlier report (a copy of the first run, one file changed, one added):
    # it replaces that report and writes exactly the first run's bytes
    again = tmp_path / "again"
    shutil.copytree(report, again)
    (again / "report.html").write_text("an earlier report", encoding="utf-8")
    (again / "tables" / "gone.csv").write_text("a table the new report does not write", encoding="utf-8")
    assert compare(INITIATIVE_FILE, title="The initiative", out_dir=again, passage_texts=False) == again
    assert _tree_digest(again) == _tree_digest(report)
    assert _tree_digest(DEFAULT_CORPUS_DIR) == shipped_before


@pytest.mark.parametrize(
    ("content", "kwargs", "message"),
    [
        (None, {}, "does not exist"),
        (b"", {}, "empty"),
        (b"   \n\n  ", {}, "empty"),
        (b"caf\xe9 " + ENGLISH.encode(), {}, r"(?i)not valid UTF-8: byte 0xe9 at offset 3"),
        (b"text", {"encoding": "no-such-codec"}, "'no-such-codec': unknown encoding"),
        (
            "Les États doivent coopérer pour garder un Internet ouvert et sûr. ".encode() * 5,
            {},
            "not look like English",
        ),
        ("各国应当合作，保持互联网开放。".encode() * 20, {}, "not look like English"),
        (b"Open and secure.", {}, "only 3 tokens"),
        (ENGLISH.encode(), {"language": "fr"}, "English only"),
        (ENGLISH.encode(), {"date": "2021-13-01"}, r"field 'date'.*not a calendar date"),
        (ENGLISH.encode(), {"date": "21 May 2021"}, r"field 'date'.*malformed"),
        (ENGLISH.encode(), {"title": "  "}, "title must be a non-empty string"),
    ],
)
def test_bad_input_is_refused_with_the_packages_error(tmp_path, content, kwargs, message):
    file = tmp_path / "mine.txt"
    if content is not None:
        file.write_bytes(content)
    args = {"title": "Mine", "out_dir": tmp_path / "out", **kwargs}
    with pytest.raises(CorpusError, match=message):
        compare(file, **args)
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]  # nothing half-written


def test_a_folder_that_is_not_a_report_is_never_replaced(tmp_path):
    file = tmp_path / "mine.txt"
    file.write_text(ENGLISH, encoding="utf-8")
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "thesis.md").write_text("mine", encoding="utf-8")
    with pytest.raises(CorpusError, match="not a report folder"):
        compare(file, title="Mine", out_dir=mine)
    assert [p.name for p in mine.iterdir()] == ["thesis.md"]
    with pytest.raises(CorpusError, match="is a folder"):
        compare(tmp_path, title="Mine", out_dir=tmp_path / "out")


def test_auto_reads_a_legacy_code_page_as_corpus_add_does(tmp_path):
    # one meaning of --encoding auto in the package: detected (charset-normalizer), as in corpus add
    p = tmp_path / "doc.txt"
    p.write_bytes(("caf\xe9 " + ENGLISH).encode("cp1252"))
    assert read_document(p, encoding="auto") == read_user_text(p, encoding="auto")
    assert read_document(p, encoding="auto").startswith("caf\xe9 ")


def test_encodings(tmp_path):
    p = tmp_path / "doc.txt"
    p.write_bytes("\ufeffCafé policy".encode("utf-16"))
    assert read_document(p, encoding="auto") == "Café policy"
    p.write_bytes("Café policy\r\n".encode("cp1252"))
    assert read_document(p, encoding="cp1252") == "Café policy\n"
    with pytest.raises(CorpusError, match=r"(?i)not valid UTF-8"):
        read_document(p)


def test_command_line_refuses_bad_input_with_one_line(tmp_path, capsys):
    file = tmp_path / "fr.txt"
    file.write_text("Les États doivent coopérer pour garder un Internet ouvert et sûr. " * 5, encoding="utf-8")
    assert main(["compare", str(file), "--title", "Mine", "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {file}: does not look like English")
    assert err.count("\n") == 1


def test_figures_off_writes_the_same_tables_and_a_page_without_pictures(report, tmp_path):
    """``figures=False`` (``--no-figures``): the same tables to the byte, no figure files, a note per figure."""
    out = compare(INITIATIVE_FILE, title="The initiative", out_dir=tmp_path / "tables-only", passage_texts=False,
                  progress=False, figures=False)  # fmt: skip
    assert not [p.name for p in out.iterdir() if p.suffix in {".pdf", ".png", ".csv"}]
    assert _tree_digest(out / "tables") == _tree_digest(report / "tables")
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<img" not in page
    notes = re.findall(r"Figure not drawn \(figures=False\)\. .*? Its numbers: tables/([a-z-]+)\.csv\.", page)
    drawn = sorted(p.stem for p in report.iterdir() if p.suffix == ".png")
    assert len(notes) == len(drawn) == 6
    assert all((out / "tables" / f"{name}.csv").is_file() for name in notes)
    assert "not drawn (figures=False)" in page
    assert parser().parse_args(["compare", "doc.txt", "--title", "t", "--no-figures"]).no_figures is True
    assert parser().parse_args(["compare", "doc.txt", "--title", "t"]).no_figures is False
    with pytest.raises(CorpusError, match="figures must be True or False"):
        compare(INITIATIVE_FILE, title="x", out_dir=tmp_path / "bad", figures="no")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="figures must hold all of"):  # some figures but not all: refused
        render_html(None, {"keyness": b""}, title="x", settings={})  # type: ignore[arg-type]
