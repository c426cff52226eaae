"""`layout web-index`: one archive page over several built digital editions (I/O at the edges).

Reads web/edition.json of each build output folder (layout/render/web.py writes it), and writes an
index.html that links every edition's front 版 by a relative path, so the archive and the editions
can be published together as one static site.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import quote

from layout.errors import InputError
from layout.messages import t
from layout.output import write_atomic
from layout.render.web import EDITION_FILE, WEB_DIR, write_archive

_REQUIRED = ("paper", "code", "date", "title", "pages", "lead", "front")


def write_web_index(build_dirs: list[Path], out: Path) -> Path:
    """Write the archive index of the editions built in build_dirs (output folders of `layout build`,
    or their web/ folders) to out; links are relative to out's folder."""
    editions = []
    for build_dir in build_dirs:
        web = build_dir if (build_dir / EDITION_FILE).is_file() else build_dir / WEB_DIR
        edition = _read_edition(web / EDITION_FILE, build_dir)
        href = Path(os.path.relpath(web / edition["front"], out.resolve().parent if out.parent else Path.cwd()))
        editions.append((edition, quote(href.as_posix())))
    write_atomic(out, write_archive(editions))
    return out


def _read_edition(path: Path, build_dir: Path) -> dict:
    if not path.is_file():
        raise InputError(t("no digital edition here: build the issue with `layout build` (without --no-web) first"),
                         build_dir)
    try:
        edition = json.loads(path.read_text("utf-8"))
    except json.JSONDecodeError as e:
        raise InputError(t("not a digital edition's {file}: {reason}", file=EDITION_FILE, reason=e.msg), path,
                         e.lineno) from e
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(t("cannot read {file}: {reason}", file=EDITION_FILE, reason=str(e)), path) from e
    missing = [key for key in _REQUIRED if not isinstance(edition, dict) or key not in edition]
    if missing:
        raise InputError(t("not a digital edition's {file}: {keys} missing", file=EDITION_FILE,
                           keys=", ".join(missing)), path)
    return edition
