"""The opt-in server extension sets TCP_NODELAY when a websocket opens and on every write."""

from __future__ import annotations

import socket

from rnn_widget import nodelay


class FakeStream:
    def __init__(self):
        self.calls = []

    def closed(self):
        return False

    def set_nodelay(self, value):
        self.calls.append(value)


class FakeConnection:
    def __init__(self):
        self.stream = FakeStream()


class Handler:
    def __init__(self):
        self.ws_connection = FakeConnection()
        self.written = []

    def open(self, *args):
        return "opened"

    def write_message(self, message, binary=False):
        self.written.append(message)
        return "written"


def test_patch_sets_nodelay_on_open_and_write_and_keeps_behaviour():
    assert nodelay.patch(Handler) is True
    assert nodelay.patch(Handler) is False  # idempotent
    h = Handler()
    assert h.open() == "opened"
    assert h.write_message("hi") == "written" and h.written == ["hi"]
    assert h.ws_connection.stream.calls == [True, True]


def test_a_closed_or_missing_stream_is_left_alone():
    class Bare(Handler):
        pass

    nodelay.patch(Bare)
    h = Bare()
    h.ws_connection = None
    assert h.write_message("x") == "written"


def test_the_real_handler_class_is_patched_by_the_extension():
    from jupyter_server.serverapp import ServerApp
    from jupyter_server.services.kernels.websocket import KernelWebsocketHandler

    class Log:
        def info(self, *a):
            self.line = a[0] % a[1:]

    app = ServerApp()
    app.log = Log()
    nodelay._load_jupyter_server_extension(app)
    assert KernelWebsocketHandler._rnn_widget_nodelay is True
    assert "TCP_NODELAY" in app.log.line
    assert nodelay._jupyter_server_extension_points() == [{"module": "rnn_widget.nodelay"}]


def test_set_nodelay_really_sets_the_socket_option():
    """The real thing on a loopback TCP connection: the flag ends up on."""
    server = socket.create_server(("127.0.0.1", 0))
    a = socket.create_connection(server.getsockname())
    b, _ = server.accept()
    try:

        class Stream:
            def closed(self):
                return False

            def set_nodelay(self, value):
                a.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1 if value else 0)

        assert a.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
        h = Handler()
        h.ws_connection.stream = Stream()
        nodelay._set_nodelay(h)
        assert a.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        for sock in (a, b, server):
            sock.close()


def test_the_server_extension_imports_no_numpy():
    """Every Jupyter server with the extension enabled imports it: it must stay light (numpy
    would add 16 MB to each student's server on a hub; benchmarks/README.md, issue 7)."""
    import subprocess
    import sys

    code = "import sys, rnn_widget.nodelay; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
