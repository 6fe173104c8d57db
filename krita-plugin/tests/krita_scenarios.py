"""Scenarios run inside the real Krita by ``kritarunner`` (see test_krita_integration.py).

``kritarunner -s krita_scenarios -f main`` runs every scenario named in $CB_SCENARIOS
(comma separated) and writes one JSON report to $CB_REPORT: per scenario the facts
measured inside Krita (layers, bounds, pixel comparisons), which pytest then asserts.
Nothing here asserts: a scenario that raises is reported with its traceback.
"""

from __future__ import annotations

import json
import os
import struct
import time
import traceback

from krita import Krita, Selection  # type: ignore

from creative_bridge import api
from creative_bridge.settings import Settings

FMT = {"U8": ("B", 255), "U16": ("H", 65535), "F32": ("f", 1.0)}


def _document(width, height, depth="U8", name="test"):
    """A document whose bottom layer holds a pattern: gradients plus a solid block
    (the "object") at 40..100 x 40..90 that a fill must replace."""
    doc = Krita.instance().createDocument(width, height, name, "RGBA", depth, "", 72.0)
    layer = doc.rootNode().childNodes()[0]
    code, one = FMT[depth]
    values = []
    for y in range(height):
        for x in range(width):
            if 40 <= x < 100 and 40 <= y < 90:
                values += [0, 0, one, one]  # B, G, R, A for integer depths: red block
            else:
                values += [one * (x % 64) / 63, one * (y % 32) / 31, one * 0.5, one]
    if code != "f":
        values = [int(v) for v in values]
    # (Float documents store R, G, B, A, so there the block is blue: it only has to differ.)
    layer.setPixelData(struct.pack("<{}{}".format(len(values), code), *values), 0, 0, width, height)
    doc.refreshProjection()
    doc.waitForDone()
    return doc, layer


def _select(doc, x, y, w, h):
    selection = Selection()
    selection.select(x, y, w, h, 255)
    doc.setSelection(selection)


def _pixel_facts(doc, layer, new, rect, depth):
    """Compare the layers inside and outside ``rect`` pixel by pixel."""
    code, one = FMT[depth]
    size = struct.calcsize(code) * 4
    width, height = doc.width(), doc.height()
    new_px = bytes(new.pixelData(0, 0, width, height))
    facts = {"outside_transparent": True, "inside_opaque": True, "inside_count": 0}
    x0, y0, w, h = rect
    for y in range(height):
        for x in range(width):
            off = (y * width + x) * size
            pixel = new_px[off : off + size]
            alpha = struct.unpack_from("<" + code, pixel, 3 * struct.calcsize(code))[0]
            inside = x0 <= x < x0 + w and y0 <= y < y0 + h
            if not inside and any(pixel):
                facts["outside_transparent"] = False
            if inside:
                facts["inside_count"] += 1
                if alpha != one:
                    facts["inside_opaque"] = False
    return facts, new_px


def _bounds(node):
    b = node.bounds()
    return [b.x(), b.y(), b.width(), b.height()]


def scenario_fill(depth="U8"):
    """Fill a selection; report layer, bounds and pixel facts."""
    doc, layer = _document(160, 128, depth, "fill-" + depth)
    before = bytes(layer.pixelData(0, 0, 160, 128))
    rect = (40, 40, 60, 50)
    _select(doc, *rect)
    names_before = [n.name() for n in doc.rootNode().childNodes()]
    started = time.monotonic()
    new = api.fill(doc, prompt="", mode="auto", seed=7, timeout=120)
    facts, new_px = _pixel_facts(doc, layer, new, rect, depth)
    code, _ = FMT[depth]
    size = struct.calcsize(code) * 4
    changed = 0
    for y in range(rect[1], rect[1] + rect[3]):
        for x in range(rect[0], rect[0] + rect[2]):
            off = (y * 160 + x) * size
            if new_px[off : off + size] != before[off : off + size]:
                changed += 1
    children = doc.rootNode().childNodes()
    return {
        "seconds": time.monotonic() - started,
        "layer_name": new.name(),
        "layers_before": names_before,
        "layers_after": [n.name() for n in children],
        "new_index": [n.name() for n in children].index(new.name()),
        "original_index": [n.name() for n in children].index(layer.name()),
        "bounds": _bounds(new),
        "selection": list(rect),
        "original_untouched": bytes(layer.pixelData(0, 0, 160, 128)) == before,
        "inside_changed": changed,
        **facts,
    }


def scenario_fill_u16():
    """Fill in a 16-bit document (sent and returned as rgba16)."""
    return scenario_fill("U16")


def scenario_fill_f32():
    """Fill in a 32-bit float document (sent and returned as rgbaf32)."""
    return scenario_fill("F32")


def scenario_expand():
    """Expand a canvas; report sizes and where the original pixels are."""
    doc, layer = _document(128, 96, "U8", "expand")
    before = bytes(layer.pixelData(0, 0, 128, 96))
    left, top, right, bottom = 24, 16, 40, 8
    new = api.expand(doc, left, top, right, bottom, seed=3, timeout=120)
    width, height = doc.width(), doc.height()
    moved = bytes(layer.pixelData(left, top, 128, 96))
    inner = bytes(new.pixelData(left, top, 128, 96))
    full = bytes(new.pixelData(0, 0, width, height))
    border_opaque = True
    for y in range(height):
        for x in range(width):
            if left <= x < left + 128 and top <= y < top + 96:
                continue
            if full[(y * width + x) * 4 + 3] != 255:
                border_opaque = False
    return {
        "size": [width, height],
        "expected_size": [128 + left + right, 96 + top + bottom],
        "original_in_place": moved == before,
        "new_inner_transparent": not any(inner),
        "new_border_opaque": border_opaque,
        "layer_name": new.name(),
        "layers_after": [n.name() for n in doc.rootNode().childNodes()],
    }


def scenario_cancel():
    """Start a fill, cancel it when the daemon starts it; report the exception."""
    doc, layer = _document(640, 480, "U8", "cancel")
    _select(doc, 100, 80, 400, 300)
    count = len(doc.rootNode().childNodes())
    holder = {}

    def on_event(event):
        holder.setdefault("events", []).append(event.type)
        if event.type in ("queued", "started") and "op" in holder and not holder.get("cancelled"):
            holder["cancelled"] = True
            holder["op"].cancel()

    op = api.start_fill(doc, seed=1, on_event=on_event)
    holder["op"] = op
    result = {"raised": None}
    try:
        op.wait(120)
    except api.CreativeBridgeError as exc:
        result.update(raised=type(exc).__name__, message=str(exc), code=exc.code)
    job_status = None
    if op.job_id:
        from creative_bridge.bridge import connect

        client = connect(Settings())
        for _ in range(100):
            job_status = client.job(op.job_id).status
            if job_status in ("cancelled", "succeeded", "failed"):
                break
            time.sleep(0.05)
    result.update(layers_before=count, layers_after=len(doc.rootNode().childNodes()),
                  events=holder.get("events", []), job_status=job_status,
                  preview_left=any(n.name() == "Creative Bridge preview" for n in doc.rootNode().childNodes()))
    return result


def scenario_no_selection():
    """Fill without a selection raises NoSelectionError before any network."""
    doc, _ = _document(64, 64, "U8", "nosel")
    try:
        api.fill(doc)
    except api.CreativeBridgeError as exc:
        return {"raised": type(exc).__name__, "message": str(exc)}
    return {"raised": None}


def scenario_not_running():
    """A daemon URL where nothing listens gives the readable "not running" error."""
    doc, _ = _document(64, 64, "U8", "down")
    _select(doc, 10, 10, 20, 20)
    try:
        api.fill(doc, settings=Settings(url="http://127.0.0.1:9", token="x"), timeout=30)
    except api.CreativeBridgeError as exc:
        return {"raised": type(exc).__name__, "message": str(exc), "code": exc.code}
    return {"raised": None}


def main(*_args):
    """Entry point for kritarunner: run the scenarios, write the report."""
    report = {}
    for name in filter(None, os.environ.get("CB_SCENARIOS", "").split(",")):
        try:
            report[name] = {"ok": True, **globals()["scenario_" + name]()}
        except BaseException:  # noqa: BLE001 - reported to pytest
            report[name] = {"ok": False, "traceback": traceback.format_exc()}
    with open(os.environ["CB_REPORT"], "w", encoding="utf-8") as out:
        json.dump(report, out, indent=1)
