"""Quick timing of one whole engine run (BM25 text scoring, assignment, explanations) at
10,000 x 112, per mode, without the reference solvers of `make bench`:

    .venv/bin/python benchmarks/engine_quick.py
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import run as bench
from matching.engine import Params, run
from matching.engine.generate import generate_instance

instance = generate_instance(
    10000, bench.N_HOSTS, bench.SEED, bench.load_topics(), host_names=bench.load_city_names()
)
# As a real run: practices read from the needs' wording, practice definitions in the actions'.
vocabulary = bench.load_vocabulary()
for mode in ("choices", "optimal", "stable"):
    params = Params(mode=mode)
    walls, cpus = [], []
    for _ in range(3):
        wall, cpu = time.perf_counter(), time.process_time()
        run(instance.applicants, instance.hosts, params, instance.topic_axis, **vocabulary)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    print(
        f"{mode}: whole run, median of {len(walls)}: wall {statistics.median(walls) * 1000:.0f} ms,"
        f" CPU {statistics.median(cpus) * 1000:.0f} ms"
    )
