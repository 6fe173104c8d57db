"""Finding the local daemon: BRIDGE_HOME, endpoint.json and the token file.

The daemon writes ``$BRIDGE_HOME/endpoint.json`` (``{"url", "pid", "protocol"}``) and
``$BRIDGE_HOME/token`` when it starts. This module only reads files; connecting is the
client's job (see :func:`bridge_client.discover`).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional, Union

from .errors import CLIENT_DAEMON_NOT_RUNNING, CLIENT_NO_TOKEN, DaemonNotRunning, Unauthorized

ENDPOINT_FILE = "endpoint.json"
TOKEN_FILE = "token"
HOME_ENV = "BRIDGE_HOME"

START_HINT = "Start it with `bridge serve` (or the Creative Bridge app) and try again."

PathLike = Union[str, "os.PathLike[str]"]


@dataclass(frozen=True)
class Endpoint:
    """What a running daemon published: its base ``url``, ``pid``, wire ``protocol``
    version, bearer ``token`` (None when the token file is absent) and the ``home``
    folder they were read from."""

    url: str
    token: Optional[str]
    pid: Optional[int]
    protocol: Optional[int]
    home: Path


def default_home(
    *, platform: Optional[str] = None, environ: Optional[Mapping[str, str]] = None
) -> Path:
    """The platform's default BRIDGE_HOME, ignoring the BRIDGE_HOME variable.

    Linux and other Unix: ``$XDG_DATA_HOME/creative-bridge`` (``~/.local/share`` when
    XDG_DATA_HOME is unset or empty); macOS: ``~/Library/Application Support/CreativeBridge``;
    Windows: ``%LOCALAPPDATA%\\CreativeBridge`` (``~/AppData/Local`` when unset).
    ``platform`` and ``environ`` default to ``sys.platform`` and ``os.environ``.
    """
    platform = sys.platform if platform is None else platform
    env = os.environ if environ is None else environ
    home = _user_home(env)
    if platform.startswith("win"):
        local = env.get("LOCALAPPDATA")
        base = Path(local) if local else home / "AppData" / "Local"
        return base / "CreativeBridge"
    if platform == "darwin":
        return home / "Library" / "Application Support" / "CreativeBridge"
    xdg = env.get("XDG_DATA_HOME")
    # The XDG spec says a relative value is invalid and must be ignored.
    base = Path(xdg) if xdg and os.path.isabs(xdg) else home / ".local" / "share"
    return base / "creative-bridge"


def bridge_home(
    home: Optional[PathLike] = None,
    *,
    platform: Optional[str] = None,
    environ: Optional[Mapping[str, str]] = None,
) -> Path:
    """The BRIDGE_HOME folder: ``home`` when given, else the BRIDGE_HOME environment
    variable when set and non-empty, else :func:`default_home`."""
    if home is not None:
        return Path(home).expanduser()
    env = os.environ if environ is None else environ
    value = env.get(HOME_ENV)
    if value:
        return Path(value).expanduser()
    return default_home(platform=platform, environ=env)


def read_endpoint(home: Optional[PathLike] = None) -> Endpoint:
    """Read endpoint.json and the token from BRIDGE_HOME (see :func:`bridge_home`).

    Raises:
        DaemonNotRunning: endpoint.json is missing, unreadable or has no ``url``;
            the message says where it looked and to start ``bridge serve``.
    The token is None when its file is missing; :func:`read_token` raises instead.
    """
    folder = bridge_home(home)
    path = folder / ENDPOINT_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DaemonNotRunning(
            CLIENT_DAEMON_NOT_RUNNING,
            "The Creative Bridge daemon is not running (no {} in {}). {}".format(
                ENDPOINT_FILE, folder, START_HINT
            ),
            {"home": str(folder)},
        )
    except OSError as exc:
        raise DaemonNotRunning(
            CLIENT_DAEMON_NOT_RUNNING,
            "Cannot read {}: {}. {}".format(path, exc, START_HINT),
            {"home": str(folder)},
        )
    try:
        doc = json.loads(text)
    except ValueError:
        doc = None
    if not isinstance(doc, dict) or not isinstance(doc.get("url"), str) or not doc["url"]:
        # A half-written file while the daemon starts, or a damaged one after a crash.
        raise DaemonNotRunning(
            CLIENT_DAEMON_NOT_RUNNING,
            "{} is incomplete or damaged (the daemon may still be starting). {}".format(
                path, START_HINT
            ),
            {"home": str(folder)},
        )
    pid = doc.get("pid")
    protocol = doc.get("protocol")
    return Endpoint(
        url=doc["url"].rstrip("/"),
        token=_read_token_file(folder),
        pid=pid if isinstance(pid, int) else None,
        protocol=protocol if isinstance(protocol, int) else None,
        home=folder,
    )


def read_token(home: Optional[PathLike] = None) -> str:
    """Read the bearer token from BRIDGE_HOME/token.

    Raises:
        Unauthorized: the token file is missing or empty (code CLIENT-NO-TOKEN).
    """
    folder = bridge_home(home)
    token = _read_token_file(folder)
    if not token:
        raise Unauthorized(
            CLIENT_NO_TOKEN,
            "No token in {}: the daemon writes it when it starts. {}".format(
                folder / TOKEN_FILE, START_HINT
            ),
            {"home": str(folder)},
        )
    return token


def _read_token_file(folder: Path) -> Optional[str]:
    try:
        token = (folder / TOKEN_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return token or None


def _user_home(env: Mapping[str, str]) -> Path:
    # Path.home() reads os.environ; honour an injected environment (tests, embedders).
    for key in ("HOME", "USERPROFILE"):
        if env.get(key):
            return Path(env[key])
    return Path.home()
