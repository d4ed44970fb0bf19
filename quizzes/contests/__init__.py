"""Online knowledge contests: timed rounds, public entry, prediction tie-break, unit rankings."""
