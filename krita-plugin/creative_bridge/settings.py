"""Plugin settings (manual daemon URL, token, context margin), kept in Krita's config.

Outside Krita (unit tests) the values live in a plain dict, so the rest of the plugin
never needs to know where they are stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict

GROUP = "creative_bridge"
_memory: Dict[str, str] = {}


def _read(key: str) -> str:
    try:
        from krita import Krita  # type: ignore

        return str(Krita.instance().readSetting(GROUP, key, "") or "")
    except Exception:  # noqa: BLE001 - no Krita: fall back to memory
        return _memory.get(key, "")


def _write(key: str, value: str) -> None:
    try:
        from krita import Krita  # type: ignore

        Krita.instance().writeSetting(GROUP, key, value)
    except Exception:  # noqa: BLE001
        _memory[key] = value


@dataclass
class Settings:
    """``url``: manual daemon URL (empty: discover through endpoint.json); ``token``:
    manual bearer token (empty: read the token file); ``margin``: context pixels sent
    around the selection (0: automatic)."""

    url: str = ""
    token: str = ""
    margin: int = 0

    @classmethod
    def load(cls) -> "Settings":
        """Read the stored settings; unset or malformed values take their defaults."""
        margin = _read("margin")
        return cls(
            url=_read("url").strip(),
            token=_read("token").strip(),
            margin=int(margin) if margin.isdigit() else 0,
        )

    def save(self) -> None:
        """Store the settings."""
        _write("url", self.url.strip())
        _write("token", self.token.strip())
        _write("margin", str(max(0, int(self.margin))))
