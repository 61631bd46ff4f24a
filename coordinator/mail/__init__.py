"""Mail: composing messages per recipient, the outbox, and the dispatcher that drains it."""
