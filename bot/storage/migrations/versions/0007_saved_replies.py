"""Saved replies: a team's reusable reply texts for the console's reply box (issue 16).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa
import bot.storage.models


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('saved_replies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', bot.storage.models.UTCDateTime(), nullable=False),
    sa.Column('updated_at', bot.storage.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['advisors.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('saved_replies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_replies_team_id'), ['team_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('saved_replies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_replies_team_id'))
    op.drop_table('saved_replies')
