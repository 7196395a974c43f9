"""Framework-independent NumPy reference implementations of optimizer steps."""
