"""A citizen's dossier: drafts, submission, supplements, timeline, fees, retention."""
