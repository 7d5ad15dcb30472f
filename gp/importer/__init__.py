"""importer: Argo YAML objects -> gp HCL (`gp import --generate-config`)."""

from gp.importer.generate import generate_config
from gp.importer.yaml_input import load_yaml_objects

__all__ = ["generate_config", "load_yaml_objects"]
