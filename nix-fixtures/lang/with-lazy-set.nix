with (throw "unused with"); 42
