"""Photos and colours for the print file: separated through the output profile before WeasyPrint sees them.

WeasyPrint passes images through unchanged (docs/outputs.md), so a photo must already be
what the press prints: grey photos as K-only grayscale, colour photos as CMYK with the total area
coverage capped, at no more pixels than the plate can use. The same conversion serves the PDF/X
safety net (layout.render.pdfx) for RGB that slipped through.
"""
from __future__ import annotations

import base64
import io
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageChops, ImageCms, ImageMath, ImageOps

from layout.errors import BuildError
from layout.house import house
from layout.messages import t

MAX_TAC = house()["print"]["max_tac"] / 100  # the house's ink limit as a fraction (2.4 = 240%)
_INTENTS = {"perceptual": ImageCms.Intent.PERCEPTUAL, "relative_colorimetric": ImageCms.Intent.RELATIVE_COLORIMETRIC,
            "saturation": ImageCms.Intent.SATURATION, "absolute_colorimetric": ImageCms.Intent.ABSOLUTE_COLORIMETRIC}
PPI = 300  # newspaper photos need 170–200 effective ppi; 300 leaves room for an editor's later crop
GREY_CHROMA = 12  # a pixel whose channels differ by at most this much (of 255) counts as neutral
GREY_SHARE = 0.002  # a photo with no more coloured pixels than this share is grey (JPEG noise, a caption strip)
JPEG_QUALITY = 95
# JPEG moves each channel by a few levels, and in saturated shadows many pixels sit right at the cap:
# capping this much lower keeps the decoded image under the limit (measured: a 240% cap at q95 let 15%
# of a dark test image's pixels decode above 240%; with 230% the decoded maximum was 236.5%).
JPEG_TAC_HEADROOM = 0.1


def rendering_intent(name: str) -> ImageCms.Intent:
    """The ICC rendering intent the house style names for converting photos (styles/house.toml [print])."""
    if name not in _INTENTS:
        raise BuildError(t("styles/house.toml: rendering_intent must be one of {intents}, not {name!r}",
                           intents=", ".join(_INTENTS), name=name))
    return _INTENTS[name]


INTENT = rendering_intent(house()["print"]["rendering_intent"])


@dataclass(frozen=True)
class OutputProfile:
    """The press's CMYK output profile, read and checked once (read_profile) and passed along."""

    path: Path
    data: bytes  # the ICC file, embedded as the PDF/X output intent
    description: str  # its description tag: the intent's output condition

    @property
    def name(self) -> str:
        return self.path.name

    def cms(self) -> ImageCms.ImageCmsProfile:
        return ImageCms.ImageCmsProfile(io.BytesIO(self.data))


def read_profile(path: Path) -> OutputProfile:
    """The profile at path; BuildError unless it is a readable CMYK output (printer) profile."""
    try:
        data = path.read_bytes()
        icc = ImageCms.ImageCmsProfile(io.BytesIO(data)).profile
    except (OSError, ImageCms.PyCMSError) as e:
        raise BuildError(t("PDF/X needs a CMYK output profile: {file} cannot be read ({reason})", file=path,
                           reason=e)) from None
    if icc.xcolor_space.strip() != "CMYK" or icc.device_class != "prtr":
        raise BuildError(t("PDF/X needs a CMYK output profile: {file} is not one (colour space {space}, "
                           "class {kind})", file=path, space=icc.xcolor_space.strip(), kind=icc.device_class))
    return OutputProfile(path, data, icc.profile_description.strip("\x00 ") or path.stem)


def print_image(path: Path, profile: OutputProfile, placed_width_pt: float, placed_height_pt: float | None = None,
                max_tac: float = MAX_TAC) -> str:
    """A `data:` URI of the photo at path as the press prints it, for a box of the placed size.

    With a placed height the box is filled as CSS `object-fit: cover` does (the image is scaled to
    cover both sides), so the resolution is computed for the side that decides the scale.
    """
    with Image.open(path) as src:
        was_jpeg = src.format == "JPEG"
        source = src.info.get("icc_profile")
        img = _downsample(ImageOps.exif_transpose(src), placed_width_pt, placed_height_pt)
    out = to_print(img, profile, max_tac - JPEG_TAC_HEADROOM, source)
    buf = io.BytesIO()
    if out.mode == "CMYK" or was_jpeg:  # PNG has no CMYK; a JPEG source has nothing for lossless to keep
        out.save(buf, format="JPEG", quality=JPEG_QUALITY, optimize=False)
        mime = "image/jpeg"
    else:
        out.save(buf, format="PNG", optimize=False)
        mime = "image/png"
    return f"data:{mime};base64,{base64.b64encode(buf.getvalue()).decode('ascii')}"


def to_print(img: Image.Image, profile: OutputProfile, max_tac: float = MAX_TAC,
             source: bytes | None = None) -> Image.Image:
    """img as mode L (K only, for neutral images) or CMYK in the output condition of profile, TAC ≤ max_tac.

    source is the image's embedded ICC profile; without one RGB is taken as sRGB.
    """
    img = _flatten(img)
    source = source if _profile_space(source) == img.mode else None  # a profile for another mode is wrong: drop it
    if img.mode == "CMYK":
        # A CMYK file without a profile is taken to be separated for this press already.
        if source:
            img = _apply(_transform(source, "CMYK", profile), img)
        return cap_tac(img, max_tac)
    if img.mode == "L":
        return _grey(img.convert("RGB"), None, profile)
    if is_neutral(img):
        return _grey(img, source, profile)
    return cap_tac(_apply(_transform(source, "RGB", profile), img), max_tac)


def rgb_to_cmyk(rgb: tuple[float, float, float], profile: OutputProfile,
                max_tac: float = MAX_TAC) -> tuple[float, ...]:
    """One RGB colour (0–1, sRGB) as CMYK (0–1): neutrals as K only, colours through the profile."""
    px = Image.new("RGB", (1, 1), tuple(round(v * 255) for v in rgb))
    out = to_print(px, profile, max_tac).getpixel((0, 0))
    if isinstance(out, int):  # neutral: DeviceGray value → K
        return (0.0, 0.0, 0.0, round(1 - out / 255, 4))
    return tuple(round(v / 255, 4) for v in out)


def is_neutral(img: Image.Image) -> bool:
    """True when (almost) no pixel of an RGB image has colour: a black-and-white photo saved as RGB."""
    r, g, b = img.split()
    chroma = ImageChops.lighter(ImageChops.lighter(ImageChops.difference(r, g), ImageChops.difference(g, b)),
                                ImageChops.difference(r, b))
    coloured = sum(chroma.histogram()[GREY_CHROMA + 1:])
    return coloured <= GREY_SHARE * img.width * img.height


def cap_tac(img: Image.Image, max_tac: float) -> Image.Image:
    """Limit C+M+Y+K per pixel: first grey component replacement, then CMY scaled down under the K."""
    limit = max_tac * 255
    c, m, y, k = (ch.convert("F") for ch in img.split())
    # GCR: each unit of common CMY moved into K lowers the sum by two (three out, one in).
    excess = ImageMath.lambda_eval(lambda a: a["max"](a["c"] + a["m"] + a["y"] + a["k"] - limit, 0),
                                   c=c, m=m, y=y, k=k)
    move = ImageMath.lambda_eval(
        lambda a: a["min"](a["min"](a["min"](a["min"](a["c"], a["m"]), a["y"]), 255 - a["k"]), a["e"] / 2),
        c=c, m=m, y=y, k=k, e=excess)
    c, m, y = (ImageMath.lambda_eval(lambda a: a["v"] - a["g"], v=v, g=move) for v in (c, m, y))
    k = ImageMath.lambda_eval(lambda a: a["k"] + a["g"], k=k, g=move)
    # Whatever is still over the limit: scale CMY into the room K leaves (factor 1 when within it).
    factor = ImageMath.lambda_eval(
        lambda a: a["min"]((limit - a["k"]) / a["max"](a["c"] + a["m"] + a["y"], 1), 1), c=c, m=m, y=y, k=k)
    c, m, y = (ImageMath.lambda_eval(lambda a: a["v"] * a["f"], v=v, f=factor) for v in (c, m, y))
    # Truncate, never round up: rounding could put a pixel a step over the limit.
    return Image.merge("CMYK", [ch.convert("I").convert("L") for ch in (c, m, y, k)])


def _downsample(img: Image.Image, width_pt: float, height_pt: float | None) -> Image.Image:
    scale = width_pt / img.width if height_pt is None else max(width_pt / img.width, height_pt / img.height)
    target = math.ceil(img.width * scale / 72 * PPI)  # pixels across at PPI for the drawn width
    if img.width <= target:
        return img  # never upsample: it adds no detail, and preflight should see the real resolution
    return img.resize((target, max(1, round(img.height * target / img.width))), Image.Resampling.LANCZOS)


def to_8bit(img: Image.Image) -> Image.Image:
    """16-bit grey (PNG, TIFF) scaled to 8-bit L: convert() would clip everything above 255 to white.
    (Pillow reads 16-bit RGB and CMYK TIFFs as 8-bit already.)"""
    if img.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N"):
        return img.convert("I").point(lambda v: v / 257).convert("L")
    return img


def _flatten(img: Image.Image) -> Image.Image:
    """Transparency composited on white paper; palette and 16-bit modes made 8-bit RGB or L."""
    img = to_8bit(img)
    if img.mode in ("RGB", "L", "CMYK"):
        return img
    if img.mode == "1":
        return img.convert("L")
    rgba = img.convert("RGBA")
    paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(paper, rgba).convert("RGB")


def _profile_space(icc: bytes | None) -> str:
    if not icc:
        return ""
    try:
        return ImageCms.ImageCmsProfile(io.BytesIO(icc)).profile.xcolor_space.strip()
    except (OSError, ImageCms.PyCMSError):
        return ""


def _grey(img: Image.Image, source: bytes | None, profile: OutputProfile) -> Image.Image:
    """A neutral RGB image as DeviceGray, whose value the PDF/X output intent prints on the K plate."""
    lab = _apply(_transform(source, "RGB", None), img)
    return lab.getchannel("L").point(_k_curve(profile))


def _apply(transform: ImageCms.ImageCmsTransform, img: Image.Image) -> Image.Image:
    out = Image.new(transform.output_mode, img.size)
    # Not transform.apply(): it re-serialises the output profile into .info, which fails for some v4 profiles.
    transform.transform.apply(img.getim(), out.getim())
    return out


@lru_cache(maxsize=16)
def _transform(source: bytes | None, mode: str, profile: OutputProfile | None) -> ImageCms.ImageCmsTransform:
    """source (embedded ICC bytes, None = sRGB) in mode → profile's CMYK, or → Lab when profile is None."""
    src = ImageCms.ImageCmsProfile(io.BytesIO(source)) if source else ImageCms.createProfile("sRGB")
    if profile is None:
        return ImageCms.buildTransform(src, ImageCms.createProfile("LAB", 5000), mode, "LAB",
                                       renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)
    return ImageCms.buildTransform(src, profile.cms(), mode, "CMYK", renderingIntent=INTENT,
                                   flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)


@lru_cache(maxsize=16)
def _k_curve(profile: OutputProfile) -> list[int]:
    """Lab L (0–255) → DeviceGray value such that K alone prints that lightness on this press.

    Lightness is scaled between paper white and the darkest K the profile can print (black point
    compensation), so shadows keep their detail instead of all clipping to solid K.
    """
    ramp = Image.new("CMYK", (256, 1))
    ramp.putdata([(0, 0, 0, k) for k in range(256)])
    to_lab = ImageCms.buildTransform(profile.cms(), ImageCms.createProfile("LAB", 5000),
                                     "CMYK", "LAB", renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)
    lab = _apply(to_lab, ramp)
    lk = [lab.getpixel((k, 0))[0] for k in range(256)]  # falls as K grows
    white, black = lk[0], lk[255]
    curve = []
    for level in range(256):
        target = black + (white - black) * level / 255
        k = next((k for k in range(256) if lk[k] <= target), 255)
        if 0 < k and lk[k - 1] != lk[k]:  # interpolate between the two ramp steps around the target
            k -= (target - lk[k]) / (lk[k - 1] - lk[k])
        curve.append(255 - round(k))
    return curve
