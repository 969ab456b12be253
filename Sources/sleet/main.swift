print("sleet")
