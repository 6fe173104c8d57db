"""What each docker action and API call does: fill (also remove object) and expand.

A job object has three phases, each on its proper thread:

* ``prepare()`` (UI thread) reads the document: selection, context box, pixels;
* ``network(client, channel)`` (worker thread) builds the request from the daemon's
  capabilities, uploads, submits, follows events, downloads the result;
* ``apply(outcome)`` (UI thread) converts the result and adds the layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional, Tuple

from . import contract
from .bridge import bridge_client as bc
from .contract import EXPAND, INPAINT, OUTPAINT, RawImage
from .document import KritaDocument
from .errors import DaemonError, NoSelectionError
from .geometry import Expansion, Rect, context_box
from .jobs import Channel, JobOutcome, Operation, run_request
from .pixels import (
    DepthFormat,
    border_selection,
    clip_to_selection,
    from_raw,
    mask_from_selection,
    pad,
    to_raw,
    RAW_PIXEL_BYTES,
)
from .settings import Settings

NO_SELECTION = (
    "Select the area to fill first (for example with the rectangle or freehand selection "
    "tool), then try again."
)


@dataclass
class Options:
    """What the user asked for. ``margin`` 0 = automatic context margin; ``strength`` is
    sent only to engines whose schema has it."""

    prompt: str = ""
    mode: str = contract.AUTO
    engine: str = "auto"
    seed: Optional[int] = None
    strength: Optional[float] = None
    margin: int = 0


def decode_result(data: bytes, content_type: str, size: Tuple[int, int], fmt: DepthFormat) -> bytes:
    """The daemon's raw output as Krita pixel data; DaemonError when it is not the raw
    image of ``size`` in ``fmt.raw`` that was asked for."""
    parsed = bc.parse_raw_image_type(content_type)
    if parsed is None or (parsed[0], parsed[1]) != size or parsed[2] != fmt.raw:
        raise DaemonError(
            "The daemon returned {} but a {}x{} {} image was expected.".format(
                content_type or "no content type", size[0], size[1], fmt.raw
            ),
            code="CLIENT-PROTOCOL",
        )
    return from_raw(data, fmt)


def decode_preview(data: bytes, content_type: str, size: Tuple[int, int], fmt: DepthFormat) -> Optional[bytes]:
    """A preview blob as Krita pixel data of ``size``, or None when it cannot be shown
    (other size or depth): previews are a courtesy, never an error."""
    parsed = bc.parse_raw_image_type(content_type)
    if parsed is not None:
        if (parsed[0], parsed[1]) == size and parsed[2] == fmt.raw:
            return from_raw(data, fmt)
        return None
    if content_type.startswith("image/png") and fmt.raw == "rgba8":
        from .qt import QImage, enum

        image = QImage.fromData(data)
        if image.isNull() or (image.width(), image.height()) != size:
            return None
        # ARGB32 is straight alpha stored B, G, R, A in little-endian memory: Krita's U8 layout.
        image = image.convertToFormat(enum("QImage.Format.Format_ARGB32"))
        bits = image.constBits()
        bits.setsize(image.sizeInBytes() if hasattr(image, "sizeInBytes") else image.byteCount())
        row = size[0] * 4
        raw = bytes(bits)
        stride = image.bytesPerLine()
        return b"".join(raw[y * stride : y * stride + row] for y in range(size[1]))
    return None


def _seed_of(outcome: JobOutcome) -> Optional[int]:
    recipe = getattr(outcome.job, "recipe", None)
    if recipe is not None and recipe.seed is not None:
        return recipe.seed
    seed = outcome.job.params.get("seed") if outcome.job is not None else None
    return seed if isinstance(seed, int) else None


class _Job:
    """Shared plumbing: the operation around prepare/network/apply and the preview."""

    target: Rect
    fmt: DepthFormat
    selection: bytes

    def __init__(self, document: Any, options: Options):
        self.doc = KritaDocument(document)
        self.options = options
        self.anchor: Any = None

    def operation(self, *, settings: Optional[Settings] = None, on_event: Optional[Callable] = None,
                  on_finished: Optional[Callable] = None) -> Operation:
        """Prepare (UI thread, may raise) and return the not yet started Operation."""
        self.prepare()

        def finished(operation: Operation) -> None:
            self.doc.remove_preview()
            if on_finished is not None:
                on_finished(operation)

        return Operation(self.network, self.apply, settings=settings, on_event=on_event,
                         on_preview=self.preview, on_finished=finished)

    def prepare(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def network(self, client: Any, channel: Channel) -> JobOutcome:  # pragma: no cover
        raise NotImplementedError

    def apply(self, outcome: JobOutcome) -> Any:  # pragma: no cover
        raise NotImplementedError

    def preview(self, data: bytes, content_type: str) -> None:
        """Show a preview image over the target area, limited to the filled pixels."""
        pixels = decode_preview(data, content_type, (self.target.width, self.target.height), self.fmt)
        if pixels is not None:
            self.doc.show_preview(clip_to_selection(pixels, self.selection, self.fmt), self.target)


class FillJob(_Job):
    """Fill / remove object / auto: inpaint the selection inside a context box."""

    def prepare(self) -> None:
        """Read the selection's context box and its mask (UI thread)."""
        contract.check_mode(self.options.mode)
        self.fmt = self.doc.depth_format()
        selected = self.doc.selection_rect()
        if selected is None:
            raise NoSelectionError(NO_SELECTION)
        try:
            self.target = context_box(selected, self.doc.bounds, self.options.margin)
        except ValueError as exc:
            raise NoSelectionError(NO_SELECTION) from exc
        box = self.target
        self.selection = self.doc.read_selection(box)
        if not self.selection.strip(b"\x00"):
            raise NoSelectionError(NO_SELECTION)
        self.image = RawImage(to_raw(self.doc.read_projection(box), self.fmt), box.width, box.height, self.fmt.raw)
        self.mask = RawImage(mask_from_selection(self.selection), box.width, box.height, "rgba8")
        self.anchor = self.doc.active_node()

    def network(self, client: Any, channel: Channel) -> JobOutcome:
        """Build the inpaint request against the daemon's schema and run it (worker)."""
        options = self.options
        request = contract.fill_request(
            self.image, self.mask, mode=options.mode, prompt=options.prompt, engine=options.engine,
            seed=options.seed, strength=options.strength,
            schema=contract.task_schema(client.capabilities(), INPAINT),
        )
        return run_request(client, request, channel)

    def apply(self, outcome: JobOutcome) -> Any:
        """Add the result, limited to the selection, as a new layer (UI thread)."""
        box = self.target
        pixels = decode_result(outcome.data, outcome.content_type, (box.width, box.height), self.fmt)
        name = contract.layer_name(self.options.mode, self.options.prompt, _seed_of(outcome))
        return self.doc.add_layer(name, clip_to_selection(pixels, self.selection, self.fmt), box, above=self.anchor)


class ExpandJob(_Job):
    """Grow the canvas and fill the new border (``image.outpaint``, else inpaint)."""

    def __init__(self, document: Any, amounts: Expansion, options: Options):
        super().__init__(document, options)
        self.amounts = amounts

    def prepare(self) -> None:
        """Read the whole visible image (UI thread); the canvas grows only on success."""
        self.fmt = self.doc.depth_format()
        try:
            self.amounts.validate()
        except ValueError as exc:
            raise DaemonError("Cannot expand: {}.".format(exc), code="PLUGIN-BAD-AMOUNTS") from exc
        old = self.doc.bounds
        self.old = old
        self.target = self.amounts.new_size(old.width, old.height)
        inner = self.amounts.old_area(old.width, old.height)
        self.selection = border_selection((self.target.width, self.target.height), tuple(inner))
        self.image = RawImage(to_raw(self.doc.read_projection(old), self.fmt), old.width, old.height, self.fmt.raw)
        self.anchor = self.doc.active_node()

    def network(self, client: Any, channel: Channel) -> JobOutcome:
        """Outpaint when the daemon can (the task with a ready engine); else inpaint the
        transparent border of the grown canvas with a border mask (worker)."""
        options = self.options
        caps = client.capabilities()
        if contract.can_run(caps, OUTPAINT, options.engine):
            request = contract.outpaint_request(
                self.image, tuple(self.amounts), prompt=options.prompt, engine=options.engine,
                seed=options.seed, schema=contract.task_schema(caps, OUTPAINT),
            )
        else:
            size = (self.target.width, self.target.height)
            canvas = pad(self.image.pixels, (self.old.width, self.old.height), tuple(self.amounts),
                         RAW_PIXEL_BYTES[self.fmt.raw])
            request = contract.fill_request(
                RawImage(canvas, size[0], size[1], self.fmt.raw),
                RawImage(mask_from_selection(self.selection), size[0], size[1], "rgba8"),
                mode=contract.AUTO, prompt=options.prompt, engine=options.engine, seed=options.seed,
                schema=contract.task_schema(caps, INPAINT),
            )
        return run_request(client, request, channel)

    def apply(self, outcome: JobOutcome) -> Any:
        """Grow the canvas (undoable) and add the new border as a layer (UI thread)."""
        size = (self.target.width, self.target.height)
        pixels = decode_result(outcome.data, outcome.content_type, size, self.fmt)
        self.doc.resize_canvas(self.amounts)
        name = contract.layer_name(EXPAND, self.options.prompt, _seed_of(outcome))
        return self.doc.add_layer(name, clip_to_selection(pixels, self.selection, self.fmt), self.target,
                                  above=self.anchor)
