"""VonMisesFisher distribution (work in progress)."""

from __future__ import annotations


class VonMisesFisher:
    """von Mises-Fisher distribution on S^{d-1} (work in progress)."""

    def __init__(self, mu, kappa):
        raise NotImplementedError
