# optionAttrSetToDocList: one entry per option, sub-options of submodules included. The
# descriptions of the built-in _module options are prose of each lib's own and not compared.
let
  lib = import <nixpkgs/lib>;
  t = lib.types;
  eval = lib.evalModules {
    modules = [
      {
        _file = "doc.nix";
        options.a = lib.mkOption { type = t.int; default = 1; description = "A."; example = 2; };
        options.hidden = lib.mkOption { type = t.str; visible = false; default = "h"; };
        options.items = lib.mkOption {
          type = t.attrsOf (t.submodule { options.v = lib.mkOption { type = t.bool; default = false; description = "V."; }; });
          default = { };
          description = "Items.";
        };
        options.text = lib.mkOption { type = t.lines; defaultText = lib.literalExpression "computed"; internal = true; };
      }
    ];
  };
in
map (d: removeAttrs d ([ "declarations" ] ++ lib.optional (lib.elem "_module" d.loc) "description")) (
  lib.optionAttrSetToDocList (removeAttrs eval.options [ "_module" ])
)
