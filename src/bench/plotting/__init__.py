"""The leaf every figure uses: the shared style and layout helpers (``style``) and one stable colour per
generator (``colours``)."""
