# The module system: `evalModules` and the definition properties (mkIf, mkMerge,
# mkOverride, mkOrder) it resolves.
#
# Evaluation in four steps:
#
#   1. collect   Load every module (calling functions with the module arguments), follow
#                `imports` breadth-first, drop duplicates by `key` and what `disabledModules`
#                names. Imports must not depend on `config`.
#   2. merge     Walk the option tree of all modules at once. Where some module declares an
#                option, that option's declarations are merged (one type, first default, …)
#                and its definitions collected; elsewhere definitions are pushed down through
#                mkIf/mkMerge/mkOverride into the sub-tree, so a condition is never forced
#                before its option is read.
#   3. value     Per option: discharge mkIf/mkMerge, keep the definitions of the highest
#                priority (lowest number), sort by mkOrder, check them against the type and
#                merge them. The option's default is a definition of priority 1500.
#   4. check     Definitions that reached no option are an error (unless `_module.check`
#                is false), or, with `_module.freeformType`, merged with that type.
{ lib }:
let
  b = builtins;
  inherit (b) length head filter isAttrs isList isString isBool;
  inherit (lib.trivial) isFunction functionArgs;
  inherit (lib.lists) reverseList optional imap1 last init take;
  inherit (lib.attrsets)
    attrByPath
    setAttrByPath
    getAttrFromPath
    mapAttrsRecursiveCond
    mapAttrsToList
    recursiveUpdate
    optionalAttrs
    ;
  inherit (lib.options)
    isOption
    mkOption
    showOption
    showFiles
    showDefs
    unknownModule
    ;
  inherit (lib) types;

  # `addErrorLabels labels e` is `e`, but an error raised while evaluating it also points at
  # `labels` ({ file, line, column, message }): ntop shows them as secondary locations. Other
  # evaluators lack the builtin and get `e` alone.
  addErrorLabels = b.ntopAddErrorLabels or (_: e: e);

  # Definitions with the positions (`pos`) listed beside them. Only for what ntop reports:
  # the definitions the module system merges stay `{ file, value }`.
  withPositions = lib.lists.zipListsWith (def: pos: def // { inherit pos; });
in
rec {
  # --- priorities ------------------------------------------------------------------------

  # Override priorities: lower numbers win. A plain definition has 100.
  defaultOverridePriority = 100;
  # Order priorities: lower numbers come first. A plain definition has 1000.
  defaultOrderPriority = 1000;

  # --- properties ------------------------------------------------------------------------

  mkIf = condition: content: {
    _type = "if";
    inherit condition content;
  };

  mkAssert =
    assertion: message: content:
    mkIf (if assertion then true else throw "\nFailed assertion: ${message}") content;

  mkMerge = contents: {
    _type = "merge";
    inherit contents;
  };

  mkOverride = priority: content: {
    _type = "override";
    inherit priority content;
  };

  mkOptionDefault = mkOverride 1500;
  mkDefault = mkOverride 1000;
  mkImageMediaOverride = mkOverride 60;
  mkForce = mkOverride 50;
  mkVMOverride = mkOverride 10;

  mkOrder = priority: content: {
    _type = "order";
    inherit priority content;
  };
  mkBefore = mkOrder 500;
  mkAfter = mkOrder 1500;

  # Apply `f` to the value inside a definition, keeping the properties around it.
  mapDefinitionValue =
    f: def:
    let
      kind = def._type or null;
    in
    if kind == "merge" then
      def // { contents = map (mapDefinitionValue f) def.contents; }
    else if kind == "if" || kind == "override" || kind == "order" then
      def // { content = mapDefinitionValue f def.content; }
    else if kind == "definition" then
      def // { value = mapDefinitionValue f def.value; }
    else
      f def;

  # A definition carrying its own file.
  mkDefinition = args@{ file, value, ... }: args // { _type = "definition"; };

  # Kept for old modules; it does nothing.
  mkFixStrictness = lib.trivial.id;

  # Define through `option`'s definitions, wrapped by `wrap`: e.g.
  # `mkAliasDefinitions options.a` used as the definition of `b` copies a's definitions.
  mkAliasAndWrapDefinitions = wrap: option: mkIf option.isDefined (wrap (mkMerge option.definitions));
  mkAliasDefinitions = mkAliasAndWrapDefinitions lib.trivial.id;
  # As mkAliasAndWrapDefinitions, keeping the priority of the aliased definitions.
  mkAliasAndWrapDefsWithPriority =
    wrap: option:
    let
      prio = option.highestPrio or defaultOverridePriority;
    in
    mkIf option.isDefined (wrap (mkMerge (map (mkOverride prio) option.definitions)));
  mkAliasIfDef = option: mkIf option.isDefined;

  # A definition derived from `opt`'s value, at `opt`'s priority.
  mkDerivedConfig = opt: f: mkOverride (opt.highestPrio or defaultOverridePriority) (f opt.value);

  # --- resolving properties --------------------------------------------------------------

  # Split a config value into plain sets: mkMerge is flattened, and mkIf/mkOverride around
  # a set move onto each of its attributes, e.g.
  #   mkIf c { a = 1; b = 2; }  ->  [ { a = mkIf c 1; b = mkIf c 2; } ]
  # The condition itself is not evaluated here.
  pushDownProperties = cfg: map (p: p.config) (pushDownWithOrigin cfg);

  # pushDownProperties, keeping beside each plain set `config` the set as written
  # (`origin`): the copies made by mapAttrs have lost the source positions of their
  # attributes, which diagnostics and `definitionsAsWritten` report.
  pushDownWithOrigin =
    cfg:
    let
      wrapEach = wrap: p: {
        config = if isAttrs p.config then b.mapAttrs (_: wrap) p.config else p.config;
        inherit (p) origin;
      };
      kind = cfg._type or "";
    in
    if kind == "merge" then
      b.concatMap pushDownWithOrigin cfg.contents
    else if kind == "if" then
      map (wrapEach (mkIf cfg.condition)) (pushDownWithOrigin cfg.content)
    else if kind == "override" then
      map (wrapEach (mkOverride cfg.priority)) (pushDownWithOrigin cfg.content)
    else
      [
        {
          config = cfg;
          origin = cfg;
        }
      ];

  # The values a definition stands for: mkMerge flattened and mkIf decided, e.g.
  #   mkMerge [ 1 (mkIf true 2) (mkIf false 3) ]  ->  [ 1 2 ]
  dischargeProperties =
    def:
    let
      kind = def._type or "";
    in
    if kind == "merge" then
      b.concatMap dischargeProperties def.contents
    else if kind == "if" then
      (
        if !isBool def.condition then
          throw "‘mkIf’ called with a non-Boolean condition"
        else if def.condition then
          dischargeProperties def.content
        else
          [ ]
      )
    else
      [ def ];

  # Keep the definitions of the best (numerically lowest) override priority, unwrapped:
  # { values, highestPrio }.
  filterOverrides' =
    defs:
    let
      prioOf = def: if def.value._type or "" == "override" then def.value.priority else defaultOverridePriority;
      unwrap = def: if def.value._type or "" == "override" then def // { value = def.value.content; } else def;
      best = if length defs == 1 then prioOf (head defs) else b.foldl' (p: def: lib.trivial.min p (prioOf def)) 9999 defs;
    in
    {
      values = map unwrap (if length defs == 1 then defs else filter (def: prioOf def == best) defs);
      highestPrio = best;
    };
  filterOverrides = defs: (filterOverrides' defs).values;

  # Sort definitions by their mkOrder priority (stable), unwrapping them.
  sortProperties =
    defs:
    let
      unwrap =
        def:
        if def.value._type or "" == "order" then
          def
          // {
            value = def.value.content;
            inherit (def.value) priority;
          }
        else
          def;
    in
    b.sort (x: y: (x.priority or defaultOrderPriority) < (y.priority or defaultOrderPriority)) (map unwrap defs);

  # --- merging one option ----------------------------------------------------------------

  # Resolve the definitions { file, value } of an option of type `type` at `loc`:
  #   defsFinal'   { values, highestPrio } after properties, priorities and order
  #   defsFinal    those values
  #   isDefined    whether any definition is left
  #   mergedValue  the checked and merged value (or the type's empty value, or an error)
  #   optionalValue  { value } when defined, else { }
  mergeDefinitions = loc: type: defs: rec {
    defsFinal' =
      let
        resolved = b.concatMap (
          def:
          map (v: if v._type or null == "definition" then v else { inherit (def) file; value = v; }) (
            b.addErrorContext "while evaluating definitions from `${def.file}':" (dischargeProperties def.value)
          )
        ) defs;
        kept = filterOverrides' resolved;
        ordered = if b.any (def: def.value._type or "" == "order") kept.values then sortProperties kept.values else kept.values;
        # A single definition without any property needs none of the above.
        plain =
          length defs == 1
          && (
            let
              d = head defs;
            in
            b.addErrorContext "while evaluating definitions from `${d.file}':" (!(isAttrs d.value && d.value ? _type))
          );
      in
      if plain then
        {
          values = defs;
          highestPrio = defaultOverridePriority;
        }
      else
        {
          values = ordered;
          inherit (kept) highestPrio;
        };
    defsFinal = defsFinal'.values;
    isDefined = defsFinal != [ ];
    mergedValue =
      if isDefined then
        let
          invalid = filter (def: !type.check def.value) defsFinal;
        in
        if invalid == [ ] then
          type.merge loc defsFinal
        else
          throw "A definition for option `${showOption loc}' is not of type `${type.description}'. Definition values:${showDefs invalid}"
      else if type.emptyValue ? value then
        type.emptyValue.value
      else
        throw "The option `${showOption loc}' was accessed but has no value defined. Try setting the option.";
    optionalValue = if isDefined then { value = mergedValue; } else { };
  };

  # The option record of a declared option: its declaration plus value, definitions, files,
  # definitionsWithLocations, highestPrio and isDefined.
  evalOptionValue = loc: opt: defs: evalOptionValueAt loc opt defs (map (_: null) defs);

  # evalOptionValue, knowing where each definition is written (`positions`, beside `defs`:
  # unsafeGetAttrPos records or null). An error raised while computing the value points at
  # every definition; `definitionsAsWritten` lists them for `ntop explain`.
  evalOptionValueAt =
    loc: opt: defs: positions:
    let
      allDefs =
        (optional (opt ? default) {
          file = head opt.declarations;
          value = mkOptionDefault opt.default;
        })
        ++ defs;
      allPositions =
        (optional (opt ? default) (
          let
            declared = opt.declarationPositions or [ ];
          in
          if declared == [ ] then null else head declared
        ))
        ++ positions;
      # Secondary labels for an error raised while merging the definitions (built only then).
      # The default is only shown when nothing else defines the option: otherwise it lost.
      definitionLabels = b.concatLists (
        lib.lists.imap0 (
          i: pos:
          if pos == null || pos.line or null == null || (opt ? default && i == 0 && defs != [ ]) then
            [ ]
          else
            [
              {
                inherit (pos) file line column;
                message =
                  if opt ? default && i == 0 then
                    "`${showOption loc}' declared here, with its default"
                  else
                    "`${showOption loc}' defined here";
              }
            ]
        ) allPositions
      );
      res =
        if opt.readOnly or false && length allDefs > 1 then
          throw "The option `${showOption loc}' is read-only, but it's set multiple times. Definition values:${
            showDefs (map (def: def // { value = (mergeDefinitions loc opt.type [ def ]).mergedValue; }) allDefs)
          }"
        else
          mergeDefinitions loc opt.type allDefs;
      value = if opt ? apply then opt.apply res.mergedValue else res.mergedValue;
      deprecated =
        if opt.type.deprecationMessage or null != null then
          lib.trivial.warn "The type `types.${opt.type.name}' of option `${showOption loc}' defined in ${showFiles opt.declarations} is deprecated. ${opt.type.deprecationMessage}"
        else
          lib.trivial.id;
    in
    deprecated opt
    // {
      value = b.addErrorContext "while evaluating the option `${showOption loc}':" (
        addErrorLabels definitionLabels value
      );
      inherit (res.defsFinal') highestPrio;
      definitions = map (def: def.value) res.defsFinal;
      files = map (def: def.file) res.defsFinal;
      definitionsWithLocations = res.defsFinal;
      # Every definition as written, before mkIf, mkMerge and priorities decided which
      # ones count (the option's default first, at mkOptionDefault): what `ntop explain`
      # shows beside the ones that won.
      definitionsAsWritten = withPositions allDefs allPositions;
      inherit (res) isDefined;
      __toString = _: showOption loc;
    };

  # Merge the declarations { _file, pos, options } of one option: one type (combined by
  # typeMerge), at most one default/example/description/apply, the sub-modules of all.
  mergeOptionDecls =
    loc: decls:
    b.foldl' (
      acc: decl:
      let
        opt = decl.options;
        both = k: opt ? ${k} && acc ? ${k};
        clash = throw "The option `${showOption loc}' in `${decl._file}' is already declared in ${showFiles acc.declarations}.";
        typeSet =
          if opt ? type && acc ? type then
            let
              merged = acc.type.typeMerge opt.type.functor;
            in
            if merged == null then clash else { type = merged; }
          else
            { };
        subModules = opt.type.getSubModules or null;
      in
      if both "default" || both "example" || both "description" || both "apply" then
        clash
      else
        opt
        // acc
        // {
          declarations = acc.declarations ++ [ decl._file ];
          declarationPositions =
            acc.declarationPositions
            ++ [
              (
                if decl.pos or null != null then
                  decl.pos
                else
                  {
                    file = decl._file;
                    line = null;
                    column = null;
                  }
              )
            ];
          options =
            (if subModules != null then map (setDefaultModuleLocation decl._file) subModules else [ ])
            ++ acc.options;
        }
        // typeSet
    ) {
      inherit loc;
      declarations = [ ];
      declarationPositions = [ ];
      options = [ ];
    } decls;

  # Give an option its final type: `unspecified` when it has none; for submodule types, one
  # that carries the sub-modules of every declaration.
  fixupOptionType =
    loc: opt:
    if opt.type.getSubModules or null == null then
      opt // { type = opt.type or types.unspecified; }
    else
      opt
      // {
        type = opt.type.substSubModules opt.options;
        options = [ ];
      };

  # --- merging the option tree -----------------------------------------------------------

  mergeModules =
    prefix: modules:
    mergeModules' prefix modules (
      b.concatMap (
        m:
        map (p: {
          file = m._file;
          inherit (p) config origin;
        }) (pushDownWithOrigin m.config)
      ) modules
    );

  # `modules`: the declarations at `prefix`, as { _file, options } with `options` the
  # declaration sub-tree here; `configs`: the definitions here, as { file, config } with
  # `config` a plain set. Returns { matchedOptions, unmatchedDefns }, the latter as
  # { file, prefix, value } relative to `prefix`.
  mergeModules' =
    prefix: modules: configs:
    let
      declsByName = b.zipAttrsWith (_: ds: ds) (
        map (
          m:
          if !isAttrs m.options then
            throw ''
              An option declaration for `${b.concatStringsSep "." prefix}' has type
              `${b.typeOf m.options}' rather than an attribute set.
              Did you mean to define this outside of `options'?
            ''
          else
            b.mapAttrs (n: sub: {
              inherit (m) _file;
              pos = b.unsafeGetAttrPos n m.options;
              options = sub;
            }) m.options
        ) modules
      );

      checked = map (
        c:
        if isAttrs c.config then
          c
        else
          throw ''
            In module `${c.file}', you're trying to define a value of type `${b.typeOf c.config}'
            rather than an attribute set for the option
            `${b.concatStringsSep "." prefix}'!

            This usually happens if `${b.concatStringsSep "." prefix}' has option
            definitions inside that are not matched. Please check how to properly define
            this option by e.g. referring to `man 5 configuration.nix'!
          ''
      ) configs;

      # For descending into a sub-tree: definitions with their properties pushed down.
      pushedByName = b.zipAttrsWith (_: b.concatLists) (
        map (
          c:
          b.mapAttrs (
            _: v:
            map (p: {
              inherit (c) file;
              inherit (p) config origin;
            }) (pushDownWithOrigin v)
          ) c.config
        ) checked
      );
      # For an option: the definitions as written.
      rawByName = b.zipAttrsWith (_: ds: ds) (
        map (
          c:
          b.mapAttrs (_: value: {
            inherit (c) file;
            inherit value;
          }) c.config
        ) checked
      );

      # Where each definition in `rawByName` is written, in the same order: the position of
      # its attribute in the set as written, or null. Only read for diagnostics and explain.
      positionsByName = b.zipAttrsWith (_: ps: ps) (
        map (
          c:
          b.mapAttrs (
            # (`origin` is missing only when lib.mergeModules' is called from outside.)
            name: _: if c ? origin then b.unsafeGetAttrPos name c.origin else null
          ) c.config
        ) checked
      );

      # A declaration sub-tree placed where a submodule option is declared becomes an
      # option of that submodule type with those options.
      asSubmoduleOption =
        decl:
        if isOption decl.options then
          decl
        else
          decl
          // {
            options = mkOption {
              type = types.submoduleWith {
                modules = [ { options = decl.options; } ];
                shorthandOnlyDefinesConfig = null;
              };
            };
          };

      results = b.mapAttrs (
        name: decls:
        let
          loc = prefix ++ [ name ];
          optionDecls = filter (
            d:
            d.options ? _type
            && (d.options._type == "option" || declarationTypeError loc d.options._type d._file)
          ) decls;
          asOption = ds: {
            matchedOptions = evalOptionValueAt loc (fixupOptionType loc (mergeOptionDecls loc ds)) (
              rawByName.${name} or [ ]
            ) (positionsByName.${name} or [ ]);
            unmatchedDefns = [ ];
          };
        in
        if length optionDecls == length decls then
          asOption decls
        else if optionDecls != [ ] then
          (
            if b.all (d: d.options.type.name or null == "submodule") optionDecls then
              asOption (map asSubmoduleOption decls)
            else
              throw "The option `${showOption loc}' in module `${(head optionDecls)._file}' would be a parent of the following options, but its type `${
                (head optionDecls).options.type.description or "<no description>"
              }' does not support nested options.\n${
                showNestedDecls loc (filter (d: !isOption d.options) decls)
              }"
          )
        else
          mergeModules' loc decls (pushedByName.${name} or [ ])
      ) declsByName;

      matchedOptions = b.mapAttrs (_: r: r.matchedOptions) results;
      # Definitions of names declared nowhere carry where they are written (`pos`), for the
      # error that reports them.
      unmatchedHere = b.mapAttrs (name: defs: withPositions defs positionsByName.${name}) (
        b.removeAttrs rawByName (b.attrNames matchedOptions)
      );
      unmatchedByName = b.mapAttrs (_: r: r.unmatchedDefns) results // unmatchedHere;
    in
    {
      inherit matchedOptions;
      unmatchedDefns =
        if configs == [ ] then
          [ ]
        else
          b.concatLists (
            mapAttrsToList (name: defs: map (def: def // { prefix = [ name ] ++ (def.prefix or [ ]); }) defs) unmatchedByName
          );
    };

  showNestedDecls =
    loc: decls:
    b.concatStringsSep "\n" (
      b.sort (x: y: x < y) (
        b.concatMap (
          d:
          map (n: " - option(s) with prefix `${showOption (loc ++ [ n ])}' in module `${d._file}'") (b.attrNames d.options)
        ) decls
      )
    );

  declarationTypeError =
    loc: tag: file:
    let
      name = lib.strings.escapeNixIdentifier (last loc);
      intro = "In module ${file}: expected an option declaration at option path `${showOption loc}` but got an attribute set with type ${tag}";
      hint = ''
        When declaring an option, you must wrap the type in a `mkOption` call. It should look somewhat like:
            ${lib.strings.optionalString (length loc > 1) "\n    # ${showOption loc}"}
            ${name} = lib.mkOption {
              description = ...;
              type = <the type you wrote for ${name}>;
              ...
            };
      '';
    in
    throw (b.concatStringsSep "\n\n" ([ intro ] ++ optional (tag == "option-type") hint));

  # --- loading modules -------------------------------------------------------------------

  # Wrap a module so that definitions without a file of their own are attributed to `file`.
  setDefaultModuleLocation = file: m: {
    _file = file;
    imports = [ m ];
  };

  # Bring a module (already applied to its arguments) into the form
  # { _file, _class, key, disabledModules, imports, options, config }.
  # A module with neither `options` nor `config` is all config.
  unifyModuleSyntax =
    file: key: m:
    let
      withMeta = c: if m ? meta then mkMerge [ c { meta = m.meta; } ] else c;
      withFreeform = c: if m ? freeformType then mkMerge [ c { _module.freeformType = m.freeformType; } ] else c;
      common = {
        _file = toString m._file or file;
        _class = m._class or null;
        key = toString m.key or key;
        disabledModules = m.disabledModules or [ ];
      };
    in
    if m ? config || m ? options then
      let
        extra = b.removeAttrs m [
          "_class"
          "_file"
          "key"
          "disabledModules"
          "imports"
          "options"
          "config"
          "meta"
          "freeformType"
        ];
      in
      if extra != { } then
        throw "Module `${key}' has an unsupported attribute `${head (b.attrNames extra)}'. This is caused by introducing a top-level `config' or `options' attribute. Add configuration attributes immediately on the top level instead, or move all of them (namely: ${toString (b.attrNames extra)}) into the explicit `config' attribute."
      else
        common
        // {
          imports = m.imports or [ ];
          options = m.options or { };
          config = withFreeform (withMeta (m.config or { }));
        }
    else if !isAttrs m then
      throw "module ${file} (${key}) does not look like a module."
    else
      common
      // {
        imports = m.require or [ ] ++ m.imports or [ ];
        options = { };
        config = withFreeform (
          b.removeAttrs m [
            "_class"
            "_file"
            "key"
            "disabledModules"
            "require"
            "imports"
            "freeformType"
          ]
        );
      };

  # Call a module function with the arguments it names: from `args` (lib, config, options,
  # specialArgs, …) or else from `config._module.args`.
  applyModuleArgs =
    key: f:
    args@{ config, ... }:
    let
      fromConfig = name: b.addErrorContext "noting that argument `${name}` is not externally provided, so querying `_module.args` instead, requiring `config`" config._module.args.${name};
      requested = b.mapAttrs (
        name: _:
        b.addErrorContext ''while evaluating the module argument `${name}' in "${key}":'' (args.${name} or (fromConfig name))
      ) (functionArgs f);
    in
    f (args // requested);

  applyModuleArgsIfFunction = key: f: args: if isFunction f then applyModuleArgs key f args else f;

  # Load every module reachable from `modules`: { modules, graph }. `modules` lists them
  # breadth-first, each key once, without the disabled ones; `graph` is the tree of imports.
  collectModules =
    class: modulesPath: modules: args:
    let
      load =
        parentFile: fallbackKey: m:
        if isFunction m then
          unifyModuleSyntax parentFile fallbackKey (applyModuleArgs fallbackKey m args)
        else if isAttrs m then
          (
            if m._type or "module" == "module" then
              unifyModuleSyntax parentFile fallbackKey m
            else if m._type == "if" || m._type == "override" then
              load parentFile fallbackKey { config = m; }
            else
              throw "Expected a module, but found a value of type ${lib.strings.escapeNixString m._type}${
                lib.strings.optionalString (parentFile != unknownModule) ", while trying to load a module into ${toString parentFile}"
              }."
          )
        else if isList m then
          throw "Module imports can't be nested lists. Perhaps you meant to remove one level of lists? Definitions: ${
            showDefs [
              {
                file = parentFile;
                value = m;
              }
            ]
          }"
        else
          let
            path = toString m;
          in
          unifyModuleSyntax path path (applyModuleArgsIfFunction path (import m) args);

      checkClass =
        m:
        if class == null || m._class == null || m._class == class then
          m
        else
          throw ''
            The module `${m._file or m.key}` (class: ${lib.strings.escapeNixString m._class}) cannot be imported into a module evaluation that expects class ${lib.strings.escapeNixString class}.

            Help: a module's `_class` must be null or equal to the `class` given to evalModules; check that this is the module you meant to import.
          '';

      # A tree { key, module, children } per module, plus every disabledModules entry.
      tree =
        parentFile: parentKey: ms:
        imap1 (
          n: m:
          let
            module = checkClass (load parentFile "${parentKey}:anon-${toString n}" m);
          in
          {
            inherit (module) key;
            inherit module;
            children = tree module._file module.key module.imports;
          }
        ) ms;

      roots = tree unknownModule "" modules;

      disabledEntries =
        let
          gather = nodes: b.concatMap (node: map (d: { file = node.module._file; value = d; }) node.module.disabledModules ++ gather node.children) nodes;
        in
        gather roots;

      keyOfDisabled =
        { file, value }:
        if isString value then
          (if b.substring 0 1 value == "/" then value else toString modulesPath + "/" + value)
        else if lib.strings.isConvertibleWithToString value then
          (
            if value ? key && value.key != toString value then
              throw "Module `${file}` contains a disabledModules item that is an attribute set that can be converted to a string (${toString value}) but also has a `.key` attribute (${value.key}) with a different value. This makes it ambiguous which module should be disabled."
            else
              toString value
          )
        else if value ? key then
          value.key
        else if isAttrs value then
          throw "Module `${file}` contains a disabledModules item that is an attribute set, presumably a module, that does not have a `key` attribute. This means that the module system doesn't have any means to identify the module that should be disabled. Make sure that you've put the correct value in disabledModules: a string path relative to modulesPath, a path value, or an attribute set with a `key` attribute."
        else
          throw "Each disabledModules item must be a path, string, or a attribute set with a key attribute, or a value supported by toString. However, one of the disabledModules items in `${toString file}` is none of that, but is of type ${b.typeOf value}.";

      disabledKeys = map keyOfDisabled disabledEntries;
      enabled = filter (node: !b.elem node.key disabledKeys);

      # The import structure as written, disabled modules marked rather than dropped.
      toGraph = node: {
        disabled = b.elem node.key disabledKeys;
        inherit (node) key;
        file = node.module._file;
        imports = map toGraph node.children;
      };
    in
    {
      modules = map (node: node.module) (
        b.genericClosure {
          startSet = enabled roots;
          operator = node: enabled node.children;
        }
      );
      graph = map toGraph (filter (node: node.key != "lib/modules.nix") roots);
    };

  # --- evaluation ------------------------------------------------------------------------

  evalModules =
    evalArgs@{
      modules,
      prefix ? [ ],
      specialArgs ? { },
      class ? null,
      args ? { },
      check ? true,
    }:
    let
      legacyModules =
        optional (evalArgs ? args) { config._module.args = args; }
        ++ optional (evalArgs ? check) { config._module.check = mkDefault check; };
      userModules = modules ++ legacyModules;

      # The options every evaluation has.
      coreModule = {
        _file = "lib/modules.nix";
        key = "lib/modules.nix";
        options = {
          _module.args = mkOption {
            type = types.lazyAttrsOf types.raw;
            ${if prefix == [ ] then null else "internal"} = true;
            description = "Additional arguments passed to each module in addition to ones like `lib`, `config`, and `pkgs`, `modulesPath`.";
          };
          _module.check = mkOption {
            type = types.bool;
            internal = true;
            default = true;
            description = "Whether to check whether all option definitions have matching declarations.";
          };
          _module.freeformType = mkOption {
            type = types.nullOr types.optionType;
            internal = true;
            default = null;
            description = "If set, merge all definitions that don't have an associated option together using this type.";
          };
          _module.specialArgs = mkOption {
            readOnly = true;
            internal = true;
            description = "Externally provided module arguments that can't be modified from within a configuration, but can be used in module imports.";
          };
        };
        config = {
          _module.args = {
            inherit extendModules;
            moduleType = type;
          };
          _module.specialArgs = specialArgs;
        };
      };

      moduleArgs = {
        inherit lib options specialArgs;
        _class = class;
        _prefix = prefix;
        config = b.addErrorContext "if you get an infinite recursion here, you probably reference `config` in `imports`. If you are trying to achieve a conditional import behavior dependent on `config`, consider importing unconditionally, and using `mkEnableOption` and `mkIf` to control its effect." config;
      } // specialArgs;

      collected = collectModules class (specialArgs.modulesPath or "") (userModules ++ [ coreModule ]) moduleArgs;
      merged = mergeModules prefix (reverseList collected.modules);
      options = merged.matchedOptions;

      config =
        let
          declared = mapAttrsRecursiveCond (v: !isOption v) (_: opt: opt.value) options;
          freeformType = declared._module.freeformType;
          freeform =
            let
              defs = map (def: {
                inherit (def) file;
                value = setAttrByPath def.prefix def.value;
              }) merged.unmatchedDefns;
            in
            if defs == [ ] then { } else freeformType.merge prefix defs;
        in
        if freeformType == null then declared else recursiveUpdate freeform declared;

      unmatchedError =
        let
          def = head merged.unmatchedDefns;
          shown = showOption (prefix ++ def.prefix);
          values = b.addErrorContext "while evaluating the error message for definitions for `${shown}', which is an option that does not exist" (
            b.addErrorContext "while evaluating a definition from `${def.file}'" (showDefs [ def ])
          );
          parent = init def.prefix;
          siblings = b.attrNames (attrByPath parent { } options);
          candidates = if parent == [ ] then lib.lists.remove "_module" siblings else siblings;
          wrong = last def.prefix;
          close = take 3 (
            lib.lists.sortOn (lib.strings.levenshtein wrong) (
              if length candidates < 100 then candidates else filter (lib.strings.levenshteinAtMost 2 wrong) candidates
            )
          );
          quote = s: "`${showOption (init (prefix ++ def.prefix) ++ [ s ])}'";
          suggestion =
            if close == [ ] then
              ""
            else if length close == 1 then
              "\n\nDid you mean ${quote (head close)}?"
            else
              "\n\nDid you mean ${b.concatStringsSep ", " (map quote (init close))} or ${quote (last close)}?";
          message = "The option `${shown}' does not exist. Definition values:${values}${suggestion}";
          labels =
            if def.pos or null == null then
              [ ]
            else
              [
                {
                  inherit (def.pos) file line column;
                  message = "`${shown}' is defined here, but no module declares it";
                }
              ];
        in
        addErrorLabels labels (
          if b.attrNames options == [ "_module" ] then
            (
              if showOption prefix == "" then
                throw ''
                  ${message}

                  It seems as if you're trying to declare an option by placing it into `config' rather than `options'!
                ''
              else
                throw ''
                  ${message}

                  However there are no options defined in `${showOption prefix}'. Are you sure you've
                  declared your options properly? This can happen if you e.g. declared your options in `types.submodule'
                  under `config' rather than `options'.
                ''
            )
          else
            throw message
        );

      checked =
        b.seq (
          if config._module.check && config._module.freeformType == null && merged.unmatchedDefns != [ ] then
            unmatchedError
          else
            null
        );

      extendModules =
        extendArgs@{
          modules ? [ ],
          specialArgs ? { },
          prefix ? [ ],
        }:
        evalModules (
          evalArgs
          // {
            modules = userModules ++ modules;
            specialArgs = evalArgs.specialArgs or { } // specialArgs;
            prefix = extendArgs.prefix or evalArgs.prefix or [ ];
          }
        );

      type = types.submoduleWith { inherit modules specialArgs class; };
    in
    lib.trivial.warnIf (evalArgs ? args) "The args argument to evalModules is deprecated. Please set config._module.args instead." (
      lib.trivial.warnIf (evalArgs ? check) "The check argument to evalModules is deprecated. Please set config._module.check instead." {
        _type = "configuration";
        options = checked options;
        config = checked (b.removeAttrs config [ "_module" ]);
        _module = checked config._module;
        inherit (collected) graph;
        inherit extendModules type class;
      }
    );

  # Evaluate without checking for undeclared options (an old interface).
  fixMergeModules =
    modules: args:
    evalModules {
      inherit modules args;
      check = false;
    };

  # --- option renames and removals -------------------------------------------------------

  # A module declaring `from` as an alias of `to`: definitions of `from` become definitions
  # of `to` (at their priority), reading `from` reads `to`.
  doRename =
    {
      from,
      to,
      visible,
      warn,
      use,
      withPriority ? true,
      condition ? true,
    }:
    { config, options, ... }:
    let
      fromOpt = getAttrFromPath from options;
      toOf = attrByPath to (abort "Renaming error: option `${showOption to}' does not exist.");
      toType = (attrByPath to { } options).type or (types.submodule { });
    in
    {
      options = setAttrByPath from (
        mkOption {
          inherit visible;
          description = "Alias of {option}`${showOption to}`.";
          apply = _: use (toOf config);
        }
        // optionalAttrs (toType != null) { type = toType; }
      );
      config = mkIf condition (mkMerge [
        (optionalAttrs (options ? warnings) {
          warnings = optional (warn && fromOpt.isDefined) "The option `${showOption from}' defined in ${showFiles fromOpt.files} has been renamed to `${showOption to}'.";
        })
        (
          if withPriority then
            mkAliasAndWrapDefsWithPriority (setAttrByPath to) fromOpt
          else
            mkAliasAndWrapDefinitions (setAttrByPath to) fromOpt
        )
      ]);
    };

  mkAliasOptionModule =
    from: to:
    doRename {
      inherit from to;
      visible = true;
      warn = false;
      use = lib.trivial.id;
    };
  mkAliasOptionModuleMD = mkAliasOptionModule;

  mkRenamedOptionModule =
    from: to:
    doRename {
      inherit from to;
      visible = false;
      warn = true;
      use = b.trace "Obsolete option `${showOption from}' is used. It was renamed to `${showOption to}'.";
    };

  mkRenamedOptionModuleWith =
    { from, to, sinceRelease }:
    doRename {
      inherit from to;
      visible = false;
      warn = true;
      use = lib.trivial.warn "Obsolete option `${showOption from}' is used. It was renamed to `${showOption to}'.";
    };

  # Declares `optionName` so that reading it fails, and asserts it is not defined.
  mkRemovedOptionModule =
    optionName: replacementInstructions:
    { options, ... }:
    {
      options = setAttrByPath optionName (mkOption {
        visible = false;
        apply = _: throw "The option `${showOption optionName}' can no longer be used since it's been removed. ${replacementInstructions}";
      });
      config.assertions =
        let
          opt = getAttrFromPath optionName options;
        in
        [
          {
            assertion = !opt.isDefined;
            message = ''
              The option definition `${showOption optionName}' in ${showFiles opt.files} no longer has any effect; please remove it.
              ${replacementInstructions}
            '';
          }
        ];
    };

  # Several old options `from` feed one new option `to` through `mergeFn config`.
  mkMergedOptionModule =
    from: to: mergeFn:
    { config, options, ... }:
    let
      unset = "_mkMergedOptionModule";
      valueOf = p: getAttrFromPath p config;
    in
    {
      options = b.foldl' recursiveUpdate { } (
        map (
          p:
          setAttrByPath p (mkOption {
            visible = false;
            default = unset;
          })
        ) from
      );
      config =
        {
          warnings = filter (w: w != "") (
            map (
              p:
              lib.strings.optionalString (valueOf p != unset) "The option `${showOption p}' defined in ${showFiles (getAttrFromPath p options).files} has been changed to `${showOption to}' that has a different type. Please read `${showOption to}' documentation and update your configuration accordingly."
            ) from
          );
        }
        // setAttrByPath to (mkMerge (optional (b.any (p: valueOf p != unset) from) (mergeFn config)));
    };

  mkChangedOptionModule = from: to: changeFn: mkMergedOptionModule [ from ] to changeFn;

  # --- modules from files ----------------------------------------------------------------

  importApply = file: arg: setDefaultModuleLocation file (import file arg);

  importJSON = file: {
    _file = file;
    config = lib.trivial.importJSON file;
  };

  importTOML = file: {
    _file = file;
    config = lib.trivial.importTOML file;
  };

  # The value and priority of each attribute of an attrsOf option, from its definitions.
  mergeAttrDefinitionsWithPrio =
    opt:
    let
      byAttr = b.zipAttrsWith (_: ds: ds) (
        b.concatMap (
          def: b.concatMap (mapAttrsToList (k: v: { ${k} = def // { value = v; }; })) (pushDownProperties def.value)
        ) opt.definitionsWithLocations
      );
    in
    assert opt.type.name == "attrsOf" || opt.type.name == "lazyAttrsOf";
    b.mapAttrs (
      k: defs:
      let
        r = mergeDefinitions (opt.loc ++ [ k ]) opt.type.nestedTypes.elemType defs;
      in
      {
        value = r.mergedValue;
        inherit (r.defsFinal') highestPrio;
      }
    ) byAttr;
}
