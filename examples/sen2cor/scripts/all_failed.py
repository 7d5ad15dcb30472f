"""Every Sen2Cor version failed: fail the workflow loudly so the on-call sees it."""
import sys

tile = "{{workflow.parameters.tile}}"
print(f"all Sen2Cor versions failed for {tile}", file=sys.stderr)
sys.exit(1)
