"""The private ipywidgets names rnn_widget relies on, checked so that an ipywidgets upgrade that
moves or changes them fails here, loudly, instead of silently breaking page edits.

RNNWidget.set_state applies the page's state itself (edits are checked together), so it must
confirm them the way ipywidgets 8's own Widget.set_state does, with an echo_update message;
otherwise the front end keeps ignoring the kernel's later values of those traits.
"""

from __future__ import annotations

import ipywidgets
from ipywidgets.widgets import widget as ipw

from rnn_widget import RNNWidget


def sent_messages(w):
    sent = []
    w._send = lambda msg, buffers=None: sent.append(msg)
    return sent


def test_the_private_names_exist():
    assert isinstance(ipw.JUPYTER_WIDGETS_ECHO, bool)
    state, paths, buffers = ipw._remove_buffers({"a": memoryview(b"12345678"), "b": [1]})
    assert paths == [["a"]] and len(buffers) == 1 and state["b"] == [1]


def test_our_echo_matches_what_ipywidgets_sends_for_its_own_widgets(monkeypatch):
    monkeypatch.setattr(ipw, "JUPYTER_WIDGETS_ECHO", True)
    import rnn_widget._page as rw

    monkeypatch.setattr(rw, "JUPYTER_WIDGETS_ECHO", True)
    slider = ipywidgets.IntSlider()
    theirs = sent_messages(slider)

    class Kernel:  # ipywidgets echoes only with a kernel behind the comm
        pass

    monkeypatch.setattr(slider.comm, "kernel", Kernel(), raising=False)
    slider.set_state({"value": 3})
    echo = [m for m in theirs if m.get("method") == "echo_update"]
    assert echo and echo[0]["state"] == {"value": 3} and echo[0]["buffer_paths"] == []

    w = RNNWidget.from_preset("tom_yeh")
    ours = sent_messages(w)
    w.set_state({"focus_step": 2})
    mine = [m for m in ours if m.get("method") == "echo_update"]
    assert mine and set(mine[0]) == set(echo[0]) and mine[0]["state"] == {"focus_step": 2}
