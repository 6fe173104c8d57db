"""Runs inside ``blender -b --factory-startup --python-exit-code 1 --python`` (started by
test_blender_integration.py): installs the add-on zip, builds a cube-on-a-grid scene seen
by a camera, calls ``creative_bridge.api.texture_selected`` against the live daemon and
writes what the pytest side asserts to the JSON file named by CB_REPORT.

Environment: CB_ADDON_ZIP (the zip), CB_REPORT (output), BRIDGE_HOME (the daemon's).
Everything is recorded, failures included, so each pytest test reports its own part.
"""

import hashlib
import json
import os
import sys
import traceback

import bpy
from bpy_extras.object_utils import world_to_camera_view
from mathutils import Vector

REPORT = {}
RESOLUTION = 256


def build_scene():
    """A 2 m cube standing on a subdivided 10 m grid, a camera in front of and above it."""
    bpy.ops.object.select_all(action='SELECT')
    bpy.ops.object.delete()
    scene = bpy.context.scene
    scene.render.resolution_x = 1024
    scene.render.resolution_y = 1024
    bpy.ops.mesh.primitive_grid_add(x_subdivisions=20, y_subdivisions=20, size=10, location=(0, 0, 0))
    grid = bpy.context.active_object
    grid.name = "Ground"
    # Lifted a hair so its bottom does not coincide with the ground.
    bpy.ops.mesh.primitive_cube_add(size=2, location=(0, 0, 1.01))
    cube = bpy.context.active_object
    cube.name = "Box"
    cam_data = bpy.data.cameras.new("Cam")
    cam = bpy.data.objects.new("Cam", cam_data)
    scene.collection.objects.link(cam)
    cam.location = (0.0, -7.0, 6.0)
    cam.rotation_euler = (Vector((0.0, 0.5, 0.5)) - cam.location).to_track_quat('-Z', 'Y').to_euler()
    scene.camera = cam
    bpy.context.view_layer.update()
    for obj in (grid, cube):
        obj.select_set(True)
    bpy.context.view_layer.objects.active = cube
    return scene, cam, cube, grid


def depth_at(values, size, point, scene, cam):
    """The sent depth (0..1) at the pixel where ``point`` projects."""
    co = world_to_camera_view(scene, cam, Vector(point))
    w, h = size
    x = min(int(co.x * w), w - 1)
    y = min(int((1.0 - co.y) * h), h - 1)
    return values[y * w + x]


def face_at(obj, point):
    """Index of the face of ``obj`` whose centre is nearest ``point`` (world space)."""
    mw = obj.matrix_world
    best = min(obj.data.polygons, key=lambda p: ((mw @ p.center) - Vector(point)).length)
    return best.index


def check_mesh(obj, scene, cam):
    """UVs of visible faces against Blender's own world_to_camera_view, and the mask."""
    from creative_bridge.blender.scene import MASK_ATTRIBUTE, UV_LAYER

    mesh = obj.data
    out = {"has_uv_layer": UV_LAYER in mesh.uv_layers, "uv_layers": [l.name for l in mesh.uv_layers]}
    if not out["has_uv_layer"]:
        return out
    uv = mesh.uv_layers[UV_LAYER].data
    mask = [a.value for a in mesh.attributes[MASK_ATTRIBUTE].data]
    mw = obj.matrix_world
    worst = 0.0
    outside = 0
    for poly in mesh.polygons:
        if mask[poly.index] < 0.5:
            continue
        for li, vi in zip(poly.loop_indices, poly.vertices):
            u, v = uv[li].uv
            if not (0.0 <= u <= 1.0 and 0.0 <= v <= 1.0):
                outside += 1
            ref = world_to_camera_view(scene, cam, mw @ mesh.vertices[vi].co)
            if 0.0 <= ref.x <= 1.0 and 0.0 <= ref.y <= 1.0:
                worst = max(worst, abs(ref.x - u), abs(ref.y - v))
    out.update(visible_faces=sum(1 for m in mask if m >= 0.5), masked_faces=sum(1 for m in mask if m < 0.5),
               uv_outside_01=outside, uv_max_error_vs_world_to_camera_view=worst, mask=mask)
    return out


def run():
    zip_path = os.environ["CB_ADDON_ZIP"]
    bpy.ops.preferences.addon_install(filepath=zip_path, overwrite=True)
    bpy.ops.preferences.addon_enable(module="creative_bridge")
    import creative_bridge
    import creative_bridge.api as api
    from creative_bridge.core import depth as depthmod

    REPORT["addon_file"] = creative_bridge.__file__
    REPORT["blender_version"] = bpy.app.version_string
    REPORT["registered"] = hasattr(bpy.types.Scene, "creative_bridge")
    scene, cam, cube, grid = build_scene()
    stages = []
    try:
        image = api.texture_selected("weathered bronze, green patina", seed=7, resolution=RESOLUTION,
                                     on_progress=lambda s, f: stages.append([s, f]))
        REPORT["image"] = {"name": image.name, "size": list(image.size)}
    except api.TextureError as exc:
        REPORT["error"] = {"message": str(exc), "code": exc.code}
    run = api.last_run
    REPORT["stages"] = stages
    REPORT["timings"] = run.get("timings")
    REPORT["projection"] = run.get("projection")
    if "depth_rgba16" in run:
        size = run["size"]
        data = run["depth_rgba16"]
        values = depthmod.from_rgba16(data)
        REPORT["depth"] = {
            "size": list(size), "bytes": len(data),
            "cube_top": depth_at(values, size, (0.0, 0.0, 2.01), scene, cam),
            "cube_front": depth_at(values, size, (0.0, -1.0, 1.0), scene, cam),
            # Ground points seen right next to the cube in the image.
            "ground_beside": depth_at(values, size, (2.5, 0.0, 0.0), scene, cam),
            "ground_behind": depth_at(values, size, (0.0, 4.9, 0.0), scene, cam),
            "top_left_pixel": values[0],
            "background_fraction": sum(1 for v in values if v == 0.0) / len(values),
            "alpha_opaque": all(data[i + 6:i + 8] == b"\xff\xff" for i in range(0, len(data), 8 * 97)),
            "sha256": "sha256:" + hashlib.sha256(data).hexdigest(),
        }
    REPORT["job_inputs"] = run.get("inputs")
    if run.get("inputs", {}).get("depth"):
        from creative_bridge import bridge

        blob, ctype = bridge.connect().get_blob(run["inputs"]["depth"])
        REPORT["daemon_depth"] = {"sha256": "sha256:" + hashlib.sha256(blob).hexdigest(), "type": ctype}
    meshes = {}
    for obj in (cube, grid):
        info = check_mesh(obj, scene, cam)
        info["materials"] = [m.name if m else None for m in obj.data.materials]
        info["face_material"] = (obj.data.materials[obj.data.polygons[0].material_index].name
                                 if obj.data.materials else None)
        meshes[obj.name] = info
    REPORT["meshes"] = meshes
    # Faces that must be masked: cube faces turned away (bottom, back) and ground faces
    # hidden behind the cube; faces that must be painted: cube top/front, open ground.
    REPORT["faces"] = {
        "cube_bottom": face_at(cube, (0, 0, 0.01)), "cube_back": face_at(cube, (0, 1, 1.01)),
        "cube_top": face_at(cube, (0, 0, 2.01)), "cube_front": face_at(cube, (0, -1, 1.01)),
        "ground_behind_cube": face_at(grid, (0.25, 2.75, 0)), "ground_open": face_at(grid, (1.25, -2.25, 0)),
    }
    REPORT["material"] = run.get("material")
    if run.get("material"):
        mat = bpy.data.materials[run["material"]]
        links = [(l.from_node.bl_idname, l.from_socket.identifier, l.to_node.bl_idname, l.to_socket.name)
                 for l in mat.node_tree.links]
        REPORT["material_links"] = links
        REPORT["material_images"] = sorted(n.image.name for n in mat.node_tree.nodes
                                           if n.bl_idname == "ShaderNodeTexImage" and n.image)
    # Unregister cleanly (mirrors register).
    bpy.ops.preferences.addon_disable(module="creative_bridge")
    REPORT["unregistered"] = not hasattr(bpy.types.Scene, "creative_bridge")


def main():
    """Run, then write the report (always) and exit non-zero on a crash."""
    try:
        run()
    except Exception:  # noqa: BLE001 - written to the report; the exit code says it too
        REPORT["crash"] = traceback.format_exc()
    with open(os.environ["CB_REPORT"], "w", encoding="utf-8") as out:
        json.dump(REPORT, out, indent=1, default=str)
    if "crash" in REPORT:
        sys.stderr.write(REPORT["crash"])
        sys.exit(1)


# Blender runs --python scripts as __main__; the benchmark imports build_scene only.
if __name__ == "__main__":
    main()
