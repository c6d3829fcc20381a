"""Open batteries: noise channels on a state, and Lindblad charging (the Liouvillian's
invariant blocks, batched eigendecompositions, expm at exceptional points)."""
