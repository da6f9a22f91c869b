#!/usr/bin/env python3
"""Reference values of e^x for test/engine/exp.test.ts, from Python's decimal module at 60
significant digits (exact enough to round correctly and to measure an error in ulps).

For 3000 arguments x (a fixed-seed mix: 1000 uniform in (-700, 700), 1000 in (-40, 40) where
the fitter's arguments live, 1000 in (-1, 1)), writes [x, cr, err] with cr the correctly
rounded double of e^x and err = (cr - e^x) / ulp(cr), in [-0.5, 0.5]. A candidate y then has
the error (y - cr) / ulp(cr) + err ulps, computed in the test without any high-precision
arithmetic.

Usage (from the repository root): python3 test/engine/reference/exp_decimal.py > test/engine/reference/exp.json
"""
import json
import math
import random
from decimal import Decimal, getcontext

getcontext().prec = 60
rng = random.Random(20261123)
xs = [rng.uniform(-700, 700) for _ in range(1000)]
xs += [rng.uniform(-40, 40) for _ in range(1000)]
xs += [rng.uniform(-1, 1) for _ in range(1000)]
rows = []
for x in xs:
    exact = Decimal(x).exp()  # Decimal(float) is the double's exact value
    cr = float(exact)  # rounds to nearest
    err = float((Decimal(cr) - exact) / Decimal(math.ulp(cr)))
    rows.append([repr(x), repr(cr), err])
print(json.dumps({"what": "e^x: [x, correctly rounded double, its error in ulps]", "how": "test/engine/reference/exp_decimal.py (Python decimal, 60 digits)", "rows": rows}))
