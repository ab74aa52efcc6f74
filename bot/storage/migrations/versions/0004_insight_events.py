"""Insight events: anonymised counts of questions and feedback, for trends and content gaps.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa
import bot.storage.models


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('insight_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', bot.storage.models.UTCDateTime(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('asker_key', sa.String(length=32), nullable=False),
    sa.Column('theme', sa.String(length=80), nullable=True),
    sa.Column('region', sa.String(length=120), nullable=True),
    sa.Column('role', sa.String(length=40), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('reason', sa.String(length=80), nullable=True),
    sa.Column('confidence', sa.Double(), nullable=True),
    sa.Column('helpful', sa.Boolean(), nullable=True),
    sa.Column('gap_question', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('insight_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_insight_events_at'), ['at'], unique=False)
        batch_op.create_index('ix_insight_events_theme_at', ['theme', 'at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('insight_events', schema=None) as batch_op:
        batch_op.drop_index('ix_insight_events_theme_at')
        batch_op.drop_index(batch_op.f('ix_insight_events_at'))

    op.drop_table('insight_events')
