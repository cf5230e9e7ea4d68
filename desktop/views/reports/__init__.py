"""The reports screen: every report by group, its table, chart and exports, and the audit
log."""
