"""Teachers: anything that turns chat messages into a :class:`~synthgen.records.Completion`."""

from synthgen.teacher.base import Message, Teacher

__all__ = ["Message", "Teacher"]
