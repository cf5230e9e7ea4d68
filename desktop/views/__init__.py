"""Everything Qt: windows, dialogs, widgets. Talks to services only."""
