let vals = [ 1 1.5 "s" ./p null false (x: x) [ ] { } ]; preds = with builtins; [ isInt isFloat isString isPath isNull isBool isFunction isList isAttrs ]; in map (p: map p vals) preds
