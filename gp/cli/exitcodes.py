"""gp's exit codes, as README and docs/cli.md list them; every command exits with one of these."""

OK = 0
ERROR = 1  # an error, a failed apply, a failed test or run
CHANGES = 2  # --detailed-exitcode: the plan has changes (Terraform's meaning)
FMT_CHANGES = 3  # gp fmt --check: files would change
INTERRUPTED = 130  # Ctrl-C, as a shell reports SIGINT
