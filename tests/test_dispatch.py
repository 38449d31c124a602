"""The dispatcher's own paths: who may use a route, a handler that fails, text that is not for the bot."""

from __future__ import annotations

from bot.config import Config
from bot.core.dispatch import Context, Dispatcher, Request, Route
from bot.core.formatting import simple
from bot.core.messages import Message, Reply, Role
from bot.core.roles import fixed_role


async def echo(request: Request, context: Context) -> list[Reply]:
    return [simple(f"{request.command}:{request.args}:{request.lang}")]


async def broken(request: Request, context: Context) -> list[Reply]:
    raise RuntimeError("bug")


ROUTES = [Route("echo", echo, {"echo": "", "zeg": "nl", "say": "en"}, min_role=Role.COORDINATOR),
          Route("broken", broken, {"stuk": "nl", "broken": "en"})]


def dispatcher(role: Role) -> Dispatcher:
    return Dispatcher(Context(Config(), None, ROUTES), fixed_role(role))


async def say(role: Role, text: str, addressed: bool = False) -> list[str]:
    replies = await dispatcher(role).dispatch(Message("@u:example.org", "!r", text, "$e", addressed=addressed))
    return [reply.text for reply in replies]


async def test_a_route_above_the_askers_role_is_refused_in_their_language():
    assert await say(Role.MEMBER, "!zeg hallo") == ["Dit is alleen voor coördinatoren."]
    assert await say(Role.MEMBER, "!say hello") == ["This is for coordinators only."]
    assert await say(Role.COORDINATOR, "!say hello") == ["say:hello:en"]


async def test_a_failing_handler_gets_a_kind_message_not_silence():
    assert await say(Role.MEMBER, "!stuk") == [
        "Er ging iets mis bij het beantwoorden. De beheerder kan het in het logboek terugvinden."]
    assert (await say(Role.MEMBER, "!broken"))[0].startswith("Something went wrong")


async def test_invisible_characters_and_spacing_do_not_hide_a_command():
    assert await say(Role.ADMIN, "\u200b  !echo   wie   ben\u200b jij") == ["echo:wie ben jij:nl"]


async def test_chatter_and_other_bots_commands_are_left_alone_in_a_room():
    assert await say(Role.ADMIN, "goedemorgen allemaal") == []
    assert await say(Role.ADMIN, "!weather Utrecht") == []
    assert (await say(Role.ADMIN, "!weather Utrecht", addressed=True))[0].startswith("Dat commando ken ik niet")


async def test_an_unknown_command_is_quoted_short():
    [reply] = await say(Role.MEMBER, "!" + "x" * 4_000, addressed=True)
    assert len(reply) < 150 and "x" * 39 + "…" in reply
