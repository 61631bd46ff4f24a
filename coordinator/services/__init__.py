"""Use cases: each public function is one transaction that also writes its audit entry."""
