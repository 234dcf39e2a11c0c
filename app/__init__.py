"""Rankfile: workplace mapping for rank-and-file union organizing committees."""
