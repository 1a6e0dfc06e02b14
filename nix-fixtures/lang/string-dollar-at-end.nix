"price: 5$"
