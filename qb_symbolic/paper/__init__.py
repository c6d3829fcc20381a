"""paper layer of qb_symbolic (see the README, Layers)."""
