import TanfangUI
