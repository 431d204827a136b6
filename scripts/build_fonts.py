"""Rebuild the fonts bundled in templates/fonts/ from Debian's Noto packages.

    python scripts/build_fonts.py                 # apt-get download + dpkg-deb -x into a temp folder
    python scripts/build_fonts.py --source DIR    # DIR holds usr/share/fonts/... already extracted

The fonts are SIL Open Font License 1.1 (Noto Serif, Noto Sans, Noto Sans Mono from
fonts-noto-core / fonts-noto-mono; Noto Sans CJK SC from fonts-noto-cjk). They are subset with
fontTools so that the package stays small: Latin, Greek and Cyrillic for the Latin families, and
the GB2312 repertoire (6,763 hanzi plus kana, symbols and full-width forms) for the CJK one.
The licence text and each font's copyright line are written next to the fonts (OFL.txt).
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "templates" / "fonts"
PACKAGES = ("fonts-noto-core", "fonts-noto-mono", "fonts-noto-cjk")

LATIN_RANGES = [
    (0x0020, 0x024F),  # Basic Latin, Latin-1, Latin Extended-A and -B
    (0x0259, 0x0259),
    (0x02B0, 0x02FF),  # spacing modifiers
    (0x0300, 0x036F),  # combining marks
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x04FF),  # Cyrillic
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese ...)
    (0x2000, 0x206F),  # general punctuation
    (0x20A0, 0x20CF),  # currency
    (0x2100, 0x214F),  # letterlike
    (0x2190, 0x21FF),  # arrows
    (0x2212, 0x2212),
    (0x2260, 0x2265),
    (0x25A0, 0x25FF),  # geometric shapes (bullets)
    (0xFB00, 0xFB06),  # ligatures
]

# (source file relative to the extracted packages, output name, collection index or None)
LATIN = [
    ("usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf", "NotoSerif-Regular.ttf"),
    ("usr/share/fonts/truetype/noto/NotoSerif-Bold.ttf", "NotoSerif-Bold.ttf"),
    ("usr/share/fonts/truetype/noto/NotoSerif-Italic.ttf", "NotoSerif-Italic.ttf"),
    ("usr/share/fonts/truetype/noto/NotoSerif-BoldItalic.ttf", "NotoSerif-BoldItalic.ttf"),
    ("usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", "NotoSans-Regular.ttf"),
    ("usr/share/fonts/truetype/noto/NotoSans-Bold.ttf", "NotoSans-Bold.ttf"),
    ("usr/share/fonts/truetype/noto/NotoSans-Italic.ttf", "NotoSans-Italic.ttf"),
    ("usr/share/fonts/truetype/noto/NotoSansMono-Regular.ttf", "NotoSansMono-Regular.ttf"),
]
CJK = ("usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.woff2", 2)


def gb2312() -> set[int]:
    """Every character of GB2312 (the double-byte rows 0xA1-0xF7)."""
    found: set[int] = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                found.add(ord(bytes([high, low]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return found


def latin() -> set[int]:
    return {cp for lo, hi in LATIN_RANGES for cp in range(lo, hi + 1)}


def _options(features: list[str]) -> subset.Options:
    options = subset.Options()
    options.layout_features = features
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.drop_tables += ["DSIG"]
    return options


def _subset(font: TTFont, unicodes: set[int], features: list[str], path: Path) -> None:
    subsetter = subset.Subsetter(_options(features))
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    font.flavor = "woff2" if path.suffix == ".woff2" else None
    font.save(path)
    print(f"{path.name}: {path.stat().st_size:,} bytes, {len(font.getGlyphOrder()):,} glyphs")


def download(folder: Path) -> Path:
    subprocess.run(["apt-get", "download", *PACKAGES], cwd=folder, check=True)
    extracted = folder / "x"
    for deb in folder.glob("*.deb"):
        subprocess.run(["dpkg-deb", "-x", str(deb), str(extracted)], check=True)
    return extracted


def build(source: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    notices: list[str] = []
    for relative, name in LATIN:
        font = TTFont(source / relative)
        notices.append(f"{name}: {font['name'].getDebugName(0)}")
        _subset(font, latin(), ["kern", "liga", "clig", "calt", "ccmp", "mark", "mkmk", "locl"], OUT / name)
    relative, name, index = CJK
    cjk = TTCollection(source / relative).fonts[index]
    notices.append(f"{name}: {cjk['name'].getDebugName(0)}")
    unicodes = gb2312() | set(range(0x20, 0x7F)) | set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0))
    _subset(cjk, unicodes, ["kern", "halt", "vkrn"], OUT / name)
    licence = _ofl_text(source)
    (OUT / "OFL.txt").write_text(
        "The fonts in this folder are subsets of the Noto fonts (https://notofonts.github.io/),\n"
        "taken from Debian's fonts-noto-core, fonts-noto-mono and fonts-noto-cjk packages by\n"
        "scripts/build_fonts.py. They are distributed under the SIL Open Font License 1.1 below.\n\n"
        + "\n".join(notices)
        + "\n\n"
        + licence,
        encoding="utf-8",
    )


def _ofl_text(source: Path) -> str:
    """The OFL 1.1 text as Debian's copyright file for fonts-noto-cjk carries it."""
    copyright_file = source / "usr/share/doc/fonts-noto-cjk/copyright"
    lines = copyright_file.read_text(encoding="utf-8").splitlines()
    # The first "License: SIL-1.1" names the licence of a Files stanza; the last one holds its text.
    start = len(lines) - lines[::-1].index("License: SIL-1.1")
    text = []
    for line in lines[start:]:
        if not line.startswith(" "):
            break
        text.append("" if line == " ." else line[1:])
    return "\n".join(text).strip() + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--source", type=Path, help="folder with the packages already extracted")
    args = parser.parse_args()
    if args.source:
        build(args.source)
        return
    with tempfile.TemporaryDirectory() as tmp:
        build(download(Path(tmp)))


if __name__ == "__main__":
    main()
