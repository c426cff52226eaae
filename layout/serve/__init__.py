"""The live preview (`layout preview`): an ASGI app on loopback, a build worker, file watching."""
