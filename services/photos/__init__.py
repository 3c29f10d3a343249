"""Photos of papers: cleaning, the one way in, where the files live."""
