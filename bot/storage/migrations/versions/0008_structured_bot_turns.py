"""The bot's turn stored whole and structured: its kind in a column of its own and its citations as JSON,
instead of "[kind] " + the first 500 characters of its text (issue 16: a reloaded widget shows earlier
answers with their sources). Older rows keep their tagged text and a NULL kind; ``Message.turn`` reads both.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('citations', sa.JSON(), nullable=True))


def downgrade() -> None:
    # back to the tagged form the older code reads, so a rolled-back bot still tells answers from hand-overs
    op.execute("UPDATE messages SET text = '[' || kind || '] ' || text WHERE kind IS NOT NULL")
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_column('citations')
        batch_op.drop_column('kind')
