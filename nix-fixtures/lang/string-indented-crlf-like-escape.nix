''line''\r''
