"""Claims tracker: link the claims of health copy to the sources that support them."""

__version__ = "0.1.0"
