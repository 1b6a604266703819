from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "tianmu.inbox"
    label = "inbox"
    verbose_name = _("To-do inbox")

    def ready(self):
        from tianmu.core.context_processors import register_nav_badge
        from tianmu.inbox import items  # noqa: F401  (registers the built-in item sources)
        from tianmu.inbox.selectors import inbox_count

        register_nav_badge("inbox:inbox", lambda request: inbox_count(request.user))
