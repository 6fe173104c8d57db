"""The sidebar panel (3D view > N > Bridge)."""

from __future__ import annotations

import bpy

from . import state


class CB_PT_texture(bpy.types.Panel):
    """Connection, prompt and job controls."""

    bl_label = "Creative Bridge"
    bl_idname = "CB_PT_texture"
    bl_space_type = 'VIEW_3D'
    bl_region_type = 'UI'
    bl_category = "Bridge"

    def draw(self, context):
        props = context.scene.creative_bridge
        layout = self.layout
        row = layout.row()
        row.label(text=state.connection.status, icon='CHECKMARK' if state.connection.ok else 'ERROR')
        row.operator("creative_bridge.check_connection", text="", icon='FILE_REFRESH')
        col = layout.column()
        col.enabled = not props.running
        col.prop(props, "prompt")
        col.prop(props, "negative_prompt")
        row = col.row(align=True)
        row.prop(props, "random_seed", text="", icon='SHADERFX')
        sub = row.row(align=True)
        sub.enabled = not props.random_seed
        sub.prop(props, "seed")
        col.prop(props, "steps")
        col.prop(props, "refine")
        sub = col.row()
        sub.enabled = props.refine
        sub.prop(props, "strength", slider=True)
        col.prop(props, "seamless")
        col.prop(props, "engine")
        col.prop(props, "resolution")
        if props.running:
            text = "{} {:.0f}%".format(props.stage or "working", props.progress * 100)
            if hasattr(layout, "progress"):  # Blender 4.0+
                layout.progress(factor=props.progress, type='BAR', text=text)
            else:
                layout.label(text=text, icon='TIME')
            layout.operator("creative_bridge.cancel", icon='CANCEL')
        else:
            layout.operator("creative_bridge.texture_selected", icon='TEXTURE')
        if props.message:
            for line in _wrap(props.message, 48):
                layout.label(text=line)


def _wrap(text: str, width: int):
    """Split a long message into panel-width lines (labels do not wrap)."""
    words, line = text.split(), ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            yield line
            line = word
        else:
            line = (line + " " + word).strip()
    if line:
        yield line
