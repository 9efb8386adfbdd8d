"""Editors' tools: `sitegen check` and `sitegen new`."""
