"""Placeholder: VonMisesFisherMixture is being implemented (owner: the mixture module's author)."""


class VonMisesFisherMixture:
    """Mixture of von Mises-Fisher distributions (not implemented yet)."""

    def __init__(self, *args, **kwargs):
        raise NotImplementedError("VonMisesFisherMixture is not implemented yet")
