"""For developers: `make demo` and the throwaway local Synapse (only the CLI imports this)."""
