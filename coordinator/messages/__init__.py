"""The messages the service mails, one module per domain, one function per message.

Layout: `coordinator/messages/<domain>.py` stands beside `coordinator/services/<domain>.py`
today, and becomes `coordinator/<domain>/messages.py` when the services move into domain
folders (as Indico's modules and Warehouse's `email/` keep theirs). A domain's module
imports only lower layers (models, mail, calendar, links), never services, so a service can
call it without a circle; what the services know (a signed link, a state's label) is passed
in.

Each function takes the domain objects it needs and `now`, and returns an `Outgoing` (the
composed message and its envelope) for `coordinator.mail.outbox.enqueue`. In that one
place it names:
- the template pair `templates/emails/<name>.txt|.html`, whose `{% block subject %}` is
  the Subject, rendered in the recipient's language;
- the outbox kind, a `MailKind`;
- the idempotency key (`outbox_key`), which names the version of what it announces (the
  meeting's SEQUENCE, the proposal's state and instant), so each version is mailed once.
"""
