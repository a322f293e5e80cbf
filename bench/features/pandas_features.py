#!/usr/bin/python3
"""The conversion feature matrix of candor's default configuration, computed by
pandas (groupby/merge) straight from the generated CSV files: the peer of
`candor features --target conversion` in bench/run features. Same rows, columns
and semantics as duckdb_features.mjs (see there for eligibility); categorical
values as text.

  /usr/bin/python3 bench/features/pandas_features.py --data DIR --events FILE --as-of TS --out FILE
"""
import argparse

import numpy as np
import pandas as pd

DIRECT_MARKETING = ["profiling", "email_marketing", "sales_outreach", "segmentation"]
DAY = pd.Timedelta(days=1)


def eligible_contacts(data, as_of):
    consents = pd.read_csv(f"{data}/consents.csv",
                           usecols=["contact_id", "purpose", "action", "legal_basis", "ts"])
    consents["ts"] = pd.to_datetime(consents["ts"], utc=True)
    consents = consents[consents["ts"] <= as_of]
    # Latest grant or withdraw for profiling (ties in ts: the later row, as candor).
    profiling = consents[(consents["purpose"] == "profiling")
                         & consents["action"].isin(["grant", "withdraw"])]
    latest = profiling.sort_values("ts", kind="stable").groupby("contact_id").tail(1)
    granted = latest.loc[(latest["action"] == "grant") & (latest["legal_basis"] == "consent"),
                         "contact_id"]
    objected = consents.loc[(consents["action"] == "object")
                            & consents["purpose"].isin(DIRECT_MARKETING), "contact_id"]
    contacts = pd.read_csv(f"{data}/contacts.csv",
                           usecols=["contact_id", "account_id", "seniority", "department",
                                    "is_minor"])
    keep = (contacts["contact_id"].isin(granted) & ~contacts["contact_id"].isin(objected)
            & ~contacts["is_minor"])
    return contacts.loc[keep, ["contact_id", "account_id", "seniority", "department"]]


def event_features(events_file, as_of):
    ev = pd.read_csv(events_file, usecols=["contact_id", "type", "ts", "url"],
                     dtype={"type": "category", "url": "category"})
    ev["ts"] = pd.to_datetime(ev["ts"], utc=True)
    ev = ev[(ev["ts"] < as_of) & (ev["ts"] >= as_of - 365 * DAY)]
    in30 = ev["ts"] >= as_of - 30 * DAY
    in90 = ev["ts"] >= as_of - 90 * DAY
    page = ev["type"] == "page_view"
    urls = ev["url"].cat.categories

    def starts(prefix):
        return ev["url"].isin(urls[urls.str.startswith(prefix)])

    flags = pd.DataFrame({
        "contact_id": ev["contact_id"],
        "pricing_views_30d": in30 & page & starts("/pricing"),
        "docs_views_30d": in30 & page & starts("/docs"),
        "blog_views_30d": in30 & page & starts("/blog"),
        "careers_views_90d": in90 & page & starts("/careers"),
        "email_opens_30d": in30 & (ev["type"] == "email_open"),
        "email_clicks_30d": in30 & (ev["type"] == "email_click"),
        "webinars_90d": in90 & (ev["type"] == "webinar"),
        "demo_requests_90d": in90 & (ev["type"] == "demo_request"),
        "trials_90d": in90 & (ev["type"] == "trial_start"),
    })
    counts = flags.groupby("contact_id").sum()
    recent = ev.loc[in30, ["contact_id", "ts"]]
    counts["active_days_30d"] = (recent.assign(day=recent["ts"].dt.floor("D"))
                                 .groupby("contact_id")["day"].nunique())
    last_visit = ev.loc[page].groupby("contact_id")["ts"].max()
    counts["days_since_last_visit"] = (as_of - last_visit) // DAY
    return counts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--events", required=True)
    ap.add_argument("--as-of", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    as_of = pd.Timestamp(a.as_of)

    eligible = eligible_contacts(a.data, as_of)
    accounts = pd.read_csv(f"{a.data}/accounts.csv",
                           usecols=["account_id", "industry", "employees"])
    counts = event_features(a.events, as_of)
    m = (eligible.merge(accounts, on="account_id", how="left")
         .merge(counts, left_on="contact_id", right_index=True, how="left"))
    count_cols = ["pricing_views_30d", "docs_views_30d", "blog_views_30d", "careers_views_90d",
                  "email_opens_30d", "email_clicks_30d", "webinars_90d", "demo_requests_90d",
                  "trials_90d", "active_days_30d"]
    m[count_cols] = m[count_cols].fillna(0).astype(np.int64)
    opens = m["email_opens_30d"].where(m["email_opens_30d"] > 0)
    m["click_rate_30d"] = m["email_clicks_30d"] / opens
    m["employees"] = m["employees"].astype("Int64")
    m["days_since_last_visit"] = m["days_since_last_visit"].astype("Int64")
    cols = ["contact_id", "seniority", "department", "industry", "employees",
            "pricing_views_30d", "docs_views_30d", "blog_views_30d", "careers_views_90d",
            "email_opens_30d", "email_clicks_30d", "click_rate_30d", "webinars_90d",
            "demo_requests_90d", "trials_90d", "active_days_30d", "days_since_last_visit"]
    m[cols].to_csv(a.out, index=False)
    print(f"pandas: {len(m)} rows written to {a.out}", flush=True)


if __name__ == "__main__":
    main()
