"""iCalendar output (RFC 5545, 5546, 7986): invitations by mail and subscribed feeds."""
