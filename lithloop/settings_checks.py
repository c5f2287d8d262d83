"""Start-up checks of the free-text settings: the secret key, host names and queue names.

Part of settings_values.check_settings: a wrong value stops start-up naming the variable and
what it takes (the secret key itself is never shown).
"""

from __future__ import annotations

import ipaddress
import re

from lithloop.settings_values import ConfigError, refuse

#: Words of the keys in examples, templates and tests: never a production key, however long.
PLACEHOLDER_WORDS = (
    "changeme",
    "changethis",
    "replaceme",
    "placeholder",
    "example",
    "notforproduction",
    "insecure",
    "yoursecret",
    "secretkey",
    "devkey",
)
SECRET_KEY_MIN_BYTES = 32
MAKE_A_KEY = "python -c 'import secrets; print(secrets.token_hex(32))'"
_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")
QUEUE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,199}")


def check_secret_key(key: str) -> None:
    """SECRET_KEY: at least 32 bytes and no known placeholder; the key itself never shown."""
    plain = re.sub(r"[^a-z0-9]", "", key.lower())
    if len(key.encode()) < SECRET_KEY_MIN_BYTES:
        why = f"{len(key.encode())} bytes, fewer than {SECRET_KEY_MIN_BYTES}"
    elif any(word in plain for word in PLACEHOLDER_WORDS) or len(set(key)) < 8:
        why = "a known placeholder, not a random key"
    else:
        return
    raise ConfigError(
        f"configuration: SECRET_KEY is not valid ({why}): expected a random key of at least "
        f"{SECRET_KEY_MIN_BYTES} bytes; make one with {MAKE_A_KEY} (or unset SECRET_KEY "
        "to use the key generated in the instance folder)"
    )


def _host(name: str, entry: str, expected: str, *, port: bool, subdomains: bool) -> None:
    """A host name or IP address (with a port and a leading dot only where allowed)."""
    host = entry[1:] if subdomains and entry.startswith(".") else entry
    if host.startswith("["):  # [IPv6] or [IPv6]:port
        inside, _, rest = host[1:].partition("]")
        host = inside if rest == "" or (port and re.fullmatch(r":\d{1,5}", rest)) else host
    elif port and re.fullmatch(r".+:\d{1,5}", host):
        host, _, number = host.rpartition(":")
        if not 1 <= int(number) <= 65535:
            raise refuse(name, entry, expected)
    try:
        ipaddress.ip_address(host)
        return
    except ValueError:
        pass
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise refuse(name, entry, expected) from None
    labels = ascii_host.split(".")
    if len(ascii_host) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise refuse(name, entry, expected)


def check_hosts_and_queues(config: dict) -> None:
    """Refuse TRUSTED_HOSTS, MAIL_SERVER/MAIL_PORT and the Celery queues that cannot work."""
    hosts = config.get("TRUSTED_HOSTS_EXTRA") or []
    for entry in hosts:
        expected = "host names separated by commas, such as 'lithloop.example.cn,.example.cn'"
        _host("TRUSTED_HOSTS", entry, expected, port=True, subdomains=True)
    if hosts and not config.get("PUBLIC_BASE_URL"):
        raise refuse("TRUSTED_HOSTS", ",".join(hosts), "PUBLIC_BASE_URL to be set too")
    server = str(config.get("MAIL_SERVER") or "")
    if server:
        expected = "a host name such as 'smtp.example.cn' (the port goes in MAIL_PORT)"
        _host("MAIL_SERVER", server, expected, port=False, subdomains=False)
    if not 1 <= int(config.get("MAIL_PORT") or 0) <= 65535:
        raise refuse("MAIL_PORT", str(config.get("MAIL_PORT")), "a port 1-65535 (default 25)")
    runs = str(config.get("CELERY_QUEUE") or "")
    queue_name = "a queue name of letters, digits and . _ : - such as 'lithloop'"
    if not QUEUE_NAME.fullmatch(runs):
        raise refuse("CELERY_QUEUE", runs, queue_name)
    housekeeping = str(config.get("CELERY_HOUSEKEEPING_QUEUE") or "")
    if housekeeping and not QUEUE_NAME.fullmatch(housekeeping):
        raise refuse("CELERY_HOUSEKEEPING_QUEUE", housekeeping, queue_name)
    if housekeeping == runs:
        raise refuse("CELERY_HOUSEKEEPING_QUEUE", housekeeping, "a queue other than CELERY_QUEUE")
