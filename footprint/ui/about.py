"""About page: method, measured accuracy, references, privacy."""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st

from footprint import __version__
from footprint.params import CUTOFF_PRESETS
from footprint.ui import widgets

DOCS = Path(__file__).resolve().parents[2] / "docs"


def accuracy_markdown() -> str | None:
    """``docs/accuracy.md`` without its first heading, or None when absent."""
    path = DOCS / "accuracy.md"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\A#[^\n]*\n", "", text.lstrip())
    # demote headings so they sit under this page's sections
    return re.sub(
        r"^(#{1,4}) ", lambda m: "#" * min(6, len(m.group(1)) + 2) + " ", text, flags=re.M
    )


def page() -> None:
    """The About page."""
    st.title("About footprint")
    st.caption(f"Version {__version__} · open source")
    st.markdown("#### Method")
    st.markdown(
        "1. **Load** the photo (EXIF orientation applied, decoded at the resolution the "
        "measurement needs).\n"
        "2. **Rectify**: find an A4 / Letter sheet or an ID-1 bank card, refine its corners to "
        "sub-pixel accuracy and remove the perspective with a homography; this also gives "
        "millimetres per pixel. Without a reference the app reports pixels only and never "
        "guesses a scale; paper of any other size under the print still gives the "
        "perspective.\n"
        "3. **Segment** the print from paper, tile, wood or concrete, correcting uneven light.\n"
        "4. **Anatomy**: separate the toes from the sole, find the heel centre and the tip of "
        "the second toe; the foot axis joins them. Left or right comes from the foot's own "
        "shape, not from where it lies in the picture.\n"
        "5. **Indices** exactly as published: arch index B/(A+B+C) (Cavanagh & Rodgers 1987), "
        "Chippaux-Smirak, Staheli, Clarke's angle; classes from the selected cut-off preset.\n"
        "6. **Contact intensity**: darkness of the print inside the outline, normalised; "
        "region shares and centre of pressure. A relative map, not kPa."
    )
    st.markdown("#### Measured accuracy")
    acc = accuracy_markdown()
    if acc:
        st.markdown(acc)
    else:
        st.caption("The accuracy report (docs/accuracy.md) is not part of this installation.")
    st.markdown("#### Cut-off presets")
    for p in CUTOFF_PRESETS.values():
        st.markdown(
            f"- **{p.label}**: AI high <= {p.ai_high_max:g}, flat >= {p.ai_flat_min:g}; "
            f"CSI high < {p.csi_high_max:g} %, flat > {p.csi_flat_min:g} %; SI high < "
            f"{p.si_high_max:g}, flat > {p.si_flat_min:g}; Clarke flat < "
            f"{p.clarke_flat_max_deg:g}°, high > {p.clarke_high_min_deg:g}°.  \n"
            f"  <small>{p.source}</small>",
            unsafe_allow_html=True,
        )
    st.markdown("#### References")
    st.markdown(
        "- Cavanagh PR, Rodgers MM (1987). The arch index: a useful measure from footprints. "
        "*J Biomech* 20(5):547-551.\n"
        "- Chippaux-Smirak: Forriol F, Pascual J (1990). Footprint analysis between three and "
        "seventeen years of age. *Foot Ankle* 11(2):101-104.\n"
        "- Staheli LT, Chew DE, Corbett M (1987). The longitudinal arch. *J Bone Joint Surg "
        "Am* 69(3):426-428.\n"
        "- Clarke HH (1933). An objective method of measuring the height of the longitudinal "
        "arch in foot examinations. *Res Q* 4:99-107.\n"
        "- Chu WC, Lee SH, Chu W, Wang TJ, Lee MC (1995). The use of arch index to "
        "characterize arch height: a digital image processing approach. *IEEE Trans Biomed "
        "Eng* 42(11):1088-1093."
    )
    st.markdown("#### Privacy")
    st.markdown(
        "- Photos are analysed in memory on the machine running this app and are not stored "
        "or sent anywhere; the app makes no requests to outside services and collects no "
        "usage statistics.\n"
        "- Downloads (PDF, JSON, PNG) are made from pixels, so they carry no EXIF data: no "
        "GPS location, camera or time stamp from your photo.\n"
        "- Analyses are cached in the app's memory by the photo's SHA-256 fingerprint while it "
        "runs, so the same photo is not measured twice."
    )
    widgets.disclaimer()
