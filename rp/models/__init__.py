"""The diary's database models, one module per area; importing this registers them all."""

from rp.models.comms import Achievement
from rp.models.comms import Delivery
from rp.models.comms import Message
from rp.models.comms import News
from rp.models.comms import OutboxMessage
from rp.models.consent import Consent
from rp.models.journal import AttendanceCode
from rp.models.journal import AttendanceEntry
from rp.models.journal import Mark
from rp.models.journal import PeriodMark
from rp.models.journal import WorkType
from rp.models.lab import LabSetting
from rp.models.linking import LinkingRecord
from rp.models.people import Identity
from rp.models.people import Person
from rp.models.people import User
from rp.models.regions import Region
from rp.models.school import Enrolment
from rp.models.school import Guardian
from rp.models.school import Period
from rp.models.school import PersonRole
from rp.models.school import School
from rp.models.school import SchoolClass
from rp.models.school import SchoolYear
from rp.models.school import Subject
from rp.models.school import SubjectGroup
from rp.models.sessions import WebSession
from rp.models.timetable import Homework
from rp.models.timetable import IndividualHomework
from rp.models.timetable import Lesson
from rp.models.timetable import TimetableSlot

__all__ = [
    "WebSession",
    "Identity",
    "LinkingRecord",
    "Person",
    "Region",
    "User",
    # the school diary
    "Achievement",
    "AttendanceCode",
    "AttendanceEntry",
    "Consent",
    "Delivery",
    "Enrolment",
    "Guardian",
    "Homework",
    "IndividualHomework",
    "Lesson",
    "Mark",
    "Message",
    "News",
    "OutboxMessage",
    "Period",
    "PeriodMark",
    "PersonRole",
    "School",
    "SchoolClass",
    "SchoolYear",
    "Subject",
    "SubjectGroup",
    "TimetableSlot",
    "WorkType",
    "LabSetting",
]
