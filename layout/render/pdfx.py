"""WeasyPrint's PDF of each page made into the print shop's PDF/X-4, and the issue's file assembled from them.

WeasyPrint's pdf_variant only writes metadata (docs/outputs.md); everything PDF/X
requires is done here with pikepdf: the output intent with the embedded CMYK profile, PDF/X
identification in Info and XMP, /Trapped, TrimBox/BleedBox, no annotations, no RGB left, and
black that overprints. Output is byte-identical for identical input (docs/design.md, invariant 5): no random IDs,
no clock.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import uuid
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Sequence
from xml.sax.saxutils import escape

import pikepdf
import uharfbuzz as hb
from pikepdf import Array, Dictionary, Name

from layout.errors import BuildError
from layout.house import MM
from layout.messages import t
from layout.model import Issue
from layout.render.print_images import (JPEG_QUALITY, JPEG_TAC_HEADROOM, MAX_TAC, OutputProfile, read_profile,
                                        rgb_to_cmyk, to_print)
from layout.text.fonts import FontFace

PDFX = "PDF/X-4"
CHINA = dt.timezone(dt.timedelta(hours=8))  # the issue date is a date in Beijing time
MARK_OFFSET_MM = 3.0  # crop marks start this far outside the trim, and never inside the bleed
MARK_LENGTH_MM = 5.0
MARK_WIDTH_PT = 0.25
REGISTRATION = Name("/LayoutRegistration")  # resource name of the marks' colour space, unlikely to clash
ID_NAMESPACE = uuid.UUID("6f1d2f57-3c8e-5b1a-9a43-1c0f4e6b2d10")  # fixed: IDs depend on the inputs only
QPDF_STATIC_ID = b"<31415926535897932384626433832795>"  # what qpdf writes with static_id; replaced by ours
HOUSE_PROFILE = "output.icc"  # a house's own press profile, dropped into styles/
SYSTEM_PROFILES = (  # Ghostscript's default CMYK profile where distributions and source builds put it
    "/usr/share/color/icc/ghostscript/default_cmyk.icc",
    "/usr/share/ghostscript/iccprofiles/default_cmyk.icc",
    "/usr/share/ghostscript/*/iccprofiles/default_cmyk.icc",
    "/usr/local/share/ghostscript/*/iccprofiles/default_cmyk.icc",
    "/opt/homebrew/share/ghostscript/*/iccprofiles/default_cmyk.icc",
)

# The tables WeasyPrint 70 drops from the fonts it embeds (pdf/fonts.py): a shared font program is cut alike.
WEASYPRINT_DROPPED_TABLES = ("BASE", "DSIG", "EBDT", "EBLC", "EBSC", "GPOS", "GSUB", "JSTF", "LTSH", "PCLT", "SVG ")
RGB_OPERATORS = "rg RG cs CS"  # without one of these, a content stream has no RGB colour (sc/scn need cs first)

Report = Callable[[str], None]


@dataclass(frozen=True)
class _Meta:
    """What Info, XMP and the trailer ID say about one output file."""

    title: str
    created: dt.datetime
    producer: str
    document: uuid.UUID  # permanent: the same issue (or page) keeps it across rebuilds
    instance: uuid.UUID  # changes whenever the content does


def resolve_profile(issue: Issue, styles_dir: Path, system: tuple[str, ...] = SYSTEM_PROFILES) -> OutputProfile:
    """The CMYK output profile: the issue's own, else the house's styles/output.icc, else Ghostscript's.

    Read and checked here, before any rendering: a missing or unfit profile fails at once."""
    if issue.paper.icc_profile:
        path = issue.root / issue.paper.icc_profile
        if not path.is_file():
            raise BuildError(t("PDF/X needs a CMYK output profile: {file} (paper.icc_profile in issue.toml) "
                               "does not exist", file=path))
    elif (styles_dir / HOUSE_PROFILE).is_file():
        path = styles_dir / HOUSE_PROFILE
    else:
        path = next((p for pattern in system for p in sorted(Path("/").glob(pattern.lstrip("/"))) if p.is_file()),
                    None)
        if path is None:
            raise BuildError(t("PDF/X needs a CMYK output profile: set paper.icc_profile in issue.toml, put one at "
                               "{file}, or install Ghostscript's default_cmyk.icc", file=styles_dir / HOUSE_PROFILE))
    return read_profile(path)


def newsprint_warning(profile: OutputProfile, markers: list[str]) -> list[str]:
    """A warning when the output intent is not a newspaper (newsprint) condition: the photos are then
    separated, and the ink limited, for another paper than the press prints on."""
    names = f"{profile.description} {profile.name}".lower()
    if any(marker.lower() in names for marker in markers):
        return []
    return [t("the output intent is {description} ({file}), not a newsprint profile: photos are separated for "
              "another paper; put the press's profile (WAN-IFRA's newspaper profile, see the README) at "
              "styles/output.icc or name it in issue.toml", description=profile.description, file=profile.name)]


class PrintPdf(bytes):
    """The issue's PDF/X-4 file (the bytes), carrying the output profile of its intent."""

    profile: OutputProfile

    def __new__(cls, data: bytes, profile: OutputProfile) -> PrintPdf:
        self = super().__new__(cls, data)
        self.profile = profile
        return self


def finish_page(pdf: bytes, issue: Issue, profile: OutputProfile, number: int, bleed_mm: float = 0.0,
                crop_marks: bool = False, report: Report = lambda _: None) -> bytes:
    """WeasyPrint's one-page PDF of 第number版 as that page's PDF/X-4 file for the output condition of profile.

    The page keeps its size as the trim. With bleed the MediaBox grows by bleed_mm on every side (the
    content moves with it); crop marks, if asked for, sit outside the bleed in registration colour.
    report receives one line for every kind of RGB colour converted (none if the CSS is all CMYK).
    """
    digest = hashlib.sha256(pdf + profile.data + repr((number, bleed_mm, crop_marks)).encode()).hexdigest()
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        if len(doc.pages) != 1:
            raise BuildError(t("第{page}版 was rendered as {count} PDF pages instead of one", page=number,
                               count=len(doc.pages)))
        finish_pages(doc, profile, bleed_mm, crop_marks, report, number)
        meta = issue_meta(issue, str(doc.docinfo.get("/Producer", "layout")), digest)
        return _save(doc, replace(meta, title=f"{meta.title} 第{number}版",
                                  document=uuid.uuid5(meta.document, f"page {number}")))


def finish_pages(doc: pikepdf.Pdf, profile: OutputProfile, bleed_mm: float, crop_marks: bool, report: Report,
                 first: int = 1) -> None:
    """The PDF/X work on the open pages of doc (the first of them is page `first`), in place."""
    _strip_interactive(doc)
    _RgbToCmyk(profile, report).convert(doc, first)
    overprint_black(doc)
    for page in doc.pages:
        _set_boxes(doc, page, bleed_mm * MM, crop_marks)
    _set_output_intent(doc, profile)


def assemble_issue(pages: Sequence[bytes], issue: Issue, faces: Sequence[FontFace] = ()) -> bytes:
    """The issue's PDF/X-4 file from its pages' PDF/X-4 files (finish_page), in order.

    Each page brings its own resources; a font of faces (the font files the pages were set in) is
    embedded once for the whole issue instead of once per page (_share_fonts). The output intent and
    language are the pages' own. Info, XMP and IDs are the issue's: the instance ID follows the pages' bytes.
    """
    if not pages:
        raise BuildError(t("an issue needs at least one page"))
    with ExitStack() as stack, pikepdf.new() as dst:
        sources = [stack.enter_context(pikepdf.open(io.BytesIO(data))) for data in pages]
        for src in sources:  # the sources stay open until dst is saved: qpdf copies their streams lazily
            dst.pages.append(src.pages[0])
        _share_fonts(dst, faces)
        first = sources[0]
        dst.Root.OutputIntents = Array([dst.copy_foreign(intent) for intent in first.Root.OutputIntents])
        if "/Lang" in first.Root:
            dst.Root.Lang = first.Root.Lang
        digest = hashlib.sha256(b"".join(hashlib.sha256(data).digest() for data in pages)).hexdigest()
        return _save(dst, issue_meta(issue, str(first.docinfo.get("/Producer", "layout")), digest))


def _share_fonts(doc: pikepdf.Pdf, faces: Sequence[FontFace]) -> None:
    """One font program per face for all pages of doc: the face's file subset to the glyphs every page
    uses, in place of each page's own subset (a CJK subset is 50–250 KB even for a few glyphs).

    WeasyPrint subsets with HarfBuzz keeping the glyph IDs, and maps character codes to them one to
    one, so a page's text draws the same glyphs from the shared program as from its own. A font that
    is not one of faces, or is used on one page only, keeps its own subset."""
    files = {_postscript_name(face): face for face in faces if not _is_variable(face)}
    uses: dict[str, list[tuple[Dictionary, Name, set[int]]]] = {}
    for page in doc.pages:
        for font in page.resources.get("/Font", {}).values():
            if font.get("/Subtype") != Name.Type0:
                continue
            cid = font.DescendantFonts[0]
            descriptor = cid.FontDescriptor
            key = next((k for k in (Name.FontFile3, Name.FontFile2) if k in descriptor), None)
            if key is None or cid.get("/CIDToGIDMap", Name.Identity) != Name.Identity or "/W" not in cid:
                continue
            blob = hb.Blob(descriptor[key].read_bytes())
            name = hb.Face(blob).get_name(hb.OTNameIdPredefined.POSTSCRIPT_NAME)
            if name in files:
                uses.setdefault(name, []).append((descriptor, key, _glyphs(cid.W)))
    for name, used in sorted(uses.items()):
        if len(used) < 2:
            continue
        program = doc.make_stream(_subset(files[name], set().union(*(glyphs for _, _, glyphs in used))))
        descriptor, key, _ = used[0]
        for entry in ("/Subtype", "/Length1"):  # FontFile3's format; FontFile2's length before compression
            if entry in descriptor[key].stream_dict:
                program[entry] = descriptor[key].stream_dict[entry]
        if "/Length1" in program:
            program.Length1 = len(program.read_bytes())
        for descriptor, key, _ in used:
            descriptor[key] = program


def _glyphs(widths: Array) -> set[int]:
    """The glyph IDs a CID font's /W array gives widths for: `c [w1 w2 …]` and `c_first c_last w`."""
    items, out, i = list(widths), {0}, 0
    while i < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], Array):
            out.update(range(first, first + len(items[i + 1])))
            i += 2
        else:
            out.update(range(first, int(items[i + 1]) + 1))
            i += 3
    return out


def _hb_face(face: FontFace) -> hb.Face:
    return hb.Face(hb.Blob.from_file_path(face.path), face.index)


def _postscript_name(face: FontFace) -> str | None:
    return _hb_face(face).get_name(hb.OTNameIdPredefined.POSTSCRIPT_NAME)


def _is_variable(face: FontFace) -> bool:
    # WeasyPrint instantiates a variable font at the weight used: the file's own outlines would be wrong
    return "fvar" in _hb_face(face).table_tags


def _subset(face: FontFace, glyphs: set[int]) -> bytes:
    """The face's file cut to glyphs as WeasyPrint 70 cuts it (pdf/fonts.py, in one pass as layout.render.weasy
    does): glyph IDs kept, layout tables dropped, outlines desubroutinized, unhinted."""
    keep = hb.SubsetInput()
    keep.glyph_set.update(glyphs)
    keep.flags = (hb.SubsetFlags.RETAIN_GIDS | hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED
                  | hb.SubsetFlags.DESUBROUTINIZE | hb.SubsetFlags.NO_HINTING)
    keep.drop_table_tag_set.update(int.from_bytes(tag.encode(), "big") for tag in WEASYPRINT_DROPPED_TABLES)
    return hb.subset(_hb_face(face), keep).blob.data


def issue_meta(issue: Issue, producer: str, digest: str) -> _Meta:
    """The issue's title and document ID (the same every rebuild); the instance follows the content's digest."""
    d = issue.info.date
    return _Meta(title=f"{issue.paper.name} {d.year}年{d.month}月{d.day}日 第{issue.info.number}期",
                 created=_created(issue), producer=producer,
                 document=uuid.uuid5(ID_NAMESPACE, f"{issue.paper.code}/{d:%Y%m%d}"),
                 instance=uuid.uuid5(ID_NAMESPACE, digest))


def _created(issue: Issue) -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return dt.datetime.combine(issue.info.date, dt.time(0), CHINA)
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    except (ValueError, OverflowError, OSError):  # not a number, or a time no date can hold
        raise BuildError(t("SOURCE_DATE_EPOCH must be a whole number of seconds since 1970 within the years "
                           "1–9999, not {value!r}", value=epoch)) from None


def _strip_interactive(doc: pikepdf.Pdf) -> None:
    """Links, forms, navigation and tags have no place in a print file (and would tie pages together)."""
    for key in ("/Names", "/Outlines", "/OpenAction", "/AA", "/AcroForm", "/StructTreeRoot", "/MarkInfo",
                "/PageMode", "/Dests"):
        if key in doc.Root:
            del doc.Root[key]
    for page in doc.pages:
        for key in ("/Annots", "/AA", "/StructParents", "/Tabs"):
            if key in page.obj:
                del page.obj[key]


def _set_boxes(doc: pikepdf.Pdf, page: pikepdf.Page, bleed: float, crop_marks: bool) -> None:
    """MediaBox from the origin, TrimBox = the trim, BleedBox = trim + bleed; content moved to match."""
    x0, y0, x1, y1 = _box(page.obj.get("/TrimBox", page.obj.MediaBox))
    w, h = x1 - x0, y1 - y0
    mark_offset = max(bleed, MARK_OFFSET_MM * MM)  # marks begin where the bleed ends, at the earliest
    margin = mark_offset + MARK_LENGTH_MM * MM if crop_marks else bleed
    dx, dy = margin - x0, margin - y0
    page.obj.MediaBox = _array((0, 0, w + 2 * margin, h + 2 * margin))
    page.obj.TrimBox = _array((margin, margin, margin + w, margin + h))
    page.obj.BleedBox = _array((margin - bleed, margin - bleed, margin + w + bleed, margin + h + bleed))
    for key in ("/CropBox", "/ArtBox"):  # WeasyPrint's copies of the MediaBox would now be wrong
        if key in page.obj:
            del page.obj[key]
    if not (round(dx, 3) or round(dy, 3) or crop_marks):
        return
    after = b"Q\n"
    if crop_marks:
        after += _crop_marks(doc, page, (margin, margin, margin + w, margin + h), mark_offset)
    contents = page.obj.Contents
    parts = list(contents) if isinstance(contents, Array) else [contents]
    page.obj.Contents = Array([doc.make_stream(f"q 1 0 0 1 {_num(dx)} {_num(dy)} cm\n".encode()), *parts,
                               doc.make_stream(after)])


def _crop_marks(doc: pikepdf.Pdf, page: pikepdf.Page, trim: tuple[float, ...], offset: float) -> bytes:
    """Eight hairlines at the trim corners, in registration colour (all plates), from offset outward."""
    resources = page.resources
    if "/ColorSpace" not in resources:
        resources.ColorSpace = Dictionary()
    tint = Dictionary(FunctionType=2, Domain=[0, 1], C0=[0, 0, 0, 0], C1=[1, 1, 1, 1], N=1)
    resources.ColorSpace[REGISTRATION] = doc.make_indirect(Array([Name.Separation, Name.All, Name.DeviceCMYK, tint]))
    length = MARK_LENGTH_MM * MM
    x0, y0, x1, y1 = trim
    lines = []
    for x, sx in ((x0, -1), (x1, 1)):
        for y, sy in ((y0, -1), (y1, 1)):
            lines.append((x + sx * offset, y, x + sx * (offset + length), y))
            lines.append((x, y + sy * offset, x, y + sy * (offset + length)))
    path = "".join(f"{_num(a)} {_num(b)} m {_num(c)} {_num(d)} l\n" for a, b, c, d in lines)
    return f"q {REGISTRATION} CS 1 SCN {_num(MARK_WIDTH_PT)} w 0 J\n{path}S\nQ\n".encode()


def _set_output_intent(doc: pikepdf.Pdf, profile: OutputProfile) -> None:
    """The one GTS_PDFX output intent (replacing any WeasyPrint wrote from CSS @color-profile)."""
    description = profile.description
    icc = doc.make_stream(profile.data)
    icc.N = 4
    doc.Root.OutputIntents = Array([doc.make_indirect(Dictionary(
        Type=Name.OutputIntent, S=Name.GTS_PDFX, OutputConditionIdentifier=description, OutputCondition=description,
        Info=description, RegistryName="http://www.color.org", DestOutputProfile=icc))])


def _save(doc: pikepdf.Pdf, meta: _Meta) -> bytes:
    """Info, XMP and trailer ID from meta, saved as PDF 1.6 with a classic xref (any RIP reads it)."""
    date = _pdf_date(meta.created)
    doc.trailer.Info = doc.make_indirect(Dictionary(
        Title=meta.title, Creator="layout", Producer=meta.producer, CreationDate=date, ModDate=date,
        Trapped=Name("/False"), GTS_PDFXVersion=PDFX))
    doc.Root.Metadata = doc.make_stream(_xmp(meta), Type=Name.Metadata, Subtype=Name.XML)
    if "/ID" in doc.trailer:
        del doc.trailer["/ID"]  # qpdf would keep its first half instead of writing the placeholder
    buf = io.BytesIO()
    # fix_metadata_version would rewrite our XMP through pikepdf; static_id gives a known ID to replace.
    doc.save(buf, force_version="1.6", fix_metadata_version=False, static_id=True,
             object_stream_mode=pikepdf.ObjectStreamMode.disable)
    data = buf.getvalue()
    static = b"/ID [" + QPDF_STATIC_ID + QPDF_STATIC_ID + b"]"
    if data.count(static) != 1:
        raise BuildError(t("PDF/X: qpdf did not write the expected placeholder file ID"))
    ours = b"/ID [<" + meta.document.hex.encode() + b"><" + meta.instance.hex.encode() + b">]"
    return data.replace(static, ours)  # same length: no offset in the xref moves


def _xmp(meta: _Meta) -> bytes:
    date = meta.created.isoformat()
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(meta.title)}</rdf:li></rdf:Alt></dc:title>
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
   <xmp:MetadataDate>{date}</xmp:MetadataDate>
   <xmp:CreatorTool>layout</xmp:CreatorTool>
   <pdf:Producer>{escape(meta.producer)}</pdf:Producer>
   <pdf:Trapped>False</pdf:Trapped>
   <xmpMM:DocumentID>uuid:{meta.document}</xmpMM:DocumentID>
   <xmpMM:InstanceID>uuid:{meta.instance}</xmpMM:InstanceID>
   <xmpMM:VersionID>1</xmpMM:VersionID>
   <xmpMM:RenditionClass>default</xmpMM:RenditionClass>
   <pdfxid:GTS_PDFXVersion>{PDFX}</pdfxid:GTS_PDFXVersion>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode()


def _pdf_date(t: dt.datetime) -> str:
    offset = t.utcoffset() or dt.timedelta(0)
    sign = "-" if offset < dt.timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"D:{t:%Y%m%d%H%M%S}{sign}{minutes // 60:02d}'{minutes % 60:02d}'"


def _box(value) -> tuple[float, float, float, float]:
    a, b, c, d = (float(v) for v in value)
    return min(a, c), min(b, d), max(a, c), max(b, d)


def _array(values: tuple[float, ...]) -> Array:
    return Array([round(v, 3) for v in values])


def _num(v: float) -> str:
    return f"{v:.4f}".rstrip("0").rstrip(".") or "0"


# --- RGB → CMYK: the safety net under a stylesheet that should already be all CMYK -----------------

def _is_rgb(space, resources: Dictionary | None = None) -> bool:
    """True for DeviceRGB, CalRGB, ICC-based RGB and palettes over them (a name is looked up in resources)."""
    if isinstance(space, Name):
        if space in (Name.DeviceRGB, Name.CalRGB):
            return True
        named = resources.get("/ColorSpace", {}) if resources is not None else {}
        return space in named and _is_rgb(named[space])
    if isinstance(space, Array) and len(space) > 1:
        family = space[0]
        if family == Name.CalRGB:
            return True
        if family == Name.ICCBased:
            return int(space[1].get("/N", 0)) == 3
        if family == Name.Indexed:
            return _is_rgb(space[1], resources)
    return False


class _RgbToCmyk:
    """Rewrites RGB colour operators, images, shadings and group spaces as CMYK through the profile."""

    def __init__(self, profile: OutputProfile, report: Report):
        self.profile = profile
        self.report = report
        self.done: set[tuple[int, int]] = set()
        self.converted: Counter[str] = Counter()

    def convert(self, doc: pikepdf.Pdf, first: int = 1) -> None:
        for n, page in enumerate(doc.pages, first):
            self._group(page.obj)
            ops = self._rewrite(page, page.resources, n)
            if ops is not None:
                page.obj.Contents = doc.make_stream(pikepdf.unparse_content_stream(ops))
            self._resources(page.resources, n)
        for what, count in self.converted.items():
            self.report(t("{conversion} ({count}×)", conversion=what, count=count) if count > 1 else what)

    def cmyk(self, values) -> list[float]:
        return list(rgb_to_cmyk(tuple(float(v) for v in values), self.profile, MAX_TAC))

    def _rewrite(self, content: pikepdf.Page | pikepdf.Stream, resources: Dictionary, n: int) -> list | None:
        """The instructions with RGB colour made CMYK, or None when there was nothing to change.

        Only the operators that can start RGB colour are read first (qpdf skips the rest): a page
        with none, as the all-CMYK stylesheet makes every page, is not parsed into Python at all."""
        starts = pikepdf.parse_content_stream(content, RGB_OPERATORS)
        if not any(str(op) in ("rg", "RG") or _is_rgb(operands[0], resources) for operands, op in starts):
            return None
        out, changed = [], False
        fill_rgb = stroke_rgb = False
        stack: list[tuple[bool, bool]] = []
        for operands, op in pikepdf.parse_content_stream(content):
            o = str(op)
            if o == "q":
                stack.append((fill_rgb, stroke_rgb))
            elif o == "Q" and stack:
                fill_rgb, stroke_rgb = stack.pop()
            elif o in ("rg", "RG"):
                cmyk = self.cmyk(operands)
                self._count(n, o == "rg", operands, cmyk)
                operands, op, changed = cmyk, pikepdf.Operator("k" if o == "rg" else "K"), True
            elif o in ("cs", "CS"):
                rgb = _is_rgb(operands[0], resources)
                fill_rgb, stroke_rgb = (rgb, stroke_rgb) if o == "cs" else (fill_rgb, rgb)
                if rgb:
                    operands, changed = [Name.DeviceCMYK], True
            elif o in ("sc", "scn", "SC", "SCN") and (fill_rgb if o in ("sc", "scn") else stroke_rgb):
                if len(operands) != 3:  # an RGB pattern underneath: nothing WeasyPrint writes
                    raise BuildError(t("PDF/X: 第{page}版 uses an RGB colour this converter cannot rewrite "
                                       "({operator})", page=n, operator=o))
                cmyk = self.cmyk(operands)
                self._count(n, o.islower(), operands, cmyk)
                operands, changed = cmyk, True
            out.append((operands, op))
        return out if changed else None

    def _count(self, n: int, fill: bool, rgb, cmyk) -> None:
        fields = {"page": n, "rgb": " ".join(_num(float(v)) for v in rgb), "cmyk": " ".join(_num(v) for v in cmyk)}
        self.converted[t("第{page}版: RGB fill {rgb} → CMYK {cmyk}", **fields) if fill
                       else t("第{page}版: RGB stroke {rgb} → CMYK {cmyk}", **fields)] += 1

    def _resources(self, resources: Dictionary, n: int) -> None:
        for name, xobj in resources.get("/XObject", {}).items():
            if not self._first(xobj):
                continue
            if xobj.get("/Subtype") == Name.Image and _is_rgb(xobj.get("/ColorSpace"), resources):
                self._image(xobj)
                self.converted[t("第{page}版: RGB image {name} → CMYK/grey", page=n, name=name)] += 1
            elif xobj.get("/Subtype") == Name.Form:
                self._form(xobj, resources, n)
        for pattern in resources.get("/Pattern", {}).values():
            if not self._first(pattern):
                continue
            if pattern.get("/PatternType") == 1:
                self._form(pattern, resources, n)
            elif "/Shading" in pattern:
                self._shading(pattern.Shading, n)
        for shading in resources.get("/Shading", {}).values():
            if self._first(shading):
                self._shading(shading, n)
        for state in resources.get("/ExtGState", {}).values():
            mask = state.get("/SMask")
            if isinstance(mask, Dictionary) and "/G" in mask and self._first(mask.G):
                self._form(mask.G, resources, n)

    def _form(self, form: pikepdf.Stream, parent: Dictionary, n: int) -> None:
        resources = form.get("/Resources", parent)
        self._group(form)
        ops = self._rewrite(form, resources, n)
        if ops is not None:
            form.write(pikepdf.unparse_content_stream(ops))
        self._resources(resources, n)

    def _group(self, obj: Dictionary) -> None:
        group = obj.get("/Group")
        if group is not None and _is_rgb(group.get("/CS")):
            group.CS = Name.DeviceCMYK  # the blending space: RGB here would make the RIP blend in RGB

    def _image(self, image: pikepdf.Stream) -> None:
        pil = pikepdf.PdfImage(image).as_pil_image().convert("RGB")
        out = to_print(pil, self.profile, MAX_TAC - JPEG_TAC_HEADROOM)
        for key in ("/DecodeParms", "/Decode", "/Filter"):
            if key in image:
                del image[key]
        image.BitsPerComponent = 8
        if out.mode == "CMYK":
            buf = io.BytesIO()
            out.save(buf, format="JPEG", quality=JPEG_QUALITY)
            image.write(buf.getvalue(), filter=Name.DCTDecode)
            image.ColorSpace = Name.DeviceCMYK
            image.Decode = Array([1, 0] * 4)  # Pillow writes Adobe (inverted) CMYK JPEG, as WeasyPrint assumes
        else:
            image.write(out.tobytes())
            image.ColorSpace = Name.DeviceGray

    def _shading(self, shading: Dictionary, n: int) -> None:
        if not _is_rgb(shading.get("/ColorSpace")):
            return
        functions = shading.get("/Function")
        parts = list(functions.get("/Functions", [])) if isinstance(functions, Dictionary) else []
        if not isinstance(functions, Dictionary) or functions.get("/FunctionType") not in (2, 3) or any(
                f.get("/FunctionType") != 2 for f in parts):
            raise BuildError(t("PDF/X: 第{page}版 has an RGB shading this converter cannot rewrite", page=n))
        for f in parts or [functions]:  # exponential functions: convert their two end colours
            f.C0 = self.cmyk(f.get("/C0", [0, 0, 0]))
            f.C1 = self.cmyk(f.get("/C1", [1, 1, 1]))
        if "/Background" in shading:
            shading.Background = self.cmyk(shading.Background)
        shading.ColorSpace = Name.DeviceCMYK
        self.converted[t("第{page}版: RGB shading → CMYK", page=n)] += 1

    def _first(self, obj) -> bool:
        """True the first time an indirect object is met (resources are shared between pages and forms)."""
        if not obj.is_indirect:
            return True
        if obj.objgen in self.done:
            return False
        self.done.add(obj.objgen)
        return True


# --- Black overprint: 100 K text and rules print over what lies beneath --------------------------
# On a newspaper press the plates never register exactly: black that knocks out the tint or photo
# under it shows a white hairline beside every letter. Prepress expects 100 K to overprint
# (/OP and /op true, /OPM 1: zero C, M and Y leave the other plates alone), and nothing else to.

def _overprint_state(stroke: bool, fill: bool) -> Name:
    return Name(f"/LayoutOP{int(stroke)}{int(fill)}")


def _is_black(space: str, operands) -> bool:
    values = [float(v) for v in operands if not isinstance(v, Name)]
    if space == "gray":
        return values == [0.0]
    return space == "cmyk" and len(values) == 4 and max(values[:3]) == 0 and values[3] == 1


def overprint_black(doc: pikepdf.Pdf) -> None:
    """Set overprint in the graphics state wherever the fill or stroke colour is 100 K (black in
    DeviceCMYK, or DeviceGray 0): in every page's content and in every form it draws."""
    done: set[tuple[int, int]] = set()
    for page in doc.pages:
        ops = _Overprint(page.resources).rewrite(pikepdf.parse_content_stream(page), start_black=True)
        page.obj.Contents = doc.make_stream(pikepdf.unparse_content_stream(ops))
        _overprint_forms(page.resources, done)


def _overprint_forms(resources: Dictionary, done: set[tuple[int, int]]) -> None:
    for xobj in resources.get("/XObject", {}).values():
        if xobj.get("/Subtype") != Name.Form or (xobj.is_indirect and xobj.objgen in done):
            continue
        done.add(xobj.objgen)
        inner = xobj.get("/Resources", resources)
        # A form inherits the colour of where it is drawn: only its own colour changes are known here.
        ops = _Overprint(inner).rewrite(pikepdf.parse_content_stream(xobj), start_black=False)
        xobj.write(pikepdf.unparse_content_stream(ops))
        _overprint_forms(inner, done)


class _Overprint:
    """Follows the fill and stroke colour through one content stream and sets the overprint state
    whenever whether either is black changes; images are drawn with overprint off."""

    FILL = {"k": "cmyk", "g": "gray", "rg": "rgb", "sc": None, "scn": None}
    STROKE = {"K": "cmyk", "G": "gray", "RG": "rgb", "SC": None, "SCN": None}

    def __init__(self, resources: Dictionary):
        self.resources = resources

    def _space(self, operand) -> str:
        named = self.resources.get("/ColorSpace", {})
        space = named.get(operand, operand) if isinstance(operand, Name) else operand
        if space == Name.DeviceCMYK:
            return "cmyk"
        if space == Name.DeviceGray:
            return "gray"
        return "other"

    def _state(self, stroke: bool, fill: bool) -> list:
        name = _overprint_state(stroke, fill)
        if "/ExtGState" not in self.resources:
            self.resources.ExtGState = Dictionary()
        if name not in self.resources.ExtGState:
            self.resources.ExtGState[name] = Dictionary(Type=Name.ExtGState, OP=stroke, op=fill, OPM=1)
        return [([name], pikepdf.Operator("gs"))]

    def rewrite(self, ops: list, start_black: bool) -> list:
        # PDF's initial colour is DeviceGray 0 for fill and stroke: black, but knocking out.
        space = {"fill": "gray", "stroke": "gray"}
        black = {"fill": start_black, "stroke": start_black}
        current: tuple[bool, bool] | None = None  # (stroke, fill) overprint in force; None = not known
        stack: list[tuple] = []
        out: list = []
        if start_black:
            current = (True, True)
            out += self._state(*current)
        for operands, op in ops:
            o = str(op)
            if o == "q":
                stack.append((dict(space), dict(black), current))
            elif o == "Q" and stack:
                space, black, current = stack.pop()
            elif o == "Do" and current and any(current) and self._is_image(operands[0]):
                out += self._state(False, False)
                out.append((operands, op))
                out += self._state(*current)
                continue
            out.append((operands, op))
            changed = None
            for kind, table in (("fill", self.FILL), ("stroke", self.STROKE)):
                if o in table:
                    family = table[o] or space[kind]
                    black[kind] = _is_black(family, operands)
                    changed = kind
                elif o == ("cs" if kind == "fill" else "CS"):
                    space[kind] = self._space(operands[0])
                    black[kind] = space[kind] == "cmyk"  # a new space starts at its initial colour: 0 0 0 1
                    changed = kind
            if changed and (black["stroke"], black["fill"]) != current:
                current = (black["stroke"], black["fill"])
                out += self._state(*current)
        return out

    def _is_image(self, name) -> bool:
        xobj = self.resources.get("/XObject", {}).get(name)
        return xobj is not None and xobj.get("/Subtype") == Name.Image
