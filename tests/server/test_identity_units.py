"""Owner tokens, the acting owner, rate and slot limits, and `mlsql token` (no server needed)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from mlsql.cli.main import main
from mlsql.config import Config, ServerSettings
from mlsql.server.core.limits import OwnerSlots, RateLimiter
from mlsql.server.errors import ApiError
from mlsql.server.services.security import Identity, TokenTable, acting_owner, hash_token


def table(**settings: object) -> TokenTable:
    return TokenTable.from_settings(ServerSettings.model_validate(settings))


def test_tokens_map_to_owners_hashed_at_rest(tmp_path: Path) -> None:
    tokens_file = tmp_path / "tokens.toml"
    tokens_file.write_text(f'admins = ["ops"]\n[tokens]\nops = "sha256:{hash_token("o")}"\n')
    t = table(
        tokens={"alice": hash_token("a"), "bob": [hash_token("b1"), hash_token("b2")]},
        tokens_file=str(tokens_file),
    )
    assert t.enabled
    assert t.identify("a") == Identity("alice", admin=False)
    assert t.identify("b2") == Identity("bob", admin=False)
    assert t.identify("o") == Identity("ops", admin=True)
    for wrong in (None, "", "A", hash_token("a"), "b3"):
        assert t.identify(wrong) is None


def test_legacy_access_token_is_an_admin_and_no_token_is_open() -> None:
    legacy = table(access_token="old-token")
    assert legacy.identify("old-token") == Identity("admin", admin=True)
    assert not table().enabled


@pytest.mark.parametrize(
    "settings",
    [{"tokens": {"alice": "not-hex"}}, {"tokens": {"../x": hash_token("x")}}],
)
def test_malformed_token_entries_fail_at_start(settings: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        table(**settings)


def test_acting_owner() -> None:
    alice, ops = Identity("alice"), Identity("ops", admin=True)
    assert acting_owner(alice, None) == "alice"
    assert acting_owner(alice, "alice") == "alice"
    assert acting_owner(ops, "bob") == "bob"
    with pytest.raises(ApiError) as info:
        acting_owner(alice, "bob")
    assert info.value.status == 403 and "owner_mismatch" in info.value.message
    with pytest.raises(ApiError):
        acting_owner(ops, "../etc")


def test_policy_for_merges_owner_over_default() -> None:
    config = Config.load(
        security={
            "default_policy": {"requests_per_minute": 10, "allow_reflection": False},
            "owners": {"alice": {"allow_reflection": True}},
        }
    )
    alice = config.security.policy_for("alice")
    assert alice.allow_reflection and alice.requests_per_minute == 10
    assert not config.security.policy_for("bob").allow_reflection


def test_rate_limiter_refills() -> None:
    rate = RateLimiter()
    assert [rate.retry_after("a", 2) for _ in range(2)] == [None, None]
    wait = rate.retry_after("a", 2)
    assert wait is not None and 0 < wait <= 30
    assert rate.retry_after("b", 2) is None
    assert rate.retry_after("a", 0) is None


def test_owner_slots_park_and_release() -> None:
    slots: OwnerSlots[str] = OwnerSlots(lambda owner: 1 if owner == "a" else 0)
    assert slots.try_start("a") and not slots.try_start("a")
    slots.park("a", "job-2")
    assert slots.try_start("b") and slots.try_start("b")
    assert slots.finish("a") == "job-2"
    assert slots.running("a") == 0 and slots.finish("a") is None


def test_token_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("abc\n"))
    assert main(["token", "hash"]) == 0
    assert capsys.readouterr().out.strip() == hash_token("abc")
    assert main(["token", "new", "alice"]) == 0
    out = capsys.readouterr().out
    token = out.split(": ", 1)[1].splitlines()[0]
    assert f'alice = "{hash_token(token)}"' in out
    assert main(["token", "new", "../x"]) == 2
