((import ./lib.nix).mk { name = "all"; outputs = [ "out" "dev" ]; }).all
