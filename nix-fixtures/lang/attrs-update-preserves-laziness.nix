({ a = throw "left"; } // { b = 1; }).b
