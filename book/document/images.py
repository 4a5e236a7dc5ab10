"""Images named by sources: resolved inside the sources folder, opened once, checked for safety.

Every image is decoded in full when it is checked (a file that only looks whole fails here, with
its name, not in a writer). A photo turned by its EXIF orientation and a WebP picture are written
once, upright or as PNG, beside pandoc's media (named by the hash of the original's bytes), and the
outputs show that copy: every writer then sees pixels the right way up in a format it knows.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from book.core.limits import MAX_PIXELS
from book.document import ast
from book.document import svgimage

if TYPE_CHECKING:
    from PIL import Image as PILImage       # imported where images are opened: not before pandoc starts

FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif"}
SVG_MIME = "image/svg+xml"
CONVERTED = {"WEBP": "PNG"}          # formats converted (losslessly) to one every output takes
MIN_SIDE = 4                         # pixels: thinner than this prints as a hairline or nothing
MAX_ASPECT = 100                     # 1 x 20000 px would be drawn 0 pt wide


@dataclass(frozen=True)
class ImageInfo:
    path: Path
    width: int
    height: int
    mime: str
    dpi: float


class ImageChecker:
    """Resolves each image once per build and remembers what it found."""

    def __init__(self) -> None:
        self.infos: dict[str, ImageInfo] = {}      # the file the outputs show -> what it is
        self._checked: dict[str, ImageInfo] = {}   # the source's file -> what the outputs show

    def resolve(self, image: ast.Image, ctx) -> str:
        """The image's absolute path, or '' when it cannot be used (a problem or warning is recorded)."""
        src = image.src.strip()
        label = ctx.source_label
        if not image.alt:
            ctx.reporter.warn("image-alt", f"{_shown(src, image, ctx)} has no alt text: describe it for readers who cannot see it", label)
        if src.lower().startswith(("http://", "https://", "//", "data:", "ftp:")):
            ctx.reporter.warn("remote-image", f"image '{src[:60]}' is not a local file and is not fetched: save it beside the source", label)
            return ""
        path = self._locate(src, ctx)
        if path is None:
            return ""
        info = self._checked.get(str(path)) or self._inspect(path, _shown(src, image, ctx), ctx)
        if info is None:
            return ""
        self._checked[str(path)] = self.infos[str(info.path)] = info
        return str(info.path)

    def _locate(self, src: str, ctx) -> Path | None:
        candidate = Path(src)
        if candidate.is_absolute():
            resolved = candidate.resolve()
            if resolved.is_relative_to(ctx.media_root.resolve()):
                return resolved  # extracted from a Word file by the converter
            ctx.problems.add(f"image '{src}' is an absolute path: give it relative to the source file", ctx.source_label)
            return None
        resolved = (ctx.source_dir / candidate).resolve()
        if not resolved.is_relative_to(ctx.sources_root.resolve()):
            ctx.problems.add(f"image '{src}' leaves the sources folder: copy it in beside the source", ctx.source_label)
            return None
        if not resolved.is_file():
            what = "is a folder" if resolved.is_dir() else "not found"
            ctx.problems.add(f"image '{src}' {what}: check the path (relative to the source file)", ctx.source_label)
            return None
        return resolved

    def _inspect(self, path: Path, shown: str, ctx) -> ImageInfo | None:
        from PIL import Image as PILImage

        label = ctx.source_label
        try:
            if path.stat().st_size == 0:
                ctx.problems.add(f"{shown} is an empty file: export it again", label)
                return None
            if path.suffix.lower() == ".svg" or svgimage.looks_like_svg(path.read_bytes()[:4096]):
                return _inspect_svg(path, shown, ctx)
            with warnings.catch_warnings():
                warnings.simplefilter("error", PILImage.DecompressionBombWarning)
                with PILImage.open(path) as img:
                    width, height = img.size
                    fmt = img.format
                    if width * height > MAX_PIXELS:
                        raise PILImage.DecompressionBombError("too many pixels")
                    img.verify()
                    dpi = float((img.info.get("dpi") or (0, 0))[0] or 0)
                # verify() reads only the structure: a truncated progressive JPEG passes it
                with PILImage.open(path) as img:
                    img.load()
                    upright = _upright(img)
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
            ctx.problems.add(f"{shown} is too large (over {MAX_PIXELS // 1_000_000} megapixels): resize it", label)
            return None
        except (OSError, SyntaxError, ValueError) as exc:
            ctx.problems.add(f"{shown} cannot be read ({type(exc).__name__}): it is corrupt or not an image; export it again as PNG or JPEG", label)
            return None
        if fmt not in FORMATS and fmt not in CONVERTED:
            ctx.problems.add(f"{shown} is {fmt}: convert it to PNG or JPEG", label)
            return None
        if min(width, height) < MIN_SIDE or max(width, height) > MAX_ASPECT * min(width, height):
            ctx.problems.add(f"{shown} is {width} x {height} pixels: too thin to print (at least {MIN_SIDE} pixels each way,"
                             f" at most {MAX_ASPECT} times as long as wide); crop it or export it again", label)
            return None
        if upright is None and fmt in FORMATS:
            return ImageInfo(path, width, height, FORMATS[fmt], dpi)
        return _normalised_copy(path, upright, fmt, dpi, ctx.media_root)


def _inspect_svg(path: Path, shown: str, ctx) -> ImageInfo | None:
    """An SVG picture: its sanitised copy (what every output shows) and its size in points."""
    import hashlib

    label = ctx.source_label
    data = path.read_bytes()
    try:
        clean, removed = svgimage.sanitise(data)
        target = Path(ctx.media_root) / f"{hashlib.sha256(data).hexdigest()[:32]}-shown.svg"
        if not target.exists():
            _write_once(target, clean)
        width, height = svgimage.size(target)
    except ValueError as exc:
        ctx.problems.add(f"{shown} is an SVG picture that cannot be used ({exc}): export it again, or as PNG", label)
        return None
    if removed:
        ctx.reporter.warn("svg-sanitised", f"{shown}: {removed} part{'s' if removed != 1 else ''} of the SVG picture removed"
                          " (scripts, event handlers, references to other files): a picture in a book must not act or fetch", label)
    if min(width, height) < MIN_SIDE or max(width, height) > MAX_ASPECT * min(width, height):
        ctx.problems.add(f"{shown} is {width:g} x {height:g} points: too thin to print; crop it or export it again", label)
        return None
    return ImageInfo(target, round(width), round(height), SVG_MIME, 72.0)


def _write_once(target: Path, data: bytes) -> None:
    """Write through a temporary file: two workers checking the same picture write the same bytes."""
    import os

    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.part")
    partial.write_bytes(data)
    os.replace(partial, target)


def _upright(img) -> PILImage.Image | None:
    """The picture turned as its EXIF orientation says (a phone's portrait photo is stored on its
    side with a note to turn it), or None when it needs no turning."""
    from PIL import ImageOps

    try:
        orientation = img.getexif().get(0x0112, 1)
    except Exception:          # a damaged EXIF block: Pillow's errors here are of many kinds
        return None
    return ImageOps.exif_transpose(img) if orientation not in (None, 1) else None


def _normalised_copy(path: Path, upright, fmt: str, dpi: float, media_root: Path) -> ImageInfo:
    """The copy the outputs show of a turned photo (JPEG stays JPEG) or a converted format (PNG),
    written once under the hash of the original's bytes; writing it again gives the same file."""
    import hashlib
    import os

    from PIL import Image as PILImage

    data = path.read_bytes()
    out_fmt = CONVERTED.get(fmt, fmt if fmt in ("JPEG", "PNG") else "PNG")
    name = f"{hashlib.sha256(data).hexdigest()[:32]}-shown.{'jpg' if out_fmt == 'JPEG' else 'png'}"
    target = Path(media_root) / name
    if not target.exists():
        with PILImage.open(path) as img:
            picture = upright if upright is not None else img.copy()
            if out_fmt == "JPEG":
                picture = picture.convert("RGB") if picture.mode not in ("L", "RGB", "CMYK") else picture
                options = {"quality": 95, "subsampling": 0}
            else:
                picture = picture.convert("RGBA") if picture.mode in ("P", "LA", "PA") else picture
                options = {"optimize": False}
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(f".{os.getpid()}.part")
            picture.save(partial, out_fmt, **options)     # no EXIF written: the copy is upright as it is
            os.replace(partial, target)
    with PILImage.open(target) as shown:
        width, height = shown.size
    return ImageInfo(target, width, height, FORMATS[out_fmt], dpi)


def _shown(src: str, image, ctx) -> str:
    """How a message names an image: its path as written, or, for a picture pandoc took out of a
    Word or ODT file (saved in the cache under a hash), its description."""
    try:
        inside = Path(src).resolve().is_relative_to(ctx.media_root.resolve())
    except (OSError, ValueError):
        inside = False
    if not inside:
        return f"image '{src}'"
    return f"the picture described as '{image.alt}'" if image.alt else "a picture with no description"
