"""initiative_lib: text analysis of cyberspace-governance documents.

The package ships the 2020 World Internet Conference *Initiative on Jointly
Building a Community with a Shared Future in Cyberspace* and a comparison
corpus of declarations, national cybersecurity strategies and NETmundial 2014
submissions, with loaders and the methods the notebooks use.
"""

from initiative_lib.corpus.load import load_corpus, load_segments, validate_corpus
from initiative_lib.corpus.matrix import DocumentTermMatrix, document_term_matrix

__version__ = "0.2.0"

__all__ = [
    "DocumentTermMatrix",
    "document_term_matrix",
    "load_corpus",
    "load_segments",
    "validate_corpus",
]
