"""Commands that run a recipe: each turns its settings model into an engine job."""
