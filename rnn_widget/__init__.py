"""rnn-widget: learn recurrent neural networks by working the numbers out by hand.

``rnn_widget.core`` is the numpy model; ``rnn_widget.presets`` opens the seed examples;
``RNNWidget`` (imported on first use, so ``import rnn_widget`` stays light) shows and edits them.
"""

from . import core, presets
from .core import Network, Spec
from .presets import load

__version__ = "0.1.0"
__all__ = ["core", "presets", "Network", "Spec", "load", "RNNWidget", "__version__"]


def __getattr__(name):
    if name == "RNNWidget":
        from .widget import RNNWidget

        return RNNWidget
    raise AttributeError(f"module 'rnn_widget' has no attribute {name!r}")
