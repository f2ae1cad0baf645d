"""The API's views: one per operation, each a thin call to the domain's selectors and services."""
