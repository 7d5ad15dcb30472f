"""render: Plan, apply results and stack records -> text, JSON or markdown. Never prints."""
