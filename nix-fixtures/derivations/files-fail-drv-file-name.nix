"${./inputs/x.drv}"
