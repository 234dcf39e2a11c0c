"""Campaigns: the drive itself, its departments, shifts, level definitions and memberships."""
