pytest_plugins = [
    "tests.fixtures.database",
    "tests.fixtures.gateway",
    "tests.fixtures.sandbox",
    "tests.fixtures.app",
    "tests.fixtures.redis_namespace",
    "tests.fixtures.redis_server",
    "tests.browser.fixtures",
]
