"""The answers file: what a student checked (in the page or with `check()`), saved beside the
notebook, so that a grader's re-run of the notebook replays it (docs/protocol.md, "The answers
file"). It holds only the student's own numbers, never a key value."""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from pathlib import Path

import numpy as np

from ..core import Network

#: Where every checked answer is saved (relative: the kernel's working directory, i.e. beside the
#: notebook), so that a grader's re-run of the notebook re-judges them; ``answers_file=None`` saves nothing.
ANSWERS_FILE = "rnn_widget_answers.json"
ANSWERS_FORMAT = "rnn-widget answers"


def identity(name: str, seed, blanks: str, net: Network, numbers) -> str:
    """The key of an exercise in the file: its name (the preset's), seed, blanks and a fingerprint
    of its numbers (weights, and `numbers`: inputs, initial states, targets; never a trace value)."""
    h = hashlib.sha256(repr(net.spec).encode())
    for k, v in sorted(net.params.items()):
        h.update(k.encode())
        h.update(np.ascontiguousarray(v, dtype=np.float64).tobytes())
    for extra in numbers:
        h.update(json.dumps(extra, default=_plain).encode())
    return f"{name}|seed={seed!r}|blanks={blanks}|{h.hexdigest()[:16]}"


def load(path: Path) -> dict:
    """{identity: entry} from an answers file; a missing file is empty, a garbled one is ignored
    with a warning (and replaced on the next save)."""
    try:
        text = path.read_text()
    except FileNotFoundError:
        return {}
    except OSError as e:
        warnings.warn(f"could not read the answers file {path}: {e}; ignored", stacklevel=4)
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    exercises = data.get("exercises") if isinstance(data, dict) and data.get("format") == ANSWERS_FORMAT else None
    if not isinstance(exercises, dict):
        warnings.warn(f"{path} is not an rnn-widget answers file (garbled?); ignored", stacklevel=4)
        return {}
    return exercises


def save_entry(path: Path, key: str, entry: dict) -> str | None:
    """Write `entry` under `key`, keeping the other exercises' entries (through a temporary file,
    so a reader never sees half a file); returns the path, or None when it could not be written."""
    data = load(path)
    data[key] = entry
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps({"format": ANSWERS_FORMAT, "version": 1, "exercises": data}))
        os.replace(tmp, path)
    except OSError as e:
        warnings.warn(f"could not save the answers to {path}: {e}", stacklevel=3)
        return None
    return str(path)


def _plain(o):
    """JSON for numpy values (the fingerprint's inputs, initial states and targets)."""
    return np.asarray(o).tolist()
