"""A throwaway local Synapse for the demo and the end-to-end tests.

Synapse lives in a venv of its own (it pins many packages), so it runs as a
subprocess: this module only writes its config, starts and stops it, and talks
to its HTTP API with urllib. Nothing here imports matrix-nio, so the harness
stays usable by any client under test.

The config is minimal and local-only: one HTTP listener on 127.0.0.1, no
federation, SQLite, every rate limit relaxed (defaults break test suites)
except ``rc_message`` when a test wants it strict.
"""

from __future__ import annotations

import atexit
import hashlib
import hmac
import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]

#: Every new-style ``rc_*`` limiter in synapse/config/ratelimiting.py (1.163).
#: Dotted keys are nested sections. ``rc_federation`` has another shape and
#: federation is off anyway.
RATELIMIT_KEYS = (
    "rc_message",
    "rc_registration",
    "rc_registration_token_validity",
    "rc_login.address",
    "rc_login.account",
    "rc_login.failed_attempts",
    "rc_admin_redaction",
    "rc_joins.local",
    "rc_joins.remote",
    "rc_joins_per_room",
    "rc_key_requests",
    "rc_3pid_validation",
    "rc_invites.per_room",
    "rc_invites.per_user",
    "rc_invites.per_issuer",
    "rc_third_party_invite",
    "rc_media_create",
    "rc_presence.per_user",
    "rc_delayed_event_mgmt",
    "rc_room_creation",
    "rc_reports",
    "rc_user_directory",
    "rc_profile",
)
RELAXED = {"per_second": 1000, "burst_count": 10000}

#: Internal account used only for admin API calls (rate-limit overrides).
_ADMIN_LOCALPART = "harness-admin"


def synapse_python() -> str:
    """The Python of Synapse's own venv: $VERBINDER_SYNAPSE_PYTHON, else the Makefile's."""
    return os.environ.get("VERBINDER_SYNAPSE_PYTHON") or str(
        REPO_ROOT / ".venv-synapse" / "bin" / "python"
    )


class LocalSynapseError(RuntimeError):
    """A Synapse process or API failure; carries the Matrix ``errcode`` if any."""

    def __init__(self, message: str, *, status: int | None = None, errcode: str | None = None):
        super().__init__(message)
        self.status = status
        self.errcode = errcode


def terminate(proc: subprocess.Popen, timeout: float, *, group: bool = False) -> None:
    """SIGTERM (the whole process group with `group`), SIGKILL after `timeout` s;
    a process that already ended is left alone."""
    if proc.poll() is not None:
        return
    def send(sig: int) -> None:
        os.killpg(proc.pid, sig) if group else proc.send_signal(sig)
    try:
        send(signal.SIGTERM)
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _port_in_use(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


class LocalSynapse:
    """One Synapse process with its state (config, keys, SQLite db, logs) in ``workdir``.

    State survives a restart: secrets and port are generated once and reused, so a
    second demo run finds its users and rooms again.
    """

    def __init__(
        self,
        workdir: Path,
        *,
        server_name: str = "localhost",
        port: int | None = None,
        rc_message: tuple[float, int] | None = None,
        python: str | None = None,
    ) -> None:
        self.workdir = Path(workdir).resolve()
        self.server_name = server_name
        self.port = port
        self.rc_message = rc_message
        self.python = python or synapse_python()
        self.config_path = self.workdir / "homeserver.yaml"
        self.log_path = self.workdir / "homeserver.log"  # Synapse's own logging
        self.console_path = self.workdir / "console.log"  # process stdout/stderr
        self._secret = ""
        self._proc: subprocess.Popen[bytes] | None = None
        self._admin_token: str | None = None
        # No proxy: an http_proxy in the environment must not catch 127.0.0.1.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    @property
    def pid(self) -> int | None:
        """The running homeserver's process id (benchmarks read its CPU time)."""
        return self._proc.pid if self._proc is not None and self._proc.poll() is None else None

    @property
    def url(self) -> str:
        if self.port is None:
            raise LocalSynapseError("port unknown before write_config()")
        return f"http://127.0.0.1:{self.port}"

    # -- config --------------------------------------------------------------

    def write_config(self) -> None:
        """Write homeserver.yaml and its log config, reusing secrets and port if present."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        old: dict[str, Any] = {}
        if self.config_path.exists():
            old = yaml.safe_load(self.config_path.read_text()) or {}
        if self.port is None:
            self.port = int(old["listeners"][0]["port"]) if old.get("listeners") else _free_port()
        self._secret = old.get("registration_shared_secret") or secrets.token_urlsafe(32)
        wd = self.workdir
        config: dict[str, Any] = {
            "server_name": self.server_name,
            "public_baseurl": self.url + "/",
            "listeners": [
                {
                    "port": self.port,
                    "bind_addresses": ["127.0.0.1"],
                    "type": "http",
                    "tls": False,
                    "x_forwarded": False,
                    "resources": [{"names": ["client"], "compress": False}],
                }
            ],
            "database": {"name": "sqlite3", "args": {"database": str(wd / "homeserver.db")}},
            "log_config": str(wd / "log.yaml"),
            "media_store_path": str(wd / "media_store"),
            "signing_key_path": str(wd / "signing.key"),
            "registration_shared_secret": self._secret,
            "macaroon_secret_key": old.get("macaroon_secret_key") or secrets.token_urlsafe(32),
            "form_secret": old.get("form_secret") or secrets.token_urlsafe(32),
            "enable_registration": False,
            "report_stats": False,
            "trusted_key_servers": [],
            "suppress_key_server_warning": True,
            "federation_domain_whitelist": [],
            "url_preview_enabled": False,
            "presence": {"enabled": False},
            "bcrypt_rounds": 4,  # logins ~11 ms instead of ~230 ms
            "enable_metrics": False,
        }
        for key in RATELIMIT_KEYS:
            *parents, leaf = key.split(".")
            section = config
            for part in parents:
                section = section.setdefault(part, {})
            section[leaf] = dict(RELAXED)
        if self.rc_message is not None:
            per_second, burst = self.rc_message
            config["rc_message"] = {"per_second": per_second, "burst_count": burst}

        log_config = {
            "version": 1,
            "formatters": {"precise": {"format": "%(asctime)s %(name)s %(levelname)s %(message)s"}},
            "handlers": {
                "file": {
                    "class": "logging.FileHandler",
                    "formatter": "precise",
                    "filename": str(self.log_path),
                    "encoding": "utf8",
                }
            },
            "root": {"level": "WARNING", "handlers": ["file"]},
            "disable_existing_loggers": False,
        }
        (wd / "log.yaml").write_text(yaml.safe_dump(log_config))
        # The file holds secrets: write it private from the start.
        fd = os.open(self.config_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            yaml.safe_dump(config, f, sort_keys=False)

    # -- process -------------------------------------------------------------

    def start(self, timeout: float = 30) -> None:
        """Start Synapse and wait until the client API answers."""
        if self._proc is not None and self._proc.poll() is None:
            return
        if not Path(self.python).exists():
            raise LocalSynapseError(f"Synapse python not found: {self.python}")
        self.write_config()
        assert self.port is not None
        if _port_in_use(self.port):  # else a stale server would look "ready"
            raise LocalSynapseError(f"port {self.port} already in use (stale Synapse?)")
        console = open(self.console_path, "ab")
        try:
            self._proc = subprocess.Popen(
                [self.python, "-m", "synapse.app.homeserver", "-c", str(self.config_path)],
                cwd=self.workdir,  # never the caller's cwd: it may shadow stdlib modules
                stdin=subprocess.DEVNULL,
                stdout=console,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # own process group: stop() kills it all
            )
        finally:
            console.close()  # the child holds its own copy
        atexit.register(self.stop)
        deadline = time.monotonic() + timeout
        while True:
            if self._proc.poll() is not None:
                code = self._proc.returncode
                self._proc = None
                raise LocalSynapseError(f"Synapse exited with {code}:\n{self._log_tail()}")
            try:
                self._request("GET", "/_matrix/client/versions", timeout=1)
                return
            except (OSError, LocalSynapseError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise LocalSynapseError(f"Synapse not ready in {timeout} s:\n{self._log_tail()}")
            time.sleep(0.05)

    def stop(self) -> None:
        """SIGTERM the process group, SIGKILL after 10 s. Safe to call twice."""
        proc, self._proc = self._proc, None
        self._admin_token = None
        atexit.unregister(self.stop)
        if proc is not None:
            terminate(proc, 10, group=True)

    def __enter__(self) -> LocalSynapse:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _log_tail(self, lines: int = 30) -> str:
        parts = []
        for path in (self.console_path, self.log_path):
            if path.exists():
                tail = path.read_text(errors="replace").splitlines()[-lines:]
                parts.append(f"--- {path.name}\n" + "\n".join(tail))
        text = "\n".join(parts)
        return text.replace(self._secret, "***") if self._secret else text

    # -- HTTP API ------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        timeout: float = 10,
    ) -> dict[str, Any]:
        """JSON request; Matrix errors become LocalSynapseError (never echoing the body)."""
        req = urllib.request.Request(self.url + path, method=method)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        try:
            with self._opener.open(req, data=data, timeout=timeout) as resp:
                return dict(json.load(resp))
        except urllib.error.HTTPError as e:
            try:
                err = json.load(e)
            except ValueError:
                err = {}
            errcode = err.get("errcode")
            raise LocalSynapseError(
                f"{method} {path.split('?')[0]}: HTTP {e.code} {errcode}: {err.get('error', '')}",
                status=e.code,
                errcode=errcode,
            ) from None

    def user_id(self, localpart: str) -> str:
        return f"@{localpart}:{self.server_name}"

    def register(
        self, localpart: str, password: str, *, admin: bool = False, ratelimited: bool = True
    ) -> str:
        """Create a user with the shared-secret admin API; an existing user is fine.

        ``ratelimited=False`` exempts the user from ``rc_message`` (also for an
        existing user), so only the users a test picks hit a strict limit.
        """
        self._register(localpart, password, admin=admin)
        user_id = self.user_id(localpart)
        if not ratelimited:
            quoted = urllib.parse.quote(user_id)
            self._request(
                "POST",
                f"/_synapse/admin/v1/users/{quoted}/override_ratelimit",
                {"messages_per_second": 0, "burst_count": 0},
                token=self._admin(),
            )
        return user_id

    def _register(self, localpart: str, password: str, *, admin: bool) -> dict[str, Any] | None:
        """Register; return the response (has an access_token), or None if the user exists."""
        nonce = self._request("GET", "/_synapse/admin/v1/register")["nonce"]
        parts = [nonce, localpart, password, "admin" if admin else "notadmin"]
        mac = hmac.new(self._secret.encode(), "\x00".join(parts).encode(), hashlib.sha1)
        body = {
            "nonce": nonce,
            "username": localpart,
            "password": password,
            "admin": admin,
            "mac": mac.hexdigest(),
        }
        try:
            return self._request("POST", "/_synapse/admin/v1/register", body)
        except LocalSynapseError as e:
            if e.errcode == "M_USER_IN_USE":
                return None
            raise

    def _admin(self) -> str:
        """Token of the internal admin, registered (or logged in) once per start."""
        if self._admin_token is None:
            # Derived from the persisted secret, so a reused workdir can log it in again.
            password = hmac.new(self._secret.encode(), b"harness-admin", hashlib.sha256).hexdigest()
            resp = self._register(_ADMIN_LOCALPART, password, admin=True)
            if resp is None:
                resp = self.login(_ADMIN_LOCALPART, password)
            self._admin_token = str(resp["access_token"])
        return self._admin_token

    def login(self, localpart: str, password: str) -> dict[str, Any]:
        """Password login; returns the JSON (``access_token``, ``device_id``, ``user_id``)."""
        return self._request(
            "POST",
            "/_matrix/client/v3/login",
            {
                "type": "m.login.password",
                "identifier": {"type": "m.id.user", "user": localpart},
                "password": password,
            },
        )
