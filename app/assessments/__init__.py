"""Assessments: the append-only history of where each coworker stands (1 leader … 5 opposed)."""
