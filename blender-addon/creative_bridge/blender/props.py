"""The add-on's settings: one PropertyGroup, attached as ``Scene.creative_bridge``."""

from __future__ import annotations

import bpy
from bpy.props import BoolProperty, EnumProperty, FloatProperty, IntProperty, StringProperty

from . import state


def _engine_items(_self, _context):
    # Must return a list that stays referenced (Blender keeps raw pointers to the strings).
    return state.connection.engines


class CB_PG_settings(bpy.types.PropertyGroup):
    """Everything the panel edits plus the running job's stage and progress."""

    prompt: StringProperty(name="Prompt", description="What the texture should look like",
                           default="weathered bronze, green patina")
    negative_prompt: StringProperty(name="Negative", description="What to avoid", default="")
    random_seed: BoolProperty(name="Random seed", description="Let the daemon pick the seed", default=True)
    seed: IntProperty(name="Seed", min=0, default=0, description="Fixed seed to repeat a result")
    steps: IntProperty(name="Steps", min=0, max=200, default=0,
                       description="Denoising steps (0 = the engine's default)")
    strength: FloatProperty(name="Strength", min=0.0, max=1.0, default=1.0,
                            description="With Refine: how much the previous texture may change (1 = ignore it)")
    refine: BoolProperty(name="Refine previous texture", default=False,
                         description="Send the active object's last generated texture as the starting image")
    seamless: EnumProperty(name="Seamless", default='none', items=[
        ('none', "Off", "No tiling"), ('x', "X", "Tile left-right"),
        ('y', "Y", "Tile top-bottom"), ('both', "Both", "Tile both ways")])
    engine: EnumProperty(name="Engine", items=_engine_items,
                         description="Engine for image.texture_from_depth (Check connection refreshes the list)")
    resolution: IntProperty(name="Resolution", min=64, max=4096, default=1024, step=8,
                            description="Long side of the texture in pixels (rounded to a multiple of 8)")
    running: BoolProperty(name="Running", default=False)
    stage: StringProperty(name="Stage", default="")
    progress: FloatProperty(name="Progress", min=0.0, max=1.0, default=0.0, subtype='FACTOR')
    message: StringProperty(name="Message", default="")
