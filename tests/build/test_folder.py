"""Tests for :mod:`initiative_lib.build.folder`; all texts are invented."""

from __future__ import annotations

from pathlib import Path

import pytest

from initiative_lib.build.folder import read_text_folder
from initiative_lib.errors import CorpusError
from initiative_lib.progress import Progress, want_progress


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "texts"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_bytes(b"\xef\xbb\xbfFirst invented text.\r\n")
    (root / "sub" / "b.txt").write_text("Second invented text.\n", encoding="utf-8")
    (root / "notes.md").write_text("not a text file of the corpus", encoding="utf-8")
    return root


def write_csv(tmp_path: Path, text: str, name: str = "meta.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = 'doc_id,file,title\nd2,sub/b.txt,"Second, with a comma"\nd1,a.txt,First\n'


def test_reads_in_row_order(tmp_path: Path, folder: Path) -> None:
    items = list(read_text_folder(folder, write_csv(tmp_path, GOOD), progress=False))
    assert [meta for meta, _, _ in items] == [
        {"doc_id": "d2", "file": "sub/b.txt", "title": "Second, with a comma"},
        {"doc_id": "d1", "file": "a.txt", "title": "First"},
    ]
    assert [text for _, text, _ in items] == ["Second invented text.\n", "First invented text.\n"]
    assert (items[1][2].bom, items[1][2].crlf) == (1, 1)


def test_other_column_names_bom_and_blank_lines(tmp_path: Path, folder: Path) -> None:
    csv_path = tmp_path / "meta.csv"
    csv_path.write_bytes("\ufeffid,path\n\nx,a.txt\ny,sub/b.txt\n".encode())
    items = list(read_text_folder(folder, csv_path, id_column="id", file_column="path"))
    assert [m["id"] for m, _, _ in items] == ["x", "y"]


def test_quoted_newline_in_a_field(tmp_path: Path, folder: Path) -> None:
    csv_path = write_csv(tmp_path, 'doc_id,file,title\nd1,a.txt,"two\nlines"\nd2,sub/b.txt,x\n')
    assert [m["title"] for m, _, _ in read_text_folder(folder, csv_path)] == ["two\nlines", "x"]


@pytest.mark.parametrize(
    ("csv_text", "expected"),
    [
        ("doc_id,title\nd1,x\n", r"meta.csv, row 1: columns \['file'\] missing"),
        ("", r"meta.csv, row 1: no header row"),
        ("doc_id,file,doc_id\nd1,a.txt,x\n", r"row 1: columns \['doc_id'\] appear more than once"),
        ("doc_id,file\nd1,a.txt,extra\n", r"meta.csv, row 2: 3 fields; expected 2"),
        ("doc_id,file\nd1,a.txt\nd1,sub/b.txt\n", r"row 3, field 'doc_id': duplicate id 'd1' \(first at row 2\)"),
        ("doc_id,file\n,a.txt\n", r"row 2, field 'doc_id': value is empty"),
        ("doc_id,file\nd1,\n", r"row 2, field 'file': value is empty"),
        ("doc_id,file\nd1,missing.txt\n", r"row 2, field 'file': value 'missing.txt': file .* not found"),
        ("doc_id,file\nd1,../outside.txt\n", r"row 2, field 'file': value '../outside.txt' leaves the folder"),
        ("doc_id,file\nd1,sub/../../outside.txt\n", r"leaves the folder"),
        ("doc_id,file\nd1,/etc/hostname\n", r"value '/etc/hostname' is an absolute path"),
        ("doc_id,file\nd1,sub\n", r"value 'sub': file .* not found; expected an existing file"),
        ("doc_id,file\nd1,a.txt\nd2,./a.txt\n", r"row 3, field 'file': file './a.txt' is already listed at row 2"),
        ("doc_id,file\nd1,a.txt\n", r"1 text file\(s\) without a row in .*meta.csv: sub/b.txt; expected a row"),
    ],
)
def test_rejects(tmp_path: Path, folder: Path, csv_text: str, expected: str) -> None:
    (tmp_path / "outside.txt").write_text("outside", encoding="utf-8")
    csv_path = write_csv(tmp_path, csv_text)
    with pytest.raises(CorpusError, match=expected):
        read_text_folder(folder, csv_path)  # raises on the call, before any text is read


def test_many_unlisted_files_are_summarised(tmp_path: Path, folder: Path) -> None:
    for i in range(7):
        (folder / f"extra{i}.txt").write_text("x", encoding="utf-8")
    csv_path = write_csv(tmp_path, GOOD)
    with pytest.raises(CorpusError, match=r"7 text file\(s\) without a row .*extra4.txt and 2 more"):
        read_text_folder(folder, csv_path)


def test_missing_inputs_and_bad_encoding(tmp_path: Path, folder: Path) -> None:
    with pytest.raises(CorpusError, match="text folder not found"):
        read_text_folder(tmp_path / "nowhere", write_csv(tmp_path, GOOD))
    with pytest.raises(CorpusError, match="metadata CSV not found"):
        read_text_folder(folder, tmp_path / "nowhere.csv")
    bad = tmp_path / "latin1.csv"
    bad.write_bytes("doc_id,file\ncaf\xe9,a.txt\n".encode("latin-1"))
    with pytest.raises(CorpusError, match=r"latin1.csv: not valid UTF-8"):
        read_text_folder(folder, bad)


def test_text_with_bad_bytes_is_counted(tmp_path: Path, folder: Path) -> None:
    (folder / "a.txt").write_bytes(b"caf\xe9\n")
    items = dict((m["doc_id"], (t, r)) for m, t, r in read_text_folder(folder, write_csv(tmp_path, GOOD)))
    assert items["d1"][0] == "caf\ufffd\n"
    assert items["d1"][1].undecodable_bytes == 1


def test_progress(tmp_path: Path, folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    list(read_text_folder(folder, write_csv(tmp_path, GOOD), progress=True))
    assert "read: 100%" in capsys.readouterr().err  # a tqdm bar
    list(read_text_folder(folder, write_csv(tmp_path, GOOD)))  # not a terminal under pytest
    assert capsys.readouterr().err == ""


def test_progress_helpers(capsys: pytest.CaptureFixture[str]) -> None:
    assert want_progress(True) is True
    with pytest.raises(TypeError, match="progress must be True, False or None"):
        want_progress(1)  # type: ignore[arg-type]
    bar = Progress("x", 5, enabled=True, every=2)
    for _ in range(5):
        bar.step()
    bar.done()
    assert "x: 100%" in capsys.readouterr().err
    assert bar.count == 5


def test_the_command_line_checks_a_folder(tmp_path, capsys):
    from initiative_lib.cli import main

    (tmp_path / "a.txt").write_text("Cyber norms matter.\n", encoding="utf-8")
    (tmp_path / "meta.csv").write_text("doc_id,file\nd1,a.txt\n", encoding="utf-8")
    assert main(["corpus", "check-folder", str(tmp_path), str(tmp_path / "meta.csv")]) == 0
    assert capsys.readouterr().out == "folder readable: 1 texts, 3 tokens after clean-up\n"
    (tmp_path / "meta.csv").write_text("doc_id,file\nd1,missing.txt\n", encoding="utf-8")
    assert main(["corpus", "check-folder", str(tmp_path), str(tmp_path / "meta.csv")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert "missing.txt" in err
