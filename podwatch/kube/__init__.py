"""Sources of events: the live cluster (list+watch) and recordings (replay)."""
