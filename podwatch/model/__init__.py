"""Pure-Python model: the store of watched objects and what is derived from it.

Nothing here imports Textual; widgets read the derived views only.
"""
