"""A stand-in for the page, for tests/test_fuzz.py: it applies exactly the messages the widget
sends (docs/protocol.md) and nothing else, so that after every edit its copy of the traits can be
compared with Python's.

- It is installed as the widget instance's ``_send``: every message goes through JSON as
  jupyter_client packs it (no NaN or infinity; numpy numbers as numbers), then binary buffers are put
  back at their ``buffer_paths`` and ``{"$packed": shape, "data": bytes}`` arrays are decoded as
  little-endian float64, as js/packed.js does.
- ``update`` and ``echo_update`` messages overwrite the traits they carry; custom messages
  (``ack``, ``pong``, anything else) are recorded in arrival order.
- ``page_sets(state)`` is the page's own optimistic write before it sends a trait update (the page
  shows what the person typed; Python must send back anything it normalises or refuses).
"""

from __future__ import annotations

import json

import numpy as np
from ipywidgets import Widget
from ipywidgets.widgets.widget import _remove_buffers
from jupyter_client.jsonutil import json_default


def unpack(value):
    """Nested lists for every packed array in `value` (a JSON-like structure)."""
    if isinstance(value, dict):
        if set(value) == {"$packed", "data"}:
            shape = value["$packed"]
            data = value["data"]
            if not isinstance(data, (bytes, bytearray, memoryview)):
                raise ValueError(f"packed array without a binary buffer: data is {type(data).__name__}")
            arr = np.frombuffer(bytes(data), dtype="<f8")
            return arr.reshape(shape).tolist()
        return {k: unpack(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unpack(v) for v in value]
    return value


def unpack_at(state, paths, buffers):
    """Put each binary buffer back and decode the ``{"$packed": shape}`` object that holds it
    (a buffer path ends in that object's "data"), as js/packed.js does."""
    for path, buf in zip(paths, buffers):
        if len(path) < 2 or path[-1] != "data":
            raise ValueError(f"a binary buffer at {path}, not in a packed array")
        *outer, key, _ = path
        parent = state
        for p in outer:
            parent = parent[p]
        packed = parent[key]
        if not isinstance(packed, dict) or "$packed" not in packed:
            raise ValueError(f"a binary buffer at {path} outside a packed array")
        parent[key] = np.frombuffer(buf, dtype="<f8").reshape(packed["$packed"]).tolist()
    if _has_packed(state):
        raise ValueError("a packed array without its buffer")


def _has_packed(value):
    if isinstance(value, dict):
        return "$packed" in value or any(_has_packed(v) for v in value.values() if isinstance(v, (dict, list)))
    if isinstance(value, list) and value and isinstance(value[0], (dict, list)):
        return any(_has_packed(v) for v in value if isinstance(v, (dict, list)))
    return False


def _unpacked_big(value):
    """The size of the first plain-JSON numeric array of >= 256 numbers in `value`, or 0."""
    if isinstance(value, dict):
        for v in value.values():
            n = _unpacked_big(v)
            if n:
                return n
        return 0
    if isinstance(value, list) and value:
        if all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in value):
            return len(value) if len(value) >= 256 else 0
        if all(isinstance(x, list) for x in value):
            try:
                arr = np.asarray(value, dtype=float)
            except (TypeError, ValueError):
                arr = None
            if arr is not None and arr.dtype == float and arr.size >= 256:
                return arr.size
            for v in value:
                n = _unpacked_big(v)
                if n:
                    return n
        return 0
    return 0


def plain(value):
    """`value` as the page would hold it after strict JSON (tuples -> lists, numpy -> Python)."""
    return json.loads(json.dumps(value, allow_nan=False, default=_np_default))


def _np_default(o):
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(f"{type(o).__name__} is not JSON")


def python_view(w, keys=None):
    """Python's synced traits in the page's terms: what a freshly displayed page would hold."""
    out = {}
    for k in keys or w.keys:
        v = getattr(w, k)
        if isinstance(v, Widget):
            v = "IPY_MODEL_" + v.model_id
        out[k] = v
    return plain(out)


class PageMirror:
    """The page's copy of the traits, fed only by what the widget sends."""

    def __init__(self, widget):
        self.state = {}
        self.customs = []  # custom message contents from Python, in order
        self.log = []  # ("update", [keys]) / ("custom", content), in order
        self.problems = []  # messages the page could not have received
        self.sent = 0
        self.lenient_echoes = 0  # echoes that strict JSON could not carry (see _apply)
        self.packed = 0  # binary buffers received
        state, paths, buffers = _remove_buffers(widget.get_state())
        self._apply({"method": "update", "state": state, "buffer_paths": paths}, buffers)
        self.log.clear()

    # -- the widget's side -----------------------------------------------------------------
    def receive(self, msg, buffers=None):
        """Installed as ``widget._send``."""
        self.sent += 1
        self._apply(msg, buffers)

    def _apply(self, msg, buffers):
        try:
            # as jupyter_client packs a message: numpy integers become ints, no NaN or infinity
            data = json.loads(json.dumps(msg, allow_nan=False, default=json_default))
        except (TypeError, ValueError) as e:
            if msg.get("method") != "echo_update":
                self.problems.append(f"message not valid JSON ({e}): {str(msg)[:300]}")
                return
            # An echo of what a (non-browser) front end sent, NaN included: jupyter_client sends it
            # with NaN turned into text and a warning; the page's value stays until Python's answer.
            self.lenient_echoes += 1
            return
        bufs = [bytes(b) for b in (buffers or [])]
        method = data.get("method")
        if method in ("update", "echo_update"):
            state = data.get("state", {})
            paths = data.get("buffer_paths", [])
            if len(paths) != len(bufs):
                self.problems.append(f"{len(paths)} buffer paths for {len(bufs)} buffers")
                return
            if method == "update":
                for k in ("params", "inputs", "targets"):
                    if k in state:
                        big = _unpacked_big(state[k])
                        if big:
                            self.problems.append(f"{k} sends {big} numbers as JSON (docs/protocol.md: packed from 256)")
            self.packed += len(bufs)
            try:
                unpack_at(state, paths, bufs)
            except (ValueError, KeyError, IndexError, TypeError) as e:
                self.problems.append(f"bad packed array: {e}")
                return
            self.state.update(state)
            self.log.append(("update", sorted(state)))
        elif method == "custom":
            content = data.get("content")
            self.customs.append(content)
            self.log.append(("custom", content))
        else:
            self.problems.append(f"unknown message method {method!r}")

    # -- the page's side -------------------------------------------------------------------
    def page_sets(self, state):
        """The page writes traits itself before sending them (what the person sees at once)."""
        self.state.update(json.loads(json.dumps(state, default=_np_default)))  # NaN allowed: the page's own value

    def mark(self):
        """Where the log stands now (to look at the messages of one edit)."""
        return len(self.log)

    def since(self, mark):
        return self.log[mark:]

    # -- comparison ------------------------------------------------------------------------
    def differences(self, w, keys=None):
        """Trait names whose page copy differs from Python's (with a short description)."""
        keys = list(keys or w.keys)
        # fast path: Python's values as they are (plain lists and dicts) equal the page's
        slow = [k for k in keys if k not in self.state or getattr(w, k) != self.state[k]]
        if not slow:
            return []
        py = python_view(w, slow)
        out = []
        for k, v in py.items():
            if k not in self.state:
                out.append((k, "missing in the page"))
            elif self.state[k] != v:
                out.append((k, describe_difference(self.state[k], v)))
        return out


def describe_difference(page, py, path=""):
    """The first place two JSON-like values differ, for a failure message."""
    if isinstance(page, dict) and isinstance(py, dict):
        if set(page) != set(py):
            return f"{path or 'value'} keys: page {sorted(page)[:8]} vs python {sorted(py)[:8]}"
        for k in page:
            if page[k] != py[k]:
                return describe_difference(page[k], py[k], f"{path}.{k}")
    if isinstance(page, list) and isinstance(py, list):
        if len(page) != len(py):
            return f"{path or 'value'} length: page {len(page)} vs python {len(py)}"
        for i, (a, b) in enumerate(zip(page, py)):
            if a != b:
                return describe_difference(a, b, f"{path}[{i}]")
    return f"{path or 'value'}: page {str(page)[:120]} vs python {str(py)[:120]}"


def close(a, b, rtol=1e-9, atol=1e-9, path=""):
    """'' when two JSON-like values have the same structure and numbers equal to within
    rtol/atol, else where they differ first."""
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            return f"{path} keys {sorted(set(a) ^ set(b))}"
        for k in a:
            d = close(a[k], b[k], rtol, atol, f"{path}.{k}")
            if d:
                return d
        return ""
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            return f"{path} length {len(a)} vs {len(b)}"
        if (
            a
            and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in a)
            and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in b)
        ):
            if not np.allclose(np.asarray(a, float), np.asarray(b, float), rtol=rtol, atol=atol, equal_nan=False):
                return f"{path} numbers differ: {str(a)[:100]} vs {str(b)[:100]}"
            return ""
        for i, (x, y) in enumerate(zip(a, b)):
            d = close(x, y, rtol, atol, f"{path}[{i}]")
            if d:
                return d
        return ""
    if (
        isinstance(a, (int, float))
        and isinstance(b, (int, float))
        and not isinstance(a, bool)
        and not isinstance(b, bool)
    ):
        if not np.isclose(float(a), float(b), rtol=rtol, atol=atol):
            return f"{path} {a} vs {b}"
        return ""
    return "" if a == b else f"{path} {str(a)[:80]} vs {str(b)[:80]}"
