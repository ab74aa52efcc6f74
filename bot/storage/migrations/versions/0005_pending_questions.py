"""Questions in flight: an asker's message is stored before it is answered, so a process that dies
mid-answer leaves a marker the worker turns into a hand-over.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa
import bot.storage.models


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending_since', bot.storage.models.UTCDateTime(), nullable=True))
        batch_op.create_index('ix_messages_pending_since', ['pending_since'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index('ix_messages_pending_since')
        batch_op.drop_column('pending_since')
