"""The rules the tools cannot state: what core may import, the linters' place in the test extra,
and the fixture script the JS tests read."""

import ast
import importlib.util
import json
import pathlib
import sys

import pytest

from rnn_widget import presets

ROOT = pathlib.Path(__file__).resolve().parents[1]
#: What rnn_widget.core may import at module level: the standard library, numpy, and itself.
CORE_MAY_IMPORT = {"numpy", "__future__"} | set(sys.stdlib_module_names)


def _top_level_imports(path: pathlib.Path) -> set[str]:
    """Absolute modules imported at module level (imports inside functions are lazy, e.g. torch)."""
    found = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("path", sorted((ROOT / "rnn_widget" / "core").glob("*.py")), ids=lambda p: p.name)
def test_core_imports_only_numpy_and_the_standard_library(path):
    """DESIGN.md: core is the math, with no widget or plotting imports (torch only when called)."""
    assert _top_level_imports(path) - CORE_MAY_IMPORT == set()


def test_the_test_extra_carries_the_linters_and_they_are_configured():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    extra = {
        req.split(">")[0].split("=")[0].split("<")[0].strip()
        for req in project["project"]["optional-dependencies"]["test"]
    }
    assert {"ruff", "mypy"} <= extra
    tool = project["tool"]
    assert tool["mypy"]["files"] == ["rnn_widget"]
    assert "E501" in tool["ruff"]["lint"]["ignore"] and tool["ruff"]["line-length"] == 120


def _fixture_script():
    spec = importlib.util.spec_from_file_location("make_fixtures", ROOT / "scripts" / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_fixture_script_writes_every_preset_as_plain_json():
    make = _fixture_script()
    from rnn_widget import RNNWidget

    for name in presets.PRESETS:
        fx = json.loads(json.dumps(make.fixture(name, RNNWidget.from_preset(name)), allow_nan=False))
        state = fx["state"]
        assert fx["name"] == name and fx["slide_count"] >= 1 + state["trace"]["T"]
        assert {"spec", "params", "inputs", "trace", "param_order", "display_names"} <= set(state)
        assert not set(state) & make.SKIP
    packed = make.fixture("lstm_packed", make._with_targets()["lstm_packed"])
    assert "$packed" in json.dumps(packed["trace_packed"])
