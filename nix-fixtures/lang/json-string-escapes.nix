[ "quote\" back\\ nl\n tab\t cr\r" "\${x}" "/slash" (builtins.fromJSON ''"ctl \u0001 \u001f \u007f"'') ]
