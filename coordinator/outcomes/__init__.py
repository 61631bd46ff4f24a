"""What comes out of meetings: minutes with their decisions, and action items with owners
and due dates that are reminded and followed up at the next meeting (issue 16)."""
