"""Frames: the plan placed on the page (docs/design.md, "Frames").

`frame_issue` turns a plan into one `PageFrame` per page: every text line with its part, position,
face, size and runs; every figure, ad and rule; the zones (one per module) and the furniture. The
painter, layout.json, the lint and the quality figures read frames only; this is the one place
outside layout.plan that reads the planner's measured lines.
"""
from layout.frame.framing import frame_issue, frame_page, plan_and_frame
from layout.frame.model import (AdFrame, ArticleText, Cells, Face, FigureFrame, Furniture, IssueFrames, LineFrame,
                                PageFrame, Rect, RuleFrame, RunFrame, Zone)

__all__ = ["AdFrame", "ArticleText", "Cells", "Face", "FigureFrame", "Furniture", "IssueFrames", "LineFrame",
           "PageFrame", "Rect", "RuleFrame", "RunFrame", "Zone", "frame_issue", "frame_page",
           "plan_and_frame"]
