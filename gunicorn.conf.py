"""Settings gunicorn reads from the working directory (`make run`, `make bench`)."""

import gc
import os


def post_worker_init(worker):
    # Everything loaded so far (the catalog, the 3,321 communes, the modules)
    # lives as long as the worker: moving it out of the garbage collector's
    # reach keeps its full collections short. Measured by `make bench`: the
    # status lookup's p99 at 1 connection went from 27 ms to 1.4 ms.
    gc.freeze()
    # The citizens' SMS and emails go out from a thread of each worker, so the
    # embedded default needs no second program; NOTIFY_IN_PROCESS=0 when a
    # separate `flask notify-worker` does it.
    if os.environ.get("NOTIFY_IN_PROCESS", "1") == "1":
        from services.notify import InProcessWorker

        InProcessWorker(worker.wsgi).start()
