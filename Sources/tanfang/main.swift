import TanfangCore
print("tanfang")
