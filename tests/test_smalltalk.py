"""A kind conversation: greetings, thanks and 'what can you do?' said to the bot; left alone in a room."""

from __future__ import annotations


async def test_greetings_and_thanks_get_a_short_friendly_answer_in_a_dm(chat):
    [hello] = await chat.dm("Hoi!")
    assert hello.text.startswith("Hoi! Vraag me wie ervaring heeft") and "!hulp" in hello.text
    [hi] = await chat.dm("hello there")
    assert hi.text.startswith("Hi! Ask me who has experience")
    [thanks] = await chat.dm("Dank je wel!")
    assert thanks.text == "Graag gedaan! Succes ermee."
    [cheers] = await chat.dm("thanks a lot")
    assert cheers.text.startswith("You're welcome")


async def test_what_people_say_to_a_person_gets_a_kind_word_back_not_a_search(chat):
    said = {"tot ziens": "Tot ziens!", "doei": "Tot ziens!", "fijne dag nog!": "Tot ziens!", "bye": "Bye!",
            "dankjewel voor je hulp": "Graag gedaan!", "super, dankje": "Graag gedaan!",
            "oke": "Fijn!", "ja": "Fijn!", "got it": "Good!",
            "hoe gaat het met je?": "Goed, dank je!", "how are you?": "Fine, thanks!",
            "dat klopt niet": "Sorry!", "nee, dat bedoel ik niet": "Sorry!", "dit helpt niet echt": "Sorry!",
            "that's not right": "Sorry! Try other words",
            "hallo, ik heb een vraag": "Graag! Vraag me wie ervaring heeft",
            "do you speak english?": "Yes: ask me in English", "kun je ook in het Nederlands?": "Ja: vraag me"}
    for message, opening in said.items():
        [reply] = await chat.dm(message)
        assert reply.text.startswith(opening), (message, reply.text)
    [sorry] = await chat.dm("dat klopt niet")
    assert "!haal <je vraag>" in sorry.text


async def test_such_a_phrase_beside_a_topic_is_a_question(chat):
    [reply] = await chat.dm("dat klopt niet, wie weet iets van zorgkantoren?")
    assert reply.text.startswith("Over zorgkantoren vond ik:")
    [thanks] = await chat.dm("bedankt voor de tip over zorgkantoren")
    assert not thanks.text.startswith("Graag gedaan")


async def test_a_newcomer_saying_hello_is_welcomed_not_searched_for(chat):
    [dutch] = await chat.dm("Goedemorgen! Ik ben nieuw hier.")
    assert dutch.text.startswith("Welkom! Vraag me wie ervaring heeft") and "!hulp" in dutch.text
    [english] = await chat.dm("Hello, I'm Anne from Topaz")
    assert english.text.startswith("Welcome! Ask me who has experience") and "!help" in english.text
    [work] = await chat.dm("Hoi! Ik werk bij Topaz als verpleegkundige. Bedankt!")
    assert work.text.startswith("Welkom!")
    [more] = await chat.dm("Hallo! Ik ben Sanne, teamleider bij een verpleeghuis in Zwolle. Net lid geworden.")
    assert more.text.startswith("Welkom!")


async def test_a_greeting_with_a_request_or_a_story_is_still_a_question(chat):
    [looking] = await chat.dm("Hoi, ik ben op zoek naar iemand die ervaring heeft met zorgkantoren")
    assert looking.text.startswith("Over zorgkantoren vond ik:")
    for story in ("Hoi, ik ben mantelzorger en mijn moeder mag 's avonds niet meer naar buiten.",
                  "Hoi, ik ben mantelzorger en mijn moeder wordt vastgebonden",
                  "Hallo! Ik ben benieuwd naar het addendum.", "Hoi! Ik ben nieuw hier, wat kun je?"):
        [reply] = await chat.dm(story)
        assert not reply.text.startswith(("Welkom", "Hoi!")), story


async def test_in_a_room_a_greeting_is_for_the_people_there(chat):
    assert await chat.say("Goedemorgen allemaal!") == []
    assert await chat.say("bedankt!") == []
    assert await chat.say("Hoi allemaal! Ik ben Anne, nieuw in het team.") == []


async def test_a_greeting_with_a_topic_is_still_a_question(chat):
    [reply] = await chat.dm("hoi, wie heeft ervaring met zorgkantoren?")
    assert reply.text.startswith("Over zorgkantoren vond ik:")
    [dm_topic] = await chat.dm("hallo zorgkantoren")
    assert "zorgkantoren" in dm_topic.text.lower() and not dm_topic.text.startswith("Hoi!")


async def test_what_can_you_do_gets_the_overview_in_its_language(chat):
    [dutch] = await chat.dm("Wat kun je allemaal?")
    assert dutch.text.startswith("Ik ben Verbinder") and "!vraag" in dutch.text and "(!ask, !who)" in dutch.text
    [english] = await chat.dm("what can you do?")
    assert english.text.startswith("I am Verbinder") and "!ask" in english.text and "(!vraag, !wie)" in english.text
    for dutch in ("help", "hulp nodig", "hoe werkt dit?", "wat doe jij precies?", "ben jij een robot?"):
        assert (await chat.dm(dutch))[0].text.startswith("Ik ben Verbinder"), dutch
    for english in ("help me", "how does this work?", "are you a bot?"):
        assert (await chat.dm(english))[0].text.startswith("I am Verbinder"), english


async def test_help_answers_in_the_language_of_its_command_word(chat):
    assert (await chat.say("!help"))[0].text.startswith("I am Verbinder")
    assert (await chat.say("!hulp"))[0].text.startswith("Ik ben Verbinder")
