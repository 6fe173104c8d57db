"""Operators: check the connection, texture the selection (job in a worker thread, result
applied by a bpy.app.timers callback on the main thread), cancel."""

from __future__ import annotations

import threading

import bpy

from .. import bridge
from ..core import request
from . import pipeline, state
from .scene import SceneError

POLL_INTERVAL = 0.1


def _redraw():
    """Ask every 3D view to redraw so the panel shows fresh progress."""
    wm = bpy.context.window_manager
    for window in getattr(wm, "windows", []):
        for area in window.screen.areas:
            if area.type == 'VIEW_3D':
                area.tag_redraw()


def _check_worker(conn):
    """Worker thread: health + capabilities, written to ``conn`` (never to bpy)."""
    try:
        client = bridge.connect(timeout=5.0)
        health = client.health()
        caps = client.capabilities()
        conn.engines = request.engine_choices(caps)
        try:
            request.check_task(caps)
            conn.status = "Connected: {} (v{})".format(client.url, health.version)
            conn.ok = True
        except request.TaskMissing as exc:
            conn.status = str(exc)
            conn.ok = False
    except Exception as exc:  # noqa: BLE001 - any failure becomes the status line
        conn.status = request.describe_error(exc)
        conn.ok = False
    finally:
        conn.checking = False


def _check_timer():
    if state.connection.checking:
        return POLL_INTERVAL
    _redraw()
    return None


def start_connection_check():
    """Probe the daemon in the background (also run at registration)."""
    conn = state.connection
    if conn.checking:
        return
    conn.checking = True
    conn.status = "Checking…"
    threading.Thread(target=_check_worker, args=(conn,), name="cb-check", daemon=True).start()
    if not bpy.app.timers.is_registered(_check_timer):
        bpy.app.timers.register(_check_timer, first_interval=POLL_INTERVAL)


class CREATIVE_BRIDGE_OT_check_connection(bpy.types.Operator):
    """Check the connection to the Creative Bridge daemon and refresh the engine list"""

    bl_idname = "creative_bridge.check_connection"
    bl_label = "Check Connection"

    def execute(self, context):
        start_connection_check()
        return {'FINISHED'}


def _job_worker(job):
    """Worker thread: run the texture job; never touches bpy."""
    try:
        job.client = bridge.connect()
        job.result = request.run_texture_job(job.client, job.prepared.depth_rgba16, job.prepared.size,
                                             params=job.params, engine=job.engine, image=job.init_image,
                                             progress=job.progress)
    except BaseException as exc:  # noqa: BLE001 - handed to the main thread as is
        job.error = exc


def _job_timer():
    """Main thread: mirror progress into the panel; apply the result when the worker ends."""
    job = state.active
    try:
        props = bpy.context.scene.creative_bridge
    except AttributeError:  # add-on unregistered or no scene: nothing to show
        props = None
    if job is None:
        return None
    if props is not None:
        props.stage = job.progress.stage
        props.progress = job.progress.fraction
    if not job.finished:
        _redraw()
        return POLL_INTERVAL
    state.active = None
    message = ""
    if job.error is not None:
        message = "Failed: " + request.describe_error(job.error)
    else:
        try:
            label = pipeline.label_for(job.label, job.result.seed)
            image = pipeline.finish(job.prepared, job.result, label=label)
            message = "Done: {} ({} object(s))".format(image.name, len(job.prepared.object_names))
        except Exception as exc:  # noqa: BLE001 - reported in the panel
            message = "Failed applying the texture: " + request.describe_error(exc)
    if props is not None:
        props.running = False
        props.message = message
    _redraw()
    return None


def _previous_texture(obj):
    """PNG bytes of the last generated base colour on ``obj`` (for Refine), or None."""
    for slot in reversed(obj.material_slots):
        mat = slot.material
        if mat and mat.use_nodes and mat.name.startswith("CB Texture"):
            node = mat.node_tree.nodes.get("CB Base Color")
            if node and node.image and node.image.packed_file:
                return bytes(node.image.packed_file.data), "image/png"
    return None


def build_params(props, size):
    """Request params from the panel settings."""
    return request.build_params(
        props.prompt, negative_prompt=props.negative_prompt,
        seed=None if props.random_seed else props.seed,
        steps=props.steps or None,
        strength=props.strength if props.refine else None,
        seamless=props.seamless, size=size)


class CREATIVE_BRIDGE_OT_texture_selected(bpy.types.Operator):
    """Render the camera's depth, ask the daemon for a texture and project it onto the selected objects"""

    bl_idname = "creative_bridge.texture_selected"
    bl_label = "Generate Texture"
    bl_options = {'REGISTER', 'UNDO'}

    @classmethod
    def poll(cls, context):
        return state.active is None and context.scene is not None

    def execute(self, context):
        props = context.scene.creative_bridge
        try:
            prepared = pipeline.prepare(context, resolution=props.resolution)
            init = _previous_texture(context.active_object) if props.refine and context.active_object else None
            params = build_params(props, prepared.size)
        except (SceneError, request.RequestError) as exc:
            self.report({'ERROR'}, str(exc))
            props.message = str(exc)
            return {'CANCELLED'}
        job = state.ActiveJob(prepared, request.Progress(), props.prompt)
        job.params = params
        job.engine = props.engine or "auto"
        job.init_image = init
        job.thread = threading.Thread(target=_job_worker, args=(job,), name="cb-texture", daemon=True)
        state.active = job
        props.running = True
        props.stage = "queued"
        props.progress = 0.0
        props.message = ""
        job.thread.start()
        bpy.app.timers.register(_job_timer, first_interval=POLL_INTERVAL)
        return {'FINISHED'}


def _cancel_worker(job):
    job.progress.cancel_requested.set()
    if job.client is not None and job.progress.job_id:
        try:
            job.client.cancel(job.progress.job_id)
        except Exception:  # noqa: BLE001 - the job may have ended meanwhile; the timer reports
            pass


class CREATIVE_BRIDGE_OT_cancel(bpy.types.Operator):
    """Cancel the running texture job"""

    bl_idname = "creative_bridge.cancel"
    bl_label = "Cancel"

    @classmethod
    def poll(cls, context):
        return state.active is not None

    def execute(self, context):
        # The DELETE is a network call: off the main thread like every other one.
        threading.Thread(target=_cancel_worker, args=(state.active,), name="cb-cancel", daemon=True).start()
        return {'FINISHED'}
