{ msg }: msg
