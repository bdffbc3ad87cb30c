"""The lab's tooling: the ``fedlab`` command that drives both apps and serves them."""
