"""Page formats and the line grid, article fit, and the page planner."""
