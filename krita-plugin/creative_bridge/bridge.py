"""Access to the shared ``bridge_client`` package and connection to the daemon.

The packaged plugin carries the client in ``creative_bridge/vendor/bridge_client`` (copied
by the Maven build); a source checkout uses ``protocols/python`` on PYTHONPATH instead, so
there is exactly one copy of the client in the repository.
"""

from __future__ import annotations

from typing import Optional

try:
    from .vendor import bridge_client  # type: ignore  # the packaged plugin
except ImportError:  # a source checkout: protocols/python is on sys.path
    import bridge_client  # type: ignore  # noqa: F401

from .settings import Settings

BridgeClient = bridge_client.BridgeClient
BridgeError = bridge_client.BridgeError


def connect(settings: Optional[Settings] = None, *, timeout: float = 30.0) -> "bridge_client.BridgeClient":
    """Return a client for the daemon: the manual URL from the settings when set, else
    the one found through ``endpoint.json`` (BRIDGE_HOME).

    Reads files but does no network; the first call on the client does. Call it off
    the UI thread all the same, since a slow disk should not freeze Krita.
    Raises the bridge_client errors (DaemonNotRunning when nothing is found).
    """
    settings = settings or Settings()
    if settings.url:
        token = settings.token or bridge_client.read_token()
        return bridge_client.BridgeClient(settings.url, token, timeout=timeout)
    return bridge_client.discover(timeout=timeout, check=False)
