"""Standalone pages: the widget's bundle (rnn_widget/static/standalone.js, widget.css) and its
saved state inlined, so the page needs no kernel and no network (js/standalone.js draws it)."""

from __future__ import annotations

import base64
import json
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ipywidgets.widgets.widget import _remove_buffers

if TYPE_CHECKING:
    from ..widget import RNNWidget

STATIC = Path(__file__).resolve().parent.parent / "static"
STATE_MIME = "application/vnd.rnn-widget.state+json"
#: what the page does not need of a saved state: the module and its CSS travel once, in the page
_DROP = ("_esm", "_css")


def is_ours(state: dict) -> bool:
    """Whether a saved widget model's state is an RNNWidget's (or an exercise's)."""
    return isinstance(state, dict) and "trace" in state and "spec" in state and "_esm" in state


def saved_state(w: RNNWidget) -> dict[str, Any]:
    """The widget's state as ipywidgets saves it in a notebook: {"state", "buffers"} (base64)."""
    state, paths, buffers = _remove_buffers(w.get_state())
    return {
        "state": {k: v for k, v in state.items() if k not in _DROP},
        "buffers": [
            {"path": p, "encoding": "base64", "data": base64.b64encode(bytes(b)).decode()}
            for p, b in zip(paths, buffers)
        ],
    }


def _script_json(value: Any) -> str:
    # inside <script>: no "</script>", no "<!--" can end it early
    return json.dumps(value, allow_nan=False).replace("<", "\\u003c")


def placeholder(model_id: str, saved: dict, fallback_html: str = "") -> str:
    """The element js/standalone.js draws into, with its state beside it; `fallback_html` (the
    static picture) shows until the script runs, or for good if scripts are off."""
    return (
        f'<div class="rnnw-standalone" data-rnnw-model="{escape(model_id)}">{fallback_html}</div>\n'
        f'<script type="{STATE_MIME}" data-rnnw-state="{escape(model_id)}">{_script_json(saved)}</script>'
    )


def assets() -> str:
    """widget.css and the standalone bundle, inline."""
    css = (STATIC / "widget.css").read_text(encoding="utf-8")
    js = (STATIC / "standalone.js").read_text(encoding="utf-8")
    js = js.replace("</script", "<\\/script")
    return f"<style>{css}</style>\n<script>{js}</script>"


PAGE_CSS = """
body { margin: 2rem auto; max-width: 1200px; padding: 0 1rem; background: #fff; color: #1f2933;
  font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
.rnnw-standalone { margin: 1rem 0; }
"""


def page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{escape(title)}</title>\n'
        f"<style>{PAGE_CSS}</style>\n</head>\n<body>\n{body}\n{assets()}\n</body>\n</html>\n"
    )


def save_html(w: RNNWidget, path: str | Path, title: str | None = None) -> Path:
    """Write `w` as a standalone page (see RNNWidget.save_html)."""
    from .. import picture

    path = Path(path)
    name = title if title is not None else (w.title or "rnn-widget")
    body = placeholder(w.model_id, saved_state(w), picture.html(*_picture_parts(w)))
    path.write_text(page(name, body), encoding="utf-8")
    return path


def _picture_parts(w: RNNWidget) -> tuple[str, str]:
    from .. import picture

    svg = picture.svg(w.trace, w.display_names, w.title, list(w.labels), w.sampled)
    return svg, picture.alt_text(w.trace, w.display_names)
