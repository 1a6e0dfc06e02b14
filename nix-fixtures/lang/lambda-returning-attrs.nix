(x: { inherit x; y = x * 2; }) 4
