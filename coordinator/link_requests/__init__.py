"""Requests for a personal link by address (private feed, proposal, password reset),
answered later by a job so that a request costs the same whether or not the address is
known: the web answer cannot tell anyone who is registered."""
