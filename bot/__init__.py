"""ESS kennisbot: the application package."""
