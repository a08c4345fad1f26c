"""bench_homework.py's student on a JupyterHub, the server's kernels, and a student's whole
session in Lab (the three tutorials open beside the exercise)."""

from __future__ import annotations

import json
import sys
import time

from common import proc_cpu_s, proc_rss_mb
from homework_page import TUTORIALS, write_notebooks
from jupyter_harness import open_notebook, run_all


def all_kernels(server_pid):
    """The server's kernels (ipykernel_launcher among its child processes)."""
    import psutil

    return [
        c.pid
        for c in psutil.Process(server_pid).children(recursive=True)
        if any("ipykernel" in part for part in c.cmdline())
    ]


def kernel_pid(server_pid):
    """The server's one kernel."""
    kernels = all_kernels(server_pid)
    if len(kernels) != 1:
        raise RuntimeError(f"expected one kernel under the server, found {kernels}")
    return kernels[0]


def lab_session(context, server, exercise_kernel):
    """Open the three tutorials in Lab beside the exercise (a kernel each, Run All in each), then
    read the RSS of the server and of every kernel: a student's whole session."""
    kernels = {"exercise": exercise_kernel}
    pages = []
    server_cpu0, t0 = proc_cpu_s(server.pid), time.perf_counter()
    for nb, roots in zip(TUTORIALS, (1, 1, 3)):
        page = context.new_page()
        pages.append(page)
        open_notebook(page, server, nb)
        run_all(page, ".rnnw", count=roots, timeout=120)
        known = set(kernels.values())
        new = [pid for pid in all_kernels(server.pid) if pid not in known]
        if len(new) != 1:
            raise RuntimeError(f"expected one new kernel for {nb}, found {new}")
        kernels[nb] = new[0]
    wall = time.perf_counter() - t0
    time.sleep(2.0)
    out = {name: proc_rss_mb(pid) for name, pid in kernels.items()}
    out["server"] = proc_rss_mb(server.pid)
    # CPU of opening the three notebooks and running them: the server, and the three new kernels
    # (from their start: the kernel's own start-up counts)
    out["cpu"] = {
        "server": proc_cpu_s(server.pid) - server_cpu0,
        "kernels": sum(proc_cpu_s(kernels[nb]) for nb in TUTORIALS),
        "wall": wall,
    }
    for page in pages:
        page.close()
    return out


class Student:
    """A JupyterHub (tests/e2e/hub_harness.py: the hub, configurable-http-proxy, a local-process
    spawner) with one student logged in through its login page: their single-user server
    (`jupyterhub-singleuser`) is what `Server` is for the other modes."""

    kind = "lab"
    user = "student"

    def __init__(self, mode, tmp, context):
        from hub_harness import Hub, find_proxy, login, wait_server_ready

        proxy = find_proxy()
        if proxy is None:
            sys.exit("no configurable-http-proxy (npm install)")
        self.hub = Hub(tmp / f"{mode}-hub", [self.user], proxy=proxy).wait_ready()
        self.root = self.hub.home(self.user)
        self.log_path = self.hub.log_path  # the single-user server writes into the hub's log
        if mode == "hub-nodelay":  # the student's own config turns the extension on
            (self.root / ".jupyter").mkdir(parents=True, exist_ok=True)
            (self.root / ".jupyter" / "jupyter_server_config.json").write_text(
                json.dumps({"ServerApp": {"jpserver_extensions": {"rnn_widget.nodelay": True}}})
            )
        write_notebooks(self.root)
        self.url = self.hub.user_url(self.user)
        page = context.new_page()
        login(page, self.hub, self.user)
        wait_server_ready(self.hub, self.user)
        page.close()
        self.pid = self._find("jupyterhub-singleuser")

    def _find(self, word):
        import psutil

        found = []
        for pid in self.hub.track():
            try:
                if any(word in part for part in psutil.Process(pid).cmdline()):
                    found.append(pid)
            except psutil.NoSuchProcess:
                pass
        if len(found) != 1:
            raise RuntimeError(f"expected one {word} process under the hub, found {found}")
        return found[0]

    def central_rss(self):
        return {"hub": proc_rss_mb(self.hub.proc.pid), "proxy": proc_rss_mb(self._find("configurable-http-proxy"))}

    def stop(self):
        self.hub.stop()
