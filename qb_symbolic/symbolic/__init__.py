"""Symbolic building blocks: closed-form real roots of small Hermitian blocks (``roots``)."""

# Symmetries (commutant) and invariant blocks of any 4x4 Hermitian family: ``structure``.
from .structure import KNOWN_STATES as KNOWN_STATES
from .structure import Block as Block
from .structure import Structure as Structure
from .structure import commutant as commutant
from .structure import pauli_form as pauli_form
from .structure import symmetry_blocks as symmetry_blocks
