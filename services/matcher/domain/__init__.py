"""The matcher's rules, free of I/O: compatibility, ROME relations, ranking, explanation."""
