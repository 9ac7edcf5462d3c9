pytest_plugins = [
    "tests.fixtures.database",
    "tests.fixtures.gateway",
    "tests.fixtures.sandbox",
    "tests.fixtures.app",
    "tests.fixtures.redis_namespace",
    "tests.fixtures.redis_server",
    "tests.fixtures.smtp",
    "tests.browser.fixtures",
]
