"""How messages reach the dispatcher and replies leave: the console and Matrix."""
