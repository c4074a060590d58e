"""`dltutor bench`: load-test the model server behind the tutor and explain what it measured."""
