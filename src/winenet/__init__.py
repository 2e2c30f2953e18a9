"""winenet: which producer made a wine, from a from-scratch NumPy network."""
