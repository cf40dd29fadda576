"""Guide page: how to make a wet footprint and photograph it well."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import streamlit as st

from footprint.ui import widgets

log = logging.getLogger(__name__)

#: Folder of the example pictures (rendered by :func:`make_examples`).
EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "docs" / "guide"

#: One example picture: (file, seed, synth scene, reference, caption).
Example = tuple[str, int, str, str, str]

#: The example pictures.
EXAMPLES: tuple[Example, ...] = (
    (
        "example-wet-kraft-a4.jpg",
        11,
        "wet_kraft",
        "a4",
        "Wet print on brown paper laid on an A4 sheet: the sheet gives millimetres and "
        "corrects the perspective.",
    ),
    (
        "example-ink-a4.jpg",
        9,
        "ink_black",
        "a4",
        "Ink print on white A4 paper: strong contrast, and ink shows contact intensity.",
    ),
    (
        "example-podograph-letter.jpg",
        12,
        "podograph",
        "letter",
        "Podograph (Harris mat) form with both feet: grid density shows the load.",
    ),
)


#: Photos to avoid: the two causes that lose wet prints most on the development
#: photos (docs/accuracy.md, twenty-sixth session). The app refuses both
#: (tests/test_app.py).
AVOID: tuple[Example, ...] = (
    (
        "avoid-shine-wet-wood.jpg",
        286,
        "wet_wood",
        "a4",
        "A lamp's shine on the wet prints: the heels catch it and look lighter than the "
        "floor, and only the forefeet stand out. Move until the shine falls beside the prints.",
    ),
    (
        "avoid-shadow-wet-tile.jpg",
        261,
        "wet_tile_light",
        "a4",
        "The phone's shadow on the print: it darkens the floor as the water does, and the "
        "print's edge is lost in it. Hold the phone so its shadow falls elsewhere.",
    ),
)


def make_examples(folder: Path = EXAMPLE_DIR) -> list[Path]:
    """Render the example pictures with the seeded generator (``python -m footprint.ui.guide``)."""
    from PIL import Image

    from footprint import synth

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, seed, scene, ref, _ in EXAMPLES + AVOID:
        photo = synth.render_photo(
            seed, scene=scene, reference=ref, size=(900, 675), max_tilt_deg=12
        )
        path = folder / name
        Image.fromarray(np.asarray(photo.rgb)).save(path, format="JPEG", quality=85)
        out.append(path)
    return out


def example_pictures(
    examples: tuple[Example, ...] = EXAMPLES,
) -> list[tuple[Path, str]]:
    """The shipped example pictures that exist, with their captions."""
    return [(EXAMPLE_DIR / f, cap) for f, _, _, _, cap in examples if (EXAMPLE_DIR / f).is_file()]


def _pictures(pictures: list[tuple[Path, str]]) -> None:
    """Pictures side by side, each with its caption."""
    cols = st.columns(len(pictures))
    for col, (path, caption) in zip(cols, pictures, strict=True):
        with col:
            st.image(str(path), caption=caption, width="stretch")


def page() -> None:
    """The Guide page."""
    st.title("How to make and photograph a footprint")
    st.markdown("The *wet test* shows how your weight spreads over the sole. It takes two minutes.")
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown("#### Make the print")
        st.markdown(
            "1. Put a sheet of **brown (kraft) paper** on the floor, or use a **dark tiled** "
            "floor. A sheet of A4 or US Letter paper under or around the print, or a **bank "
            "card** beside it, lets the app measure in millimetres.\n"
            "2. Wet the sole of your foot (after a shower is ideal) and shake off drips.\n"
            "3. **Stand** on the paper with your full weight, both feet or one at a time, "
            "for a second, then step straight off without sliding.\n"
            "4. Photograph it **at once**: a wet print fades within a minute.\n\n"
            "Ink or a podograph (Harris mat) print works too, and shows pressure better."
        )
    with right:
        st.markdown("#### Take a good photo")
        st.markdown(
            "- Hold the phone **flat, straight above** the print, about 50-80 cm up.\n"
            "- The **whole print** (heel to toes) and the whole sheet or card in the frame.\n"
            "- **Even light**: no flash glare, no shadow of you or the phone on the print.\n"
            "- **No shine on a wet print**: a lamp reflected in the water film hides the print "
            "under it; look at the screen and move until the shine falls beside the print.\n"
            "- Tap on the print to **focus**; keep still.\n"
            "- HEIC photos from iPhones are fine; so are JPEG, PNG and WebP."
        )
    st.markdown("#### Examples")
    examples = example_pictures()
    avoid = example_pictures(AVOID)
    if examples:
        _pictures(examples)
    if avoid:
        st.markdown("#### What to avoid")
        _pictures(avoid)
    if examples or avoid:
        st.caption(
            "Example photos are rendered by the project's seeded synthetic print "
            "generator (footprint.synth)."
        )
    else:
        st.caption("Example pictures are not available in this installation.")
    with st.expander("Common problems"):
        widgets.show_tips("If the app cannot find your print")
    st.markdown("#### What the numbers mean")
    st.markdown(
        "- **Arch index** (Cavanagh & Rodgers): the toes are left out and the sole is cut into "
        "three equal parts along the foot's axis; the index is the middle part's area divided "
        "by the whole sole area. About 0.21-0.26 is a normal arch, lower a high arch, higher "
        "a flat (low) arch.\n"
        "- **Chippaux-Smirak** and **Staheli**: the narrowest midfoot width against the "
        "widest forefoot or heel width.\n"
        "- **Clarke's angle**: how deep the inner curve of the print is.\n"
        "- The **contact-intensity map** shows where the print is darker (more contact). It is "
        "not a pressure measurement in kPa."
    )
    widgets.disclaimer()


if __name__ == "__main__":  # pragma: no cover - maintenance command
    for p in make_examples():
        print(p)  # noqa: T201
