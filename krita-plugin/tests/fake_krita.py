"""A small in-memory stand-in for Krita's Python API (Document, Node, Selection), enough
for the plugin's document adapter and jobs to run in unit tests without Krita.

Pixel data is kept per node as a dict of rows, in the node's depth layout.
"""

from __future__ import annotations

from typing import List, Optional

BYTES = {"U8": 4, "U16": 8, "F16": 8, "F32": 16}


class Rect:
    def __init__(self, x, y, w, h):
        self._v = (x, y, w, h)

    def x(self):
        return self._v[0]

    def y(self):
        return self._v[1]

    def width(self):
        return self._v[2]

    def height(self):
        return self._v[3]


class Canvas:
    """A zero-initialised pixel grid of fixed pixel size."""

    def __init__(self, width, height, size):
        self.width, self.height, self.size = width, height, size
        self.data = bytearray(width * height * size)

    def read(self, x, y, w, h):
        out = bytearray()
        for line in range(y, y + h):
            for col in range(x, x + w):
                if 0 <= col < self.width and 0 <= line < self.height:
                    off = (line * self.width + col) * self.size
                    out += self.data[off : off + self.size]
                else:
                    out += bytes(self.size)
        return bytes(out)

    def write(self, data, x, y, w, h):
        k = 0
        for line in range(y, y + h):
            for col in range(x, x + w):
                if 0 <= col < self.width and 0 <= line < self.height:
                    off = (line * self.width + col) * self.size
                    self.data[off : off + self.size] = data[k : k + self.size]
                k += self.size


class Node:
    def __init__(self, doc, name, kind="paintlayer"):
        self.doc, self._name, self._type = doc, name, kind
        self.canvas = Canvas(doc.w, doc.h, BYTES[doc.depth])
        self.parent: Optional[Node] = None
        self.children: List[Node] = []
        self.locked = False
        self.writes = 0

    def name(self):
        return self._name

    def type(self):
        return self._type

    def parentNode(self):  # noqa: N802 - Krita's names
        return self.parent

    def childNodes(self):  # noqa: N802
        return list(self.children)

    def setPixelData(self, data, x, y, w, h):  # noqa: N802
        self.writes += 1
        self.canvas.write(bytes(data), x, y, w, h)

    def pixelData(self, x, y, w, h):  # noqa: N802
        return self.canvas.read(x, y, w, h)

    def addChildNode(self, node, above):  # noqa: N802
        node.parent = self
        index = self.children.index(above) + 1 if above is not None else 0
        self.children.insert(index, node)
        self.doc.undo.append(("add", node))
        return True

    def remove(self):
        self.parent.children.remove(self)
        self.parent = None
        return True

    def setLocked(self, value):  # noqa: N802
        self.locked = value

    def bounds(self):
        return Rect(0, 0, self.doc.w, self.doc.h)


class Selection:
    def __init__(self, doc=None):
        self.mask = Canvas(doc.w, doc.h, 1) if doc else None
        self.box = (0, 0, 0, 0)

    def x(self):
        return self.box[0]

    def y(self):
        return self.box[1]

    def width(self):
        return self.box[2]

    def height(self):
        return self.box[3]

    def pixelData(self, x, y, w, h):  # noqa: N802
        return self.mask.read(x, y, w, h)


class Document:
    def __init__(self, w, h, depth="U8", model="RGBA"):
        self.w, self.h, self.depth, self.model = w, h, depth, model
        self.undo = []
        self.root = Node(self, "root", "grouplayer")
        self.root.parent = None
        self.background = Node(self, "Background")
        self.root.addChildNode(self.background, None)
        self._selection: Optional[Selection] = None
        self.active = self.background

    def select(self, x, y, w, h, value=255):
        sel = Selection(self)
        sel.mask.write(bytes([value]) * (w * h), x, y, w, h)
        sel.box = (x, y, w, h)
        self._selection = sel

    def width(self):
        return self.w

    def height(self):
        return self.h

    def colorModel(self):  # noqa: N802
        return self.model

    def colorDepth(self):  # noqa: N802
        return self.depth

    def selection(self):
        return self._selection

    def rootNode(self):  # noqa: N802
        return self.root

    def activeNode(self):  # noqa: N802
        return self.active

    def createNode(self, name, kind):  # noqa: N802
        return Node(self, name, kind)

    def waitForDone(self):  # noqa: N802
        pass

    def refreshProjection(self):  # noqa: N802
        pass

    def pixelData(self, x, y, w, h):  # noqa: N802
        # The projection of this fake is simply the background layer.
        return self.background.pixelData(x, y, w, h)

    def resizeImage(self, x, y, w, h):  # noqa: N802
        self.undo.append(("resize", (x, y, w, h)))
        old_w, old_h = self.w, self.h
        for node in [self.root] + self.root.children:
            old = node.canvas
            node.canvas = Canvas(w, h, old.size)
            node.canvas.write(old.read(0, 0, old_w, old_h), -x, -y, old_w, old_h)
        self.w, self.h = w, h
