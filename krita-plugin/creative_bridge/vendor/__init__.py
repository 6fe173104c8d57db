"""Third-party code shipped inside the plugin zip.

The Maven build copies ``protocols/python/bridge_client`` here when it packages the
plugin; the repository keeps no copy (a source checkout puts ``protocols/python`` on
PYTHONPATH instead, see ``creative_bridge/bridge.py``).
"""
