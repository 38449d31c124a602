"""What every transport and handler shares, with no I/O: messages and replies, dispatch, roles, text."""
