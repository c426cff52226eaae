"""Preflight of a print PDF against the print shop's rules (docs/outputs.md).

Independent of the code that made the file (layout.render.pdfx): it reads the PDF as a RIP would,
with pikepdf for structure and content streams and Ghostscript for the separations. It shares no
code with pdfx on purpose, not even helpers that look alike (colour spaces, boxes): a check that
imported the maker's code would inherit its bugs and pass what it should catch. Only the house's
limits (styles/house.toml [print]) and MM come from outside.
"""
from __future__ import annotations

import math
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from PIL import Image, ImageMath
from pikepdf import Array, Dictionary, Name

from layout.errors import BuildError, InputError
from layout.check.photo_resolution import shown_ppi
from layout.house import MM, house
from layout.messages import t

LIMITS = house()["print"]  # max_tac: C+M+Y+K in %; min_ppi: effective resolution of a placed image
TAC_DPI = 50  # area coverage is about areas: 0.5 mm pixels find any patch a press would notice
PDFXID = "{http://www.npes.org/pdfx/ns/id/}GTS_PDFXVersion"
TEXT_SHOW = {"Tj", "TJ", "'", '"'}


@dataclass(frozen=True)
class Violation:
    page: int | None  # 1-based; None for the document as a whole
    object: str  # e.g. "font NotoSerifCJKsc-Regular", "image Im1", "annotation /Link"
    rule: str
    message: str

    def __str__(self) -> str:
        where = t("p.{page}", page=self.page) + " " if self.page else ""
        return where + t("{object}: {message}", object=self.object, message=self.message)


def preflight(path: Path, max_tac: float = LIMITS["max_tac"], min_ppi: float = LIMITS["min_ppi"]) -> list[Violation]:
    """Every breach of the print rules in the PDF at path; empty when the file is fit for the press.

    InputError when path is not a PDF pikepdf can read."""
    found: list[Violation] = []
    try:
        with pikepdf.open(path) as doc:
            found += _document(doc)
            found += _active_content(doc)
            fonts_seen: set[tuple[int, int]] = set()
            for n, page in enumerate(doc.pages, 1):
                found += _page(page, n, min_ppi, fonts_seen)
    except pikepdf.PasswordError:  # nothing inside can be checked, nor printed
        return [Violation(None, t("document"), "encrypted", t("the file is encrypted with a password; a print file must "
                                                           "not be encrypted"))]
    except pikepdf.PdfError:  # also a broken content stream: a RIP would refuse the file too
        # qpdf's own words are English; its check names the damage in full for whoever needs it.
        raise InputError(t("not a readable PDF (damaged, or no PDF at all; qpdf --check {file} tells where)",
                           file=path.name), path) from None
    found += _coverage(path, max_tac)
    return found


# --- document and page structure -------------------------------------------------------------

def _document(doc: pikepdf.Pdf) -> list[Violation]:
    found = []
    if doc.is_encrypted:
        found.append(Violation(None, t("document"), "encrypted", t("the file is encrypted")))
    intents = doc.Root.get("/OutputIntents", Array())
    if not any(i.get("/S") == Name.GTS_PDFX and "/DestOutputProfile" in i for i in intents):
        found.append(Violation(None, t("document"), "no-output-intent",
                               t("no PDF/X output intent with an embedded output profile")))
    info = doc.trailer.get("/Info", Dictionary())
    missing = [where for where, ok in (("Info", "/GTS_PDFXVersion" in info), ("XMP", _xmp_pdfx(doc))) if not ok]
    if missing:
        where = missing[0] if len(missing) == 1 else t("{first} and {second}", first=missing[0], second=missing[1])
        found.append(Violation(None, t("document"), "no-pdfx-id",
                               t("no PDF/X identification (GTS_PDFXVersion) in {where}", where=where)))
    if info.get("/Trapped") not in (Name("/True"), Name("/False")):
        found.append(Violation(None, t("document"), "trapped", t("Info /Trapped must be /True or /False")))
    return found


# What makes a PDF do something rather than show something: none of it belongs in a print file.
_ACTION_KEYS = ("/OpenAction", "/AA")
_NAME_TREES = {"/JavaScript": "javascript", "/EmbeddedFiles": "embedded-file"}


def _active_content(doc: pikepdf.Pdf) -> list[Violation]:
    """JavaScript, actions, embedded files and forms anywhere in the file, one line per kind."""
    found: dict[str, Violation] = {}

    def add(rule: str, obj: str, message: str) -> None:
        found.setdefault(rule, Violation(None, obj, rule, message))

    root = doc.Root
    for key in _ACTION_KEYS:
        if key in root:
            add("action", t("catalog {key}", key=key), t("the document runs an action when opened ({key}); a print file must "
                                              "not", key=key))
    names = root.get("/Names", Dictionary())
    for key, rule in _NAME_TREES.items():
        if key in names:
            add(rule, t("names {key}", key=key), t("the document holds {kind}; a print file must not",
                                        kind=_KIND[rule]()))
    if "/AcroForm" in root:
        add("form", t("catalog {key}", key="/AcroForm"), t("the document has an interactive form; a print file must not"))
    for obj in doc.objects:
        if not isinstance(obj, Dictionary):
            continue
        if obj.get("/S") == Name.JavaScript or "/JS" in obj:
            add("javascript", t("action {key}", key="/JavaScript"), t("the document holds {kind}; a print file must not",
                                                      kind=_KIND["javascript"]()))
        if obj.get("/Type") == Name.EmbeddedFile or ("/EF" in obj and obj.get("/Type") == Name.Filespec):
            add("embedded-file", t("file specification"), t("the document holds {kind}; a print file must not",
                                                         kind=_KIND["embedded-file"]()))
        if "/AA" in obj:
            add("action", t("additional actions {key}", key="/AA"), t("the document runs an action when opened ({key}); a print "
                                                      "file must not", key="/AA"))
    return list(found.values())


_KIND = {"javascript": lambda: t("JavaScript"), "embedded-file": lambda: t("embedded files")}


def _xmp_pdfx(doc: pikepdf.Pdf) -> bool:
    if "/Metadata" not in doc.Root:
        return False
    try:
        root = ET.fromstring(doc.Root.Metadata.read_bytes())
    except ET.ParseError:
        return False
    return any(e.tag == PDFXID or PDFXID in e.attrib for e in root.iter())


def _page(page: pikepdf.Page, n: int, min_ppi: float, fonts_seen: set[tuple[int, int]]) -> list[Violation]:
    found = []
    if "/TrimBox" not in page.obj:
        found.append(Violation(n, t("page"), "no-trimbox", t("no TrimBox")))
    for annot in page.obj.get("/Annots", Array()):
        found.append(Violation(n, t("annotation {kind}", kind=annot.get("/Subtype", "/?")), "annotation",
                               t("annotations and links are not allowed in a print file")))
    group = page.obj.get("/Group")
    if group is not None and _is_rgb(group.get("/CS"), None):
        found.append(Violation(n, t("page group"), "rgb", t("transparency blending space is RGB")))
    walker = _Walker(n, min_ppi, fonts_seen)
    walker.content(pikepdf.parse_content_stream(page), page.resources, _State(), None)
    walker.resources(page.resources)
    walker.flush()
    return found + walker.found


# --- colour spaces ---------------------------------------------------------------------------

def _is_rgb(space, resources: Dictionary | None) -> bool:
    if isinstance(space, Name):
        if space in (Name.DeviceRGB, Name.RGB, Name.CalRGB):
            return True
        named = resources.get("/ColorSpace", {}) if resources is not None else {}
        return space in named and _is_rgb(named[space], None)
    if isinstance(space, Array) and len(space) > 1:
        if space[0] == Name.CalRGB:
            return True
        if space[0] == Name.ICCBased:
            return int(space[1].get("/N", 0)) == 3
        if space[0] == Name.Indexed:
            return _is_rgb(space[1], resources)
    return False


def _family(space, resources: Dictionary) -> str:
    """'rgb', 'cmyk', 'gray' or 'other' for a colour space operand."""
    if _is_rgb(space, resources):
        return "rgb"
    if isinstance(space, Name) and space not in (Name.DeviceCMYK, Name.DeviceGray, Name.Pattern):
        space = resources.get("/ColorSpace", {}).get(space, space)
    if space == Name.DeviceCMYK or (isinstance(space, Array) and space[0] == Name.ICCBased
                                    and int(space[1].get("/N", 0)) == 4):
        return "cmyk"
    if space == Name.DeviceGray:
        return "gray"
    return "other"


# --- content streams -------------------------------------------------------------------------

@dataclass
class _State:
    ctm: tuple[float, ...] = (1, 0, 0, 1, 0, 0)
    fill: str = "gray"
    colour: tuple[float, ...] = (0.0,)
    font: str = ""
    overprint: bool = False  # /op of the ExtGState in force: fills (and text) overprint

    def copy(self) -> _State:
        return _State(self.ctm, self.fill, self.colour, self.font, self.overprint)

    @property
    def solid_black(self) -> bool:
        """100 K: DeviceCMYK 0 0 0 1 or DeviceGray 0."""
        return (self.fill == "cmyk" and self.colour == (0.0, 0.0, 0.0, 1.0)) or (
            self.fill == "gray" and self.colour == (0.0,))


def _mul(m: tuple[float, ...], n: tuple[float, ...]) -> tuple[float, ...]:
    """m × n for PDF matrices [a b c d e f] (apply m first, then n)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


@dataclass
class _Walker:
    """Follows one page's content like a RIP: graphics state stack, CTM, fill colour, forms."""

    page: int
    min_ppi: float
    fonts_seen: set[tuple[int, int]]  # shared by all pages: a font is reported once, where first met
    found: list[Violation] = field(default_factory=list)
    reported: set[tuple[str, str, str]] = field(default_factory=set)
    black_runs: dict[tuple[str, str], int] = field(default_factory=dict)  # (object, colour) → text runs
    knockout_runs: dict[str, int] = field(default_factory=dict)  # object → 100 K text runs not overprinting
    visited: set[tuple[int, int]] = field(default_factory=set)

    def add(self, obj: str, rule: str, message: str) -> None:
        if (obj, rule, message) not in self.reported:  # one line per object and problem, however often drawn
            self.reported.add((obj, rule, message))
            self.found.append(Violation(self.page, obj, rule, message))

    def content(self, ops: list, resources: Dictionary, state: _State, form: str | None) -> None:
        """form names the form or pattern the ops draw; None for the page's own content."""
        where = form or t("content")
        stack: list[_State] = []
        for operands, op in ops:
            o = str(op)
            if o == "q":
                stack.append(state.copy())
            elif o == "Q" and stack:
                state = stack.pop()
            elif o == "cm":
                state.ctm = _mul(tuple(float(v) for v in operands), state.ctm)
            elif o in ("rg", "RG"):
                self.add(where, "rgb", t("DeviceRGB colour ({operator} {values})", operator=o,
                                         values=" ".join(_fmt(v) for v in operands)))
                if o == "rg":
                    state.fill, state.colour = "rgb", tuple(float(v) for v in operands)
            elif o in ("g", "k"):
                state.fill, state.colour = ("gray" if o == "g" else "cmyk"), tuple(float(v) for v in operands)
            elif o in ("cs", "CS"):
                family = _family(operands[0], resources)
                if family == "rgb":
                    self.add(where, "rgb", t("RGB colour space ({space} {operator})", space=operands[0], operator=o))
                if o == "cs":  # a colour space starts at its initial colour: black for CMYK and grey
                    state.fill, state.colour = family, {"cmyk": (0.0, 0.0, 0.0, 1.0), "gray": (0.0,)}.get(family, ())
            elif o == "gs":
                params = resources.get("/ExtGState", {}).get(operands[0], Dictionary())
                if "/op" in params or "/OP" in params:  # /op defaults to /OP when only that is given
                    state.overprint = bool(params.get("/op", params.get("/OP")))
            elif o in ("sc", "scn"):
                state.colour = tuple(float(v) for v in operands if not isinstance(v, Name))
            elif o == "Tf":
                font = resources.get("/Font", {}).get(operands[0])
                state.font = str(operands[0] if font is None else font.get("/BaseFont", operands[0]))[1:]
            elif o in TEXT_SHOW:
                self._text(state, form)
            elif o == "Do":
                self._do(operands[0], resources, state)
            elif o == "INLINE IMAGE":
                self._inline(operands[0], state)

    def flush(self) -> None:
        """Black text is counted over the whole page and reported once per font and colour."""
        for (obj, kind), count in self.black_runs.items():
            runs = t("{count} text runs", count=count) if count > 1 else t("1 text run")
            self.add(obj, "black-text", t("{kind} ({runs}): black text must be K only", kind=kind, runs=runs))
        for obj, count in self.knockout_runs.items():
            self.add(obj, "knockout", t("100 K text knocks out ({count} text runs): black text must overprint "
                                        "(/op true, /OPM 1), or misregistration shows white around every letter",
                                        count=count))

    def _text(self, state: _State, form: str | None) -> None:
        obj = t("{form} text {font}", form=form, font=state.font) if form else t("text {font}", font=state.font)
        if state.solid_black and not state.overprint:
            self.knockout_runs[obj] = self.knockout_runs.get(obj, 0) + 1
        v = state.colour
        if state.fill == "rgb" and len(v) == 3 and max(v) <= 0.1:
            kind = t("RGB black {values}", values=" ".join(_fmt(x) for x in v))
        elif state.fill == "cmyk" and len(v) == 4 and v[3] >= 0.9 and max(v[:3]) > 0:
            kind = t("rich black {values}", values=" ".join(f"{c}{round(x * 100)}" for c, x in zip("CMYK", v)))
        else:
            return
        self.black_runs[(obj, kind)] = self.black_runs.get((obj, kind), 0) + 1

    def _do(self, name: Name, resources: Dictionary, state: _State) -> None:
        xobj = resources.get("/XObject", {}).get(name)
        if xobj is None:
            return
        if xobj.get("/Subtype") == Name.Image:
            self._ppi(t("image {name}", name=str(name)[1:]), int(xobj.Width), int(xobj.Height), state.ctm)
        elif xobj.get("/Subtype") == Name.Form and xobj.objgen not in self.visited:
            self.visited.add(xobj.objgen)  # drawn once is enough to find its problems (and no cycles)
            inner = state.copy()
            inner.ctm = _mul(tuple(float(v) for v in xobj.get("/Matrix", [1, 0, 0, 1, 0, 0])), state.ctm)
            form_resources = xobj.get("/Resources", resources)
            form = t("form {name}", name=str(name)[1:])
            group = xobj.get("/Group")
            if group is not None and _is_rgb(group.get("/CS"), None):
                self.add(form, "rgb", t("transparency blending space is RGB"))
            self.content(pikepdf.parse_content_stream(xobj), form_resources, inner, form)
            self.resources(form_resources)

    def _inline(self, image: pikepdf.PdfInlineImage, state: _State) -> None:
        if _is_rgb(image.obj.get("/CS", image.obj.get("/ColorSpace")), None):
            self.add(t("inline image"), "rgb", t("RGB image"))
        self._ppi(t("inline image"), int(image.width), int(image.height), state.ctm)

    def _ppi(self, obj: str, width: int, height: int, ctm: tuple[float, ...]) -> None:
        # The image's unit square is mapped by the CTM: its sides are the placed width and height in pt.
        placed_w, placed_h = math.hypot(ctm[0], ctm[1]), math.hypot(ctm[2], ctm[3])
        if placed_w == 0 or placed_h == 0:
            return
        ppi = min(width / (placed_w / 72), height / (placed_h / 72))
        if ppi < self.min_ppi:
            # Where it stands, in mm from the page's lower left corner (the PDF's origin): a PDF from
            # elsewhere names its images by resource name only, which no editor can find on the page.
            w, h, x, y = (round(v / MM) for v in (placed_w, placed_h, ctm[4], ctm[5]))
            self.add(obj, "low-ppi", t("{ppi:.0f} ppi effective at its placed size of {w} × {h} mm, {x} mm from "
                                       "the left and {y} mm from the foot of the page (min {min:.0f})", ppi=shown_ppi(ppi),
                                       w=w, h=h, x=x, y=y, min=self.min_ppi))

    def resources(self, resources: Dictionary) -> None:
        """Colour spaces of what the resources hold, and whether their fonts are embedded."""
        for name, xobj in resources.get("/XObject", {}).items():
            if xobj.get("/Subtype") == Name.Image and _is_rgb(xobj.get("/ColorSpace"), resources):
                self.add(t("image {name}", name=str(name)[1:]), "rgb",
                         t("RGB image ({space})", space=_space_name(xobj.ColorSpace)))
        for name, shading in resources.get("/Shading", {}).items():
            if _is_rgb(shading.get("/ColorSpace"), resources):
                self.add(t("shading {name}", name=str(name)[1:]), "rgb",
                         t("RGB shading ({space})", space=_space_name(shading.ColorSpace)))
        for name, pattern in resources.get("/Pattern", {}).items():
            shading = pattern.get("/Shading")
            if shading is not None and _is_rgb(shading.get("/ColorSpace"), resources):
                self.add(t("pattern {name}", name=str(name)[1:]), "rgb",
                         t("RGB shading ({space})", space=_space_name(shading.ColorSpace)))
            elif pattern.get("/PatternType") == 1 and pattern.objgen not in self.visited:
                self.visited.add(pattern.objgen)
                self.content(pikepdf.parse_content_stream(pattern), pattern.get("/Resources", resources), _State(),
                             t("pattern {name}", name=str(name)[1:]))
                self.resources(pattern.get("/Resources", resources))
        for font in resources.get("/Font", {}).values():
            if font.objgen in self.fonts_seen and font.is_indirect:
                continue
            self.fonts_seen.add(font.objgen)
            if not _embedded(font):
                self.found.append(Violation(self.page, t("font {name}", name=str(font.get("/BaseFont", "/?"))[1:]),
                                            "font-not-embedded", t("font is not embedded")))


def _embedded(font: Dictionary) -> bool:
    if font.get("/Subtype") == Name.Type3:
        return True  # glyphs are content streams in the file
    if font.get("/Subtype") == Name.Type0:
        font = font.DescendantFonts[0]
    descriptor = font.get("/FontDescriptor", Dictionary())
    return any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def _space_name(space) -> str:
    return str(space) if isinstance(space, Name) else str(space[0])


def _fmt(v) -> str:
    return f"{float(v):.3f}".rstrip("0").rstrip(".") or "0"


# --- ink -------------------------------------------------------------------------------------

def _coverage(path: Path, max_tac: float) -> list[Violation]:
    """Pages whose C+M+Y+K somewhere inside the bleed exceeds max_tac (%), from Ghostscript's separations."""
    found = []
    for n, (worst, where) in enumerate(page_coverage(path, max_tac), 1):
        if worst > max_tac:
            found.append(Violation(n, t("ink"), "tac", t("total area coverage {worst:.0f}% (max {max:.0f}%) at {where}",
                                                         worst=worst, max=max_tac, where=where)))
    return found


def page_coverage(path: Path, limit: float = LIMITS["max_tac"]) -> list[tuple[float, str]]:
    """Per page: the highest C+M+Y+K in % within the BleedBox (else TrimBox), and where it exceeds limit
    (mm from that box's top left corner).

    Marks outside the bleed are printed in registration colour (400%) and are trimmed off: they don't count.
    """
    with pikepdf.open(path) as doc:
        boxes = [(_rect(p.obj.MediaBox), _rect(p.obj.get("/BleedBox", p.obj.get("/TrimBox", p.obj.MediaBox))))
                 for p in doc.pages]
    if shutil.which("gs") is None:
        raise BuildError(t("preflight needs Ghostscript (gs) to measure ink coverage"))
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiff32nc", f"-r{TAC_DPI}",
                               f"-sOutputFile={tmp}/p%04d.tif", str(path)], capture_output=True, text=True)
        if done.returncode != 0:
            detail = (done.stderr.strip() or done.stdout.strip() or f"exit code {done.returncode}").splitlines()
            raise BuildError(t("Ghostscript could not render {file}: {detail}", file=path, detail=detail[-1]))
        result = []
        for n, (media, area) in enumerate(boxes, 1):
            with Image.open(Path(tmp) / f"p{n:04d}.tif") as tif:
                scale = TAC_DPI / 72
                crop = (round((area[0] - media[0]) * scale), round((media[3] - area[3]) * scale),
                        round((area[2] - media[0]) * scale), round((media[3] - area[1]) * scale))
                c, m, y, k = tif.crop(crop).split()
            total = ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"], c=c, m=m, y=y, k=k)
            worst = total.getextrema()[1] / 255 * 100
            over = ImageMath.lambda_eval(lambda a: (a["t"] > limit * 255 / 100) * 255, t=total).convert("L").getbbox()
            where = ""
            if over:
                x0, y0, x1, y1 = (v / scale / MM for v in over)
                where = t("x {x0:.0f}–{x1:.0f} mm, y {y0:.0f}–{y1:.0f} mm", x0=x0, x1=x1, y0=y0, y1=y1)
            result.append((worst, where))
    return result


def _rect(box) -> tuple[float, float, float, float]:
    a, b, c, d = (float(v) for v in box)
    return min(a, c), min(b, d), max(a, c), max(b, d)
