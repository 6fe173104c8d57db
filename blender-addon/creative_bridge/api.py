"""Scripting entry point: texture the selected objects and block until done.

Usable from ``blender -b`` scripts, where bpy.app.timers never fire: everything runs in the
calling (main) thread, with no timer involved::

    import creative_bridge.api as cb
    image = cb.texture_selected("weathered bronze, green patina", seed=7)

Every failure raises :class:`TextureError` (a readable message, plus ``code`` when the
daemon gave one); ``last_run`` describes the most recent call (for tests and tooling).
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional

import bpy

from . import bridge
from .blender import pipeline
from .blender.scene import SceneError
from .core import request

last_run: Dict[str, Any] = {}


class TextureError(RuntimeError):
    """texture_selected failed; ``code`` is the daemon's error code when there is one."""

    def __init__(self, message: str, *, code: Optional[str] = None):
        super().__init__(message)
        self.code = code


def texture_selected(prompt: str, seed: Optional[int] = None, engine: str = "auto", steps: Optional[int] = None, *,
                     negative_prompt: str = "", resolution: int = 1024, seamless: str = "none",
                     client: Any = None, on_progress: Optional[Callable[[str, float], None]] = None,
                     context: Any = None):
    """Texture the selected meshes from the active camera and return the new base-colour
    ``bpy.types.Image``.

    Renders the depth (ray cast), writes the projected UV layer ``CB Projection`` and the
    face mask ``cb_visible``, runs ``image.texture_from_depth`` on the daemon (found through
    BRIDGE_HOME unless ``client`` is given) and adds the material to every selected mesh.
    Blocks until the job ends. Raises TextureError on any failure.
    """
    context = context or bpy.context
    last_run.clear()
    try:
        prepared = pipeline.prepare(context, resolution=resolution)
        last_run.update(objects=list(prepared.object_names), size=prepared.size, cast_size=prepared.cast_size,
                        depth_rgba16=prepared.depth_rgba16, projection=prepared.projection_counts,
                        timings=prepared.timings)
        params = request.build_params(prompt, negative_prompt=negative_prompt, seed=seed, steps=steps,
                                      seamless=seamless, size=prepared.size)
        client = client or bridge.connect()
        progress = request.Progress()
        if on_progress is not None:
            base = progress.on_event

            def relay(event):
                base(event)
                on_progress(progress.stage, progress.fraction)

            progress.on_event = relay  # type: ignore[method-assign]
        result = request.run_texture_job(client, prepared.depth_rgba16, prepared.size, params=params,
                                         engine=engine or "auto", progress=progress,
                                         on_submitted=lambda job: last_run.update(job_id=job.id,
                                                                                  inputs=dict(job.inputs)))
        last_run.update(outputs=dict(result.job.outputs or {}), seed=result.seed)
        label = pipeline.label_for(prompt, result.seed)
        image = pipeline.finish(prepared, result, label=label)
        last_run.update(image=image.name, material=label, timings=prepared.timings)
        return image
    except (SceneError, request.RequestError, request.TaskMissing) as exc:
        last_run["error"] = str(exc)
        raise TextureError(str(exc)) from exc
    except bridge.BridgeError as exc:
        message = request.describe_error(exc)
        last_run["error"] = message
        raise TextureError(message, code=getattr(exc, "code", None)) from exc
