"""Charm options: the table of config.yaml's options, their parsers and the typed CharmConfig."""
