let o = { __toString = self: { outPath = "via-outpath"; }; }; in "${o}"
