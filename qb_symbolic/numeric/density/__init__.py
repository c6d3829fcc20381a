"""Mixed two-qubit starts: the density matrix evolved by the closed-form block
propagators; its spectra, ergotropy split, correlation measures (numpy and mpmath)."""
