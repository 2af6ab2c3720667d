"""techpact: a warehouse of Techniekpact indicators from CBS StatLine and DUO open data."""

__version__ = "0.1.0"
