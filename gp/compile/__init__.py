"""compile: evaluated module -> Argo manifests (pure)."""
