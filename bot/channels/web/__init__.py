"""The web channels: the embeddable chat widget (``/widget``) and the partner REST API (``/api/v1``)."""
from .rest_api import api_router
from .widget_api import widget_router

__all__ = ["api_router", "widget_router"]
