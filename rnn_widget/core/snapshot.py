"""`ParamSnapshot`: the parameter values of a `Network` at one moment (`Network.snapshot()`)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import numpy as np

from .spec import Spec


class ParamSnapshot:
    """The parameter values of a `Network` at one moment, from `Network.snapshot()`.

    Opaque and immutable: it holds the network's own parameter arrays, which are read-only and
    never written in place (every change installs new arrays), so taking one copies nothing.
    Give it back to `Network.restore` to undo whatever happened to the values since.
    """

    __slots__ = ("_spec", "_values")

    def __init__(self, spec: Spec, values: Mapping[str, np.ndarray]):
        self._spec = spec
        self._values = MappingProxyType(dict(values))

    @property
    def spec(self) -> Spec:
        """The spec of the network it was taken from: it restores onto a network of this spec."""
        return self._spec

    def __repr__(self) -> str:
        return f"ParamSnapshot({list(self._values)})"

    def items(self):
        """(name, array) pairs, without copying: the arrays are read-only, and an unchanged
        parameter is the same array object in every later snapshot (a cache can key on it)."""
        return self._values.items()
