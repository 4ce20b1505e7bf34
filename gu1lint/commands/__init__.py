"""The work behind each CLI command, kept apart so that the CLI module stays light."""
