"""Trust boundaries: the last editor of a knowledge entry (four eyes) and the client address of a login
attempt (throttling by account and by address).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('knowledge_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_editor_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_knowledge_entries_last_editor_id_advisors', 'advisors',
                                    ['last_editor_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_login_attempts_address', ['address'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempts_address')
        batch_op.drop_column('address')
    with op.batch_alter_table('knowledge_entries', schema=None) as batch_op:
        batch_op.drop_constraint('fk_knowledge_entries_last_editor_id_advisors', type_='foreignkey')
        batch_op.drop_column('last_editor_id')
