"""Is the document English? A documented function-word check, offline and dependency-free.

Every measure of the report (the stopword lists, the framing lexicon, the
topic model's vocabulary, keyness against English comparison groups) is
English. A French or Chinese document would not fail loudly: it would get a
report of near-zero rates and meaningless topics. :func:`check_language`
refuses it first.

The check
---------
English prose is held together by a small set of function words
(:data:`ENGLISH_FUNCTION_WORDS`: articles, auxiliaries, pronouns,
prepositions and conjunctions). They make up roughly a third to a half of the
tokens of English running text, formal policy prose included: 35 % of the
initiative's 482 tokens. In other languages the same word forms are rare
(French, Spanish, German and Portuguese texts score below 5 %: the forms
they share with English, such as "a", "in" or "on", are few), and texts in
a script without spaces (Chinese, Japanese) tokenise into long runs that
match nothing. The document passes when the share is at least
:data:`MIN_ENGLISH_SHARE` (0.20), far from both.

Why not a language detector from PyPI? The question here is binary (is this
English enough for English measures?), the detectors in common use either
ship large models, are unmaintained or are non-deterministic unless seeded
(``langdetect``), and a rule that fits in one sentence can be stated in the
report and checked by a reader.

Limits (stated in the report)
-----------------------------
* Texts of fewer than :data:`MIN_CHECK_TOKENS` (30) tokens are refused: the
  share is too noisy there (pass ``language=`` to override).
* A mixed document (an English introduction to a French text) passes if its
  English part is large enough; its French part then counts as unknown words.
* It says nothing about translation quality: a machine-translated text passes.
"""

from __future__ import annotations

from collections.abc import Iterable

from initiative_lib.errors import CorpusError
from initiative_lib.text.tokens import tokenize

#: high-frequency English function words (closed classes only; no content words)
_FUNCTION_WORDS = """
    a about after all also an and are as at be been but by can could do does for from had has have
    he her his i if in into is it its may more must no not of on or our over shall she should so
    such than that the their them there these they this those through to under upon was we were what
    when where which while who will with would you
"""
ENGLISH_FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())
#: the share of function-word tokens a document needs to count as English
MIN_ENGLISH_SHARE = 0.20
#: fewer tokens than this and the share is not estimated
MIN_CHECK_TOKENS = 30


def english_share(text: str) -> tuple[float, int]:
    """The share of tokens that are English function words, and the number of tokens.

    Tokens are the corpus tokens (:func:`~initiative_lib.text.tokens.tokenize`).

    Examples
    --------
    >>> english_share("The right to privacy applies online as it does offline.")
    (0.5, 10)
    >>> english_share("Le droit à la vie privée s'applique en ligne.")[0]
    0.0
    >>> english_share("")
    (0.0, 0)
    """
    if not isinstance(text, str):
        msg = f"text must be a string; got {type(text).__name__}"
        raise TypeError(msg)
    tokens = tokenize(text)
    if not tokens:
        return 0.0, 0
    hits = sum(t in ENGLISH_FUNCTION_WORDS for t in tokens)
    return hits / len(tokens), len(tokens)


def check_language(text: str, *, source: object = "<text>", language: str | None = None) -> str:
    """Refuse an empty, too short or non-English text; return the language code to record.

    Parameters
    ----------
    text : str
        The document (after reading and normalising).
    source : object
        What to name in messages (the file).
    language : str, optional
        The user's statement of the language (ISO 639-1). ``None`` runs the
        check; ``"en"`` skips it (the user vouches for the text); any other
        code is refused, because every measure of the report is English.

    Returns
    -------
    str
        ``"en"``.

    Raises
    ------
    CorpusError
        Empty text, fewer than :data:`MIN_CHECK_TOKENS` tokens, a share of
        English function words below :data:`MIN_ENGLISH_SHARE`, or another
        ``language``.

    Examples
    --------
    >>> check_language("We will build an open, secure and peaceful cyberspace for all of the people. " * 3)
    'en'
    >>> check_language("Nous construirons ensemble un cyberespace ouvert, sûr et pacifique pour tous. " * 3)
    Traceback (most recent call last):
    ...
    initiative_lib.errors.CorpusError: <text>: does not look like English: 0.0% of its 33 tokens ...
    """
    if language is not None and language != "en":
        msg = (
            f"{source}: language={language!r}; the report's stopwords, lexicon and topic model are English only, "
            "so it compares English documents (pass an English translation, or language='en')"
        )
        raise CorpusError(msg)
    share, n = english_share(text)
    if n == 0:
        msg = f"{source}: the document is empty (no letters or digits); expected the document's text"
        raise CorpusError(msg)
    if language == "en":
        return "en"
    if n < MIN_CHECK_TOKENS:
        msg = (
            f"{source}: only {n} tokens; the language check needs at least {MIN_CHECK_TOKENS}. "
            "If the text is English, pass language='en' (--language en) to skip the check"
        )
        raise CorpusError(msg)
    if share < MIN_ENGLISH_SHARE:
        msg = (
            f"{source}: does not look like English: {share:.1%} of its {n} tokens are English function words "
            f"(the, of, and, ...), expected at least {MIN_ENGLISH_SHARE:.0%}; the report's measures are English "
            "only. If the text is English, pass language='en' (--language en) to skip this check"
        )
        raise CorpusError(msg)
    return "en"


def function_word_list(words: Iterable[str] = ENGLISH_FUNCTION_WORDS) -> str:
    """The function words, sorted and comma-separated (for the report's methods note).

    Examples
    --------
    >>> function_word_list(["the", "a"])
    'a, the'
    """
    return ", ".join(sorted(words))
