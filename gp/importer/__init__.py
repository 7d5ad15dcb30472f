"""importer: Argo YAML objects -> gp HCL (`gp import --generate-config`)."""

from gp.importer.by_schema import CannotExpress
from gp.importer.generate import Generated, check_fidelity, generate, generate_config
from gp.importer.yaml_input import load_yaml_objects

__all__ = [
    "CannotExpress",
    "Generated",
    "check_fidelity",
    "generate",
    "generate_config",
    "load_yaml_objects",
]
