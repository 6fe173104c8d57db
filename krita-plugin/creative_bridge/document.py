"""The Krita side: everything that reads or changes a Krita document lives here.

Every method must run on Krita's UI thread. Facts this relies on (Krita 5.1.5):
``Node.setPixelData`` alone is not undoable, so result layers are filled *before*
``addChildNode`` (which is); ``Document.setSelection(None)`` crashes, so nothing here
clears a selection; ``resizeImage`` is undoable.
"""

from __future__ import annotations

from typing import Any, Optional

from .errors import NoDocumentError, UnsupportedDocumentError
from .geometry import Expansion, Rect
from .pixels import DepthFormat, UnsupportedFormat, depth_format

PREVIEW_NAME = "Creative Bridge preview"


class KritaDocument:
    """A thin wrapper around a ``krita.Document``."""

    def __init__(self, document: Any):
        if document is None:
            raise NoDocumentError("No document is open.")
        self.document = document
        self._preview: Optional[Any] = None

    @property
    def bounds(self) -> Rect:
        """The canvas as a rectangle at the origin."""
        return Rect(0, 0, int(self.document.width()), int(self.document.height()))

    def depth_format(self) -> DepthFormat:
        """How this document's pixels travel; UnsupportedDocumentError if they cannot."""
        try:
            return depth_format(self.document.colorModel(), self.document.colorDepth())
        except UnsupportedFormat as exc:
            raise UnsupportedDocumentError(str(exc)) from exc

    def selection_rect(self) -> Optional[Rect]:
        """The bounds of the current selection, or None when there is none or it is empty."""
        selection = self.document.selection()
        if selection is None or selection.width() <= 0 or selection.height() <= 0:
            return None
        return Rect(int(selection.x()), int(selection.y()), int(selection.width()), int(selection.height()))

    def read_projection(self, rect: Rect) -> bytes:
        """The visible image (all visible layers merged) inside ``rect``, Krita layout."""
        self.document.waitForDone()  # pending strokes must land in the projection first
        return bytes(self.document.pixelData(rect.x, rect.y, rect.width, rect.height))

    def read_selection(self, rect: Rect) -> bytes:
        """The selection inside ``rect``, one byte per pixel (255 = selected)."""
        selection = self.document.selection()
        return bytes(selection.pixelData(rect.x, rect.y, rect.width, rect.height))

    def active_node(self) -> Any:
        """The node new layers go above: the active one, else the topmost layer."""
        node = self.document.activeNode()
        if node is not None and node.parentNode() is not None and not _is_mask(node):
            return node
        # No usable active node (scripts, headless): the topmost layer, skipping masks such
        # as the global selection mask Krita keeps at the top.
        layers = [n for n in self.document.rootNode().childNodes() if not _is_mask(n)]
        return layers[-1] if layers else None

    def add_layer(self, name: str, pixels: bytes, rect: Rect, *, above: Any = None) -> Any:
        """Add a paint layer holding ``pixels`` at ``rect`` above ``above`` (default: the
        active node) as one undoable step, and return it."""
        node = self.document.createNode(name, "paintlayer")
        # Filled before it enters the tree: only addChildNode is recorded for undo, so one
        # undo removes the whole result.
        node.setPixelData(pixels, rect.x, rect.y, rect.width, rect.height)
        anchor = above if above is not None and above.parentNode() is not None else self.active_node()
        parent = anchor.parentNode() if anchor is not None else self.document.rootNode()
        parent.addChildNode(node, anchor)
        self.document.refreshProjection()
        self.document.waitForDone()
        return node

    def resize_canvas(self, amounts: Expansion) -> None:
        """Grow the canvas by ``amounts`` (undoable); existing pixels keep their place
        relative to each other and move by (left, top)."""
        grown = amounts.new_size(self.bounds.width, self.bounds.height)
        self.document.resizeImage(-amounts.left, -amounts.top, grown.width, grown.height)
        self.document.waitForDone()

    def show_preview(self, pixels: bytes, rect: Rect) -> None:
        """Show ``pixels`` at ``rect`` in a locked layer on top (created on first use)."""
        if self._preview is None or self._preview.parentNode() is None:
            node = self.document.createNode(PREVIEW_NAME, "paintlayer")
            node.setPixelData(pixels, rect.x, rect.y, rect.width, rect.height)
            root = self.document.rootNode()
            layers = [n for n in root.childNodes() if not _is_mask(n)]
            root.addChildNode(node, layers[-1] if layers else None)
            node.setLocked(True)
            self._preview = node
        else:
            self._preview.setPixelData(pixels, rect.x, rect.y, rect.width, rect.height)
        self.document.refreshProjection()

    def remove_preview(self) -> None:
        """Remove the preview layer if there is one."""
        node, self._preview = self._preview, None
        if node is not None and node.parentNode() is not None:
            node.setLocked(False)
            node.remove()
            self.document.refreshProjection()


def _is_mask(node: Any) -> bool:
    """Masks (selection, transparency, filter...) are not places to put layers."""
    return str(node.type()).endswith("mask")
