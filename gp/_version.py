"""gp's version, in one place: the build reads it (pyproject.toml), and so does every layer
that reports it, without importing the public package."""

__version__ = "0.1.0"
