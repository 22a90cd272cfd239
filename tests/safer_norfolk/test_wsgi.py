import gc
import importlib


def test_the_web_process_loads_its_views_and_puts_startup_objects_beyond_the_collector():
    gc.unfreeze()
    thresholds = gc.get_threshold()
    try:
        wsgi = importlib.reload(importlib.import_module("safer_norfolk.wsgi"))

        assert callable(wsgi.application)
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (10_000, 10, 10)
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
