"""Publish the Level-2A product that one of the Sen2Cor versions produced."""
tile = "{{workflow.parameters.tile}}"
print(f"L2A product for {tile} is ready")
