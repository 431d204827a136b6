"""briefing: turn news feeds into sourced policy briefings."""

__version__ = "0.1.0"
