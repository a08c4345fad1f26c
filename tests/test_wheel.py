"""A wheel built from a clean clone of HEAD carries the JS bundle and installs and imports without node.

Only committed files count: the repository is cloned first (no node_modules, no built static/),
the hatch-jupyter-builder hook runs `npm install` + `npm run build` during `pip wheel`, and the
wheel is installed into a fresh plain venv whose python then runs with a PATH that has no node.
"""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
STATIC = (
    "rnn_widget/static/widget.js",
    "rnn_widget/static/widget.css",
    "rnn_widget/static/standalone.js",
    "rnn_widget/static/inspector.js",
    "rnn_widget/static/inspector.css",
)


def run(cmd, *, timeout=900, **kwargs):
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=timeout, **kwargs)
    assert proc.returncode == 0, (
        f"{' '.join(map(str, cmd))} exited {proc.returncode}\n"
        f"--- stdout ---\n{proc.stdout[-4000:]}\n--- stderr ---\n{proc.stderr[-4000:]}"
    )
    return proc.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    run(["git", "clone", "--quiet", "--no-hardlinks", REPO, src])
    assert not (src / "node_modules").exists()
    assert not (src / "rnn_widget" / "static").exists(), "the bundle must not be committed"
    dist = tmp / "dist"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", dist, "."], cwd=src)
    wheels = sorted(dist.glob("rnn_widget-*.whl"))
    assert len(wheels) == 1, list(dist.iterdir())
    return tmp, wheels[0]


def test_wheel_contains_the_bundle(built):
    _, wheel = built
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        for path in STATIC:
            assert path in names, sorted(names)
            assert zf.getinfo(path).file_size > 0, path
        js = zf.read(STATIC[0]).decode()
    assert "export" in js  # an ES module anywidget can load
    assert "rnn_widget/__init__.py" in names and "rnn_widget/core/network.py" in names
    assert not any("node_modules" in n for n in names)


def test_wheel_installs_and_imports_without_node(built):
    tmp, wheel = built
    env_dir = tmp / "venv"
    run([sys.executable, "-m", "venv", env_dir])
    bin_dir = env_dir / "bin"
    cfg = (env_dir / "pyvenv.cfg").read_text()
    assert "include-system-site-packages = false" in cfg
    run([bin_dir / "python", "-m", "pip", "install", "--quiet", wheel])

    env = {
        k: v for k, v in os.environ.items() if k not in ("PATH", "PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "NODE_PATH")
    }
    env["PATH"] = str(bin_dir)
    assert shutil.which("node", path=env["PATH"]) is None
    assert shutil.which("npm", path=env["PATH"]) is None
    script = """
import pathlib, shutil, sys
assert shutil.which("node") is None and shutil.which("npm") is None
import rnn_widget
from rnn_widget import RNNWidget
pkg = pathlib.Path(rnn_widget.__file__).resolve().parent
assert pkg.is_relative_to(pathlib.Path(sys.prefix).resolve()), (pkg, sys.prefix)
for name in ("widget.js", "widget.css"):
    f = pkg / "static" / name
    assert f.is_file() and f.stat().st_size > 0, f
w = RNNWidget.from_preset("tom_yeh")
assert [round(v[0]) for v in w.trace["y"]] == [3, 16, 28, 40], w.trace["y"]
print("ok", pkg)
"""
    out = run([bin_dir / "python", "-c", script], env=env, cwd=tmp)
    assert out.startswith("ok")
    assert str(env_dir.resolve()) in out
