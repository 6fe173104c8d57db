"""The Blender side of the add-on: classes registered from one tuple, in order, and
unregistered in reverse (the glTF-Blender-IO pattern)."""

from __future__ import annotations

import bpy

from . import operators, panel, props

classes = (
    props.CB_PG_settings,
    operators.CREATIVE_BRIDGE_OT_check_connection,
    operators.CREATIVE_BRIDGE_OT_texture_selected,
    operators.CREATIVE_BRIDGE_OT_cancel,
    panel.CB_PT_texture,
)


def register():
    """Register the classes, then attach the settings as ``Scene.creative_bridge``."""
    for cls in classes:
        bpy.utils.register_class(cls)
    bpy.types.Scene.creative_bridge = bpy.props.PointerProperty(type=props.CB_PG_settings)
    if not bpy.app.background:
        operators.start_connection_check()


def unregister():
    """Mirror of register(): detach the settings, then unregister in reverse order."""
    for fn in (operators._job_timer, operators._check_timer):
        if bpy.app.timers.is_registered(fn):
            bpy.app.timers.unregister(fn)
    del bpy.types.Scene.creative_bridge
    for cls in reversed(classes):
        bpy.utils.unregister_class(cls)
