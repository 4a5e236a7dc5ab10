"""Images named by sources: resolved inside the sources folder, opened once, checked for safety."""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image as PILImage

from . import ast

# Refuse decompression bombs before decoding: a 40-megapixel photo is already far more than print needs.
MAX_PIXELS = 40_000_000
FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif"}


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
        self.infos: dict[str, ImageInfo] = {}

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
        info = self.infos.get(str(path)) or self._inspect(path, _shown(src, image, ctx), ctx)
        if info is None:
            return ""
        self.infos[str(path)] = info
        return str(path)

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
        label = ctx.source_label
        try:
            if path.stat().st_size == 0:
                ctx.problems.add(f"{shown} is an empty file: export it again", label)
                return None
            with warnings.catch_warnings():
                warnings.simplefilter("error", PILImage.DecompressionBombWarning)
                with PILImage.open(path) as img:
                    width, height = img.size
                    fmt = img.format
                    if width * height > MAX_PIXELS:
                        raise PILImage.DecompressionBombError("too many pixels")
                    img.verify()
                    dpi = float((img.info.get("dpi") or (0, 0))[0] or 0)
                _decode_fully(path)
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
            ctx.problems.add(f"{shown} is too large (over {MAX_PIXELS // 1_000_000} megapixels): resize it", label)
            return None
        except (OSError, SyntaxError, ValueError) as exc:
            ctx.problems.add(f"{shown} cannot be read ({type(exc).__name__}): it is corrupt or not an image; export it again as PNG or JPEG", label)
            return None
        if fmt not in FORMATS:
            ctx.problems.add(f"{shown} is {fmt}: convert it to PNG or JPEG", label)
            return None
        return ImageInfo(path, width, height, FORMATS[fmt], dpi)


def _decode_fully(path: Path) -> None:
    """Decode every pixel: ``verify`` reads only the structure, so a truncated progressive JPEG
    passes it and fails later, in the writer, as a crash instead of a message naming the file."""
    with PILImage.open(path) as img:
        img.load()


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
