"""Fetch the Level-1C product of the tile and unpack it where Sen2Cor expects it."""
import os
import sys

tile = "{{workflow.parameters.tile}}"
target = os.path.join("/data", tile)
os.makedirs(target, exist_ok=True)
print(f"preprocessing {tile} into {target}", file=sys.stderr)
