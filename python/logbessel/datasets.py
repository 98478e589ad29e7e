"""Real data bundled with logbessel (for the vMF demo and for experiments).

``load_wordnet_glosses`` returns the 117,659 synset glosses of WordNet 3.0 with their
lexicographer category (45 classes: ``noun.animal``, ``verb.motion``, ``adj.all``, ...).
The file is built by ``tools/make_wordnet_data.py`` from Debian's ``wordnet-base`` package and
is redistributed under the WordNet 3.0 licence (``logbessel/data/WORDNET_LICENSE``).
"""

from __future__ import annotations

import lzma
from importlib import resources

import numpy as np

__all__ = ["load_wordnet_glosses"]

_WORDNET_FILE = "wordnet_glosses.tsv.xz"


def load_wordnet_glosses() -> tuple[list[str], np.ndarray, list[str]]:
    """WordNet 3.0 glosses labelled by lexicographer category.

    Returns
    -------
    texts : list of str
        The gloss (definition and usage examples) of each synset, 117,659 of them, in the order
        nouns, verbs, adjectives, adverbs (file order of the WordNet database within each).
    labels : numpy.ndarray of int64, shape (117659,)
        Lexicographer file number of each synset, in ``0 .. 44``.
    category_names : list of str
        The 45 lexicographer file names; ``category_names[labels[i]]`` is the category of
        ``texts[i]`` (e.g. ``'noun.animal'``).

    Notes
    -----
    WordNet 3.0 Copyright 2006 by Princeton University; see ``logbessel/data/WORDNET_LICENSE``
    for the licence under which the data is redistributed.

    Examples
    --------
    >>> from logbessel.datasets import load_wordnet_glosses
    >>> texts, labels, names = load_wordnet_glosses()
    >>> len(texts), len(names), names[labels[0]]
    (117659, 45, 'noun.Tops')
    """
    ref = resources.files("logbessel") / "data" / _WORDNET_FILE
    payload = lzma.decompress(ref.read_bytes()).decode("utf-8")
    category_names: list[str] = []
    numbers: list[int] = []
    texts: list[str] = []
    for line in payload.splitlines():
        number, _, text = line.partition("\t")
        if number.startswith("#"):  # header: "#<number>\t<name>", in number order
            if int(number[1:]) != len(category_names):
                raise RuntimeError(f"corrupt {_WORDNET_FILE}: category header out of order")
            category_names.append(text)
        else:
            numbers.append(int(number))
            texts.append(text)
    labels = np.asarray(numbers, dtype=np.int64)
    return texts, labels, category_names
