"""The admins' YAML: read with line numbers, checked field by field (FILE:LINE), frozen into a snapshot."""
