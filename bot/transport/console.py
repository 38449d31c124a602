"""Chatting with the bot in a terminal, through the same dispatch as Matrix.

Reads lines from stdin (typed or piped) and prints one reply block per line,
so admins can script it and tests can drive it.
"""

from __future__ import annotations

import sys
from typing import TextIO

from bot.core.dispatch import Dispatcher
from bot.core.messages import Message
from bot.transport.lines import read_lines

PROMPT = "jij> "


async def chat(dispatcher: Dispatcher, user_id: str, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> None:
    number = 0
    async for text in read_lines(stdin, PROMPT, stdout):
        number += 1
        message = Message(sender=user_id, room_id="!console", text=text, event_id=f"$console-{number}", addressed=True)
        replies = await dispatcher.dispatch(message)
        for reply in replies:
            stdout.write(reply.text + "\n\n")
            if reply.attachment:
                stdout.write(f"[{reply.attachment.filename}: {len(reply.attachment.data)} bytes]\n\n")
        if not replies:
            stdout.write("(geen antwoord)\n\n")
        stdout.flush()
