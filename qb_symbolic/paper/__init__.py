"""paper layer of qb_symbolic (see ARCHITECTURE.md)."""
