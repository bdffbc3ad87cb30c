"""Branch sessions: login sessions kept on the server (web_session); codes and tokens stored as SHA-256;
client secrets as salted HMAC (older unsalted rows keep working and are re-hashed at their next use)

Revision ID: a7c3e9d2f1b4
Revises: 5e1f0c2a9b7d
Create Date: 2026-12-02 14:50:00

"""
import hashlib

from alembic import op
import sqlalchemy as sa


revision = 'a7c3e9d2f1b4'
down_revision = '5e1f0c2a9b7d'
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
    _upgrade_hashes()


#: (table, old column, new column, old length): codes and tokens, stored from now on as their SHA-256.
HASHED = [
    ('oauth2_code', 'code', 'code_sha256', 120),
    ('oauth2_token', 'access_token', 'access_token_sha256', 255),
    ('oauth2_token', 'refresh_token', 'refresh_token_sha256', 255),
]


def _hash_in_place(table, column):
    conn = op.get_bind()
    rows = conn.execute(sa.text(f'SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL')).fetchall()
    for row_id, value in rows:
        digest = hashlib.sha256(value.encode('utf-8')).hexdigest()
        conn.execute(sa.text(f'UPDATE {table} SET {column} = :d WHERE id = :i'), {'d': digest, 'i': row_id})


def _upgrade_hashes():
    for table, old, new, length in HASHED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(old, new_column_name=new, existing_type=sa.String(length=length))
        _hash_in_place(table, new)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(new, type_=sa.String(length=64), existing_type=sa.String(length=length))
    with op.batch_alter_table('oauth2_client', schema=None) as batch_op:
        batch_op.alter_column('client_secret_hash', type_=sa.String(length=160), existing_type=sa.String(length=64))


def _downgrade_hashes():
    # The hashes cannot be turned back into codes and tokens: those issued before stop working.
    with op.batch_alter_table('oauth2_client', schema=None) as batch_op:
        batch_op.alter_column('client_secret_hash', type_=sa.String(length=64), existing_type=sa.String(length=160))
    for table, old, new, length in HASHED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(new, new_column_name=old, type_=sa.String(length=length),
                                  existing_type=sa.String(length=64))


def downgrade():
    _downgrade_hashes()
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_session_last_seen_at'))
        batch_op.drop_index(batch_op.f('ix_web_session_created_at'))
        batch_op.drop_index(batch_op.f('ix_web_session_subject'))
    op.drop_table('web_session')
