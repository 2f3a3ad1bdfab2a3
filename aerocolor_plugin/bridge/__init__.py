"""The bridge to the backend: where it is, its environment and set-up, its processes and their events,
and the torch-free backend modules the plugin reads (seam)."""
