"""People: the coworkers of a campaign and who is assigned to talk to them."""
