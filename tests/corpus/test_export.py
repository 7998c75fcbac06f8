"""Tests for initiative_lib.corpus.export: Matrix Market + CSV and Parquet read back exactly."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import scipy.io
import scipy.sparse as sp

from initiative_lib.corpus.export import check_prefix, export_matrix, write_files_atomically
from initiative_lib.corpus.matrix import DocumentTermMatrix
from initiative_lib.datasets import synthetic_dtm


def _small() -> DocumentTermMatrix:
    counts = sp.csr_matrix(np.array([[2, 0, 1], [0, 0, 0], [0, 3, 0]], dtype=np.int64))
    rows = pd.DataFrame(
        {"doc_id": ["a", "a", "b"], "seg_no": [1, 2, 1], "n_tokens": [3, 0, 3], "group": ["x", "x", "NA"]}
    )
    # terms that CSV readers like to turn into missing values or numbers
    return DocumentTermMatrix(counts, rows, pd.Index(["NA", "null", "0x1"]), level="segment")


def test_exact_small_case(tmp_path):
    files = export_matrix(_small(), tmp_path)
    assert [f.name for f in files] == [
        "dtm.mtx",
        "dtm_rows.csv",
        "dtm_terms.csv",
        "dtm_counts.parquet",
        "dtm_rows.parquet",
        "dtm.json",
    ]
    mtx = (tmp_path / "dtm.mtx").read_text().splitlines()
    assert mtx[0] == "%%MatrixMarket matrix coordinate integer general"
    body = [line for line in mtx if not line.startswith("%")]
    assert body == ["3 3 3", "1 1 2", "1 3 1", "3 2 3"]
    assert (tmp_path / "dtm_rows.csv").read_text() == (
        "row,doc_id,seg_no,n_tokens,group\n1,a,1,3,x\n2,a,2,0,x\n3,b,1,3,NA\n"
    )
    assert (tmp_path / "dtm_terms.csv").read_text() == "column,term\n1,NA\n2,null\n3,0x1\n"
    long = pd.read_parquet(tmp_path / "dtm_counts.parquet")
    expected = {"row": [1, 1, 3], "column": [1, 3, 2], "term": ["NA", "0x1", "null"], "count": [2, 1, 3]}
    assert long.to_dict("list") == expected
    meta = json.loads((tmp_path / "dtm.json").read_text())
    assert meta["shape"] == [3, 3]
    assert meta["nonzero"] == 3
    assert meta["total"] == 6
    assert meta["level"] == "segment"


def test_round_trip_with_other_readers(tmp_path):
    dtm, _ = synthetic_dtm(n_docs=12, n_terms=40, k=3, random_state=3)
    export_matrix(dtm, tmp_path, prefix="synth")
    # scipy's Matrix Market reader (the format R's Matrix::readMM reads)
    back = sp.csr_matrix(scipy.io.mmread(tmp_path / "synth.mtx"))
    assert back.dtype.kind == "i"
    assert (back != dtm.counts).nnz == 0
    rows = pd.read_csv(tmp_path / "synth_rows.csv", keep_default_na=False, dtype={"doc_id": str})
    assert rows["row"].tolist() == list(range(1, dtm.shape[0] + 1))
    pd.testing.assert_frame_equal(rows.drop(columns="row"), dtm.rows.reset_index(drop=True), check_dtype=False)
    terms = pd.read_csv(tmp_path / "synth_terms.csv", keep_default_na=False, dtype={"term": str})
    assert terms["term"].tolist() == dtm.vocab.tolist()
    # Parquet through pyarrow: long counts rebuild the matrix; row metadata keeps its types
    long = pq.read_table(tmp_path / "synth_counts.parquet").to_pandas()
    rebuilt = sp.csr_matrix((long["count"], (long["row"] - 1, long["column"] - 1)), shape=dtm.shape)
    assert (rebuilt != dtm.counts).nnz == 0
    assert (dtm.vocab[long["column"] - 1] == long["term"]).all()
    meta_rows = pd.read_parquet(tmp_path / "synth_rows.parquet")
    assert meta_rows["year"].dtype.kind == "i"
    assert meta_rows.drop(columns="row")["doc_id"].tolist() == dtm.rows["doc_id"].tolist()


def test_bytes_are_deterministic(tmp_path):
    dtm, _ = synthetic_dtm(n_docs=8, n_terms=30, k=2, random_state=0)
    export_matrix(dtm, tmp_path / "a")
    export_matrix(dtm, tmp_path / "b")
    for path in sorted((tmp_path / "a").iterdir()):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def test_formats_select_files(tmp_path):
    files = export_matrix(_small(), tmp_path, formats=["parquet"], prefix="p")
    assert [f.name for f in files] == ["p_counts.parquet", "p_rows.parquet", "p.json"]


def test_preprocessing_record_is_kept(tmp_path):
    from initiative_lib.methods.preprocess import PreprocessConfig, preprocess

    dtm, _ = synthetic_dtm(n_docs=8, n_terms=30, k=2, random_state=0)
    pp = preprocess(dtm, PreprocessConfig(min_df=2))
    export_matrix(pp, tmp_path)
    meta = json.loads((tmp_path / "dtm.json").read_text())
    assert meta["preprocessing"]["config"]["min_df"] == 2


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"prefix": "../x"}, ValueError, "prefix must be a file-name stem"),
        ({"prefix": ""}, ValueError, "prefix must be a file-name stem"),
        ({"formats": ["csv"]}, ValueError, "formats must be a non-empty list drawn from ['mtx', 'parquet']"),
        ({"formats": "mtx"}, ValueError, "formats must be a non-empty list"),
        ({"formats": []}, ValueError, "formats must be a non-empty list"),
    ],
)
def test_bad_arguments(tmp_path, kwargs, error, message):
    with pytest.raises(error, match=__import__("re").escape(message)):
        export_matrix(_small(), tmp_path, **kwargs)
    assert list(tmp_path.iterdir()) == []


def test_bad_matrices(tmp_path):
    with pytest.raises(TypeError, match="dtm must be a DocumentTermMatrix; got csr_matrix"):
        export_matrix(sp.csr_matrix(np.eye(2)), tmp_path)  # type: ignore[arg-type]
    small = _small()
    negative = DocumentTermMatrix(-small.counts, small.rows, small.vocab)
    with pytest.raises(ValueError, match="must not be negative; got a minimum of -3"):
        export_matrix(negative, tmp_path)
    frac = DocumentTermMatrix(small.counts.astype(float) * 0.5, small.rows, small.vocab)
    with pytest.raises(ValueError, match="whole numbers"):
        export_matrix(frac, tmp_path)
    clash = DocumentTermMatrix(small.counts, small.rows.assign(row=1), small.vocab)
    with pytest.raises(ValueError, match="column named 'row'"):
        export_matrix(clash, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_writes_are_all_or_nothing(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_bytes(b"old")

    import os

    real = os.fdopen
    calls = {"n": 0}

    def failing(fd, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            os.close(fd)
            raise OSError("disk full")
        return real(fd, *args, **kwargs)

    monkeypatch.setattr(os, "fdopen", failing)
    with pytest.raises(OSError, match="disk full"):
        write_files_atomically(tmp_path, {"a.txt": b"new", "b.txt": b"new"})
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]
    assert (tmp_path / "a.txt").read_bytes() == b"old"


def test_check_prefix():
    assert check_prefix("dtm_2020.v1") == "dtm_2020.v1"
    for bad in (".hidden", "a/b", "a b", 3, None):
        with pytest.raises(ValueError, match="prefix must be"):
            check_prefix(bad)
