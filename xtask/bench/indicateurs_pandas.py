"""The pandas baseline of `cargo xtask bench observatory`: the job-posting indicators of the
catalogue (observatory/indicators.toml, themes « emplois » and « compétences ») computed with
pandas over the record store's Parquet files, read with pyarrow.

Usage: python indicateurs_pandas.py RECORDS_DIR
Prints one JSON document: seconds to read, to compute, in all, and the number of postings.
"""

import json
import sys
import time

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

COLUMNS = [
    "date_posted",
    "location_region_code",
    "contract",
    "sector",
    "rome_code",
    "competences",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
]
# Annualisation of the catalogue's method note: year × 1, month × 12, day × 218, hour × 1 607.
PERIOD_FACTOR = {"year": 1.0, "month": 12.0, "day": 218.0, "hour": 1607.0}


def plain_strings(data_type):
    """The type to cast to: polars writes strings as Arrow string views, which pandas cannot
    hold inside lists; plain strings instead."""
    if pa.types.is_string_view(data_type):
        return pa.string()
    if pa.types.is_list(data_type) or pa.types.is_large_list(data_type):
        return pa.list_(plain_strings(data_type.value_type))
    return data_type


def read_jobs(records_dir):
    table = pq.read_table(f"{records_dir}/kind=job", columns=COLUMNS)
    schema = pa.schema([field.with_type(plain_strings(field.type)) for field in table.schema])
    return table.cast(schema).to_pandas()


def quartiles(frame, key):
    grouped = frame.groupby(key)["annual"]
    table = grouped.quantile([0.25, 0.5, 0.75]).unstack()
    table["offres"] = grouped.size()
    return table.sort_values(0.5, ascending=False)


def shares_and_trend(jobs, exploded):
    total = len(jobs)
    share = exploded.groupby("competences").size() / max(total, 1) * 100.0
    months = jobs["month"].dropna()
    if months.empty:
        return share.to_frame("part"), pd.Series(dtype=float)
    reference = pd.Period(months.max(), freq="M")
    last = [str(reference - offset) for offset in range(12)]
    before = [str(reference - offset) for offset in range(12, 24)]
    n_last = jobs["month"].isin(last).sum()
    n_before = jobs["month"].isin(before).sum()
    in_last = exploded[exploded["month"].isin(last)].groupby("competences").size() / max(n_last, 1) * 100.0
    in_before = exploded[exploded["month"].isin(before)].groupby("competences").size() / max(n_before, 1) * 100.0
    trend = in_last.sub(in_before, fill_value=0.0) if n_before > 0 else pd.Series(dtype=float)
    table = share.to_frame("part")
    table["tendance"] = trend
    return table.sort_values("part", ascending=False), trend


def compute(jobs):
    results = {}
    jobs["month"] = jobs["date_posted"].astype("string").str.slice(0, 7)
    results["offres-par-mois"] = jobs.groupby("month").size().sort_index()
    exploded = jobs[["competences", "month", "annual"]].explode("competences").dropna(subset=["competences"])
    results["offres-par-competence"] = exploded.groupby("competences").size().sort_values(ascending=False)
    results["offres-par-region"] = jobs.groupby("location_region_code").size()
    results["offres-par-contrat"] = jobs.groupby("contract").size()
    results["offres-par-secteur"] = jobs.groupby("sector").size()
    rome = jobs["rome_code"].dropna()
    counts = rome.value_counts()
    results["offres-par-rome"] = (counts.head(20), counts.head(20) / max(len(rome), 1) * 100.0)
    paid = exploded.dropna(subset=["annual"])
    results["salaire-par-competence"] = quartiles(paid, "competences")
    results["salaire-par-region"] = quartiles(jobs.dropna(subset=["annual", "location_region_code"]), "location_region_code")
    table, trend = shares_and_trend(jobs, exploded)
    results["part-par-competence"] = table
    rising = trend[trend > 0].sort_index().sort_values(ascending=False, kind="stable").head(10)
    results["competences-en-hausse"] = rising
    return results


def main():
    records_dir = sys.argv[1]
    started = time.perf_counter()
    jobs = read_jobs(records_dir)
    read = time.perf_counter() - started
    computing = time.perf_counter()
    # The annual gross salary in euros: middle of the range or the only bound, annualised.
    low, high = jobs["salary_min"], jobs["salary_max"]
    middle = (low.fillna(high) + high.fillna(low)) / 2.0
    factor = jobs["salary_period"].map(PERIOD_FACTOR)
    jobs["annual"] = (middle * factor).where(jobs["salary_currency"] == "EUR")
    results = compute(jobs)
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "offres": len(jobs),
                "lecture_secondes": read,
                "calcul_secondes": done - computing,
                "secondes": done - started,
                "indicateurs": sorted(results),
            }
        )
    )


if __name__ == "__main__":
    main()
