"""Inside a trained character model: every hidden unit and gate over a text you type.

    from rnn_widget.inspect import TextInspector
    TextInspector.from_torch(lstm, linear, vocab, text="It was the best of times")

`CharModel` (numpy, no widget) computes the values with the project's exact model
(`rnn_widget.core`); `TextInspector` is the anywidget that shows them.
"""

from .model import MAX_CHARS, QUANTITIES, CharModel, CharRun, check_vocab
from .widget import TextInspector

__all__ = ["CharModel", "CharRun", "TextInspector", "MAX_CHARS", "QUANTITIES", "check_vocab"]
