"""Dock widgets of the plugin: Train and Colorize (Capture comes with its own issue)."""
