"""Network building blocks shared by every model family."""
