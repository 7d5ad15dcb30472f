"""Runs of applied pipelines: submit, watch, history, logs, stop and resubmit.

Pure where it can be: the run and node model, parameter checks, the Workflow gp submits, the
watch's state changes. Every cluster call goes through the provider's engine
(gp/providers/kubernetes_runs.py); ``gp.runs.actions`` ties them together with explicit context,
for the CLI now and the Python API and web UI later.
"""
