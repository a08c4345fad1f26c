"""`jupyter nbconvert --to rnn_widget_html notebook.ipynb`: JupyterLab's HTML export that needs no
network. Every RNNWidget output whose state the notebook saved is drawn by our own bundle,
inlined once (js/standalone.js), read-only with the step-through working; other ipywidgets show
their text (or picture) fallback, since their front ends would come from a CDN; math stays as TeX.

Registered in pyproject.toml under `nbconvert.exporters`.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path

from nbconvert.exporters import HTMLExporter
from traitlets import default

from .page import assets, is_ours, placeholder

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
TEMPLATES = Path(__file__).resolve().parent / "templates"


def inline_widgets(nb) -> tuple[object, int]:
    """A copy of `nb` whose RNNWidget outputs are standalone placeholders (with their picture as
    the fallback) and whose other widget outputs keep only their fallbacks; the count drawn."""
    nb = copy.deepcopy(nb)
    saved = nb.metadata.pop("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    drawn = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            view = data.pop(WIDGET_VIEW, None) if isinstance(data, dict) else None
            if not view:
                continue
            model_id = view.get("model_id", "")
            model = saved.get(model_id)
            if model is None or not is_ours(model.get("state")):
                continue
            fallback = data.get("text/html", "")
            state = {k: v for k, v in model["state"].items() if k not in ("_esm", "_css")}
            data.clear()
            data["text/html"] = placeholder(model_id, {"state": state, "buffers": model.get("buffers", [])}, fallback)
            drawn += 1
    return nb, drawn


class RNNWidgetHTMLExporter(HTMLExporter):
    """HTML with rnn-widget drawn offline (no CDN, no kernel)."""

    export_from_notebook = "rnn-widget HTML (offline)"

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self):
        return [os.getcwd(), str(TEMPLATES)]

    @default("template_name")
    def _template_name_default(self):
        return "rnn_widget_html"

    def from_notebook_node(self, nb, resources=None, **kw):
        nb, drawn = inline_widgets(nb)
        resources = dict(resources or {})
        resources["rnn_widget_assets"] = assets() if drawn else ""
        return super().from_notebook_node(nb, resources, **kw)
