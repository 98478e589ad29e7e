"""Maximum-likelihood fit of a vMF distribution (work in progress)."""

from __future__ import annotations


def fit(X, weights=None, *, bias_correction=False, normalize=False):
    """Fit a von Mises-Fisher distribution (work in progress)."""
    raise NotImplementedError


def mean_resultant_length(X, weights=None):
    """Mean direction, mean resultant length and effective n (work in progress)."""
    raise NotImplementedError
