pytest_plugins = [
    "tests.fixtures.database",
    "tests.fixtures.gateway",
    "tests.fixtures.sandbox",
    "tests.fixtures.app",
    "tests.browser.fixtures",
]
