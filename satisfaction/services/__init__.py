"""Writes of the satisfaction app: the settings row, surveys and ratings, and closing the loop."""
