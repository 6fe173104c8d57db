"""Benchmark (not part of the test suite): fill of a 512x512 selection in a 4096x4096
RGBA U8 document with the default engine, run inside Krita.

    env -u DISPLAY QT_QPA_PLATFORM=offscreen BRIDGE_HOME=<daemon home> \\
        PYTHONPATH=krita-plugin/bench:krita-plugin:protocols/python CREATIVE_BRIDGE_NO_UI=1 \\
        kritarunner -s fill_bench -f main

Prints the time from the call to the layer being in the document, the engine's time
(the job's started_at..finished_at from the daemon) and the share that is not the engine.
"""

from __future__ import annotations

import os
import time
from datetime import datetime

from krita import Krita, Selection  # type: ignore

from creative_bridge import api

SIZE = 4096
SELECTION = 512
RUNS = int(os.environ.get("CB_BENCH_RUNS", "3"))


def _instant(text: str) -> float:
    """ISO-8601 (with Z) to seconds since the epoch."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def main(*_args):
    """Run the benchmark and print one line per run plus the median."""
    doc = Krita.instance().createDocument(SIZE, SIZE, "bench", "RGBA", "U8", "", 72.0)
    layer = doc.rootNode().childNodes()[0]
    row = bytes((x * 7) & 255 for x in range(SIZE * 4))
    layer.setPixelData(row * SIZE, 0, 0, SIZE, SIZE)
    doc.refreshProjection()
    doc.waitForDone()
    start = (SIZE - SELECTION) // 2
    selection = Selection()
    selection.select(start, start, SELECTION, SELECTION, 255)
    doc.setSelection(selection)
    rows = []
    for run in range(RUNS):
        t0 = time.monotonic()
        op = api.start_fill(doc, seed=run + 1)
        node = op.wait(600)
        total = time.monotonic() - t0
        job = op.job
        engine = _instant(job.finished_at) - _instant(job.started_at)
        rows.append((total, engine))
        print("run {}: total {:.3f} s, engine {:.3f} s, not engine {:.3f} s ({:.1f}%) layer {!r}".format(
            run + 1, total, engine, total - engine, 100.0 * (total - engine) / total, node.name()))
        node.remove()
    rows.sort()
    total, engine = rows[len(rows) // 2]
    print("BENCH median: total {:.3f} s, engine {:.3f} s, not engine {:.3f} s = {:.1f}% of total".format(
        total, engine, total - engine, 100.0 * (total - engine) / total))
