"""Command line: ``python -m initiative_lib corpus {build,validate,add,fetch}``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _build(args: argparse.Namespace) -> int:
    from initiative_lib.build.from_mirror import build_corpus
    from initiative_lib.paths import corpus_dir

    out = build_corpus(args.mirror, corpus_dir(args.out), seeds=args.seeds)
    sys.stdout.write(f"built corpus in {out}\n")
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
        corpus_dir=args.corpus_dir,
    )
    sys.stdout.write(f"added {row['doc_id']}: {row['n_segments']} segments, {row['n_tokens']} tokens\n")
    return 0


def _fetch(args: argparse.Namespace) -> int:
    from initiative_lib.build.fetch import fetch_texts

    paths = fetch_texts(cache_dir=args.cache_dir, mirror=args.mirror, corpus_dir=args.corpus_dir)
    sys.stdout.write(f"{len(paths)} source files verified in the cache\n")
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser of the command line."""
    top = argparse.ArgumentParser(prog="python -m initiative_lib", description=__doc__)
    sub = top.add_subparsers(dest="area", required=True)
    corpus = sub.add_parser("corpus", help="build, check, extend or fetch the corpus")
    cmds = corpus.add_subparsers(dest="command", required=True)

    b = cmds.add_parser("build", help="regenerate every derived corpus file from the offline mirror")
    b.add_argument("--mirror", required=True, help="the mirror folder, e.g. ../shared/corpora")
    b.add_argument("--out", default=None, help="corpus folder to write (default: $INITIATIVE_CORPUS or corpus/)")
    b.add_argument("--seeds", default=None, help="folder of the initiative's news report (default: <mirror>/../seeds)")
    b.set_defaults(func=_build)

    v = cmds.add_parser("validate", help="check the corpus folder; exit 1 with a message on the first problem")
    v.add_argument("--corpus-dir", default=None)
    v.set_defaults(func=_validate)

    a = cmds.add_parser("add", help="add your own document (UTF-8 text) to the corpus")
    a.add_argument("file")
    a.add_argument("--doc-id", required=True)
    a.add_argument("--title", required=True)
    a.add_argument("--issuer", required=True)
    a.add_argument("--date", required=True, help="YYYY-MM-DD")
    a.add_argument("--date-precision", default="day", choices=["day", "month", "year"])
    a.add_argument("--issuer-type", default="government")
    a.add_argument("--country", default="", help="ISO 3166-1 alpha-3, e.g. CHN")
    a.add_argument("--language", default="en")
    a.add_argument("--group", default="user")
    a.add_argument("--licence", default="user-supplied")
    a.add_argument("--notes", default="")
    a.add_argument("--corpus-dir", default=None)
    a.set_defaults(func=_add)

    f = cmds.add_parser("fetch", help="download the upstream source files (full texts) into the cache")
    f.add_argument("--cache-dir", default=None)
    f.add_argument("--mirror", default=None, help="copy from this mirror folder instead of the network")
    f.add_argument("--corpus-dir", default=None)
    f.set_defaults(func=_fetch)

    c = sub.add_parser("compare", help="compare a document with the corpus; write a report folder")
    c.add_argument("file")
    c.add_argument("--title", required=True)
    c.add_argument("--date", default=None, help="YYYY-MM-DD")
    c.add_argument("--encoding", default="utf-8", help="utf-8 (default), auto, or a codec such as cp1252")
    c.add_argument("--language", default=None, help="en skips the language check")
    c.add_argument("--out", default=None, help="report folder (default: ./report-<file stem>)")
    c.add_argument("--corpus-dir", default=None)
    c.set_defaults(func=_compare)
    return top


def _compare(args: argparse.Namespace) -> int:
    from initiative_lib.report import compare

    out = compare(args.file, title=args.title, date=args.date, encoding=args.encoding, language=args.language,
                  out_dir=args.out, corpus_dir=args.corpus_dir)  # fmt: skip
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
