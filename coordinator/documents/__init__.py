"""Documents attached to minutes, agenda items, commitments and proposals (issue 16, point 6)."""
