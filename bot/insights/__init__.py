"""Anonymised insights: what themes rise where, what the knowledge base cannot answer."""
