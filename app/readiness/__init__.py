"""Readiness: counting coworkers per level and unit in SQL, and the pure math over those counts."""
