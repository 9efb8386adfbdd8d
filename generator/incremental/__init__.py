"""The incremental layer: page keys, the manifest of the previous build, the memos a
preview keeps and the on-disk store. The pipeline below it is written as if every build were cold."""
