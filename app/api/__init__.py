"""The JSON API: the same services as the pages, described by OpenAPI."""
