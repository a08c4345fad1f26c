"""rnn_widget in marimo, without a browser: marimo is never imported for Jupyter users; which
changes re-run which cells (rnn_widget/_marimo.py, with marimo's runtime replaced by a recorder);
training blocks in a notebook run as a script; notebooks/marimo_rnn.py runs as a script.

The real thing, a marimo server and Chromium, is tests/e2e/test_marimo_browser.py.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from rnn_widget import RNNWidget, _marimo

REPO = Path(__file__).resolve().parents[1]
# marimo (in the test extra) runs in subprocesses only: this pytest process stays as a Jupyter
# user's would


def run_python(code: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120, cwd=REPO
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_jupyter_users_never_import_marimo():
    out = run_python(
        """
        import sys
        from rnn_widget import RNNWidget
        w = RNNWidget.from_preset("next_number")
        w.train(3)
        print("marimo" in sys.modules, hasattr(w, "_marimo_follower"))
        """
    )
    assert out.split() == ["False", "False"]


def test_outside_a_marimo_kernel_nothing_is_followed():
    out = run_python(
        """
        import marimo
        from rnn_widget import RNNWidget
        w = RNNWidget.from_preset("next_number")
        print(hasattr(w, "_marimo_follower"))
        """
    )
    assert out.split() == ["False"]


# ---- which cells a change re-runs ---------------------------------------------------------------


class Recorder:
    """Stands in for marimo's runtime: the cell running now, and each announcement's excluded
    cells, with what the widget held at that moment."""

    def __init__(self, monkeypatch, widget):
        self.cell: str | None = None
        self.calls: list[tuple[set, int, bool]] = []
        monkeypatch.setattr(_marimo, "_current_cell", lambda: self.cell)
        monkeypatch.setattr(_marimo, "_rerun_readers", self.rerun)
        self.follower = _marimo._attach(widget)  # what follow() does in a running marimo kernel
        self.widget = widget

    def rerun(self, widget, origins):
        assert widget is self.widget
        self.calls.append((set(origins), len(widget.loss_history), bool(widget.training.get("running"))))
        return {"reader"}


@pytest.fixture
def rec(monkeypatch):
    return Recorder(monkeypatch, RNNWidget.from_preset("next_number"))


def test_a_change_made_in_a_cell_reruns_the_readers_but_not_that_cell(rec):
    async def main():
        rec.cell = "setter"
        rec.widget.set_entry("W_hh", (0, 1), 0.5)
        await asyncio.sleep(0.01)
        assert rec.calls == [({"setter"}, 0, False)]  # the params and the trace changed: announced once
        rec.cell = None  # an edit typed in the page (a custom message, outside any cell): no exclusion
        rec.widget._on_page_msg(rec.widget, {"type": "edit", "id": "v:1", "edits": [EDIT]}, [])
        await asyncio.sleep(_marimo.GAP + 0.1)  # within GAP of the first: announced after it

    asyncio.run(main())
    assert rec.calls[1:] == [(set(), 0, False)]
    assert rec.widget.get("W_hh")[0, 1] == 0.25


EDIT = {"field": "params", "name": "W_hh", "index": [0, 1], "value": 0.25}


def test_the_pages_own_trait_updates_are_left_to_marimo(rec):
    w = rec.widget
    w.set_state({"focus_step": 2, "inputs": [[2.0], [4.0], [6.0]]})  # as a comm update does
    assert w.inputs == [[2.0], [4.0], [6.0]] and w.focus_step == 2 and rec.calls == []
    w.set_entry("W_hh", (0, 1), 0.5)  # once the update is applied, changes are announced again
    assert rec.calls and rec.calls[0][0] == set()


def test_a_refused_change_reruns_nothing(rec):
    with pytest.raises(Exception, match="finite"):
        rec.widget.set_entry("W_hh", (0, 1), float("nan"))
    assert rec.calls == []


def test_background_training_is_announced_as_its_cells_change_at_most_every_gap(rec, monkeypatch):
    monkeypatch.setattr(_marimo, "GAP", 0.05)

    async def main():
        rec.cell = "trainer"
        assert rec.widget.train(400, lr=0.001) is None  # a running loop: in the background
        rec.cell = None  # the cell has finished; the training goes on without it
        start = asyncio.get_running_loop().time()
        while rec.widget.training["running"]:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)  # the last announcement
        return asyncio.get_running_loop().time() - start

    took = asyncio.run(main())
    assert rec.calls, "training was never announced"
    # every announcement excludes the cell that started the training, and none is left out at the end
    assert all(origins == {"trainer"} for origins, _, _ in rec.calls), rec.calls
    assert rec.calls[-1][1:] == (400, False)
    # one announcement per publication burst, at most one per GAP (plus the leading one)
    assert len(rec.calls) <= 2 + took / 0.05, (len(rec.calls), took)


def test_a_burst_of_changes_in_one_cell_is_announced_once(rec):
    async def main():
        rec.cell = "loop"
        for k in range(20):
            rec.widget.set_entry("W_hh", (0, 1), k / 100)
        await asyncio.sleep(0.05)

    asyncio.run(main())
    assert rec.calls == [({"loop"}, 0, False)]


def test_a_training_started_from_the_page_excludes_no_cell(rec):
    async def main():
        rec.cell = None
        rec.widget._on_training_msg({"type": "train", "steps": 5})
        while rec.widget.training["running"]:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.4)

    asyncio.run(main())
    assert rec.calls and all(origins == set() for origins, _, _ in rec.calls)
    assert rec.calls[-1][1] == 5


# ---- marimo notebooks run as scripts ------------------------------------------------------------


def test_training_blocks_in_a_marimo_script(tmp_path):
    nb = tmp_path / "train_script.py"
    nb.write_text(
        textwrap.dedent(
            """
            import marimo
            app = marimo.App()

            @app.cell
            def _():
                from rnn_widget import RNNWidget
                w = RNNWidget.from_preset("next_number")
                history = w.train(20)
                return history, w

            @app.cell
            def _(history, w):
                print(len(history), len(w.loss_history), w.training["running"])
                return

            if __name__ == "__main__":
                app.run()
            """
        )
    )
    out = subprocess.run([sys.executable, str(nb)], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["20", "20", "False"]


def test_the_marimo_notebook_runs_as_a_script():
    out = run_python(
        """
        import sys
        sys.path.insert(0, "notebooks")
        import marimo_rnn
        from rnn_widget import RNNWidget
        _, defs = marimo_rnn.app.run()
        w = defs["w"].widget
        print(isinstance(w, RNNWidget), defs["result"].loss == w.result().loss, defs["refused"] is None)
        """
    )
    assert out.split() == ["True", "True", "True"]
