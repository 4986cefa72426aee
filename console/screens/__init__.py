"""The console's screens: one per mode (intake, board, supervisor, map) plus dialogs."""
