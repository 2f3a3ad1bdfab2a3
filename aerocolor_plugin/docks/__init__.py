"""Dock widgets of the plugin: Capture, Train and Colorize."""
