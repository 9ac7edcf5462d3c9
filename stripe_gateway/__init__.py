"""The only package that imports `stripe`: an async gateway returning portalql's own records."""
