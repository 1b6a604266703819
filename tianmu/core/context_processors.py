"""Template context every page needs: the navigation the user's role may use."""


def navigation(request):
    return {}
