"""Settings for `make bench`: the app's own settings plus a ceiling view and a query counter."""

from config.settings import *  # noqa: F403
from config.settings import MIDDLEWARE

ROOT_URLCONF = "bench.urls"
# Outermost, so it counts every query a request makes, middleware included.
MIDDLEWARE = ["bench.middleware.count_queries", *MIDDLEWARE]
