let o = { __toString = self: "obj(${self.name})"; name = "n"; }; in "<${o}>"
