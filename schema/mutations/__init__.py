"""The mutations: each takes one `input` and returns a payload with its result and `userErrors`."""
