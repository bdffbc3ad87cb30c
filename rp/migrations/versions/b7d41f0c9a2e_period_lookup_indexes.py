"""indexes for region-scale lookups: person.birth_date, attendance_entry (pupil_id, lesson_id)

The linking candidate lookup at the Gosuslugi callback matches people by birth date; a pupil's
attendance over a week or a period is found by pupil and lesson (the pupil-only index it replaces
read the pupil's whole history).

Revision ID: b7d41f0c9a2e
Revises: 5b1e0c9a7d42
Create Date: 2026-12-01 22:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b7d41f0c9a2e'
down_revision = '5b1e0c9a7d42'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_birth_date'), ['birth_date'], unique=False)
    with op.batch_alter_table('attendance_entry', schema=None) as batch_op:
        batch_op.create_index('ix_attendance_pupil_lesson', ['pupil_id', 'lesson_id'], unique=False)
        batch_op.drop_index('ix_attendance_pupil')


def downgrade():
    with op.batch_alter_table('attendance_entry', schema=None) as batch_op:
        batch_op.create_index('ix_attendance_pupil', ['pupil_id'], unique=False)
        batch_op.drop_index('ix_attendance_pupil_lesson')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_birth_date'))
