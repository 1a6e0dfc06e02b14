[ "quote\"" "back\\slash" "dollar-brace \${x}" "dollar $ alone" "nl\n" "tab\t" "cr\r" "ümlaut" "emoji 🎉" ]
