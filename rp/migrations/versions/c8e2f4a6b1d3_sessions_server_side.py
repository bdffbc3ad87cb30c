"""Branch sessions: login sessions kept on the server (web_session)

Revision ID: c8e2f4a6b1d3
Revises: b7d41f0c9a2e
Create Date: 2026-12-02 14:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c8e2f4a6b1d3'
down_revision = 'b7d41f0c9a2e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('web_session',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=64), nullable=True),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_session_subject'), ['subject'], unique=False)
        batch_op.create_index(batch_op.f('ix_web_session_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_web_session_last_seen_at'), ['last_seen_at'], unique=False)


def downgrade():
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_session_last_seen_at'))
        batch_op.drop_index(batch_op.f('ix_web_session_created_at'))
        batch_op.drop_index(batch_op.f('ix_web_session_subject'))
    op.drop_table('web_session')
