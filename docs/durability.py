#!/usr/bin/env python3
"""Durability arithmetic for Reed-Solomon k+m and replication (see docs/durability.md).

Usage: python3 docs/durability.py            # the tables in docs/durability.md
       python3 docs/durability.py --k 8 --m 3 --afr 0.01 --mttr-hours 48
                                             # one scheme, one scenario

Model: independent shard failures at rate lambda = 1/MTTF, each repaired in MTTR, and the
standard Markov approximation (valid when MTTR << MTTF / (k+m)) for one stripe of n = k+m
shards:

    MTTDL ~ MTTF^(m+1) / (n (n-1) ... (n-m) * MTTR^m)

Repairs are taken as sequential (one at a time); parallel repair would multiply MTTDL by m!,
so the figures are conservative. Standard library only.
"""
import argparse
import math

HOURS_PER_YEAR = 8766  # 365.25 days

SCHEMES = [  # name, k, m (replication with r copies is k=1, m=r-1)
    ("6+3", 6, 3),
    ("10+4", 10, 4),
    ("4+2", 4, 2),
    ("3x repl", 1, 2),
]

# (label, annual failure rate, repair time in hours)
SCENARIOS = [
    ("AFR 0.5%, repair 24 h", 0.005, 24),
    ("AFR 0.5%, repair 1 week", 0.005, 168),
    ("AFR 2%, repair 24 h", 0.02, 24),
    ("AFR 2%, repair 1 week", 0.02, 168),
    ("silent 2%/yr, scrub every 30 d", 0.02, 720),
    ("silent 2%/yr, scrub every 90 d", 0.02, 2160),
    ("AFR 2% + silent 2%, scrub 30 d", 0.04, 720),
]

# (label, drives N, chunk placements S) for the cluster table.
CLUSTERS = [
    ("embedded default: 9 drives", 9, 10**6),
    ("10 nodes x 12 drives, 64 TiB", 120, 10**6),
    ("100 nodes x 12 drives, 100 PiB", 1200, 1_600_000_000),
]


def mttf_hours(afr):
    """Mean time to failure for an annual failure rate, assuming exponential lifetimes."""
    return -HOURS_PER_YEAR / math.log1p(-afr)


def falling(n, terms):
    """n (n-1) ... (n-terms+1)."""
    return math.prod(n - i for i in range(terms))


def mttdl_hours(k, m, afr, mttr_h):
    """Mean time to data loss of one stripe of k+m shards on k+m distinct drives."""
    return mttf_hours(afr) ** (m + 1) / (falling(k + m, m + 1) * mttr_h**m)


def annual_loss(k, m, afr, mttr_h):
    """Probability that one stripe (so one single-stripe object) is lost in a year."""
    return -math.expm1(-HOURS_PER_YEAR / mttdl_hours(k, m, afr, mttr_h))


def nines(p):
    return math.inf if p <= 0 else -math.log10(p)


def cluster_annual_loss(k, m, afr, mttr_h, drives, stripes):
    """P(at least one object lost in a year) for `stripes` placements spread at random over
    `drives` drives: m+1 overlapping failures anywhere, times the chance that some placement
    holds all m+1 of the failed drives."""
    n = k + m
    lam = 1 / mttf_hours(afr)
    overlaps_per_hour = falling(drives, m + 1) * lam ** (m + 1) * mttr_h**m
    covered = math.comb(n, m + 1) / math.comb(drives, m + 1)
    p_cover = -math.expm1(stripes * math.log1p(-covered)) if covered < 1 else 1.0
    return -math.expm1(-overlaps_per_hour * p_cover * HOURS_PER_YEAR)


def fmt_p(p):
    return f"{p:.1e} ({nines(p):.1f})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--k", type=int)
    ap.add_argument("--m", type=int)
    ap.add_argument("--afr", type=float, help="annual failure rate, e.g. 0.02")
    ap.add_argument("--mttr-hours", type=float)
    args = ap.parse_args()
    if args.k is not None:
        k, m, afr, mttr = args.k, args.m, args.afr, args.mttr_hours
        p = annual_loss(k, m, afr, mttr)
        print(f"{k}+{m}, AFR {afr:.2%}, MTTR {mttr:g} h: MTTDL "
              f"{mttdl_hours(k, m, afr, mttr) / HOURS_PER_YEAR:.3g} years, "
              f"annual loss {p:.3g}, {nines(p):.1f} nines")
        return

    print("Annual probability of losing one stripe: p (nines)\n")
    head = "| scenario | " + " | ".join(f"{s[0]} ({(s[1] + s[2]) / s[1]:.2f}x)" for s in SCHEMES)
    print(head + " |")
    print("|---" * (len(SCHEMES) + 1) + "|")
    for label, afr, mttr in SCENARIOS:
        cells = [fmt_p(annual_loss(k, m, afr, mttr)) for _, k, m in SCHEMES]
        print(f"| {label} | " + " | ".join(cells) + " |")

    print("\nMTTDL of one stripe in years (AFR 2%, repair 1 week):",
          ", ".join(f"{name} {mttdl_hours(k, m, 0.02, 168) / HOURS_PER_YEAR:.2g}"
                    for name, k, m in SCHEMES))

    print("\nWhole cluster, AFR 2%, repair 1 week: P(lose at least one object in a year), "
          "and expected chunks lost per year\n")
    print("| cluster | " + " | ".join(s[0] for s in SCHEMES) + " |")
    print("|---" * (len(SCHEMES) + 1) + "|")
    for label, drives, stripes in CLUSTERS:
        cells = []
        for _, k, m in SCHEMES:
            if k + m > drives:
                cells.append("n/a")
                continue
            p = cluster_annual_loss(k, m, 0.02, 168, drives, stripes)
            lost = stripes * HOURS_PER_YEAR / mttdl_hours(k, m, 0.02, 168)
            cells.append(f"{p:.1e}; {lost:.1e}")
        print(f"| {label}, S={stripes:.0e} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
