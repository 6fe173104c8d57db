"""Qt widgets of the plugin (the docker and its settings dialog)."""
