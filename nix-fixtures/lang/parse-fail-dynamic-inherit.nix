let b = 1; in { inherit "${"b"}"; }
