print("diobench")
