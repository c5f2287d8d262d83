"""The generated SECRET_KEY is one for every worker, whichever writes first, and never
readable by others, not even for a moment."""

from __future__ import annotations

import stat

from lithloop import config


def test_workers_starting_together_share_the_first_key(monkeypatch, tmp_path):
    """Another worker writes its key between this one's check and its write (gunicorn
    starts four at once): this one must use that key, not overwrite it with its own."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    path = tmp_path / "secret_key"
    real = config.secrets.token_urlsafe

    def other_worker_first(n):
        if not path.exists():
            path.write_text("key-of-the-worker-that-was-first")
        return real(n)

    monkeypatch.setattr(config.secrets, "token_urlsafe", other_worker_first)
    assert config._secret_key(tmp_path) == "key-of-the-worker-that-was-first"
    assert path.read_text() == "key-of-the-worker-that-was-first"
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


def test_a_new_key_is_the_owners_alone_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config._secret_key(tmp_path)
    assert len(first) >= 48 and config._secret_key(tmp_path) == first
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
