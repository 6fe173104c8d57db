"""Building the ``image.texture_from_depth`` request and running it against the daemon.

The runner is engine-agnostic (it submits with engine "auto" unless told otherwise) and
blocking; the Blender layer runs it in a worker thread for the UI, or in the caller's
thread for the scripting API, where ``bpy.app.timers`` would never fire.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Dict, List, Optional, Tuple

TASK = "image.texture_from_depth"
SEAMLESS_CHOICES = ("none", "x", "y", "both")
SIZE_STEP = 8
MIN_SIZE = 64
MAX_SIZE = 4096
MAX_SEED = 4294967295


class RequestError(ValueError):
    """A texture request that cannot be sent as asked (bad size, seed, ...)."""


def snap_size(value: int) -> int:
    """Round a side length to the nearest multiple of 8 within the supported range."""
    value = int(round(value / SIZE_STEP)) * SIZE_STEP
    return min(max(value, MIN_SIZE), MAX_SIZE)


def fit_resolution(aspect: float, long_side: int) -> Tuple[int, int]:
    """(width, height), multiples of 8, with ``long_side`` on the longer side and the
    camera's aspect ratio (width / height)."""
    if aspect <= 0:
        raise RequestError("aspect ratio must be positive, got {!r}".format(aspect))
    if aspect >= 1.0:
        return snap_size(long_side), snap_size(long_side / aspect)
    return snap_size(long_side * aspect), snap_size(long_side)


def build_params(prompt: str, *, negative_prompt: str = "", seed: Optional[int] = None,
                 steps: Optional[int] = None, strength: Optional[float] = None,
                 seamless: str = "none", size: Tuple[int, int]) -> Dict[str, Any]:
    """The job's params. Absent values are left out so the daemon applies its defaults
    (and picks and records a seed); ``strength`` only matters with an ``image`` input,
    so the caller passes it only then."""
    width, height = size
    for side in (width, height):
        if side % SIZE_STEP or not MIN_SIZE <= side <= MAX_SIZE:
            raise RequestError("width and height must be multiples of 8 in {}..{}, got {}x{}".format(
                MIN_SIZE, MAX_SIZE, width, height))
    params: Dict[str, Any] = {"prompt": prompt or "", "width": int(width), "height": int(height)}
    if negative_prompt:
        params["negative_prompt"] = negative_prompt
    if seed is not None:
        if not 0 <= int(seed) <= MAX_SEED:
            raise RequestError("seed must be in 0..{}, got {}".format(MAX_SEED, seed))
        params["seed"] = int(seed)
    if steps is not None:
        if int(steps) < 1:
            raise RequestError("steps must be at least 1, got {}".format(steps))
        params["steps"] = int(steps)
    if strength is not None:
        if not 0.0 <= float(strength) <= 1.0:
            raise RequestError("strength must be in 0..1, got {}".format(strength))
        params["strength"] = float(strength)
    if seamless not in SEAMLESS_CHOICES:
        raise RequestError("seamless must be one of {}, got {!r}".format(SEAMLESS_CHOICES, seamless))
    if seamless != "none":
        params["seamless"] = seamless
    return params


class TaskMissing(RuntimeError):
    """The daemon does not offer ``image.texture_from_depth`` (too old, or its engine is not
    built in)."""


class Progress:
    """What a running job reports, shared between the worker thread and the UI: written by
    the worker, read by the main thread (plain attribute writes, atomic under the GIL)."""

    def __init__(self) -> None:
        self.stage = "queued"
        self.fraction = 0.0
        self.job_id: Optional[str] = None
        self.cancel_requested = threading.Event()

    def on_event(self, event: Any) -> None:
        """``BridgeClient.wait`` callback: keep the latest stage and progress."""
        stage = getattr(event, "stage", None)
        if stage:
            self.stage = stage
        value = getattr(event, "progress", None)
        if value is not None:
            self.fraction = max(0.0, min(1.0, float(value)))
        if getattr(event, "type", "") in ("started",) and self.stage == "queued":
            self.stage = "started"


class TextureResult:
    """The job's outputs: ``images`` maps output names (``image``, and from the built-in
    engine ``normal``, ``cavity``, ``ao``) to (bytes, content type)."""

    def __init__(self, job: Any, images: Dict[str, Tuple[bytes, str]]):
        self.job = job
        self.images = images

    @property
    def seed(self) -> Optional[int]:
        """The seed the daemon ran with (from the recipe), when known."""
        recipe = getattr(self.job, "recipe", None)
        return getattr(recipe, "seed", None) if recipe is not None else None


def check_task(capabilities: Any) -> Any:
    """The TaskInfo of ``image.texture_from_depth`` in /v1/capabilities, or TaskMissing
    with a message that says what to do."""
    info = capabilities.task(TASK)
    if info is None:
        names = ", ".join(sorted(t.task for t in getattr(capabilities, "tasks", []) or [])) or "none"
        raise TaskMissing(
            "The Creative Bridge daemon (version {}) has no task {}; it offers: {}. Update the daemon "
            "(`bridge serve` from a build that includes the depth texture engine).".format(
                getattr(capabilities, "version", "?"), TASK, names))
    return info


def engine_choices(capabilities: Any) -> List[Tuple[str, str, str]]:
    """(id, label, description) of the engines for the task, "auto" first; engines that
    are not ready say so in their label."""
    out = [("auto", "Auto", "Let the daemon pick the best ready engine")]
    info = capabilities.task(TASK) if capabilities is not None else None
    for engine in getattr(info, "engines", None) or []:
        label = engine.id + ("" if getattr(engine, "ready", True) else " (not installed)")
        out.append((engine.id, label, getattr(engine, "description", "") or engine.id))
    return out


def run_texture_job(client: Any, depth_rgba16: bytes, size: Tuple[int, int], *, params: Dict[str, Any],
                    engine: str = "auto", image: Optional[Tuple[bytes, str]] = None,
                    progress: Optional[Progress] = None,
                    on_submitted: Optional[Callable[[Any], None]] = None) -> TextureResult:
    """Upload the depth (raw rgba16, rows top to bottom), submit the job, follow it to the
    end and download its image outputs. Blocks; raises the client's typed errors
    (JobFailed, JobCancelled, DaemonNotRunning, ...) and TaskMissing."""
    progress = progress or Progress()
    check_task(client.capabilities())
    width, height = size
    inputs = {"depth": client.put_raw_image(depth_rgba16, width, height, fmt="rgba16")}
    if image is not None:
        inputs["image"] = client.put_blob(image[0], image[1])
    job = client.submit(TASK, inputs, params, engine=engine or "auto")
    progress.job_id = job.id
    if on_submitted is not None:
        on_submitted(job)
    if progress.cancel_requested.is_set():
        client.cancel(job.id)
    done = client.wait(job.id, on_event=progress.on_event)
    images = {}
    for name, blob in sorted((done.outputs or {}).items()):
        images[name] = client.get_blob(blob)
    if "image" not in images:
        raise RuntimeError("job {} succeeded without an `image` output (outputs: {})".format(
            done.id, ", ".join(images) or "none"))
    progress.stage = "done"
    progress.fraction = 1.0
    return TextureResult(done, images)


def describe_error(exc: BaseException) -> str:
    """A one-paragraph, human message for any failure of a run: the daemon's message and
    code for bridge errors, the plain message otherwise."""
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    code = getattr(exc, "code", None)
    if code and str(code) not in message:
        return "{} ({})".format(message, code)
    return message
