"""Scrape jobs from ``metrics-endpoint`` relation data: bounded reading, checking, rendering. Pure."""
