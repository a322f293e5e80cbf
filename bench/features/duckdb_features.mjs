// The conversion feature matrix of candor's default configuration, computed by
// DuckDB (@duckdb/node-api, pinned in package.json) straight from the generated
// CSV files: the peer of `candor features --target conversion` in bench/run
// features. One row per contact eligible for profiling at --as-of, the 16
// default features, categorical values as text (candor writes integer codes;
// compare.py maps them).
//
//   node bench/features/duckdb_features.mjs --data DIR --events FILE --as-of TS --out FILE
//
// DIR holds accounts.csv, contacts.csv and consents.csv from `candor generate`;
// FILE is the events CSV. DuckDB uses every core (its default).
//
// Eligibility replicates src/store/sqlite_reader.cc (kEligibleSql) for the
// default purposes: not a minor; no objection at or before as-of to any
// direct-marketing purpose (all four of the default config's: profiling,
// email_marketing, sales_outreach, segmentation); and the latest grant or
// withdraw for profiling at or before as-of is a grant under consent. (candor
// breaks ties in ts by ingest order; the generated data have none, and
// compare.py checks the row count.)
import { DuckDBInstance } from '@duckdb/node-api';

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || i + 1 >= argv.length) {
      throw new Error(`usage: duckdb_features.mjs --data DIR --events FILE --as-of TS --out FILE`);
    }
    out[argv[i].slice(2)] = argv[i + 1];
  }
  for (const k of ['data', 'events', 'as-of', 'out']) {
    if (!out[k]) throw new Error(`missing --${k}`);
  }
  return out;
}

const sq = (s) => `'${String(s).replaceAll("'", "''")}'`;

const args = parseArgs(process.argv.slice(2));
const asOf = `TIMESTAMPTZ ${sq(args['as-of'])}`;
const csv = (file, columns) =>
  `read_csv(${sq(file)}, header = true, auto_detect = false, columns = {${Object.entries(columns)
    .map(([k, v]) => `${sq(k)}: ${sq(v)}`)
    .join(', ')}})`;

const events = csv(args.events, {
  contact_id: 'VARCHAR', type: 'VARCHAR', ts: 'TIMESTAMPTZ', event_id: 'VARCHAR',
  url: 'VARCHAR', campaign_id: 'VARCHAR', value: 'DOUBLE',
});
const contacts = csv(`${args.data}/contacts.csv`, {
  contact_id: 'VARCHAR', account_id: 'VARCHAR', email: 'VARCHAR', first_name: 'VARCHAR',
  last_name: 'VARCHAR', job_title: 'VARCHAR', seniority: 'VARCHAR', department: 'VARCHAR',
  country: 'VARCHAR', created_at: 'TIMESTAMPTZ', phone: 'VARCHAR', time_zone: 'VARCHAR',
  language: 'VARCHAR', is_minor: 'BOOLEAN',
});
const accounts = csv(`${args.data}/accounts.csv`, {
  account_id: 'VARCHAR', name: 'VARCHAR', industry: 'VARCHAR', employees: 'BIGINT',
  annual_revenue: 'DOUBLE', country: 'VARCHAR', status: 'VARCHAR', created_at: 'TIMESTAMPTZ',
});
const consents = csv(`${args.data}/consents.csv`, {
  contact_id: 'VARCHAR', purpose: 'VARCHAR', action: 'VARCHAR', legal_basis: 'VARCHAR',
  source: 'VARCHAR', ts: 'TIMESTAMPTZ', method: 'VARCHAR', notice_version: 'VARCHAR',
  evidence: 'VARCHAR',
});

// A window [as_of - days, as_of) and an event filter, as a FILTER clause.
const win = (days, cond = 'true') =>
  `FILTER (WHERE ts >= ${asOf} - INTERVAL ${days} DAY AND ${cond})`;
const pageView = (prefix) => `type = 'page_view' AND starts_with(url, ${sq(prefix)})`;

const sql = `
COPY (
WITH
consent AS (SELECT contact_id, purpose, action, legal_basis, ts FROM ${consents}
            WHERE ts <= ${asOf}),
profiling AS (
  SELECT contact_id, arg_max({'action': action, 'basis': legal_basis}, ts) AS latest
  FROM consent WHERE purpose = 'profiling' AND action IN ('grant', 'withdraw')
  GROUP BY contact_id),
objected AS (
  SELECT DISTINCT contact_id FROM consent
  WHERE action = 'object'
    AND purpose IN ('profiling', 'email_marketing', 'sales_outreach', 'segmentation')),
eligible AS (
  SELECT c.contact_id, c.account_id, c.seniority, c.department
  FROM ${contacts} c JOIN profiling p USING (contact_id)
  WHERE NOT c.is_minor AND p.latest.action = 'grant' AND p.latest.basis = 'consent'
    AND c.contact_id NOT IN (SELECT contact_id FROM objected)),
agg AS (
  SELECT contact_id,
    count(*) ${win(30, pageView('/pricing'))} AS pricing_views_30d,
    count(*) ${win(30, pageView('/docs'))} AS docs_views_30d,
    count(*) ${win(30, pageView('/blog'))} AS blog_views_30d,
    count(*) ${win(90, pageView('/careers'))} AS careers_views_90d,
    count(*) ${win(30, "type = 'email_open'")} AS email_opens_30d,
    count(*) ${win(30, "type = 'email_click'")} AS email_clicks_30d,
    count(*) ${win(90, "type = 'webinar'")} AS webinars_90d,
    count(*) ${win(90, "type = 'demo_request'")} AS demo_requests_90d,
    count(*) ${win(90, "type = 'trial_start'")} AS trials_90d,
    count(DISTINCT CAST(ts AS DATE)) ${win(30)} AS active_days_30d,
    max(ts) ${win(365, "type = 'page_view'")} AS last_visit
  FROM ${events}
  WHERE ts < ${asOf} AND ts >= ${asOf} - INTERVAL 365 DAY
  GROUP BY contact_id)
SELECT e.contact_id, e.seniority, e.department, a.industry, a.employees,
  coalesce(g.pricing_views_30d, 0) AS pricing_views_30d,
  coalesce(g.docs_views_30d, 0) AS docs_views_30d,
  coalesce(g.blog_views_30d, 0) AS blog_views_30d,
  coalesce(g.careers_views_90d, 0) AS careers_views_90d,
  coalesce(g.email_opens_30d, 0) AS email_opens_30d,
  coalesce(g.email_clicks_30d, 0) AS email_clicks_30d,
  CASE WHEN g.email_opens_30d > 0 THEN g.email_clicks_30d / g.email_opens_30d END AS click_rate_30d,
  coalesce(g.webinars_90d, 0) AS webinars_90d,
  coalesce(g.demo_requests_90d, 0) AS demo_requests_90d,
  coalesce(g.trials_90d, 0) AS trials_90d,
  coalesce(g.active_days_30d, 0) AS active_days_30d,
  (epoch_ms(${asOf}) - epoch_ms(g.last_visit)) // 86400000 AS days_since_last_visit
FROM eligible e
LEFT JOIN ${accounts} a USING (account_id)
LEFT JOIN agg g USING (contact_id)
) TO ${sq(args.out)} (HEADER, DELIMITER ',');
`;

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
await connection.run("SET TimeZone = 'UTC'");
const result = await connection.runAndReadAll(sql);
console.error(`duckdb: ${result.getRows()[0][0]} rows written to ${args.out}`);
