"""Data that ships with presend: rule packs, the built-in policy, its schema, icons."""
