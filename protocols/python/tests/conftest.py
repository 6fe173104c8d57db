"""Fixtures: the package on sys.path, and a live daemon for tests marked ``live``.

The live daemon is ``java -jar <jar> serve --port 0`` with a fresh BRIDGE_HOME, where
<jar> is $BRIDGE_JAR or bridge-core/target/bridge.jar under the project root. A missing
jar fails the live tests with a clear message (``./bridge test`` builds it first); it is
never a silent skip.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

import pytest

TESTS_DIR = Path(__file__).resolve().parent
PYTHON_DIR = TESTS_DIR.parent
PROJECT_ROOT = PYTHON_DIR.parent.parent
sys.path.insert(0, str(PYTHON_DIR))
sys.path.insert(0, str(TESTS_DIR))

from bridge_client import BridgeClient  # noqa: E402

STARTUP_TIMEOUT = 60.0


def pytest_configure(config):
    config.addinivalue_line("markers", "live: needs a running daemon (started by the `daemon` fixture)")


class LiveDaemon:
    """A daemon started for the test session."""

    def __init__(self, home: Path, url: str, token: str, *, process: subprocess.Popen, log: Path):
        self.home = home
        self.url = url
        self.token = token
        self.process = process
        self.log = log

    def client(self, token: Optional[str] = "__default__") -> BridgeClient:
        """A client for this daemon (with its token unless told otherwise)."""
        return BridgeClient(self.url, self.token if token == "__default__" else token, timeout=30.0)

    def log_text(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""


def _jar_path() -> Path:
    value = os.environ.get("BRIDGE_JAR")
    return Path(value) if value else PROJECT_ROOT / "bridge-core" / "target" / "bridge.jar"


def _read_endpoint(home: Path):
    try:
        doc = json.loads((home / "endpoint.json").read_text(encoding="utf-8"))
        token = (home / "token").read_text(encoding="utf-8").strip()
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or not doc.get("url") or not token:
        return None
    return doc["url"], token


@pytest.fixture(scope="session")
def daemon():
    """Start the daemon once per session; stop it at the end."""
    jar = _jar_path()
    if not jar.is_file():
        pytest.fail(
            "daemon jar not found at {}: build it first (`./bridge test` does, or "
            "`./mvnw -pl bridge-core -am package -DskipTests`), or point BRIDGE_JAR at a "
            "built bridge.jar".format(jar),
            pytrace=False,
        )
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is not on PATH; the live tests need Java 17+", pytrace=False)
    home = Path(tempfile.mkdtemp(prefix="bridge-py-home-"))
    log = home.parent / (home.name + ".log")
    env = dict(os.environ)
    env["BRIDGE_HOME"] = str(home)
    with open(log, "wb") as log_file:
        # stderr and stdout go to a file, not a pipe: a chatty daemon must never block on
        # a full pipe buffer while nobody reads it.
        process = subprocess.Popen(
            [java, "-jar", str(jar), "serve", "--port", "0"],
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=str(home),
        )
    live = None
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        found = None
        while time.monotonic() < deadline:
            found = _read_endpoint(home)
            if found is not None or process.poll() is not None:
                break
            time.sleep(0.1)
        if found is None:
            output = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
            state = (
                "exited with code {}".format(process.returncode)
                if process.poll() is not None
                else "wrote no endpoint.json within {:.0f} s".format(STARTUP_TIMEOUT)
            )
            pytest.fail(
                "daemon `java -jar {} serve --port 0` {} (BRIDGE_HOME={}).\n--- daemon output ---\n{}".format(
                    jar, state, home, output[-8000:]
                ),
                pytrace=False,
            )
        live = LiveDaemon(home, found[0], found[1], process=process, log=log)
        # endpoint.json should only appear once the port listens; tolerate a short gap.
        last_error = None
        while time.monotonic() < deadline:
            try:
                live.client(None).health()
                break
            except Exception as exc:  # noqa: BLE001 - reported below if it never works
                last_error = exc
                time.sleep(0.1)
        else:
            pytest.fail(
                "daemon wrote endpoint.json ({}) but /v1/health never answered: {}\n"
                "--- daemon output ---\n{}".format(live.url, last_error, live.log_text()[-8000:]),
                pytrace=False,
            )
        yield live
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)
        if os.environ.get("BRIDGE_KEEP_HOME"):
            print("daemon home kept at {} (log {})".format(home, log))
        else:
            shutil.rmtree(home, ignore_errors=True)
            try:
                log.unlink()
            except OSError:
                pass


@pytest.fixture
def client(daemon):
    """A client of the live daemon, with its token."""
    return daemon.client()
