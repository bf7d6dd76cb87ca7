"""massage-coach: an offline voice coach for a self neck massage."""

__version__ = "0.1.0"
