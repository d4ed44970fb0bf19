"""The JSON API (``/api/v1``): tokens, the OpenAPI document, and the core's resources."""
