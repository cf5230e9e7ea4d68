"""Pure renderers: a DTO and the shop header in, bytes out (PDF, ESC/POS, labels).

Importing this package is cheap; the modules that render import ReportLab and
python-escpos, so import them where a document is made, not at start-up.
"""
