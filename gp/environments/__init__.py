"""One module, several targets: the stages that work across a module's environments.

Each environment is a stack of its own (``<stack>-<env>``: record, lock, ownership label), so
everything gp does to one target works unchanged; this package adds what spans them: validate
every environment, check that no two share a target, list them with their state (`gp envs`),
promote one from another at a committed revision (`gp promote`), and plan them all for a pull
request (`gp plan --all-envs`).
"""
