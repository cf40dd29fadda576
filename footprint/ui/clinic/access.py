"""Who may open the clinic pages: pure decisions, no Streamlit.

Rules (see ``docs/clinic.md``)
------------------------------
* Served on localhost only (Streamlit's ``server.address`` is ``localhost``,
  ``127.0.0.1`` or ``::1``; the project's ``.streamlit/config.toml`` sets this):
  the clinic pages are open, as for any desktop program, unless
  ``FOOTPRINT_CLINIC_REQUIRE_LOGIN=1`` asks for a login anyway.
* Served to a network (any other address, or none set, which means all
  interfaces): a login is required.

  - With an OpenID Connect provider configured in ``.streamlit/secrets.toml``
    (an ``[auth]`` section), Streamlit's ``st.login`` is used.
  - Otherwise, with ``FOOTPRINT_CLINIC_PASSWORD_HASH`` set, a password form is
    shown; the password is checked against a salted scrypt hash made by
    ``footprint db hash-password`` with :func:`hmac.compare_digest`.
  - With neither, the clinic pages stay closed.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import os
import secrets

#: Environment variable holding the clinic password hash (``scrypt$...``).
ENV_PASSWORD_HASH = "FOOTPRINT_CLINIC_PASSWORD_HASH"
#: Environment variable that forces a login even on localhost (``1``/``true``).
ENV_REQUIRE_LOGIN = "FOOTPRINT_CLINIC_REQUIRE_LOGIN"

#: Addresses that only this computer can reach.
LOCAL_ADDRESSES: frozenset[str] = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})

#: scrypt cost parameters: N (CPU/memory cost, power of two), r (block size),
#: p (parallelism). N=2**15, r=8 uses 32 MiB and ~0.1 s per check, within
#: OWASP's recommended minimum (N=2**17 at p=1 or equivalent trade-offs).
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
#: Bytes of random salt and of derived key.
SALT_BYTES = 16
KEY_BYTES = 32
_MAXMEM = 64 * 1024 * 1024


class Access(enum.Enum):
    """What a clinic page should do for the current visitor."""

    OPEN = "open"
    """Local use, or already logged in: show the page."""
    OIDC_LOGIN = "oidc_login"
    """Show a log-in button that calls ``st.login``."""
    PASSWORD = "password"
    """Show the password form."""
    CLOSED = "closed"
    """Served to a network with no login configured: refuse."""


def is_local_address(address: str | None) -> bool:
    """True when the server listens on a loopback address only."""
    return bool(address) and str(address).strip().lower() in LOCAL_ADDRESSES


def login_forced(env: dict[str, str] | None = None) -> bool:
    """True when ``FOOTPRINT_CLINIC_REQUIRE_LOGIN`` asks for a login on localhost too."""
    env = os.environ if env is None else env
    return env.get(ENV_REQUIRE_LOGIN, "").strip().lower() in ("1", "true", "yes", "on")


def decide(
    *,
    server_address: str | None,
    oidc_configured: bool,
    oidc_logged_in: bool,
    password_hash: str | None,
    password_ok: bool,
    force_login: bool = False,
) -> Access:
    """Decide what a clinic page shows.

    Parameters
    ----------
    server_address : str or None
        Streamlit's ``server.address`` option (None: all interfaces).
    oidc_configured : bool
        An ``[auth]`` section exists in the secrets.
    oidc_logged_in : bool
        ``st.user.is_logged_in``.
    password_hash : str or None
        Value of ``FOOTPRINT_CLINIC_PASSWORD_HASH``.
    password_ok : bool
        The visitor entered the right password in this session.
    force_login : bool
        Require a login even on localhost.
    """
    if is_local_address(server_address) and not force_login:
        return Access.OPEN
    if oidc_configured:
        return Access.OPEN if oidc_logged_in else Access.OIDC_LOGIN
    if password_hash:
        return Access.OPEN if password_ok else Access.PASSWORD
    return Access.CLOSED


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """A salted scrypt hash: ``scrypt$N$r$p$<salt>$<key>`` (URL-safe base64).

    Parameters
    ----------
    password : str
        The clinic password; at least 10 characters.
    salt : bytes, optional
        For tests only; a fresh random salt is drawn by default.
    """
    if len(password) < 10:
        raise ValueError("Choose a password of at least 10 characters.")
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    key = hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
        maxmem=_MAXMEM,
        dklen=KEY_BYTES,
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    """Check ``password`` against a :func:`hash_password` string (constant-time compare).

    A malformed hash never matches.
    """
    try:
        scheme, n, r, p, salt_b64, key_b64 = stored.strip().split("$")
        if scheme != "scrypt":
            return False
        n_, r_, p_ = int(n), int(r), int(p)
        if n_ < 2**14 or n_ > 2**20 or n_ & (n_ - 1) or not 1 <= r_ <= 32 or not 1 <= p_ <= 16:
            return False
        salt, key = _unb64(salt_b64), _unb64(key_b64)
        candidate = hashlib.scrypt(
            password.encode("utf-8"),
            salt=salt,
            n=n_,
            r=r_,
            p=p_,
            maxmem=max(_MAXMEM, 256 * n_ * r_),
            dklen=len(key),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(candidate, key)
