"""What printing costs, page by page, for the generated 8-page issue: painting the HTML, WeasyPrint's
render of each page (its layout, and the rest: drawing, fonts, writing the PDF), PDF/X finishing, the page's
images for the digital edition, and assembling the issue's file; CPU seconds (time.process_time) in one warm
process, each figure the best of --runs, and the sizes of the files.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_render.py [--pages 8] [--runs 2]

Prints figures; asserts nothing (speed is measured here, never in the test suite). The machine is
shared: compare CPU times, not wall times, and run it twice.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.make_issue import make_issue  # noqa: E402
from layout.build import plan_only  # noqa: E402
from layout.house import FONTS, STYLES, house  # noqa: E402
from layout.render.paint import paint  # noqa: E402
from layout.render.pdfx import assemble_issue, finish_page, resolve_profile  # noqa: E402
from layout.render.preview import page_images  # noqa: E402
from layout.render.print_pages import print_faces  # noqa: E402
from layout.render.weasy import GuardedFetcher, render_pdf  # noqa: E402
from layout.render.web import WebSettings  # noqa: E402
from weasyprint import HTML  # noqa: E402


def best(runs: int, work):
    """(the least CPU time of runs calls of work, its last result)."""
    times, result = [], None
    for _ in range(runs):
        start = time.process_time()
        result = work()
        times.append(time.process_time() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=8)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        planned = plan_only(make_issue(Path(tmp) / "issue", pages=args.pages))
        issue = planned.issue
        profile = resolve_profile(issue, STYLES)
        roots = (issue.root, STYLES, FONTS)
        paint_s, htmls = best(args.runs, lambda: paint(issue, planned.frames, planned.fmt, profile))
        render_pdf(htmls[0], issue.root, roots)  # WeasyPrint's first document loads what the rest share
        base = issue.root.resolve().as_uri() + "/"
        spec = WebSettings.from_house(house()["web"]).images
        render_s = layout_s = finish_s = images_s = 0.0
        pages = []
        for number, html in enumerate(htmls, 1):
            seconds, pdf = best(args.runs, lambda: render_pdf(html, issue.root, roots))
            render_s += seconds
            layout_s += best(args.runs, lambda: HTML(string=html, base_url=base,
                                                     url_fetcher=GuardedFetcher(roots)).render())[0]
            seconds, page = best(args.runs, lambda: finish_page(pdf, issue, profile, number))
            finish_s += seconds
            images_s += best(args.runs, lambda: page_images(page, spec))[0]
            pages.append(page)
        own_s, own = best(args.runs, lambda: assemble_issue(pages, issue))
        shared_s, shared = best(args.runs, lambda: assemble_issue(pages, issue, print_faces()))
    n = len(htmls)
    print(f"{n} pages, CPU s (best of {args.runs})")
    print(f"  paint, all pages        {paint_s:6.3f}")
    print(f"  render_pdf, per page    {render_s / n:6.3f}   (all pages {render_s:.3f})")
    print(f"    of which layout       {layout_s / n:6.3f}   (parse, cascade, layout; the rest draws, subsets fonts, "
          f"writes)")
    print(f"  finish_page, per page   {finish_s / n:6.3f}   (all pages {finish_s:.3f})")
    print(f"  page images, per page   {images_s / n:6.3f}   (widths {', '.join(map(str, spec.widths))} px)")
    print(f"  assemble, own subsets   {own_s:6.3f}   issue file {len(own) / 1e6:.2f} MB")
    print(f"  assemble, shared fonts  {shared_s:6.3f}   issue file {len(shared) / 1e6:.2f} MB")
    print(f"  page files              {sum(map(len, pages)) / 1e6:.2f} MB in all")


if __name__ == "__main__":
    main()
