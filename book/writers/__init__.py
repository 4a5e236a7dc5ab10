"""One writer per output: each takes the loaded publication (and the page map) and returns bytes."""
