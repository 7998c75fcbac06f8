"""The optional, recorded mojibake repair of the corpus build (issue 11).

Every text below is invented for the tests; no text of the mirror is used.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import ftfy
import pytest
from helpers import MIRROR, needs_mirror

from initiative_lib.build import from_mirror as build
from initiative_lib.build.sources import netmundial
from initiative_lib.cli import parser
from initiative_lib.corpus import schema
from initiative_lib.corpus.load import read_checksums, verify_checksums
from initiative_lib.text.cleaning import repair_mojibake

#: "the Internet’s future" as UTF-8 bytes read as Windows-1252: the curly apostrophe becomes three characters
DOUBLE = "the Internet\u00e2\u20ac\u2122s future"
REPAIRED = "the Internet\u2019s future"


# ---------------------------------------------------------------- the step
def test_double_encoded_line_is_repaired_and_counted() -> None:
    assert repair_mojibake(f"{DOUBLE}\nplain line\ncaf\u00c3\u00a9") == (f"{REPAIRED}\nplain line\ncaf\u00e9", 2)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "plain ASCII\nlines\n",
        "caf\u00e9 and na\u00efve",
        "the Internet\u2019s future",
        "\u0645\u0631\u062d\u0628\u0627",
    ],
)
def test_clean_text_is_untouched(text: str) -> None:
    assert repair_mojibake(text) == (text, 0)


def test_repair_record_counts_files_and_lines() -> None:
    repair = build.MojibakeRepair()
    assert repair("a.txt", f"{DOUBLE}\n{DOUBLE}\nplain") == f"{REPAIRED}\n{REPAIRED}\nplain"
    assert repair("b.txt", "plain") == "plain"
    assert repair("c.txt", DOUBLE) == REPAIRED
    record = repair.record()
    assert record["tool"] == "ftfy"
    assert record["version"] == ftfy.__version__
    assert (record["files"], record["lines"]) == (2, 3)
    assert record["lines_per_file"] == {"a.txt": 2, "c.txt": 1}


def test_missing_ftfy_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_ftfy(name: str, *args: object, **kwargs: object) -> object:
        if name == "ftfy":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_ftfy)
    with pytest.raises(ImportError, match=r"ftfy.*initiative-lib\[repair\]"):
        repair_mojibake(DOUBLE)


def test_cli_documents_the_option() -> None:
    build_parser = parser()._subparsers._group_actions[0].choices["corpus"]  # type: ignore[union-attr]
    helptext = build_parser._subparsers._group_actions[0].choices["build"].format_help()  # type: ignore[union-attr]
    assert "--repair-mojibake" in helptext
    assert "build.json" in helptext
    assert parser().parse_args(["corpus", "build", "--mirror", "m"]).repair_mojibake is False
    assert parser().parse_args(["corpus", "build", "--mirror", "m", "--repair-mojibake"]).repair_mojibake is True


# ---------------------------------------------------------------- the UNGDC part of the build
def _speech_mirror(tmp_path: Path) -> Path:
    mirror = tmp_path / "mirror"
    folder = mirror / build.UNGDC_DIR / "73-2018"
    folder.mkdir(parents=True)
    (folder / "FRA_73_2018.txt").write_text(f"We seek peace.\n\nWe shape {DOUBLE}.\n", encoding="utf-8")
    (folder / "USA_73_2018.txt").write_text("Cyberspace must stay open.\n", encoding="utf-8")
    return mirror


def _cyber_rows(out: Path) -> list[dict[str, str]]:
    with (out / build.UNGDC_DIR / "cyber_paragraphs.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_ungdc_repair_changes_what_the_rule_sees(tmp_path: Path) -> None:
    mirror = _speech_mirror(tmp_path)
    build.build_ungdc(mirror, tmp_path / "plain")
    # the mojibake letter makes "Internetâ" one word: the Internet pattern does not match
    assert [(r["doc_id"], r["patterns"]) for r in _cyber_rows(tmp_path / "plain")] == [("ungdc-USA-73-2018", "cyber")]
    repair = build.MojibakeRepair()
    build.build_ungdc(mirror, tmp_path / "repaired", repair=repair)
    assert [(r["doc_id"], r["paragraph"], r["patterns"]) for r in _cyber_rows(tmp_path / "repaired")] == [
        ("ungdc-FRA-73-2018", "2", "internet"),
        ("ungdc-USA-73-2018", "1", "cyber"),
    ]
    assert repair.lines == {"ungdc/73-2018/FRA_73_2018.txt": 1}


# ---------------------------------------------------------------- the whole build, on part of the mirror
@needs_mirror
@pytest.mark.mirror
def test_build_records_the_repair_and_default_is_unchanged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    catalogue = build.read_catalogue()
    chosen = [r for r in catalogue if r["include"] == "true"][:2]
    monkeypatch.setattr(build, "read_catalogue", lambda *args, **kwargs: chosen)
    monkeypatch.setattr(netmundial, "submission_ids", lambda folder: ["001", "002"])
    monkeypatch.setattr(build, "UNGDC_DIR", "not-built-here")
    repaired = build.build_corpus(MIRROR, tmp_path / "repaired", repair_mojibake=True)
    record = json.loads((repaired / build.BUILD_RECORD_FILE).read_text(encoding="utf-8"))["mojibake_repair"]
    assert record["tool"] == "ftfy"
    assert record["version"] == ftfy.__version__
    # none of these sources is double-encoded: the repair is recorded, and changes nothing
    assert (record["files"], record["lines"], record["lines_per_file"]) == (0, 0, {})
    assert build.BUILD_RECORD_FILE in read_checksums(repaired)
    verify_checksums(repaired)

    plain = build.build_corpus(MIRROR, tmp_path / "plain")
    assert not (plain / build.BUILD_RECORD_FILE).exists()
    assert build.BUILD_RECORD_FILE not in read_checksums(plain)
    for rel in read_checksums(plain):
        assert (plain / rel).read_bytes() == (repaired / rel).read_bytes(), rel
    # a default build over a repaired corpus removes the stale record
    build.build_corpus(MIRROR, repaired)
    assert not (repaired / build.BUILD_RECORD_FILE).exists()
    assert (repaired / schema.CHECKSUMS_FILE).read_bytes() == (plain / schema.CHECKSUMS_FILE).read_bytes()
