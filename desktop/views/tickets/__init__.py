"""The bench ticket list screen."""
