"""Turning a document context into HTML, PDF and Factur-X XML: pure, no database."""
