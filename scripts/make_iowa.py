#!/usr/bin/env python3
"""Builds scenarios/iowa-units.csv and scenarios/iowa-edges.csv from the
shared Iowa counties data (MGGG Redistricting Lab, mggg-states; ODbL 1.0 /
DbCL 1.0). Potential is proportional to population (USD 60 per resident),
workload to land area (0.06 selling hours per km2); the current owner of a
county is the congressional district of the 2011 enacted plan (R1..R4).

Run from the repo root:  python3 scripts/make_iowa.py data/iowa-counties
"""
import csv
import sys

src = sys.argv[1] if len(sys.argv) > 1 else "data/iowa-counties"
rows = list(csv.DictReader(open(f"{src}/units.csv", encoding="utf-8")))
geoid = {r["id"]: r["geoid"] for r in rows}
with open("scenarios/iowa-units.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["id", "name", "region", "segment", "lat", "lon", "potential", "potential_cv",
                "workload_hours", "accounts", "owner", "locked"])
    for r in rows:
        pop = int(r["pop"])
        segment = "Metro" if pop >= 50000 else "Rural"
        w.writerow([r["geoid"], r["name"], f"CD{r['cd_2011']}", segment, r["lat"], r["lon"],
                    pop * 60, 0.15 if segment == "Rural" else 0.1,
                    round(float(r["area_km2"]) * 0.06, 1), max(1, pop // 2000),
                    f"R{r['cd_2011']}", "false"])
with open("scenarios/iowa-edges.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["from", "to", "shared_boundary_km"])
    for e in csv.DictReader(open(f"{src}/edges.csv", encoding="utf-8")):
        w.writerow([geoid[e["i"]], geoid[e["j"]], e["shared_boundary_km"]])
