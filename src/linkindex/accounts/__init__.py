"""API credentials and (later) quotas: the server state that belongs to people, not to the index."""
