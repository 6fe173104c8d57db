"""Everything that reads or writes the Blender scene: depth by ray casting from the active
camera, the camera's projection, the projected UV layer with its visibility mask, and the
material. Runs on Blender's main thread only (bpy is not thread-safe).
"""

from __future__ import annotations

import os
import tempfile
from typing import Dict, List, Optional, Sequence, Tuple

import bpy

from ..core import projection as proj

UV_LAYER = "CB Projection"
MASK_ATTRIBUTE = "cb_visible"
MATERIAL_PREFIX = "CB Texture"
# Ray casting is per pixel in Python; the depth is cast at most this size on its long side
# and upscaled to the requested resolution (the generator's conditioning is smooth anyway).
DEFAULT_DEPTH_CAST = 256
# Masked faces show this neutral colour instead of a stretched copy of the texture.
MASKED_COLOUR = (0.5, 0.5, 0.5, 1.0)
BACKGROUND_Z = 1e10
NON_COLOUR_OUTPUTS = ("normal", "cavity", "ao")


class SceneError(RuntimeError):
    """The scene cannot be textured as it is (no camera, nothing selected, ...)."""


def active_camera(scene) -> "bpy.types.Object":
    """The scene camera, or SceneError saying how to set one."""
    cam = scene.camera
    if cam is None or cam.type != 'CAMERA':
        raise SceneError("The scene has no active camera: add one and make it active (Ctrl+Numpad 0)")
    return cam


def selected_meshes(context) -> List["bpy.types.Object"]:
    """The selected mesh objects, or SceneError."""
    objects = [o for o in (context.selected_objects or []) if o.type == 'MESH']
    if not objects:
        raise SceneError("Select one or more mesh objects to texture")
    return objects


def camera_aspect(scene) -> float:
    """The render's width / height, pixel aspect included."""
    r = scene.render
    w = r.resolution_x * r.pixel_aspect_x
    h = r.resolution_y * r.pixel_aspect_y
    return w / h if h else 1.0


def camera_projection(context, camera, size: Tuple[int, int]) -> proj.CameraProjection:
    """The camera's view and projection matrices for an image of ``size`` (width, height)."""
    depsgraph = context.evaluated_depsgraph_get()
    cam_eval = camera.evaluated_get(depsgraph)
    width, height = size
    matrix = cam_eval.calc_matrix_camera(depsgraph, x=width, y=height,
                                         scale_x=context.scene.render.pixel_aspect_x,
                                         scale_y=context.scene.render.pixel_aspect_y)
    view = cam_eval.matrix_world.inverted()
    return proj.CameraProjection([list(row) for row in view], [list(row) for row in matrix],
                                 orthographic=cam_eval.data.type == 'ORTHO')


def cast_size(size: Tuple[int, int], limit: int = DEFAULT_DEPTH_CAST) -> Tuple[int, int]:
    """The ray-cast resolution for a target ``size``: at most ``limit`` on the long side,
    same aspect ratio."""
    width, height = size
    scale = min(1.0, float(limit) / max(width, height))
    return max(1, int(round(width * scale))), max(1, int(round(height * scale)))


def render_depth(context, camera, size: Tuple[int, int]) -> List[float]:
    """Planar Z from ``camera`` (rows top to bottom, ``size`` = (width, height)) by casting
    one ray per pixel into the evaluated scene; misses hold 1e10 like Blender's Z pass.

    Works in ``blender -b`` (no GPU context needed), unlike an offscreen viewport draw.
    """
    scene = context.scene
    depsgraph = context.evaluated_depsgraph_get()
    cam = camera.evaluated_get(depsgraph)
    width, height = size
    mw = cam.matrix_world
    # view_frame: the frame's corners in camera space (top-right, bottom-right,
    # bottom-left, top-left) for the scene's aspect ratio.
    tr, _br, bl, tl = [v.copy() for v in cam.data.view_frame(scene=scene)]
    ortho = cam.data.type == 'ORTHO'
    origin = mw.translation.copy()
    forward = (mw.to_3x3() @ proj_vector((0.0, 0.0, -1.0))).normalized()
    if ortho:
        for v in (tr, bl, tl):
            v.z = 0.0  # rays start on the camera plane and run along the view axis
    step_x = (tr - tl) / width
    step_y = (bl - tl) / height
    clip_end = cam.data.clip_end
    ray_cast = scene.ray_cast
    out = [BACKGROUND_Z] * (width * height)
    i = 0
    for y in range(height):
        row_start = tl + step_y * (y + 0.5) + step_x * 0.5
        for x in range(width):
            local = row_start + step_x * x
            world = mw @ local
            if ortho:
                start, direction = world, forward
            else:
                start, direction = origin, (world - origin)
            hit, location, _n, _i, _o, _m = ray_cast(depsgraph, start, direction.normalized(), distance=clip_end)
            if hit:
                z = (location - origin).dot(forward)
                if z > 0.0:
                    out[i] = z
            i += 1
    return out


def proj_vector(values):
    """A mathutils Vector (imported lazily: mathutils exists only inside Blender)."""
    from mathutils import Vector

    return Vector(values)


def apply_projection(obj, camera: proj.CameraProjection, depth: Optional[proj.DepthBuffer]) -> Dict[str, int]:
    """Write the camera projection into the UV layer ``CB Projection`` of ``obj`` and the
    per-face mask attribute ``cb_visible`` (1 painted, 0 facing away, hidden or outside
    the frame). Returns counts of visible and masked faces."""
    mesh = obj.data
    mw = obj.matrix_world
    normal_matrix = mw.inverted_safe().transposed().to_3x3()
    vertices = [tuple(mw @ v.co) for v in mesh.vertices]
    faces = [tuple(p.vertices) for p in mesh.polygons]
    normals = [tuple((normal_matrix @ p.normal).normalized()) for p in mesh.polygons]
    uvs, visible = proj.project_mesh(camera, vertices, faces, normals=normals, depth=depth)
    layer = mesh.uv_layers.get(UV_LAYER) or mesh.uv_layers.new(name=UV_LAYER)
    if layer is None:
        raise SceneError("{} has too many UV layers to add {!r}".format(obj.name, UV_LAYER))
    # polygon.vertices lists the face's corners in loop order, so uvs is already in loop
    # order as long as the polygons' loops are contiguous, which Blender guarantees.
    flat = [0.0] * (2 * len(mesh.loops))
    k = 0
    for poly in mesh.polygons:
        base = poly.loop_start * 2
        for j in range(poly.loop_total):
            flat[base + 2 * j] = uvs[k][0]
            flat[base + 2 * j + 1] = uvs[k][1]
            k += 1
    layer.data.foreach_set("uv", flat)
    attr = mesh.attributes.get(MASK_ATTRIBUTE)
    if attr is None or attr.domain != 'FACE' or attr.data_type != 'FLOAT':
        if attr is not None:
            mesh.attributes.remove(attr)
        attr = mesh.attributes.new(MASK_ATTRIBUTE, 'FLOAT', 'FACE')
    attr.data.foreach_set("value", [1.0 if v else 0.0 for v in visible])
    mesh.update()
    shown = sum(1 for v in visible if v)
    return {"visible": shown, "masked": len(visible) - shown}


def load_image(name: str, data: bytes, content_type: str, *, non_colour: bool = False):
    """A packed Blender image from PNG bytes (written to a temporary file because
    images.load needs a path, then packed so the .blend carries it)."""
    if "png" not in (content_type or "").lower():
        raise SceneError("the daemon returned {} for {}, expected a PNG".format(content_type, name))
    fd, path = tempfile.mkstemp(prefix="cb-", suffix=".png")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        image = bpy.data.images.load(path, check_existing=False)
        image.pack()
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass
    image.name = name
    image.filepath = ""
    if non_colour:
        image.colorspace_settings.name = 'Non-Color'
    return image


def _socket(sockets, identifier: str, fallback: str):
    """A node socket by identifier (stable across versions), else by name."""
    for s in sockets:
        if s.identifier == identifier:
            return s
    return sockets[fallback]


def make_material(name: str, images: Dict[str, "bpy.types.Image"]):
    """A new material: projected UVs -> Image Texture -> (mixed with a neutral grey where
    the mask says the camera did not see the face) -> Principled BSDF Base Color. Extra
    engine outputs (normal, cavity, ao) are added as labelled, unconnected image nodes for
    the artist to wire as they see fit."""
    mat = bpy.data.materials.new(name)
    mat.use_nodes = True
    nodes = mat.node_tree.nodes
    links = mat.node_tree.links
    bsdf = next((n for n in nodes if n.type == 'BSDF_PRINCIPLED'), None) or nodes.new("ShaderNodeBsdfPrincipled")
    uv = nodes.new("ShaderNodeUVMap")
    uv.uv_map = UV_LAYER
    uv.location = (-900, 300)
    tex = nodes.new("ShaderNodeTexImage")
    tex.name = tex.label = "CB Base Color"
    tex.image = images["image"]
    tex.extension = 'EXTEND'
    tex.location = (-650, 300)
    links.new(uv.outputs["UV"], tex.inputs["Vector"])
    mask = nodes.new("ShaderNodeAttribute")
    mask.attribute_name = MASK_ATTRIBUTE
    mask.location = (-650, 550)
    mix = nodes.new("ShaderNodeMix")  # Blender 3.4+; MixRGB is deprecated
    mix.data_type = 'RGBA'
    mix.location = (-300, 350)
    links.new(mask.outputs["Fac"], _socket(mix.inputs, "Factor_Float", "Factor"))
    _socket(mix.inputs, "A_Color", "A").default_value = MASKED_COLOUR
    links.new(tex.outputs["Color"], _socket(mix.inputs, "B_Color", "B"))
    links.new(_socket(mix.outputs, "Result_Color", "Result"), bsdf.inputs["Base Color"])
    y = 0
    for out_name in NON_COLOUR_OUTPUTS:
        if out_name in images:
            node = nodes.new("ShaderNodeTexImage")
            node.name = node.label = "CB " + out_name
            node.image = images[out_name]
            node.location = (-650, y)
            links.new(uv.outputs["UV"], node.inputs["Vector"])
            y -= 280
    return mat


def assign_material(obj, mat) -> None:
    """Add ``mat`` as a new slot of ``obj`` and use it on every face; existing slots stay so
    the previous look is one click away."""
    mesh = obj.data
    mesh.materials.append(mat)
    index = len(mesh.materials) - 1
    mesh.polygons.foreach_set("material_index", [index] * len(mesh.polygons))
    mesh.update()


def apply_result(objects: Sequence, images: Dict[str, Tuple[bytes, str]], *, label: str):
    """Load the job's images, build the material and put it on ``objects``; returns the
    base-colour image."""
    loaded = {}
    for name, (data, ctype) in images.items():
        loaded[name] = load_image("{} {}".format(label, name), data, ctype, non_colour=name in NON_COLOUR_OUTPUTS)
    mat = make_material(label, loaded)
    for obj in objects:
        assign_material(obj, mat)
    return loaded["image"]
