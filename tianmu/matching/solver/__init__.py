"""Pure-Python alliance optimiser ("5+1+X" pairing of enterprises, chambers and cooperating
units to villages).  No Django imports: usable from the CLI, tests, benchmarks and workers.

    from tianmu.matching.solver import solve, load_instance, InstanceError
    result = solve(json.load(open("instance.json")), time_limit=60)

See ``docs/matching.md`` for the formulation, scoring model and certificate.
"""

from .model import SCALE, Instance
from .solve import solve
from .validate import InstanceError, load_instance, parse_instance

__all__ = ["SCALE", "Instance", "InstanceError", "load_instance", "parse_instance", "solve"]
