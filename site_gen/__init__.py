"""site-gen: a static site generator for catalogues of research papers."""

import os

# numpy's OpenBLAS starts a thread per core at import, which spins for about a tenth of a second
# of CPU before it sleeps. site-gen makes no BLAS calls (its matrix products are scipy's sparse
# ones), so that thread is never used: keep to one, unless the environment says otherwise.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "0.1.0"
