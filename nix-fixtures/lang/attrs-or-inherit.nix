let or = 5; in { inherit or; }
