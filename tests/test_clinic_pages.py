"""Clinic pages driven by streamlit.testing.v1.AppTest on a real SQLite store in tmp_path,
and the access gate (localhost open; network needs a login)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from footprint.store import Store
from footprint.ui.clinic import access, records
from footprint.ui.clinic.access import Access, decide, hash_password, verify_password
from tests.conftest import page_texts

TIMEOUT = 120
PASSWORD = "correct horse battery"
# a fixed salt keeps the test deterministic; real hashes draw a random salt
PASSWORD_HASH = hash_password(PASSWORD, salt=b"0123456789abcdef")


def _drawn_jpeg(seed: int) -> bytes:
    from conftest import drawn_print_rgb, encode

    return encode(drawn_print_rgb(seed=seed))


@pytest.fixture
def seeded(clinic_data_dir: Path) -> Store:
    """A patient with two visits, each a photo of a left and a right print."""
    store = Store(data_dir=clinic_data_dir)
    store.create_patient("P-1", name="Test Person", birth_year=2012, notes="<b>bold?</b> **stars**")
    for k, seed in enumerate((0, 1)):
        records.record_visit(
            store,
            "P-1",
            _drawn_jpeg(seed),
            visit_date=date(2024, 1 + k, 10),
            note=f"<script>alert({k})</script>",
        )
    return store


def _page(module: str) -> AppTest:
    at = AppTest.from_string(
        f"from footprint.ui.clinic import {module}\n{module}.page()\n", default_timeout=TIMEOUT
    )
    return at.run()


def _texts(at: AppTest) -> str:
    return page_texts(at)


# --------------------------------------------------------------------------- #
def test_pages_are_listed_for_navigation() -> None:
    at = AppTest.from_string(
        "import streamlit as st\n"
        "from footprint.ui.clinic import pages\n"
        "ps = pages()\n"
        "st.text('|'.join(p.title for p in ps))\n"
        "st.text('|'.join(p.url_path for p in ps))\n",
        default_timeout=TIMEOUT,
    ).run()
    assert not at.exception
    assert at.text[0].value == "Patients|Timeline|Add visit|Compare prints|Left vs right"
    assert len(set(at.text[1].value.split("|"))) == 5


def test_patients_page_create_search_edit_export_delete(clinic_data_dir: Path) -> None:
    at = _page("patients")
    assert not at.exception
    assert "No patients yet" in _texts(at)
    form_inputs = {t.label: t for t in at.text_input}
    form_inputs["Code (pseudonymous)"].input("../../etc")
    form_inputs["Name (optional)"].input("<img src=x onerror=alert(1)>")
    at.text_area[0].input("first visit soon")
    next(b for b in at.button if b.label == "Create patient").click()
    at.run()
    assert not at.exception
    store = Store(data_dir=clinic_data_dir)
    p = store.get_patient("../../etc")
    assert p.name == "<img src=x onerror=alert(1)>" and p.notes == "first visit soon"
    # the name is shown in a table (plain text), never as HTML
    assert not at.get("html")
    assert "<img" not in "".join(m.value for m in at.markdown)
    table = at.dataframe[0].value
    assert list(table["Code"]) == ["../../etc"]
    # search for something else: no match
    at.text_input(key="patient_search").input("nobody")
    at.run()
    assert "No patient matches" in "\n".join(t.value for t in at.text)
    at.text_input(key="patient_search").input("")
    at.run()
    # edit the code
    edit = [t for t in at.text_input if t.label == "Code"][0]
    edit.input("P-77")
    next(b for b in at.button if b.label == "Save changes").click()
    at.run()
    assert not at.exception
    assert store.get_patient("P-77").notes == "first visit soon"
    labels = [b.label for b in at.get("download_button")]
    assert any("Export full record" in lab for lab in labels)
    # delete needs the code typed
    delete = next(b for b in at.button if b.label.startswith("Delete patient"))
    assert delete.disabled
    at.text_input(key="delete_confirm").input("P-77")
    at.run()
    next(b for b in at.button if b.label.startswith("Delete patient")).click()
    at.run()
    assert not at.exception
    assert "Deleted 0 visits" in _texts(at)
    assert store.search_patients() == []


def test_timeline_page_shows_visits_trends_and_plain_notes(seeded: Store) -> None:
    at = _page("timeline")
    assert not at.exception
    assert len(at.get("plotly_chart")) == 3
    assert len(at.get("image")) == 2  # one thumbnail per visit
    assert len(at.dataframe) == 2
    texts = [t.value for t in at.text]
    assert "<script>alert(1)</script>" in texts  # shown verbatim, as text
    assert "<script>" not in "".join(m.value for m in at.markdown)
    assert "Adult cut-offs" in _texts(at)


def test_add_visit_page_uploads_analyses_and_stores(seeded: Store) -> None:
    at = _page("add_visit")
    assert not at.exception
    at.text_area(key="visit_note").input("after orthotics")
    at.file_uploader(key="visit_upload").upload("jane-doe/left.jpg", _drawn_jpeg(2), "image/jpeg")
    at.run()
    next(b for b in at.button if b.label == "Analyse and save visit").click()
    at.run()
    assert not at.exception
    assert not at.error
    assert "with 2 foot result(s)" in _texts(at)
    visits = seeded.visits("P-1")
    assert len(visits) == 3 and visits[-1].note == "after orthotics"
    (pr,) = visits[-1].prints
    assert "jane" not in pr.file_name and pr.capture["source"] == "upload"
    assert {r.side for r in pr.results} == {"left", "right"}


def test_add_visit_page_bad_photo_stores_nothing(seeded: Store) -> None:
    at = _page("add_visit")
    at.file_uploader(key="visit_upload").upload("x.jpg", b"\xff\xd8\xff not a jpeg", "image/jpeg")
    at.run()
    next(b for b in at.button if b.label == "Analyse and save visit").click()
    at.run()
    assert not at.exception
    assert len(at.error) == 1 and "Traceback" not in at.error[0].value
    assert len(seeded.visits("P-1")) == 2


def test_compare_page_aligns_two_visits(seeded: Store) -> None:
    at = _page("compare_page")
    assert not at.exception
    assert not at.error
    assert len(at.get("image")) == 3  # overlay, contact and intensity differences
    changes = at.dataframe[0].value
    assert "Arch index" in list(changes["Measure"])
    assert {"Before", "After", "Change", "Repeatability", "Beyond noise"} <= set(changes.columns)
    assert any(b.label == "Comparison report (PDF)" for b in at.get("download_button"))
    # no scale reference in these photos: said so
    assert any("no A4/Letter sheet" in w.value for w in at.warning)


def test_compare_page_needs_two_prints(clinic_data_dir: Path) -> None:
    store = Store(data_dir=clinic_data_dir)
    store.create_patient("P-2")
    records.record_visit(store, "P-2", _drawn_jpeg(0))
    at = _page("compare_page")
    assert not at.exception
    assert "needs two prints" in _texts(at)


def test_left_right_page_shows_symmetry(seeded: Store) -> None:
    at = _page("left_right")
    assert not at.exception
    assert not at.error
    table = at.dataframe[0].value
    row = table[table["Measure"] == "Arch index"].iloc[0]
    assert row["Symmetry index"].endswith("%")
    (v,) = [v for v in seeded.visits("P-1") if v.visit_date == date(2024, 2, 10)]
    res = {r.side: r for r in v.prints[0].results}
    expected = (
        abs(res["left"].arch_index - res["right"].arch_index)
        / (0.5 * (res["left"].arch_index + res["right"].arch_index))
        * 100
    )
    assert row["Symmetry index"] == f"{expected:.1f} %"
    assert len(at.get("image")) == 1  # mirrored overlay


# --------------------------------------------------------------------------- #
# access gate
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"server_address": "localhost"}, Access.OPEN),
        ({"server_address": "127.0.0.1"}, Access.OPEN),
        ({"server_address": "::1"}, Access.OPEN),
        ({"server_address": "localhost", "force_login": True}, Access.CLOSED),
        ({"server_address": "0.0.0.0"}, Access.CLOSED),
        ({"server_address": None}, Access.CLOSED),
        ({"server_address": "0.0.0.0", "password_hash": "scrypt$x"}, Access.PASSWORD),
        (
            {"server_address": "0.0.0.0", "password_hash": "scrypt$x", "password_ok": True},
            Access.OPEN,
        ),
        ({"server_address": "10.0.0.5", "oidc_configured": True}, Access.OIDC_LOGIN),
        (
            {"server_address": "10.0.0.5", "oidc_configured": True, "oidc_logged_in": True},
            Access.OPEN,
        ),
    ],
)
def test_access_decision(kwargs: dict, expected: Access) -> None:
    base = {
        "server_address": None,
        "oidc_configured": False,
        "oidc_logged_in": False,
        "password_hash": None,
        "password_ok": False,
    }
    assert decide(**{**base, **kwargs}) is expected


def test_password_hash_round_trip() -> None:
    assert PASSWORD_HASH.startswith("scrypt$32768$8$1$")
    assert verify_password(PASSWORD, PASSWORD_HASH)
    assert not verify_password(PASSWORD + " ", PASSWORD_HASH)
    assert not verify_password(PASSWORD, PASSWORD_HASH.replace("scrypt", "md5"))
    assert not verify_password(PASSWORD, "scrypt$garbage")
    assert not verify_password(PASSWORD, "scrypt$3$8$1$AAAA$AAAA")  # N not a safe power of 2
    fresh = hash_password(PASSWORD)
    assert fresh != hash_password(PASSWORD)  # random salt
    assert verify_password(PASSWORD, fresh)
    with pytest.raises(ValueError, match="at least 10"):
        hash_password("short")


def test_network_served_clinic_pages_are_closed_without_a_login(
    seeded: Store,
    server_address,  # noqa: ANN001
) -> None:
    server_address("0.0.0.0")
    at = _page("patients")
    assert not at.exception
    assert "clinic pages are closed" in at.error[0].value
    assert not at.dataframe  # no patient data shown
    assert "P-1" not in _texts(at)


def test_network_served_clinic_pages_ask_for_the_password(
    seeded: Store,
    server_address,
    monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    server_address("0.0.0.0")
    monkeypatch.setenv(access.ENV_PASSWORD_HASH, PASSWORD_HASH)
    at = _page("timeline")
    assert not at.exception
    assert not at.dataframe and not at.get("plotly_chart")
    pw = at.text_input[0]
    assert pw.label == "Clinic password"
    pw.input("wrong password!")
    next(b for b in at.button if b.label == "Log in").click()
    at.run()
    assert "not right" in at.error[0].value
    assert not at.get("plotly_chart")
    at.text_input[0].input(PASSWORD)
    next(b for b in at.button if b.label == "Log in").click()
    at.run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 3  # the page itself now


def test_login_can_be_forced_on_localhost(seeded: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(access.ENV_REQUIRE_LOGIN, "1")
    monkeypatch.setenv(access.ENV_PASSWORD_HASH, PASSWORD_HASH)
    at = _page("left_right")
    assert not at.exception
    assert at.text_input[0].label == "Clinic password"
    assert not at.dataframe
