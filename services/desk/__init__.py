"""The one-stop desk: officers' actions, queue, statistics, posters, settings."""
