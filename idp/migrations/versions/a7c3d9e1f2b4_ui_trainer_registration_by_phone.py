"""Registration by phone alone: a pending registration's e-mail is optional (ui-trainer)

Revision ID: a7c3d9e1f2b4
Revises: a7c3e9d2f1b4
Create Date: 2026-12-02 14:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a7c3d9e1f2b4'
down_revision = 'a7c3e9d2f1b4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pending_registration', schema=None) as batch_op:
        batch_op.alter_column('email', existing_type=sa.String(length=254), nullable=True)


def downgrade():
    op.execute("DELETE FROM pending_registration WHERE email IS NULL")
    with op.batch_alter_table('pending_registration', schema=None) as batch_op:
        batch_op.alter_column('email', existing_type=sa.String(length=254), nullable=False)
