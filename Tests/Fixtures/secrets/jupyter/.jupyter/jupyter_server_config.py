# Configuration file for jupyter-server.
c = get_config()  # noqa
c.ServerApp.ip = "0.0.0.0"
c.ServerApp.open_browser = False
c.ServerApp.port = 8888
c.ServerApp.token = "4d7547d697ea112a95b2cd1a4008657f61f0db9581a480d4"
