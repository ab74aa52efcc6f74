"""The widget and the REST API as channels: their askers fetch advisors' replies (stored, then pushed to
waiting live streams)."""
from __future__ import annotations

from ..gateway import StoredReplySender
from .rest_api import api_router
from .widget_api import widget_router


class WidgetChannel:
    name = "web"

    def routes(self, rt):
        return widget_router(rt.settings, rt.gateway, rt.bus)

    def sender(self, rt):
        return StoredReplySender(rt.db, rt.bus)


class ApiChannel:
    name = "api"

    def routes(self, rt):
        return api_router(rt.settings, rt.gateway)

    def sender(self, rt):
        return StoredReplySender(rt.db, rt.bus)
