"""The bottom layer: the schema (models), the database (engine, sessions, migrations) and the audit log.

Everything above may import it; it imports nothing of the application but settings.
"""
