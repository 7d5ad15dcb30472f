"""config: HCL files -> evaluated module (pure; reads only the module's own files)."""
