"""Sync in the window: the status bar, its details, and the bridge from the runner."""
