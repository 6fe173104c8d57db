"""Plain data classes for the JSON objects of wire protocol v1.

Each class has a ``from_json`` that accepts the daemon's JSON object, tolerates fields it
does not know (a newer daemon may add some) and keeps the original object in ``raw``.
Timestamps stay ISO-8601 strings: ``datetime.fromisoformat`` cannot read a trailing ``Z``
before Python 3.11, and plugins mostly just display them.
"""

from __future__ import annotations

from collections.abc import Mapping as _MappingABC
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional

from .errors import CLIENT_PROTOCOL, ProtocolError

# Job statuses and event types of protocol v1.
QUEUED = "queued"
RUNNING = "running"
SUCCEEDED = "succeeded"
FAILED = "failed"
CANCELLED = "cancelled"
TERMINAL_STATUSES = frozenset([SUCCEEDED, FAILED, CANCELLED])

EVENT_QUEUED = "queued"
EVENT_STARTED = "started"
EVENT_STAGE = "stage"
EVENT_PROGRESS = "progress"
EVENT_PREVIEW = "preview"
EVENT_DONE = "done"
EVENT_FAILED = "failed"
EVENT_CANCELLED = "cancelled"
TERMINAL_EVENTS = frozenset([EVENT_DONE, EVENT_FAILED, EVENT_CANCELLED])


def _require(obj: Any, key: str, what: str) -> Any:
    """obj[key], or ProtocolError naming the object when the daemon left it out."""
    if not isinstance(obj, _MappingABC):
        raise ProtocolError(
            CLIENT_PROTOCOL, "expected a JSON object for {}, got {}".format(what, type(obj).__name__)
        )
    if key not in obj or obj[key] is None:
        raise ProtocolError(CLIENT_PROTOCOL, "{} has no '{}' field".format(what, key))
    return obj[key]


def _str_map(value: Any) -> Dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, _MappingABC) else {}


@dataclass(frozen=True)
class Health:
    """Answer of ``GET /v1/health``."""

    status: str
    version: str
    protocol: int
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> "Health":
        """Build from JSON; ProtocolError when ``status`` is missing."""
        return cls(
            status=str(_require(obj, "status", "health")),
            version=str(obj.get("version", "")),
            protocol=int(obj.get("protocol", 0)),
            raw=dict(obj),
        )


@dataclass(frozen=True)
class BlobInfo:
    """A stored blob: ``id`` is ``sha256:<hex>`` of its bytes, ``type`` its media type."""

    id: str
    size: int
    type: str

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> "BlobInfo":
        """Build from JSON; ProtocolError when ``id`` is missing."""
        return cls(
            id=str(_require(obj, "id", "blob")),
            size=int(obj.get("size", 0)),
            type=str(obj.get("type", "")),
        )


@dataclass(frozen=True)
class EngineRef:
    """The engine named in a recipe. ``sha256`` is the model's hash (None when built-in)."""

    id: str
    kind: str
    version: Optional[str] = None
    sha256: Optional[str] = None

    @classmethod
    def from_json(cls, obj: Any) -> "EngineRef":
        """Build from JSON (a bare string is read as the engine id)."""
        if isinstance(obj, str):
            return cls(id=obj, kind="")
        return cls(
            id=str(_require(obj, "id", "recipe engine")),
            kind=str(obj.get("kind", "")),
            version=obj.get("version"),
            sha256=obj.get("sha256"),
        )


@dataclass(frozen=True)
class Recipe:
    """Everything needed to make an output again: task, engine, all params as run (seed
    included), input blob ids and the media types they were read as, and output format."""

    task: str
    engine: EngineRef
    params: Dict[str, Any]
    inputs: Dict[str, str]
    output_format: Optional[str] = None
    bridge_version: Optional[str] = None
    input_types: Dict[str, str] = field(default_factory=dict)
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def seed(self) -> Optional[int]:
        """The seed the job ran with, when the task has one."""
        seed = self.params.get("seed")
        return int(seed) if isinstance(seed, (int, float)) else None

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> "Recipe":
        """Build from JSON; ProtocolError when ``task`` or ``engine`` is missing."""
        params = obj.get("params") if isinstance(obj, _MappingABC) else None
        return cls(
            task=str(_require(obj, "task", "recipe")),
            engine=EngineRef.from_json(_require(obj, "engine", "recipe")),
            params=dict(params) if isinstance(params, _MappingABC) else {},
            inputs=_str_map(obj.get("inputs")),
            output_format=obj.get("output_format"),
            bridge_version=obj.get("bridge_version"),
            input_types=_str_map(obj.get("input_types")),
            raw=dict(obj),
        )


@dataclass(frozen=True)
class ErrorInfo:
    """The ``error`` object of a failed job or ``failed`` event."""

    code: str
    message: str
    details: Dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> "ErrorInfo":
        """Build from JSON; missing fields get neutral values rather than raising, so a
        failure is always reportable."""
        details = obj.get("details") if isinstance(obj, _MappingABC) else None
        return cls(
            code=str(obj.get("code") or "BRIDGE-5000") if isinstance(obj, _MappingABC) else "BRIDGE-5000",
            message=str(obj.get("message") or "") if isinstance(obj, _MappingABC) else str(obj),
            details=dict(details) if isinstance(details, _MappingABC) else {},
        )


@dataclass(frozen=True)
class Job:
    """A job as the daemon reports it. ``outputs`` and ``recipe`` are set once it
    succeeded, ``error`` once it failed."""

    id: str
    task: str
    status: str
    engine: str = "auto"
    priority: str = "interactive"
    inputs: Dict[str, str] = field(default_factory=dict)
    params: Dict[str, Any] = field(default_factory=dict)
    output_format: str = "png"
    created_at: Optional[str] = None
    started_at: Optional[str] = None
    finished_at: Optional[str] = None
    stage: Optional[str] = None
    progress: float = 0.0
    outputs: Dict[str, str] = field(default_factory=dict)
    recipe: Optional[Recipe] = None
    error: Optional[ErrorInfo] = None
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_finished(self) -> bool:
        """True once the job succeeded, failed or was cancelled."""
        return self.status in TERMINAL_STATUSES

    def output(self, name: str = "image") -> str:
        """The blob id of output ``name``; KeyError when the job has no such output (yet)."""
        if name not in self.outputs:
            raise KeyError(
                "job {} ({}) has no output {!r}; outputs: {}".format(
                    self.id, self.status, name, sorted(self.outputs)
                )
            )
        return self.outputs[name]

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> "Job":
        """Build from JSON; ProtocolError when ``id``, ``task`` or ``status`` is missing."""
        params = obj.get("params") if isinstance(obj, _MappingABC) else None
        recipe = obj.get("recipe") if isinstance(obj, _MappingABC) else None
        error = obj.get("error") if isinstance(obj, _MappingABC) else None
        progress = obj.get("progress") if isinstance(obj, _MappingABC) else None
        return cls(
            id=str(_require(obj, "id", "job")),
            task=str(_require(obj, "task", "job")),
            status=str(_require(obj, "status", "job")),
            engine=str(obj.get("engine") or "auto"),
            priority=str(obj.get("priority") or "interactive"),
            inputs=_str_map(obj.get("inputs")),
            params=dict(params) if isinstance(params, _MappingABC) else {},
            output_format=str(obj.get("output_format") or "png"),
            created_at=obj.get("created_at"),
            started_at=obj.get("started_at"),
            finished_at=obj.get("finished_at"),
            stage=obj.get("stage"),
            progress=float(progress) if isinstance(progress, (int, float)) else 0.0,
            outputs=_str_map(obj.get("outputs")),
            recipe=Recipe.from_json(recipe) if isinstance(recipe, _MappingABC) else None,
            error=ErrorInfo.from_json(error) if isinstance(error, _MappingABC) else None,
            raw=dict(obj),
        )


@dataclass(frozen=True)
class Event:
    """One Server-Sent Event of a job: ``type`` (queued, started, stage, progress,
    preview, done, failed, cancelled), ``data`` the decoded JSON (always with ``type`` and
    ``job``), ``id`` the SSE event id when the daemon sent one."""

    type: str
    data: Dict[str, Any]
    id: Optional[str] = None

    @property
    def job(self) -> Optional[str]:
        """The job id this event belongs to."""
        job = self.data.get("job")
        return str(job) if job is not None else None

    @property
    def is_terminal(self) -> bool:
        """True for done, failed and cancelled: the stream ends after it."""
        return self.type in TERMINAL_EVENTS

    @property
    def progress(self) -> Optional[float]:
        """data.progress (0..1) when present."""
        value = self.data.get("progress")
        return float(value) if isinstance(value, (int, float)) else None

    @property
    def stage(self) -> Optional[str]:
        """data.stage when present (``stage`` events)."""
        value = self.data.get("stage")
        return str(value) if value is not None else None

    @property
    def preview(self) -> Optional[str]:
        """data.preview, the blob id of a preview image (``preview`` events)."""
        value = self.data.get("preview")
        return str(value) if value is not None else None

    @property
    def outputs(self) -> Dict[str, str]:
        """data.outputs (``done`` events)."""
        return _str_map(self.data.get("outputs"))

    @property
    def recipe(self) -> Optional[Recipe]:
        """data.recipe (``done`` events)."""
        value = self.data.get("recipe")
        return Recipe.from_json(value) if isinstance(value, _MappingABC) else None

    @property
    def error(self) -> Optional[ErrorInfo]:
        """data.error (``failed`` events)."""
        value = self.data.get("error")
        return ErrorInfo.from_json(value) if isinstance(value, _MappingABC) else None


@dataclass(frozen=True)
class InputSpec:
    """One input of a task (``kind`` is ``image`` or ``audio``)."""

    name: str
    kind: str
    required: bool = True
    description: str = ""

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> "InputSpec":
        """Build from JSON; ProtocolError when ``name`` is missing."""
        return cls(
            name=str(_require(obj, "name", "task input")),
            kind=str(obj.get("kind", "")),
            required=bool(obj.get("required", True)),
            description=str(obj.get("description", "")),
        )


@dataclass(frozen=True)
class EngineInfo:
    """One engine behind a task. ``ready`` is False when its model is missing or cannot
    load; ``model_sha256`` is None for built-in engines."""

    id: str
    kind: str
    description: str = ""
    device: Optional[str] = None
    ready: bool = True
    model_sha256: Optional[str] = None

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> "EngineInfo":
        """Build from JSON; ProtocolError when ``id`` is missing."""
        return cls(
            id=str(_require(obj, "id", "engine")),
            kind=str(obj.get("kind", "")),
            description=str(obj.get("description", "")),
            device=obj.get("device"),
            ready=bool(obj.get("ready", False)),
            model_sha256=obj.get("model_sha256"),
        )


@dataclass(frozen=True)
class TaskInfo:
    """One task of the daemon with its inputs, outputs, params schema and engines."""

    task: str
    description: str = ""
    inputs: List[InputSpec] = field(default_factory=list)
    outputs: List[str] = field(default_factory=list)
    params_schema: Dict[str, Any] = field(default_factory=dict)
    engines: List[EngineInfo] = field(default_factory=list)

    def engine(self, engine_id: str) -> Optional[EngineInfo]:
        """The engine with this id, or None."""
        for engine in self.engines:
            if engine.id == engine_id:
                return engine
        return None

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> "TaskInfo":
        """Build from JSON; ProtocolError when ``task`` is missing."""
        schema = obj.get("params_schema") if isinstance(obj, _MappingABC) else None
        return cls(
            task=str(_require(obj, "task", "task")),
            description=str(obj.get("description", "")),
            inputs=[InputSpec.from_json(i) for i in obj.get("inputs") or []],
            outputs=[str(o) for o in obj.get("outputs") or []],
            params_schema=dict(schema) if isinstance(schema, _MappingABC) else {},
            engines=[EngineInfo.from_json(e) for e in obj.get("engines") or []],
        )


@dataclass(frozen=True)
class Capabilities:
    """Answer of ``GET /v1/capabilities``: every task the daemon runs."""

    protocol: int
    version: str
    tasks: List[TaskInfo] = field(default_factory=list)
    raw: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def task(self, name: str) -> Optional[TaskInfo]:
        """The task with this name, or None when the daemon does not offer it."""
        for task in self.tasks:
            if task.task == name:
                return task
        return None

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> "Capabilities":
        """Build from JSON; ProtocolError when ``tasks`` is missing."""
        tasks = _require(obj, "tasks", "capabilities")
        return cls(
            protocol=int(obj.get("protocol", 0)),
            version=str(obj.get("version", "")),
            tasks=[TaskInfo.from_json(t) for t in tasks],
            raw=dict(obj),
        )
