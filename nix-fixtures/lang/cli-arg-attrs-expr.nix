{ cfg }: cfg // { z = true; }
