"""R itself: its syntax (lexer), number formatting and the loess smoother kerasr draws."""
