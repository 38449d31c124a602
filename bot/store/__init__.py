"""The embedded SQLite store: one connection, versioned migrations, a module per kind of record."""
