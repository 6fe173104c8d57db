"""Creative Bridge client: the shared Python client of the local daemon (wire protocol v1).

Standard library only, Python 3.8+, no threads: vendor this package into a plugin and call
it from whichever thread the plugin chooses.

Typical use::

    from bridge_client import discover, JobFailed

    client = discover()                       # DaemonNotRunning if `bridge serve` is not up
    image = client.put_blob(png_bytes, "image/png")
    mask = client.put_blob(mask_png, "image/png")
    job = client.submit("image.inpaint", {"image": image, "mask": mask}, {"seed": 7})
    done = client.wait(job.id, on_event=lambda e: print(e.type, e.progress))
    data, content_type = client.get_blob(done.output("image"))
"""

from __future__ import annotations

from .client import (
    DEFAULT_IDLE_TIMEOUT,
    DEFAULT_TIMEOUT,
    DEFAULT_TRANSFER_TIMEOUT,
    PROTOCOL_VERSION,
    BridgeClient,
    discover,
)
from .discovery import Endpoint, bridge_home, default_home, read_endpoint, read_token
from .errors import (
    BridgeConnectionError,
    BridgeError,
    BridgeTimeout,
    Conflict,
    DaemonNotRunning,
    Forbidden,
    InvalidRequest,
    JobCancelled,
    JobFailed,
    NotFound,
    ProtocolError,
    ServerBusy,
    ServerError,
    Unauthorized,
    error_from_json,
    error_from_response,
)
from .events import SseMessage, SseParser, iter_events, parse_sse
from .images import (
    PNG_RECIPE_KEYWORD,
    parse_raw_image_type,
    png_size,
    raw_image_size,
    raw_image_type,
    read_png_recipe,
)
from .models import (
    BlobInfo,
    Capabilities,
    EngineInfo,
    EngineRef,
    ErrorInfo,
    Event,
    Health,
    InputSpec,
    Job,
    Recipe,
    TaskInfo,
)

__version__ = "0.1.0"

__all__ = [
    "BlobInfo",
    "BridgeClient",
    "BridgeConnectionError",
    "BridgeError",
    "BridgeTimeout",
    "Capabilities",
    "Conflict",
    "DEFAULT_IDLE_TIMEOUT",
    "DEFAULT_TIMEOUT",
    "DEFAULT_TRANSFER_TIMEOUT",
    "DaemonNotRunning",
    "Endpoint",
    "EngineInfo",
    "EngineRef",
    "ErrorInfo",
    "Event",
    "Forbidden",
    "Health",
    "InputSpec",
    "InvalidRequest",
    "Job",
    "JobCancelled",
    "JobFailed",
    "NotFound",
    "PNG_RECIPE_KEYWORD",
    "PROTOCOL_VERSION",
    "ProtocolError",
    "Recipe",
    "ServerBusy",
    "ServerError",
    "SseMessage",
    "SseParser",
    "TaskInfo",
    "Unauthorized",
    "bridge_home",
    "default_home",
    "discover",
    "error_from_json",
    "error_from_response",
    "iter_events",
    "parse_raw_image_type",
    "parse_sse",
    "png_size",
    "raw_image_size",
    "raw_image_type",
    "read_endpoint",
    "read_png_recipe",
    "read_token",
]
