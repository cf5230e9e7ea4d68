"""HTTP routers, one module per idea; the work they call lives in ``server.*``."""
