"""Benchside: counter software for device-repair shops."""

__version__ = "0.1.0"
APP_NAME = "Benchside"
APP_AUTHOR = "Benchside"
