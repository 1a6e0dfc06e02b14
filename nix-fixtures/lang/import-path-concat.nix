import (./helpers + "/value.nix")
