"""The web channels: the embeddable chat widget (``/widget``) and the partner REST API (``/api/v1``)."""
from .channel import ApiChannel, WidgetChannel

__all__ = ["ApiChannel", "WidgetChannel"]
