"""Saving and sharing: the state as JSON (state_json), standalone pages that need no kernel and
no network (page: `RNNWidget.save_html`; nbconvert: `--to rnn_widget_html`). The static picture
in every output's mime bundle is rnn_widget/picture.py."""

from .page import save_html
from .state_json import from_dict, parse, to_dict

__all__ = ["from_dict", "parse", "save_html", "to_dict"]
