"""What is due when (pure, the clock passed in), and the loop that posts it through the transport."""
