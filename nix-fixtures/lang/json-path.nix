{ p = ./helpers/data.txt; }
