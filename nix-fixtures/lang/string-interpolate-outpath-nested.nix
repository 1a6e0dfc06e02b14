let o = { outPath = { outPath = "deep"; }; }; in "${o}"
