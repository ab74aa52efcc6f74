"""The advisor queue: storage, ticket lifecycle, routing, reply delivery and the learning loop.

The engine hands questions over through ``TicketSink`` (bot.engine.tickets);
``QueueService`` implements it on a SQLAlchemy database (SQLite by default,
PostgreSQL in production).
"""
