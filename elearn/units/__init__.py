"""The tree of party organisations (province > district > commune > cell)."""
