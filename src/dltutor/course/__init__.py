"""The course: the topic graph, lessons, quizzes and exercises, loaded from package data."""

from dltutor.course.model import CheckQuestion, Course, Lesson, QuizItem, Topic

__all__ = ["CheckQuestion", "Course", "Lesson", "QuizItem", "Topic"]
