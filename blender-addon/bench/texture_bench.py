"""Benchmark: depth render + projection + material for a 1024x1024 target on the test scene,
timed inside Blender, the engine excluded (a synthetic PNG stands in for its output).

Run from the repository root, with the add-on on sys.path from the source tree:

    PYTHONPATH=blender-addon:protocols/python \
      blender -b --factory-startup --python-exit-code 1 --python blender-addon/bench/texture_bench.py

Env: CB_BENCH_RES (target long side, default 1024), CB_BENCH_CAST (ray-cast long side,
default 256), CB_BENCH_REPEAT (default 3). Prints one JSON line per run and the best.
"""

import json
import os
import struct
import sys
import time
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "tests"))

import bpy  # noqa: E402

from blender_scenario import build_scene  # noqa: E402  (the integration test's scene)
from creative_bridge.blender import pipeline  # noqa: E402
from creative_bridge.core.request import TextureResult  # noqa: E402


def synthetic_png(width, height):
    """An 8-bit RGB PNG of a gradient, standing in for the engine's base colour."""
    row = bytes(((x * 255) // max(width - 1, 1)) for x in range(width) for _ in range(3))
    raw = b"".join(b"\x00" + row for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b"")


def main():
    res = int(os.environ.get("CB_BENCH_RES", "1024"))
    cast = int(os.environ.get("CB_BENCH_CAST", "256"))
    repeat = int(os.environ.get("CB_BENCH_REPEAT", "3"))
    build_scene()
    png = synthetic_png(res, res)
    runs = []
    for i in range(repeat):
        t0 = time.perf_counter()
        prepared = pipeline.prepare(bpy.context, resolution=res, cast_limit=cast)
        result = TextureResult(None, {"image": (png, "image/png")})
        pipeline.finish(prepared, result, label="CB Texture bench {}".format(i))
        total = time.perf_counter() - t0
        run = dict(prepared.timings, total_s=total, size=list(prepared.size), cast=list(prepared.cast_size))
        runs.append(run)
        print("CB_BENCH " + json.dumps(run))
    best = min(runs, key=lambda r: r["total_s"])
    print("CB_BENCH_BEST " + json.dumps(best))


main()
