"""Who may see what: roles from the config, raised by presence and power in network rooms."""

from __future__ import annotations

from bot.config import Config
from bot.core.messages import Role
from bot.core.roles import role_from_config, role_with_membership
from bot.logs import redact

CONFIG = Config(admins=("@boss:example.org",), coordinators=("@coco:example.org",), allowed_servers=("example.org",))


def test_roles_from_the_config():
    assert role_from_config(CONFIG, "@boss:example.org") == Role.ADMIN
    assert role_from_config(CONFIG, "@coco:example.org") == Role.COORDINATOR
    assert role_from_config(CONFIG, "@anyone:example.org") == Role.MEMBER
    assert role_from_config(CONFIG, "@anyone:elsewhere.net") == Role.STRANGER


def test_network_rooms_make_members_and_power_makes_coordinators():
    assert role_with_membership(CONFIG, "@guest:elsewhere.net", in_network_room=True) == Role.MEMBER
    assert role_with_membership(CONFIG, "@mod:elsewhere.net", in_network_room=True, power_level=50) == Role.COORDINATOR
    assert role_with_membership(CONFIG, "@boss:example.org", in_network_room=True, power_level=0) == Role.ADMIN


def test_log_lines_never_carry_tokens_or_known_secrets():
    line = 'GET /sync?access_token=abc123 {"access_token": "syt_dmVyYmluZGVy_abcdef_123"} pw=hunter2'
    cleaned = redact(line, ["hunter2"])
    assert "abc123" not in cleaned and "syt_" not in cleaned and "hunter2" not in cleaned
