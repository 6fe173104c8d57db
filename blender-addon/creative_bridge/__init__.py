"""Creative Bridge for Blender: a texture generated from the scene's depth by the local
Creative Bridge daemon, projected from the active camera onto the selected objects.

Installs as a legacy add-on (``bl_info``, Blender 3.4+) or as a 4.2+ extension (the zip also
carries ``blender_manifest.toml``). ``creative_bridge.core`` needs no Blender; everything
touching ``bpy`` lives in ``creative_bridge.blender`` and ``creative_bridge.api``, imported
only when Blender registers the add-on, so the core imports in plain Python for tests.
"""

bl_info = {
    "name": "Creative Bridge",
    "author": "Creative Bridge contributors",
    "version": (0, 1, 0),
    "blender": (3, 4, 0),
    "location": "View3D > Sidebar > Bridge",
    "description": "Textures generated from the camera's depth by the local Creative Bridge daemon",
    "doc_url": "",
    "category": "Material",
}


def register():
    """Called by Blender when the add-on is enabled."""
    from . import blender

    blender.register()


def unregister():
    """Called by Blender when the add-on is disabled; mirrors register()."""
    from . import blender

    blender.unregister()
