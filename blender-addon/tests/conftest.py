"""Test setup: the add-on package and the shared client on sys.path (unit tests import the
bpy-free core), and for the Blender tests a live daemon started from the jar like
protocols/python/tests/conftest.py does.

The daemon jar is $BRIDGE_JAR, else bridge-core/target/bridge.jar. A missing jar fails the
integration tests with a clear message; a missing Blender skips them by name.
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

import pytest

TESTS_DIR = Path(__file__).resolve().parent
ADDON_DIR = TESTS_DIR.parent
PROJECT_ROOT = ADDON_DIR.parent
CLIENT_DIR = PROJECT_ROOT / "protocols" / "python"
for path in (str(TESTS_DIR), str(CLIENT_DIR), str(ADDON_DIR)):
    if path not in sys.path:
        sys.path.insert(0, path)

STARTUP_TIMEOUT = 60.0


def jar_path() -> Path:
    """The daemon jar the integration tests run."""
    value = os.environ.get("BRIDGE_JAR")
    return Path(value) if value else PROJECT_ROOT / "bridge-core" / "target" / "bridge.jar"


class Daemon:
    """A daemon started for the session: its BRIDGE_HOME, URL and token."""

    def __init__(self, home: Path, url: str, token: str, log: Path):
        self.home = home
        self.url = url
        self.token = token
        self.log = log

    def log_text(self) -> str:
        """The daemon's output so far (for failure messages)."""
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""


def _endpoint(home: Path):
    try:
        doc = json.loads((home / "endpoint.json").read_text(encoding="utf-8"))
        token = (home / "token").read_text(encoding="utf-8").strip()
    except (OSError, ValueError):
        return None
    return (doc["url"], token) if isinstance(doc, dict) and doc.get("url") and token else None


@pytest.fixture(scope="session")
def daemon():
    """``java -jar <jar> serve --port 0`` with a fresh BRIDGE_HOME, once per session."""
    jar = jar_path()
    if not jar.is_file():
        pytest.fail("daemon jar not found at {}: build it (`./mvnw -pl bridge-core -am package -DskipTests`) "
                    "or point BRIDGE_JAR at a built bridge.jar".format(jar), pytrace=False)
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is not on PATH; the Blender integration tests need Java 17+", pytrace=False)
    home = Path(tempfile.mkdtemp(prefix="bridge-blender-home-"))
    log = home.parent / (home.name + ".log")
    env = dict(os.environ, BRIDGE_HOME=str(home))
    with open(log, "wb") as out:
        # Output to a file, not a pipe nobody reads, so the daemon can never block on it.
        process = subprocess.Popen([java, "-jar", str(jar), "serve", "--port", "0"], stdin=subprocess.DEVNULL,
                                   stdout=out, stderr=subprocess.STDOUT, env=env, cwd=str(home))
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        found = None
        while time.monotonic() < deadline and process.poll() is None:
            found = _endpoint(home)
            if found:
                break
            time.sleep(0.1)
        if not found:
            text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
            pytest.fail("daemon from {} did not start (BRIDGE_HOME={}):\n{}".format(jar, home, text[-6000:]),
                        pytrace=False)
        from bridge_client import BridgeClient

        live = Daemon(home, found[0], found[1], log)
        while True:
            try:
                BridgeClient(live.url).health()
                break
            except Exception:  # noqa: BLE001 - retried until the deadline
                if time.monotonic() > deadline:
                    pytest.fail("daemon never answered /v1/health:\n" + live.log_text()[-6000:], pytrace=False)
                time.sleep(0.1)
        yield live
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)
        if not os.environ.get("BRIDGE_KEEP_HOME"):
            shutil.rmtree(home, ignore_errors=True)
            try:
                log.unlink()
            except OSError:
                pass
