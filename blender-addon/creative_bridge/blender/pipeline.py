"""The steps of one texture run shared by the operator (worker thread + timer) and the
scripting API (blocking): prepare on the main thread, run the job anywhere, finish on the
main thread."""

from __future__ import annotations

import time
from typing import Dict, List, Tuple

from ..core import depth as depthmod
from ..core import projection as proj
from ..core import request
from . import scene as sc


class Prepared:
    """What the main thread computed before the job: the objects, the camera projection,
    the depth (as sent, raw rgba16, rows top to bottom) and timings."""

    def __init__(self):
        self.object_names: List[str] = []
        self.size: Tuple[int, int] = (0, 0)
        self.cast_size: Tuple[int, int] = (0, 0)
        self.depth_rgba16 = b""
        self.projection_counts: Dict[str, Dict[str, int]] = {}
        self.timings: Dict[str, float] = {}


def prepare(context, *, resolution: int, cast_limit: int = sc.DEFAULT_DEPTH_CAST) -> Prepared:
    """Render the depth from the active camera, write the projected UVs and masks on the
    selected meshes, and pack the depth for sending. Raises SceneError for an unusable
    scene. The UV layer is written before the job runs: it is inert until a material uses
    it, and it lets a failed job leave the objects looking exactly as before."""
    out = Prepared()
    scene = context.scene
    camera = sc.active_camera(scene)
    objects = sc.selected_meshes(context)
    out.object_names = [o.name for o in objects]
    out.size = request.fit_resolution(sc.camera_aspect(scene), resolution)
    out.cast_size = sc.cast_size(out.size, cast_limit)
    t0 = time.perf_counter()
    z = sc.render_depth(context, camera, out.cast_size)
    t1 = time.perf_counter()
    disparity = depthmod.disparity(z)
    full = depthmod.resize(disparity, out.cast_size, out.size)
    out.depth_rgba16 = depthmod.to_rgba16(full)
    t2 = time.perf_counter()
    camera_proj = sc.camera_projection(context, camera, out.size)
    buffer = proj.DepthBuffer(z, out.cast_size[0], out.cast_size[1])
    for obj in objects:
        out.projection_counts[obj.name] = sc.apply_projection(obj, camera_proj, buffer)
    t3 = time.perf_counter()
    out.timings = {"depth_cast_s": t1 - t0, "depth_pack_s": t2 - t1, "projection_s": t3 - t2}
    return out


def finish(prepared: Prepared, result: request.TextureResult, *, label: str):
    """Apply the job's images as a new material on the prepared objects (main thread);
    objects deleted meanwhile are skipped. Returns the base-colour image."""
    import bpy

    objects = [bpy.data.objects[n] for n in prepared.object_names if n in bpy.data.objects]
    t0 = time.perf_counter()
    image = sc.apply_result(objects, result.images, label=label)
    prepared.timings["material_s"] = time.perf_counter() - t0
    return image


def label_for(prompt: str, seed) -> str:
    """A material/image name from the prompt and seed, short enough for Blender's 63-char
    names."""
    words = " ".join((prompt or "texture").split())[:40]
    return "{} {}{}".format(sc.MATERIAL_PREFIX, words, "" if seed is None else " #{}".format(seed))
