"""Plain models and rules of candidate profiles: no I/O, no framework."""
