"""Structure tests: pages, commands, lists and readiness."""
