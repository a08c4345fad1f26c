"""Opt-in Jupyter server extension: TCP_NODELAY on kernel websockets.

Rapid edits in the page otherwise take ~40 ms per round trip on a stock server: tornado turns
Nagle's algorithm back on when it finishes the HTTP upgrade (http1connection `_finish_request`
calls ``set_nodelay(False)``), so the kernel's small follow-up messages (the echo, then the new
trace, then the idle status) wait for the browser's delayed ACK. Setting the flag at accept time
does not stick; this extension sets it once the websocket is open, and again on every message
the server writes to the browser (a cheap setsockopt, and robust against anything that resets
it). Enable it with::

    jupyter lab --ServerApp.jpserver_extensions="{'rnn_widget.nodelay': True}"

or in a config file: ``c.ServerApp.jpserver_extensions = {"rnn_widget.nodelay": True}``.
It changes nothing but the socket option; the kernel protocol and the widget are untouched.
"""

from __future__ import annotations

import functools

_PATCHED = "_rnn_widget_nodelay"


def _jupyter_server_extension_points():
    return [{"module": "rnn_widget.nodelay"}]


def _set_nodelay(handler) -> None:
    conn = getattr(handler, "ws_connection", None)
    stream = getattr(conn, "stream", None)
    if stream is None or stream.closed():
        return
    try:
        stream.set_nodelay(True)
    except OSError:  # the socket went away under us: nothing to speed up
        pass


def patch(handler_class) -> bool:
    """Make `handler_class` (a tornado WebSocketHandler) set TCP_NODELAY once open and on writes.

    Returns False if it was patched already."""
    if getattr(handler_class, _PATCHED, False):
        return False
    original_open = handler_class.open
    original_write = handler_class.write_message

    @functools.wraps(original_open)
    def open(self, *args, **kwargs):
        _set_nodelay(self)
        return original_open(self, *args, **kwargs)

    @functools.wraps(original_write)
    def write_message(self, message, binary=False):
        _set_nodelay(self)
        return original_write(self, message, binary=binary)

    handler_class.open = open
    handler_class.write_message = write_message
    setattr(handler_class, _PATCHED, True)
    return True


def _load_jupyter_server_extension(serverapp):
    from jupyter_server.services.kernels.websocket import KernelWebsocketHandler

    # the handler class actually in use can be configured; patch that one (and the stock one)
    classes: set[type] = {KernelWebsocketHandler}
    configured = getattr(serverapp, "kernel_websocket_handler_class", None)  # not in every version
    if isinstance(configured, type):
        classes.add(configured)
    for cls in classes:
        patch(cls)
    serverapp.log.info(
        "rnn_widget.nodelay: TCP_NODELAY on kernel websockets (%s)", ", ".join(sorted(c.__name__ for c in classes))
    )


# older notebook-server name of the same hook
load_jupyter_server_extension = _load_jupyter_server_extension
