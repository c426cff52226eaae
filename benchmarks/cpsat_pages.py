"""The page problem given to Google OR-Tools CP-SAT, against the planner's own guillotine search.

For every page the planner sets, the same items (the page's modules, as articles or 简讯 stacks)
and the same leaves (layout.plan.leaves: every height an item can take at every span, with its
cost) are given to CP-SAT: one optional interval per (item, span, height) with a start column and
line, AddNoOverlap2D, every item exactly once, minimising the leaves' costs, the empty cells
(hole_line each) and low positions (low_position × importance × line), deterministic (one worker,
a fixed seed) within a time limit. Headlines side by side are not modelled (the planner forbids
them), so CP-SAT's cost is a lower bound of what it would pay. Prints per page: fill and cost of
each, and their times.

    .venv/bin/python benchmarks/cpsat_pages.py ISSUE_DIR [ISSUE_DIR …] [--limit SECONDS]
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ortools.sat.python import cp_model  # noqa: E402

from layout.house import house  # noqa: E402
from layout.plan.fit import Fits, headline_cap  # noqa: E402
from layout.plan.grid import page_format  # noqa: E402
from layout.plan.leaves import Context, Item, LeafTable  # noqa: E402
from layout.plan.planner import page_fill, plan_issue  # noqa: E402
from layout.source.issue_folder import load_issue  # noqa: E402
from layout.source.plan_pins import load_pins  # noqa: E402
from layout.text.issue_text import normalise_issue  # noqa: E402

LEAVES_PER_SPAN = 12  # cheapest heights per item and span given to the solver


def _items(page, fits: Fits) -> list[Item]:
    """The page's items as the planner set them: one per article part, one per 简讯 stack (a labelled
    module and the briefs right under it in its column)."""
    from layout.plan.leaves import is_brief

    items: list[Item] = []
    stack: list = []
    for m in sorted(page.modules, key=lambda m: (m.column, m.line)):
        below = stack and m.column == stack[-1].column and m.span == stack[-1].span \
            and m.line == stack[-1].line + stack[-1].height and is_brief(fits.articles[m.article_id])
        if stack and below and not m.label_lines:
            stack.append(m)
            continue
        if stack:
            items.append(Item(stack[0].article_id, members=tuple(s.article_id for s in stack)))
            stack = []
        if m.label_lines:
            stack = [m]
        else:
            items.append(Item(m.article_id, m.part, m.slots[0], m.jump_from))
    if stack:
        items.append(Item(stack[0].article_id, members=tuple(s.article_id for s in stack)))
    return items


def solve_page(table: LeafTable, items: list[Item], page: int, next_page: int | None, last: bool,
               limit: float) -> tuple[float, float, float]:
    """(fill, cost, seconds) of CP-SAT's best page for these items."""
    fmt, c = table.fits.fmt, house()["planner"]
    lines = fmt.lines - fmt.reserved_lines(page)
    model = cp_model.CpModel()
    xs, ys, rects, area_terms, cost_terms = [], [], [], [], []
    for i, item in enumerate(items):
        chosen = []
        for span in range(1, fmt.columns + 1):
            ctx = Context(headline_cap(span, min(i + 1, 6)), i == 0, page == 1 and i == 0, next_page is not None,
                          lines, last)
            leaves = sorted((leaf for group in table.leaves(item, span, ctx).values() for leaf in group
                             if leaf.height <= lines), key=lambda leaf: leaf.cost)[:LEAVES_PER_SPAN]
            for leaf in leaves:
                on = model.NewBoolVar("")
                x = model.NewIntVar(0, fmt.columns - span, "")
                y = model.NewIntVar(0, lines - leaf.height, "")
                xi = model.NewOptionalFixedSizeIntervalVar(x, span, on, "")
                yi = model.NewOptionalFixedSizeIntervalVar(y, leaf.height, on, "")
                rects.append((xi, yi))
                area_terms.append(on * span * leaf.height)
                cost_terms.append(on * round(leaf.cost * 10))
                low = model.NewIntVar(0, lines, "")
                model.Add(low == y).OnlyEnforceIf(on)
                model.Add(low == 0).OnlyEnforceIf(on.Not())
                cost_terms.append(low * round((len(items) - i) * c["low_position"] * 10))
                chosen.append(on)
        model.AddExactlyOne(chosen)
    model.AddNoOverlap2D([r[0] for r in rects], [r[1] for r in rects])
    area = fmt.columns * lines
    covered = sum(area_terms)
    model.Minimize(sum(cost_terms) + (area - covered) * round(c["hole_line"] * 10))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 7
    solver.parameters.max_time_in_seconds = limit
    start = time.perf_counter()
    status = solver.Solve(model)
    seconds = time.perf_counter() - start
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return 0.0, float("inf"), seconds
    return solver.Value(covered) / area, solver.ObjectiveValue() / 10, seconds


def main(argv: list[str]) -> None:
    limit = 2.0
    if "--limit" in argv:
        k = argv.index("--limit")
        limit = float(argv[k + 1])
        argv = argv[:k] + argv[k + 2:]
    for root in argv:
        issue = load_issue(Path(root))
        pins = load_pins(issue)
        issue, _ = normalise_issue(issue)
        fits = Fits({a.id: a for a in issue.articles}, page_format(issue.format))
        start = time.perf_counter()
        plan = plan_issue(issue, fits, pins)
        ours = time.perf_counter() - start
        table = LeafTable(fits)
        numbers = [p.number for p in plan.pages]
        print(f"{root}: planner {ours:.2f} s for {len(plan.pages)} pages")
        for n, page in enumerate(plan.pages):
            items = _items(page, fits)
            if not items or page.ads:
                continue
            fill, cost, seconds = solve_page(table, items, page.number, numbers[n + 1] if n + 1 < len(numbers)
                                             else None, n == len(numbers) - 1, limit)
            print(f"  第{page.number}版 {len(items)} items: planner fill {page_fill(page, fits.fmt):.3f}; "
                  f"CP-SAT fill {fill:.3f} cost {cost:.0f} in {seconds:.2f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
