"""projcat: validated Markdown project records -> accessible, theme-grouped static HTML."""

__version__ = "0.1.0"
