"""Creative Bridge for Krita: generative fill, object removal and canvas expansion with
the local Creative Bridge daemon.

Loaded by Krita as a Python plugin, this registers the docker. ``creative_bridge.api``
offers the same actions to scripts. The package imports without Krita (unit tests), and
registration is skipped where there is no Krita or when CREATIVE_BRIDGE_NO_UI is set.
"""

from __future__ import annotations

import os

__version__ = "0.1.0"


def _register() -> None:
    """Add the docker factory to Krita (at plugin load, on the UI thread)."""
    try:
        from krita import DockWidgetFactory, DockWidgetFactoryBase, Krita  # type: ignore
    except ImportError:
        return
    from .ui.docker import DOCKER_ID, BridgeDocker

    Krita.instance().addDockWidgetFactory(
        DockWidgetFactory(DOCKER_ID, DockWidgetFactoryBase.DockRight, BridgeDocker)
    )


if not os.environ.get("CREATIVE_BRIDGE_NO_UI"):
    _register()
