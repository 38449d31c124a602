"""The Matrix transport: the only code that speaks matrix-nio."""
