"""The app's tabs, one module each (ask, documents, compare), and what they share (common)."""
