"""Compare any document with the corpus in one call: :func:`compare`.

The document is added to a temporary copy of the corpus (the shipped folder
is never written), the study's pipeline runs with it as the target
(:func:`~initiative_lib.report.tables.report_tables`), and one folder is
written: ``report.html`` (self-contained), every figure as PDF, PNG and CSV
(:func:`~initiative_lib.plots.save_figure`) and every table as CSV under
``tables/``. The folder is written completely or not at all.

A document whose text equals one the corpus already ships (the initiative,
say) is compared *as if it were new*: that corpus document is left out of
every comparison, so the document is not found nearest to itself and the
topic model is the one the notebooks fit.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from initiative_lib.build.add import add_document, read_user_text
from initiative_lib.checks import check_int
from initiative_lib.corpus.load import open_corpus, text_segments
from initiative_lib.corpus.matrix import document_term_matrix
from initiative_lib.errors import CorpusError
from initiative_lib.paths import corpus_dir as resolve_corpus_dir
from initiative_lib.plots.compare import plot_dictionary_profile, plot_keyness, plot_keyness_panels
from initiative_lib.plots.style import figure_style, save_figure
from initiative_lib.plots.topics import plot_topic_mix
from initiative_lib.progress import want_progress
from initiative_lib.report.figures import plot_reference_ranges
from initiative_lib.report.html import render_html
from initiative_lib.report.language import check_language
from initiative_lib.report.tables import TARGET_LABEL, ReportTables, report_tables

PathLike = str | os.PathLike[str]
#: the id the document gets in the temporary corpus
USER_DOC_ID = "user-document"
#: the environment variable naming the default output folder's parent
REPORTS_ENV = "INITIATIVE_REPORTS"
STEPS = ("read", "copy corpus", "add document", "count corpus", "profile", "framing", "length-matched framing",
         "topic model", "topics", "similarity", "length-matched similarity", "passages", "figures",
         "write")  # fmt: skip


def read_document(path: PathLike, *, encoding: str = "utf-8") -> str:
    r"""Read a user's document exactly as ``corpus add`` does (:func:`initiative_lib.build.read_user_text`).

    ``encoding`` is ``"utf-8"`` (the default), ``"auto"`` (detected with
    charset-normalizer; a byte-order mark is followed) or a Python codec name;
    decoding is strict and the text is normalised (no byte-order mark, ``\n``
    line ends, NFC).

    Raises
    ------
    CorpusError
        The file is missing, or does not decode (the message names the file,
        the byte offset and the encoding tried).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = Path(tmp) / "doc.txt"
    ...     _ = p.write_bytes("\ufeffOpen cyberspace".encode("utf-16"))
    ...     read_document(p, encoding="auto")
    'Open cyberspace'
    """
    if not isinstance(encoding, str) or not encoding:
        msg = f"encoding must be 'utf-8', 'auto' or a codec name such as 'cp1252'; got {encoding!r}"
        raise CorpusError(msg)
    return read_user_text(path, encoding=encoding)


def _duplicates(root: Path, text: str) -> list[str]:
    """Corpus documents that ship the same text (same segments) as ``text``."""
    corpus = open_corpus(corpus_dir=root, validate=False)
    mine = text_segments(text)
    out = []
    for doc_id in corpus.manifest["doc_id"].astype(str):
        shipped = corpus.text_of(doc_id)
        if shipped is not None and text_segments(shipped) == mine:
            out.append(doc_id)
    return out


def _free_id(root: Path) -> str:
    used = set(open_corpus(corpus_dir=root, validate=False).manifest["doc_id"].astype(str))
    doc_id, n = USER_DOC_ID, 1
    while doc_id in used:
        n += 1
        doc_id = f"{USER_DOC_ID}-{n}"
    return doc_id


def _default_out(path: Path) -> Path:
    stem = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "document"
    base = os.environ.get(REPORTS_ENV)
    return (Path(base).expanduser() if base else Path.cwd()) / f"report-{stem}"


def _write_figures(t: ReportTables, folder: Path) -> dict[str, bytes]:
    made: dict[str, bytes] = {}

    def keep(fig: plt.Figure, name: str) -> None:
        paths = save_figure(fig, name, directory=folder, show=False)
        plt.close(fig)
        made[name] = paths["png"].read_bytes()

    with figure_style():
        keep(plot_keyness(t.keyness, n=12, labels=("this document", "all other documents")), "keyness")
        keep(plot_keyness_panels(t.keyness_groups, n=8, target_label="this document"), "keyness-groups")
        keep(plot_dictionary_profile(t.framing_profile, by="group"), "framing")
        keep(
            plot_reference_ranges(t.framing, value="rate", label="category", panel="group", xlabel="per 1,000 tokens"),
            "framing-windows",
        )
        keep(plot_topic_mix(t.topic_mix, labels=t.topic_labels), "topic-mix")
        keep(plot_reference_ranges(t.nearest_groups, value="cosine", xlabel="cosine (TF-IDF)"), "nearest-groups")
    return made


def _write_tables(t: ReportTables, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    named: dict[str, pd.DataFrame] = {
        "profile": t.profile,
        "terms": t.terms,
        "phrases": t.phrases,
        "keyness": t.keyness,
        "keyness-groups": t.keyness_groups,
        "framing": t.framing,
        "framing-profile": t.framing_profile,
        "topic-shares": t.topic_shares,
        "topic-mix": t.topic_mix.reset_index(names="series"),
        "topic-distances": t.topic_distances,
        "nearest-documents": t.nearest_documents,
        "nearest-groups": t.nearest_groups,
        "passages": t.passages,
        "caveats": pd.DataFrame({"caveat": t.caveats}, dtype=object),
    }
    for name, df in named.items():
        df.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n", float_format="%.6g")


def _refuse_non_report(out: Path) -> None:
    """Raise if ``out`` exists and is not a report folder (a report replaces only an earlier report)."""
    if out.exists() and not (out / "report.html").is_file():
        msg = f"{out}: exists and is not a report folder (no report.html); choose another --out"
        raise CorpusError(msg)


def _install(tmp: Path, out: Path) -> None:
    """Move the finished folder ``tmp`` to ``out``, replacing an earlier report there."""
    if out.exists():
        try:
            _refuse_non_report(out)
        except CorpusError:
            shutil.rmtree(tmp)
            raise
        old = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.old-"))
        os.replace(out, old / "report")
        os.replace(tmp, out)
        shutil.rmtree(old)
    else:
        os.replace(tmp, out)


def compare(
    path: PathLike,
    *,
    title: str,
    date: str | None = None,
    encoding: str = "utf-8",
    language: str | None = None,
    out_dir: PathLike | None = None,
    corpus_dir: PathLike | None = None,
    random_state: int = 2020,
    progress: bool | None = None,
    passage_texts: bool = True,
    cache: PathLike | None = None,
    figures: bool = True,
) -> Path:
    """Compare one document with the corpus and write a self-contained report folder.

    Parameters
    ----------
    path : path
        The document, a text file.
    title : str
        Its title (shown in the report).
    date : str, optional
        ``YYYY-MM-DD``; checked as ``corpus add`` checks it. Unknown by default.
    encoding : str
        ``"utf-8"`` (strict, the default), ``"auto"`` (byte-order mark, else
        UTF-8) or a codec name; see :func:`read_document`.
    language : str, optional
        ``None`` checks that the text is English
        (:func:`~initiative_lib.report.language.check_language`); ``"en"``
        skips the check; other languages are refused.
    out_dir : path, optional
        The report folder; else ``$INITIATIVE_REPORTS/report-<file stem>``, else
        ``./report-<file stem>``. An earlier report there is replaced; any
        other existing folder is refused.
    corpus_dir : path, optional
        The corpus compared with (argument, ``$INITIATIVE_CORPUS``, the shipped
        one). It is copied, never written.
    random_state : int
        Seed of the length-matched windows and bootstraps.
    progress : bool, optional
        A progress bar on standard error (default: when it is a terminal).
    passage_texts : bool
        Show the comparison segments' text in the alignment when their
        sources are in the fetch cache.
    cache : path, optional
        The user cache (argument, ``$INITIATIVE_DATA``, ``~/.cache/initiative_lib``).
    figures : bool
        Draw the figures (default). ``False`` writes the same tables and a page
        without pictures, about half the time: for many documents in a loop,
        or when only the numbers are read.

    Returns
    -------
    Path
        The report folder, holding ``report.html``, the figures (PDF, PNG and
        CSV each, unless ``figures=False``) and ``tables/``.

    Raises
    ------
    CorpusError
        Every error of ``corpus add`` (unreadable, empty or non-UTF-8 file,
        bad date), a non-English text, or an ``out_dir`` that is not a report.

    Examples
    --------
    >>> from initiative_lib.paths import DEFAULT_CORPUS_DIR
    >>> folder = compare(DEFAULT_CORPUS_DIR / "texts" / "wic-initiative-2020.txt",
    ...                  title="The initiative", out_dir="report-initiative")  # doctest: +SKIP
    >>> sorted(p.name for p in folder.glob("*.html"))  # doctest: +SKIP
    ['report.html']
    """
    with warnings.catch_warnings():  # tqdm.auto warns in a kernel without ipywidgets, then uses the text bar
        warnings.simplefilter("ignore")
        from tqdm.auto import tqdm

    if not isinstance(title, str) or not title.strip():
        msg = f"title must be a non-empty string; got {title!r}"
        raise CorpusError(msg)
    random_state = check_int(random_state, "random_state", minimum=0)
    if not isinstance(figures, bool):
        msg = f"figures must be True or False; got {figures!r}"
        raise CorpusError(msg)
    source = Path(path)
    bar = tqdm(total=len(STEPS), desc="compare", disable=not want_progress(progress), leave=False)

    def step(name: str) -> None:
        bar.set_description(name)
        bar.update(1)

    try:
        step("read")
        text = read_document(source, encoding=encoding)
        if not text.strip():
            msg = f"{source}: the file is empty; expected the document's text"
            raise CorpusError(msg)
        check_language(text, source=source, language=language)
        out = Path(out_dir).expanduser().resolve() if out_dir is not None else _default_out(source).resolve()
        _refuse_non_report(out)  # before the work; _install checks again before replacing
        with tempfile.TemporaryDirectory(prefix="initiative-report-") as work_name:
            work = Path(work_name)
            step("copy corpus")
            root = work / "corpus"
            shutil.copytree(resolve_corpus_dir(corpus_dir), root)
            step("add document")
            doc_id = _free_id(root)
            utf8 = work / "document.txt"
            utf8.write_text(text, encoding="utf-8")
            add_document(
                utf8,
                doc_id=doc_id,
                title=title,
                issuer="(not given)",
                date=date if date is not None else "1900-01-01",
                date_precision="day" if date is not None else "year",
                language="en",
                group="user",
                notes="" if date is not None else "date not given",
                corpus_dir=root,
            )
            exclude = [d for d in _duplicates(root, text) if d != doc_id]
            step("count corpus")
            raw = document_term_matrix(level="segment", ngrams="both", corpus_dir=str(root), cache=False)
            tables = report_tables(
                raw,
                doc_id,
                exclude=exclude,
                random_state=random_state,
                passage_texts=passage_texts,
                corpus_dir=root,
                cache=cache,
                step=step,
            )
            if exclude:
                tables.caveats.insert(
                    0,
                    f"This text is the same as corpus document(s) {', '.join(exclude)}; "
                    "they are left out of every comparison, so the document is compared as if it were new.",
                )
            if date is None:
                tables.profile.loc[tables.profile["field"] == "date", "value"] = "(not given)"
            tables.profile.loc[tables.profile["field"] == "issuer", "value"] = "(not given)"
            step("figures")
            out.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.tmp-"))
            try:
                drawn = _write_figures(tables, tmp) if figures else {}
                _write_tables(tables, tmp / "tables")
                step("write")
                settings = {
                    "document": source.name,
                    "title": title,
                    "encoding": encoding,
                    "language check": "skipped (language='en')" if language == "en" else "passed",
                    "random_state": str(random_state),
                    "length-matched windows per group": str(tables.notes["n_windows"]),
                    "left out as copies of the document": ", ".join(exclude) or "none",
                    "label of the document in tables": TARGET_LABEL,
                }
                if not figures:
                    settings["figures"] = "not drawn (figures=False)"
                page = render_html(tables, drawn, title=title, settings=settings)
                (tmp / "report.html").write_text(page, encoding="utf-8", newline="\n")
                _install(tmp, out)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
    finally:
        bar.close()
    return out
