b: j: q: [ "a${b}c" ''
  i ${j}
'' ./p/${q} <r> http://u.org 1.5 "\n" "$" ]
