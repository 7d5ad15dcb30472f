"""The caches' room: the files gp keeps under ``~/.cache/gp`` to go faster (parsed files,
compiled modules). Everything here is safe to delete; nothing else in gp writes there."""
