"""Command line: ``python -m initiative_lib corpus {build,validate,add,fetch}``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _build(args: argparse.Namespace) -> int:
    from initiative_lib.build.from_mirror import build_corpus
    from initiative_lib.paths import corpus_dir

    out = build_corpus(args.mirror, corpus_dir(args.out), seeds=args.seeds, repair_mojibake=args.repair_mojibake)
    note = " (mojibake repaired with ftfy; see build.json)" if args.repair_mojibake else ""
    sys.stdout.write(f"built corpus in {out}{note}\n")
    return 0


def _check_folder(args: argparse.Namespace) -> int:
    from initiative_lib.build.folder import read_text_folder
    from initiative_lib.text.tokens import tokenize

    n_texts = n_tokens = 0
    for _meta, text, _record in read_text_folder(
        args.folder, args.metadata, id_column=args.id_column, file_column=args.file_column
    ):
        n_texts += 1
        n_tokens += len(tokenize(text))
    sys.stdout.write(f"folder readable: {n_texts} texts, {n_tokens} tokens after clean-up\n")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from initiative_lib.corpus.load import validate_corpus

    counts = validate_corpus(corpus_dir=args.corpus_dir)
    sys.stdout.write(
        f"corpus valid: {counts['documents']} documents, {counts['segments']} segments, "
        f"{counts['files']} files checked\n"
    )
    return 0


def _add(args: argparse.Namespace) -> int:
    from initiative_lib.build.add import add_document

    row = add_document(
        args.file,
        doc_id=args.doc_id,
        title=args.title,
        issuer=args.issuer,
        date=args.date,
        issuer_type=args.issuer_type,
        country=args.country,
        language=args.language,
        group=args.group,
        licence=args.licence,
        date_precision=args.date_precision,
        notes=args.notes,
        encoding=args.encoding,
        corpus_dir=args.corpus_dir,
    )
    sys.stdout.write(f"added {row['doc_id']}: {row['n_segments']} segments, {row['n_tokens']} tokens\n")
    if args.encoding != "utf-8":
        sys.stdout.write(f"encoding: {row['notes'].rsplit('; ', 1)[-1]}\n")
    return 0


def _fetch(args: argparse.Namespace) -> int:
    from initiative_lib.build.fetch import fetch_texts

    paths = fetch_texts(cache_dir=args.cache_dir, mirror=args.mirror, corpus_dir=args.corpus_dir)
    sys.stdout.write(f"{len(paths)} source files verified in the cache\n")
    return 0


def _choices(values: object) -> list[str]:
    return sorted(values)  # type: ignore[call-overload]


def parser() -> argparse.ArgumentParser:
    """The argument parser of the command line."""
    import initiative_lib
    from initiative_lib.corpus import schema

    top = argparse.ArgumentParser(prog="python -m initiative_lib", description=__doc__)
    top.add_argument("--version", action="version", version=f"initiative_lib {initiative_lib.__version__}")
    sub = top.add_subparsers(dest="area", required=True, help="the part of the package to use")
    corpus = sub.add_parser("corpus", help="build, check, extend or fetch the corpus")
    cmds = corpus.add_subparsers(dest="command", required=True, help="what to do with the corpus")
    corpus_help = "the corpus folder (default: $INITIATIVE_CORPUS, else the package's corpus/)"

    b = cmds.add_parser("build", help="regenerate every derived corpus file from the offline mirror")
    b.add_argument("--mirror", required=True, help="the mirror folder, e.g. ../shared/corpora")
    b.add_argument("--out", default=None, help="corpus folder to write (default: $INITIATIVE_CORPUS or corpus/)")
    b.add_argument("--seeds", default=None, help="folder of the initiative's news report (default: <mirror>/../seeds)")
    b.add_argument(
        "--repair-mojibake",
        action="store_true",
        help="optional clean-up step, off by default: repair double-encoded text (UTF-8 read as Windows-1252 or "
        "Latin-1) with ftfy before the other steps, and record in build.json that ftfy (with its version) ran and "
        "how many lines of which files it changed; the corpus then differs from the shipped one. Needs ftfy "
        "(pip install 'initiative-lib[repair]')",
    )
    b.set_defaults(func=_build)

    v = cmds.add_parser("validate", help="check the corpus folder; exit 1 with a message on the first problem")
    v.add_argument("--corpus-dir", default=None, help=corpus_help)
    v.set_defaults(func=_validate)

    r = cmds.add_parser(
        "check-folder", help="check a folder of your own texts and its metadata CSV (before adding or counting them)"
    )
    r.add_argument("folder", help="the folder of plain-text files")
    r.add_argument("metadata", help="a UTF-8 CSV with one row per text")
    r.add_argument("--id-column", default="doc_id", help="the CSV column with each text's unique id (default doc_id)")
    r.add_argument("--file-column", default="file", help="the CSV column with each text's path in the folder")
    r.set_defaults(func=_check_folder)

    a = cmds.add_parser("add", help="add your own document (a text file) to the corpus, all or nothing")
    a.add_argument("file", help="the text file to add (UTF-8 unless --encoding says otherwise)")
    a.add_argument(
        "--doc-id",
        required=True,
        help="a new id: 1 to 80 characters, lower-case letters, digits, '.', '_' or '-', "
        "starting with a letter or digit",
    )
    a.add_argument("--title", required=True, help="the document's title")
    a.add_argument("--issuer", required=True, help="who issued the document")
    a.add_argument("--date", required=True, help="YYYY-MM-DD (first day of the month or year for coarser dates)")
    a.add_argument("--date-precision", default="day", choices=_choices(schema.DATE_PRECISIONS), help="%(choices)s")
    a.add_argument(
        "--issuer-type",
        default="government",
        choices=_choices(schema.ISSUER_TYPES),
        metavar="TYPE",
        help="one of %(choices)s",
    )
    a.add_argument("--country", default="", help="ISO 3166-1 alpha-3 code, e.g. CHN (default: none)")
    a.add_argument("--language", default="en", help="ISO 639-1 code (default: en)")
    a.add_argument(
        "--group", default="user", choices=_choices(schema.GROUPS), metavar="GROUP", help="one of %(choices)s"
    )
    a.add_argument(
        "--licence",
        default="user-supplied",
        choices=_choices(schema.LICENCES),
        metavar="LICENCE",
        help="one of %(choices)s",
    )
    a.add_argument("--notes", default="", help="free text stored in the notes column")
    a.add_argument(
        "--encoding",
        default="utf-8",
        help="the file's encoding, e.g. utf-8 (default), cp1252, utf-16-le; 'auto' detects it with "
        "charset-normalizer and records it in notes",
    )
    a.add_argument("--corpus-dir", default=None, help=corpus_help)
    a.set_defaults(func=_add)

    f = cmds.add_parser("fetch", help="download the upstream source files (full texts) into the cache")
    f.add_argument(
        "--cache-dir", default=None, help="where to store them (default: $INITIATIVE_DATA or the user cache)"
    )
    f.add_argument("--mirror", default=None, help="copy from this mirror folder instead of the network")
    f.add_argument("--corpus-dir", default=None, help=corpus_help)
    f.set_defaults(func=_fetch)

    c = sub.add_parser("compare", help="compare a document with the corpus; write a report folder")
    c.add_argument("file", help="the document: a plain-text file in English")
    c.add_argument("--title", required=True, help="the document's title, shown in the report")
    c.add_argument("--date", default=None, help="the document's date, YYYY-MM-DD (optional)")
    c.add_argument("--encoding", default="utf-8", help="utf-8 (default), auto, or a codec such as cp1252")
    c.add_argument("--language", default=None, help="en skips the language check")
    c.add_argument("--out", default=None, help="report folder (default: ./report-<file stem>)")
    c.add_argument(
        "--corpus-dir", default=None, help="corpus to compare with (default: $INITIATIVE_CORPUS, then the shipped one)"
    )
    c.add_argument("--no-figures", action="store_true", help="write the tables and the page without drawing figures")
    c.set_defaults(func=_compare)
    return top


def _compare(args: argparse.Namespace) -> int:
    from initiative_lib.report import compare

    out = compare(args.file, title=args.title, date=args.date, encoding=args.encoding, language=args.language,
                  out_dir=args.out, corpus_dir=args.corpus_dir, figures=not args.no_figures)  # fmt: skip
    sys.stdout.write(f"report written to {out / 'report.html'}\n")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; problems with the input exit 1 with one clear message."""
    from initiative_lib.errors import CorpusError

    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (CorpusError, OSError) as err:
        sys.stderr.write(f"error: {err}\n")
        return 1
