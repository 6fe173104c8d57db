"""Access to the shared ``bridge_client`` package and connection to the daemon.

The packaged add-on carries the client in ``creative_bridge/vendor/bridge_client`` (copied
by the Maven build); a source checkout uses ``protocols/python`` on sys.path instead, so
there is exactly one copy of the client in the repository.
"""

from __future__ import annotations

try:
    from .vendor import bridge_client  # type: ignore  # the packaged add-on
except ImportError:  # a source checkout: protocols/python is on sys.path
    import bridge_client  # type: ignore  # noqa: F401

BridgeError = bridge_client.BridgeError


def connect(*, timeout: float = 30.0) -> "bridge_client.BridgeClient":
    """A client for the daemon found through ``endpoint.json`` (BRIDGE_HOME, else the
    platform default). Reads files, no network; the first call on the client does.
    Raises DaemonNotRunning (with how to start it) when no daemon has written its endpoint."""
    return bridge_client.discover(timeout=timeout, check=False)
