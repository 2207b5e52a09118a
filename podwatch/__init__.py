"""podwatch: why is this pod not taking traffic? Live, on one screen."""

__version__ = "0.1.0"
