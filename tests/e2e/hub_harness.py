"""A real JupyterHub for the homework tests (issue 7), on 127.0.0.1, stopped by the test.

JupyterHub (the `test` extra) with SharedPasswordAuthenticator (one password for the listed
students), SimpleLocalProcessSpawner (no system users: each student's home and notebook dir is
`<root>/homes/<name>`; we may run as root, so the single-user server gets `--allow-root`), and
configurable-http-proxy from the project's node_modules (package.json devDependencies).

Every piece of state lives under one temporary folder: the hub's database, cookie secret and pid
files in `<root>/hub`, its JUPYTER_* dirs there too, and each student's Jupyter config, settings,
workspaces and runtime under their own home (the spawner passes the hub's environment on to no
one: a single-user server sees only HOME, USER, PATH and the JUPYTERHUB_* variables set here).

The hub, the proxy, the single-user servers and their kernels each run in their own session
(JupyterHub starts them with start_new_session), so `Hub.stop()` remembers every process
descending from the hub it started, asks the hub to shut down (which stops the servers and the
proxy), and then kills whatever of those processes is left, by process group.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

# the graders and the students' answers live in hub_grading.py; importable from here too
from hub_grading import (  # noqa: F401
    ANSWERS_FILE,
    ASSIGNMENT,
    BLANKS,
    HOMEWORK,
    NBGRADER_COURSE,
    NOTEBOOK,
    OTTER_TEMPLATE,
    _run,
    all_right,
    answer_in_the_page,
    answer_lines,
    fill_answers,
    grading_env,
    homework_key,
    input_term_left_out,
    nbgrader_generate,
    nbgrader_grade,
    otter_assign,
    otter_export,
    otter_grade,
    python_score,
    slot_answers,
)
from jupyter_harness import BIN, REPO, free_port, jupyter_env

PASSWORD = "homework-on-the-hub"  # SharedPasswordAuthenticator wants 8 characters or more


def find_proxy() -> str | None:
    """configurable-http-proxy: the project's node_modules first (package.json), then
    $CONFIGURABLE_HTTP_PROXY, then PATH."""
    for candidate in (
        REPO / "node_modules" / ".bin" / "configurable-http-proxy",
        os.environ.get("CONFIGURABLE_HTTP_PROXY"),
        shutil.which("configurable-http-proxy"),
    ):
        if candidate and os.path.exists(candidate) and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def _proc_table() -> dict[int, tuple[int, int, str]]:
    """pid -> (ppid, pgid, start time) of every process, from /proc."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # the command name is in parentheses and may hold spaces: split after the last ')'
        fields = stat[stat.rfind(")") + 2 :].split()
        table[int(entry)] = (int(fields[1]), int(fields[2]), fields[19])
    return table


def descendants(pid: int) -> dict[int, tuple[int, str]]:
    """Every process below `pid` (not `pid` itself): pid -> (pgid, start time)."""
    table = _proc_table()
    children: dict[int, list[int]] = {}
    for p, (ppid, _pgid, _start) in table.items():
        children.setdefault(ppid, []).append(p)
    out, todo = {}, list(children.get(pid, []))
    while todo:
        p = todo.pop()
        if p in table and p not in out:
            out[p] = (table[p][1], table[p][2])
            todo.extend(children.get(p, []))
    return out


def _alive(pid: int, start: str) -> bool:
    """The same process (pid and start time) is still there and not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return False
    fields = stat[stat.rfind(")") + 2 :].split()
    return fields[19] == start and fields[0] != "Z"


CONFIG = """\
# written by tests/e2e/hub_harness.py
import json
c = get_config()  # noqa
settings = json.loads({settings!r})

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = settings["port"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = settings["hub_port"]
c.JupyterHub.db_url = "sqlite:///" + settings["state"] + "/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = settings["state"] + "/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = settings["state"] + "/jupyterhub.pid"
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
c.JupyterHub.check_running_servers = False

c.ConfigurableHTTPProxy.command = [settings["proxy"]]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:%d" % settings["proxy_api_port"]
c.ConfigurableHTTPProxy.pid_file = settings["state"] + "/proxy.pid"
c.ConfigurableHTTPProxy.auth_token = settings["proxy_token"]

c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = settings["password"]
c.Authenticator.allowed_users = set(settings["users"])

# the test talks to the hub's REST API as this service
c.JupyterHub.services = [{{"name": "hub-test", "api_token": settings["api_token"]}}]
c.JupyterHub.load_roles = [{{
    "name": "hub-test",
    "scopes": ["admin:users", "admin:servers", "access:servers", "read:users"],
    "services": ["hub-test"],
}}]

c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = settings["homes"] + "/{{username}}"
c.Spawner.cmd = [settings["singleuser"]]
c.Spawner.args = settings["singleuser_args"]
c.Spawner.default_url = "/lab"
c.Spawner.environment = settings["environment"]
# two cores shared with chromium and the other student's server: be patient
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.poll_interval = 5
"""


class Hub:
    """JupyterHub + configurable-http-proxy, every process in a session we can find and stop."""

    def __init__(self, root: Path, users: list[str], *, proxy: str, log_path: Path | None = None):
        self.root = Path(root)
        self.users = list(users)
        self.state = self.root / "hub"
        self.homes = self.root / "homes"
        self.state.mkdir(parents=True, exist_ok=True)
        self.homes.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.api_token = secrets.token_hex(16)
        for user in self.users:
            prepare_home(self.home(user))
        root_flag = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
        settings = {
            "port": self.port,
            "hub_port": free_port(),
            "proxy_api_port": free_port(),
            "proxy_token": secrets.token_hex(16),
            "state": str(self.state),
            "homes": str(self.homes),
            "proxy": proxy,
            "password": PASSWORD,
            "users": self.users,
            "api_token": self.api_token,
            "singleuser": str(BIN / "jupyterhub-singleuser"),
            "singleuser_args": [*root_flag, "--ServerApp.port_retries=0"],
            "environment": {
                "PATH": f"{BIN}{os.pathsep}{Path(proxy).parent}{os.pathsep}/usr/local/bin:/usr/bin:/bin",
                "LANG": "C.UTF-8",
                "PYTHONUNBUFFERED": "1",
                # the test's own PYTHONPATH (e.g. another checkout's rnn_widget), as the other servers get it
                **({"PYTHONPATH": os.environ["PYTHONPATH"]} if os.environ.get("PYTHONPATH") else {}),
            },
        }
        self.config = self.state / "jupyterhub_config.py"
        self.config.write_text(CONFIG.format(settings=json.dumps(settings)))
        env = jupyter_env(self.state / "jupyter")
        env.pop("JUPYTERHUB_USER", None)
        self.log_path = log_path or self.state / "jupyterhub.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [str(BIN / "jupyterhub"), "-f", str(self.config)],
            cwd=self.state,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._seen: dict[int, tuple[int, str]] = {}

    # -- paths -----------------------------------------------------------------------------
    def home(self, user: str) -> Path:
        return self.homes / user

    def user_url(self, user: str) -> str:
        return f"{self.url}/user/{user}"

    # -- lifecycle ---------------------------------------------------------------------------
    def wait_ready(self, timeout: float = 90.0) -> Hub:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyterhub exited with {self.proc.returncode}:\n{self.log()}")
            try:
                self.api("/hub/api/")  # through the proxy: both are up
                self.track()
                return self
            except Exception:
                time.sleep(0.2)
        raise TimeoutError(f"JupyterHub did not answer on {self.url} in {timeout} s:\n{self.log()}")

    def track(self) -> dict[int, tuple[int, str]]:
        """Remember every process now below the hub (proxy, servers, kernels) for stop()."""
        if self.proc.poll() is None:
            self._seen.update(descendants(self.proc.pid))
        return self._seen

    def stop(self, timeout: float = 30.0):
        self.track()
        if self.proc.poll() is None:
            # SIGTERM: the hub stops every single-user server and the proxy (cleanup_* above)
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        leftovers = {p: v for p, v in self._seen.items() if _alive(p, v[1])}
        if self.proc.poll() is None:
            leftovers[self.proc.pid] = (self.proc.pid, "")
        for pid, (pgid, _start) in leftovers.items():
            # a session leader we started (pgid == pid): its whole group; otherwise the process
            try:
                if pgid == pid:
                    os.killpg(pgid, signal.SIGKILL)
                else:
                    os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if self.proc.poll() is None:
            self.proc.wait(timeout=5)
        self._log.close()
        return sorted(leftovers)

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-6000:]
        except OSError:
            return ""

    # -- REST API (as the hub-test service) -------------------------------------------------
    def api(self, path: str, method: str = "GET", body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Authorization", f"token {self.api_token}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=10) as r:
            raw = r.read()
        return json.loads(raw) if raw else None

    def user_model(self, user: str) -> dict:
        return self.api(f"/hub/api/users/{user}")

    def server_api(self, user: str, path: str):
        """GET on the user's single-user server through the proxy (the service may access servers)."""
        return self.api(f"/user/{user}{path}")


def prepare_home(home: Path) -> None:
    """A student's home: Lab settings that silence the news toast and save the widgets' state in
    the notebook (Settings > Save Widget State Automatically), so that the answer-key search of a
    saved notebook covers what the widget sent to the page too."""
    settings = home / ".jupyter" / "lab" / "user-settings"
    notif = settings / "@jupyterlab" / "apputils-extension"
    notif.mkdir(parents=True, exist_ok=True)
    (notif / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    widgets = settings / "@jupyter-widgets" / "jupyterlab-manager"
    widgets.mkdir(parents=True, exist_ok=True)
    (widgets / "plugin.jupyterlab-settings").write_text(json.dumps({"saveState": True}))


class UserServer:
    """What jupyter_harness.open_notebook needs of a server: its base URL and kind."""

    kind = "lab"

    def __init__(self, hub: Hub, user: str):
        self.url = hub.user_url(user)


# ---- the browser side -----------------------------------------------------------------------


def login(page, hub: Hub, user: str, password: str = PASSWORD, timeout: float = 120.0, shot=None):
    """Sign in through the hub's real login page and wait for the student's own JupyterLab
    (the hub spawns the server on first login and redirects to /user/<name>/lab)."""
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", password)
    if shot is not None:
        shot("login")
    page.click("#login_submit")
    page.wait_for_url(re.compile(rf"/user/{re.escape(user)}/lab"), timeout=timeout * 1000)
    page.wait_for_selector(".jp-LabShell, #main", timeout=timeout * 1000)
    hub.track()


def wait_server_ready(hub: Hub, user: str, timeout: float = 120.0) -> dict:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = hub.user_model(user)
            server = (last.get("servers") or {}).get("", {})
            if server.get("ready"):
                hub.track()
                return server
        except urllib.error.URLError as e:
            last = e
        time.sleep(0.3)
    raise TimeoutError(f"{user}'s server not ready in {timeout} s; last {last}\n{hub.log()}")
