"""The lab version row: workers cache rarely-changing rows against its token

Revision ID: b8d4f0a6c2e9
Revises: a7c3d9e1f2b4
Create Date: 2026-12-02 19:30:00

"""
import secrets

from alembic import op
import sqlalchemy as sa


revision = 'b8d4f0a6c2e9'
down_revision = 'a7c3d9e1f2b4'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table('lab_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.bulk_insert(table, [{'id': 1, 'token': secrets.token_hex(16)}])


def downgrade():
    op.drop_table('lab_version')
