"""The config file: mistakes are reported as config.yaml:LINE: message; secrets stay out of sight."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config
from tests.conftest import ROOT
from tests.test_yamlsrc import BOMB_REFUSED, alias_bomb


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path, **kwargs) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(path, **kwargs)
    return [str(p) for p in caught.value.problems]


def test_example_config_is_valid(monkeypatch):
    monkeypatch.setenv("VERBINDER_PASSWORD", "s3cret-pass")
    config = load_config(ROOT / "config.example.yaml", for_matrix=True)
    assert config.user_id.startswith("@") and config.password == "s3cret-pass"
    assert "s3cret-pass" not in repr(config)


def test_mistakes_are_named_by_line(tmp_path: Path):
    path = write(tmp_path, """\
homeserver: matrix.example.org
user_id: verbinder
network:
  admins: ["@admin:example.org"]
  alowed_servers: [example.org]
knowlege:
  path: knowledge
encryption_trust: everybody
""")
    found = problems(path)
    assert "config.yaml:1: homeserver: 'matrix.example.org' is not a homeserver URL like https://matrix.example.org" in found
    assert "config.yaml:2: user_id: 'verbinder' is not a Matrix user id like @verbinder:example.org" in found
    assert "config.yaml:5: unknown setting 'network.alowed_servers' (did you mean 'allowed_servers'?)" in found
    assert "config.yaml:6: unknown setting 'knowlege' (did you mean 'knowledge'?)" in found
    assert "config.yaml:8: encryption_trust: 'everybody' is not one of: members, all" in found


def test_missing_login_settings_for_matrix(tmp_path: Path):
    found = problems(write(tmp_path, "network:\n  allowed_servers: [example.org]\n"), for_matrix=True)
    assert any("missing setting 'homeserver'" in p for p in found)
    assert any("missing setting 'password_env (or password)'" in p for p in found)


def test_password_env_must_be_set_and_is_never_echoed(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("BOT_PW_TEST", raising=False)
    path = write(tmp_path, "homeserver: http://127.0.0.1:8008\nuser_id: '@bot:localhost'\npassword_env: BOT_PW_TEST\n")
    [problem] = problems(path, for_matrix=True)
    assert problem == "config.yaml:3: password_env: environment variable BOT_PW_TEST is not set (it should hold the bot's password)"


def test_relative_paths_are_taken_from_the_config_folder(tmp_path: Path):
    config = load_config(write(tmp_path, "store: state/bot.sqlite3\nknowledge:\n  path: kb\n"))
    assert config.store == tmp_path / "state/bot.sqlite3" and config.knowledge == tmp_path / "kb"


@pytest.mark.parametrize("setting", ["network:\n  admins: *l9\n", "events:\n  announce: *l9\n"])
def test_an_alias_bomb_as_a_value_is_named_by_line(tmp_path: Path, setting: str):
    started = time.perf_counter()
    [problem] = problems(write(tmp_path, alias_bomb() + setting))
    assert time.perf_counter() - started < 5
    file, line, message = problem.split(":", 2)
    assert file == "config.yaml" and line.isdigit() and message == f" {BOMB_REFUSED}"


def test_a_nested_list_is_quoted_short(tmp_path: Path):
    found = problems(write(tmp_path, alias_bomb(4) + "events:\n  announce: *l4\n"))
    [problem] = [p for p in found if "events.announce" in p]
    assert problem.startswith("config.yaml:7: events.announce: [[") and len(problem) < 200
