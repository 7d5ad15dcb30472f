"""providers: the only I/O of gp (a Kubernetes API server, or a GitOps directory)."""
