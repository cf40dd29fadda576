"""The login gate in front of every clinic page (decisions in :mod:`.access`)."""

from __future__ import annotations

import importlib.util
import logging
import os
import time

import streamlit as st

from footprint.ui.clinic.access import (
    ENV_PASSWORD_HASH,
    Access,
    decide,
    login_forced,
    verify_password,
)

log = logging.getLogger(__name__)

_OK_KEY = "clinic_password_ok"
_FAILS_KEY = "clinic_password_failures"
#: Pause after a wrong password [s], growing with repeated failures (slows guessing).
FAIL_DELAY_S = 1.0


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all
        return False


def _oidc_logged_in() -> bool:
    try:
        return bool(st.user.is_logged_in)
    except Exception:  # noqa: BLE001 - st.user without an auth section
        return False


def authlib_available() -> bool:
    """True when Authlib, which ``st.login`` needs, is importable (it is an optional extra)."""
    return importlib.util.find_spec("authlib") is not None


def current_access() -> Access:
    """What the current visitor may do (see :func:`footprint.ui.clinic.access.decide`)."""
    oidc = _oidc_configured()
    return decide(
        server_address=st.get_option("server.address"),
        oidc_configured=oidc,
        oidc_logged_in=oidc and _oidc_logged_in(),
        password_hash=os.environ.get(ENV_PASSWORD_HASH, "").strip() or None,
        password_ok=bool(st.session_state.get(_OK_KEY, False)),
        force_login=login_forced(),
    )


def require_access() -> None:
    """Show the page only to those allowed; otherwise draw the login and stop."""
    access = current_access()
    if access is Access.OPEN:
        if st.session_state.get(_OK_KEY) and st.sidebar.button("Log out of the clinic pages"):
            st.session_state[_OK_KEY] = False
            st.rerun()
        if _oidc_configured() and _oidc_logged_in():
            st.sidebar.button("Log out", on_click=st.logout)
        return
    st.title("Clinic records")
    if access is Access.OIDC_LOGIN and not authlib_available():
        # st.login would fail on the click with Streamlit's own error: say what to do instead
        log.error("An [auth] section is configured but Authlib is not installed")
        st.error(
            "The clinic login is set up (an [auth] section in .streamlit/secrets.toml) but "
            "the Authlib package it needs is not installed. Install it with "
            "`pip install 'footprint[oidc]'` (or `pip install Authlib`) and restart the app, "
            f"or use the clinic password instead ({ENV_PASSWORD_HASH}, see docs/clinic.md)."
        )
    elif access is Access.OIDC_LOGIN:
        st.info("The clinic pages hold patient records. Log in to continue.")
        st.button("Log in", on_click=st.login, type="primary")
    elif access is Access.PASSWORD:
        st.info("The clinic pages hold patient records. Enter the clinic password.")
        with st.form("clinic_login"):
            password = st.text_input("Clinic password", type="password")
            submitted = st.form_submit_button("Log in", type="primary")
        if submitted:
            stored = os.environ.get(ENV_PASSWORD_HASH, "")
            if verify_password(password, stored):
                st.session_state[_OK_KEY] = True
                st.session_state[_FAILS_KEY] = 0
                st.rerun()
            fails = int(st.session_state.get(_FAILS_KEY, 0)) + 1
            st.session_state[_FAILS_KEY] = fails
            log.warning("Wrong clinic password (%d in this session)", fails)
            time.sleep(min(FAIL_DELAY_S * fails, 10.0))
            st.error("That password is not right.")
    else:
        st.error(
            "The clinic pages are closed because this app is served to the network without a "
            "login. Configure an OpenID Connect login in .streamlit/secrets.toml, or set "
            f"{ENV_PASSWORD_HASH} (see docs/clinic.md); or run the app on localhost only."
        )
    st.stop()
