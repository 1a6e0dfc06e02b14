let check = v: assert v > 0; v; in check (-1)
