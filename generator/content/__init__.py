"""Content: the files of content/ -> the checked, immutable model (sources, front matter,
fields, the `when` grammar, Markdown, git history, validation)."""
