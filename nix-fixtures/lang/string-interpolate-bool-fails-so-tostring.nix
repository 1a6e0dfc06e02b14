"${toString true}|${toString false}|${toString null}"
