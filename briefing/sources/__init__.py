"""Sources: fetching (fetch), parsing (parse), sanitising (sanitize), full text (fulltext), ingest."""
