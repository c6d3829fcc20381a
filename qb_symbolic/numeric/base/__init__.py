"""Shared pieces of every numeric method: the disk cache of derived forms and the
phase-limit fallback (dense eigh where a closed form loses digits)."""
