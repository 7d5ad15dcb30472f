"""The caches' room: the compiled modules gp keeps under ``~/.cache/gp`` to go faster; their
files are written through gp.blobs. Everything here is safe to delete."""
