"""The request contract with the daemon, in one place: which task each mode runs, which
inputs and params it sends, and how results are named.

Nothing here touches Krita or the network, so it is tested directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

INPAINT = "image.inpaint"
OUTPAINT = "image.outpaint"
OUTPUT_FORMAT = "raw"  # results come back at the input's depth, no PNG round trip

AUTO, FILL, REMOVE, EXPAND = "auto", "fill", "remove", "expand"
MODES: Tuple[Tuple[str, str], ...] = (
    (AUTO, "Auto"),
    (FILL, "Fill"),
    (REMOVE, "Remove object"),
    (EXPAND, "Expand canvas"),
)
MAX_SEED = 4294967295


@dataclass(frozen=True)
class RawImage:
    """Pixels in one of the daemon's raw formats (rgba8, rgba16, rgbaf32)."""

    pixels: bytes = field(repr=False)
    width: int
    height: int
    fmt: str


@dataclass
class JobRequest:
    """One POST /v1/jobs, with the images still to upload.

    ``dropped`` names the params left out because the daemon's schema for the task does
    not have them (e.g. ``strength`` for the built-in engine), so the UI can say so.
    """

    task: str
    inputs: Dict[str, RawImage]
    params: Dict[str, Any]
    engine: str = "auto"
    output_format: str = OUTPUT_FORMAT
    dropped: List[str] = field(default_factory=list)


def check_mode(mode: str) -> str:
    """Return ``mode`` normalised, or ValueError listing the valid ones."""
    value = (mode or AUTO).strip().lower().replace(" ", "_")
    aliases = {"remove_object": REMOVE, "removal": REMOVE, "outpaint": EXPAND}
    value = aliases.get(value, value)
    if value not in {m for m, _ in MODES}:
        raise ValueError("unknown mode {!r}; use one of {}".format(mode, ", ".join(m for m, _ in MODES)))
    return value


def check_seed(seed: Optional[int]) -> Optional[int]:
    """Return the seed, or ValueError when it is outside 0..4294967295."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise ValueError("seed must be an integer in 0..{}, got {!r}".format(MAX_SEED, seed))
    return seed


def schema_properties(schema: Optional[Dict[str, Any]]) -> Optional[set]:
    """The param names a task's JSON schema allows, or None when unknown (send all)."""
    if not schema or not isinstance(schema.get("properties"), dict):
        return None
    return set(schema["properties"])


def _params(wanted: Dict[str, Any], schema: Optional[Dict[str, Any]]) -> Tuple[Dict[str, Any], List[str]]:
    """Drop None values and, when the schema is known, the params it does not allow (the
    daemon refuses unknown params with BRIDGE-3005)."""
    allowed = schema_properties(schema)
    params, dropped = {}, []
    for name, value in wanted.items():
        if value is None:
            continue
        if allowed is not None and name not in allowed:
            dropped.append(name)
            continue
        params[name] = value
    return params, dropped


def fill_request(image: RawImage, mask: RawImage, *, mode: str = AUTO, prompt: str = "",
                 engine: str = "auto", seed: Optional[int] = None, strength: Optional[float] = None,
                 schema: Optional[Dict[str, Any]] = None) -> JobRequest:
    """The ``image.inpaint`` job of fill, remove object and auto.

    Remove object sends no prompt: the daemon's ``auto`` then picks an object-removal
    engine (MI-GAN/LaMa) rather than a text-guided one. ``strength`` is sent only if the
    task's schema has it.
    """
    mode = check_mode(mode)
    if mode == EXPAND:
        raise ValueError("expand is not a fill mode; use outpaint_request")
    if (image.width, image.height) != (mask.width, mask.height):
        raise ValueError("image {}x{} and mask {}x{} differ".format(image.width, image.height, mask.width, mask.height))
    text = "" if mode == REMOVE else (prompt or "").strip()
    params, dropped = _params(
        {"seed": check_seed(seed), "prompt": text or None, "strength": strength}, schema
    )
    return JobRequest(INPAINT, {"image": image, "mask": mask}, params, engine or "auto", dropped=dropped)


def outpaint_request(image: RawImage, amounts: Tuple[int, int, int, int], *, prompt: str = "",
                     engine: str = "auto", seed: Optional[int] = None,
                     schema: Optional[Dict[str, Any]] = None) -> JobRequest:
    """The ``image.outpaint`` job: the whole image plus the pixels to add on each side."""
    left, top, right, bottom = amounts
    params, dropped = _params(
        {"left": left, "top": top, "right": right, "bottom": bottom,
         "seed": check_seed(seed), "prompt": (prompt or "").strip() or None},
        schema,
    )
    return JobRequest(OUTPAINT, {"image": image}, params, engine or "auto", dropped=dropped)


def task_schema(capabilities: Any, task: str) -> Optional[Dict[str, Any]]:
    """The params schema of ``task`` from a bridge_client Capabilities (None if absent)."""
    info = capabilities.task(task) if capabilities is not None else None
    return info.params_schema if info is not None else None


def can_run(capabilities: Any, task: str, engine: str = "auto") -> bool:
    """Whether the daemon offers ``task`` with an engine able to run it: for ``auto`` any
    ready engine, else the named one (which then reports its own error if not ready)."""
    info = capabilities.task(task) if capabilities is not None else None
    if info is None:
        return False
    if engine and engine != "auto":
        return info.engine(engine) is not None
    return any(e.ready for e in info.engines)


def engine_choices(capabilities: Any, task: str = INPAINT) -> List[Tuple[str, str]]:
    """(engine id, label) pairs for the engine picker: ``auto`` first, then the task's
    engines, those whose model is missing labelled so."""
    choices = [("auto", "Auto")]
    info = capabilities.task(task) if capabilities is not None else None
    for engine in info.engines if info is not None else []:
        label = engine.id if engine.ready else "{} (not installed)".format(engine.id)
        choices.append((engine.id, label))
    return choices


def layer_name(mode: str, prompt: str, seed: Optional[int]) -> str:
    """The result layer's name: the prompt (shortened) or the mode, and the seed, so an
    artist can tell results apart and make one again."""
    mode = check_mode(mode)
    text = " ".join((prompt or "").split()) if mode != REMOVE else ""
    if len(text) > 40:
        text = text[:39].rstrip() + "\u2026"
    label = text or dict(MODES)[mode]
    return "{} (seed {})".format(label, seed) if seed is not None else label
