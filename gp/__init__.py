"""gp: plan and apply Argo Workflows pipelines written in HCL."""

__version__ = "0.1.0"
