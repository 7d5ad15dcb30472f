"""cli: the click application (the only package that knows about terminals)."""
