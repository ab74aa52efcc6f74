"""The widget and the REST API as channels: each binds its module-level router to the runtime (deps.bind), and
their askers fetch advisors' replies (stored, then pushed to waiting live streams)."""
from __future__ import annotations

from ..gateway import StoredReplySender
from . import rest_api, widget_api
from .deps import ApiParts, WebChannel, WebParts, WidgetParts, bind


class WidgetChannel:
    name = WebChannel.WIDGET

    def routes(self, rt):
        return bind(widget_api.router, web=WebParts(rt.settings, rt.gateway, rt.bus),
                    widget=WidgetParts.of(rt.settings))

    def sender(self, rt):
        return StoredReplySender(rt.db, rt.bus)


class ApiChannel:
    name = WebChannel.API

    def routes(self, rt):
        return bind(rest_api.router, web=WebParts(rt.settings, rt.gateway, rt.bus), api=ApiParts.of(rt.settings))

    def sender(self, rt):
        return StoredReplySender(rt.db, rt.bus)
