"""The clinic login gate with an OpenID Connect ``[auth]`` section, with or without Authlib.

``st.login`` needs the optional Authlib package (extra ``footprint[oidc]``). Without
it the gate must say how to fix the set-up instead of offering a Log in button
that fails on the click; with it, the button is shown. The test checks whichever
case this environment has (Authlib is not installed in the development venv).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from footprint.store import ENV_DATA_DIR, ENV_DB_URL, Store
from footprint.ui.clinic import access, gate

AUTH = {
    "redirect_uri": "https://footprint.example.org/oauth2callback",
    "cookie_secret": "a test cookie secret that is long enough",
    "client_id": "footprint-test",
    "client_secret": "not-a-real-secret",
    "server_metadata_url": "https://id.example.org/.well-known/openid-configuration",
}


@pytest.fixture
def network_served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    """A patient in a real SQLite file, and the app served to the network."""
    data_dir = tmp_path / "clinic-data"
    monkeypatch.setenv(ENV_DATA_DIR, str(data_dir))
    monkeypatch.delenv(ENV_DB_URL, raising=False)
    monkeypatch.delenv(access.ENV_PASSWORD_HASH, raising=False)
    monkeypatch.delenv(access.ENV_REQUIRE_LOGIN, raising=False)
    Store(data_dir=data_dir).create_patient("P-SECRET", name="Hidden Name")
    before = st_config.get_option("server.address")
    st_config.set_option("server.address", "0.0.0.0")
    yield data_dir
    st_config.set_option("server.address", before)


def test_oidc_gate_needs_authlib_or_says_how_to_install_it(network_served: Path) -> None:
    at = AppTest.from_string(
        "from footprint.ui.clinic import patients\npatients.page()\n", default_timeout=60
    )
    at.secrets["auth"] = AUTH
    at.run()
    assert not at.exception
    shown = "\n".join(str(e.value) for e in [*at.error, *at.info, *at.markdown])
    assert "P-SECRET" not in shown and not at.dataframe  # records stay hidden either way
    has_authlib = importlib.util.find_spec("authlib") is not None
    assert gate.authlib_available() is has_authlib
    buttons = [b.label for b in at.button]
    if has_authlib:
        assert "Log in" in buttons
        assert not at.error
    else:
        assert "Log in" not in buttons
        assert "Authlib" in at.error[0].value
        assert "footprint[oidc]" in at.error[0].value
        assert access.ENV_PASSWORD_HASH in at.error[0].value
