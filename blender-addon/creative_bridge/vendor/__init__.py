"""Third-party code shipped inside the add-on zip.

The Maven build copies ``protocols/python/bridge_client`` here when it packages the add-on;
the repository keeps no copy (a source checkout puts ``protocols/python`` on sys.path
instead, see ``creative_bridge/bridge.py``).
"""
