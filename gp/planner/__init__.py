"""planner: desired objects + live state -> Plan (pure, no I/O)."""
