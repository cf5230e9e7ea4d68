"""Printing in the views: PDF preview, system printers through Qt, and the helper that
sends a document to this station's printer off the GUI thread."""
