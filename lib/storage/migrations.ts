/**
 * Versioned schema migrations for the SQLite store. Append new versions; never edit old ones.
 * A new concern adds its tables in a migration of its own (see "Adding a table" in
 * docs/architecture.md). All pending migrations apply in one transaction at open.
 * @module
 */

/** One schema step. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** All migrations, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "initial schema",
    sql: `
CREATE TABLE candles (
  source     TEXT    NOT NULL,
  asset      TEXT    NOT NULL,
  interval   TEXT    NOT NULL,
  ts         INTEGER NOT NULL,   -- bar open time, UTC ms
  open       REAL,               -- NULL for close-only sources (snapshots)
  high       REAL,
  low        REAL,
  close      REAL    NOT NULL,
  volume     REAL,
  market_cap REAL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (source, asset, interval, ts)
) WITHOUT ROWID;

CREATE TABLE macro_observations (
  series   TEXT    NOT NULL,     -- canonical name: VIX, DXY, DGS10, ...
  source   TEXT    NOT NULL,     -- fred, cboe, csv, sample, ...
  ts       INTEGER NOT NULL,     -- observation date, UTC ms
  revision INTEGER NOT NULL,     -- 0 = first value seen; each changed value adds one
  value    REAL    NOT NULL,
  vintage  INTEGER NOT NULL,     -- when this value was fetched or imported, UTC ms
  PRIMARY KEY (series, source, ts, revision)
) WITHOUT ROWID;

CREATE TABLE data_quality_issues (
  id         INTEGER PRIMARY KEY,
  source     TEXT    NOT NULL,
  subject    TEXT    NOT NULL,   -- asset or macro series
  interval   TEXT    NOT NULL DEFAULT '',
  kind       TEXT    NOT NULL,   -- duplicate, conflicting_duplicate, gap, missing_value, bad_row, ...
  ts         INTEGER,            -- affected time (gap start for gaps)
  ts_end     INTEGER,            -- gap end (exclusive) for gaps
  field      TEXT    NOT NULL DEFAULT '',
  detail     TEXT    NOT NULL,
  location   TEXT,               -- file:line or endpoint
  run_id     INTEGER,
  first_seen INTEGER NOT NULL,
  last_seen  INTEGER NOT NULL
);
CREATE UNIQUE INDEX data_quality_key
  ON data_quality_issues (source, subject, interval, kind, IFNULL(ts, -1), field);
CREATE INDEX data_quality_subject ON data_quality_issues (subject, kind);

CREATE TABLE collection_runs (
  id           INTEGER PRIMARY KEY,
  task         TEXT    NOT NULL,  -- import, collect, macro, ...
  started_at   INTEGER NOT NULL,
  finished_at  INTEGER,
  status       TEXT    NOT NULL,  -- running, success, partial, failed
  params       TEXT    NOT NULL,  -- JSON
  rows_written INTEGER NOT NULL DEFAULT 0,
  error        TEXT
);

CREATE TABLE collection_run_items (
  run_id       INTEGER NOT NULL REFERENCES collection_runs(id),
  source       TEXT    NOT NULL,
  subject      TEXT    NOT NULL,
  interval     TEXT    NOT NULL DEFAULT '',
  status       TEXT    NOT NULL,  -- success, failed, skipped
  rows_written INTEGER NOT NULL DEFAULT 0,
  error        TEXT,
  PRIMARY KEY (run_id, source, subject, interval)
);

CREATE TABLE signals (
  id          INTEGER PRIMARY KEY,
  ts          INTEGER NOT NULL,
  asset       TEXT    NOT NULL,
  strategy    TEXT    NOT NULL,
  direction   TEXT    NOT NULL,
  confidence  REAL    NOT NULL,
  size        REAL    NOT NULL,
  price       REAL,
  stop_loss   REAL,
  take_profit REAL,
  reason      TEXT    NOT NULL,
  inputs      TEXT,               -- JSON
  created_at  INTEGER NOT NULL,
  UNIQUE (ts, asset, strategy)
);

CREATE TABLE backtest_runs (
  id             INTEGER PRIMARY KEY,
  created_at     INTEGER NOT NULL,
  strategy       TEXT    NOT NULL,
  assets         TEXT    NOT NULL, -- JSON array
  start_ts       INTEGER,
  end_ts         INTEGER,
  params         TEXT    NOT NULL, -- JSON
  config_hash    TEXT    NOT NULL,
  data_checksum  TEXT    NOT NULL,
  engine_version TEXT    NOT NULL,
  metrics        TEXT    NOT NULL  -- JSON
);
`,
  },
  {
    version: 2,
    name: "ledger resolution",
    sql: `
-- A gap or staleness that later data fills is resolved, not deleted: the history stays.
ALTER TABLE data_quality_issues ADD COLUMN missing_bars INTEGER;    -- gaps: bars missing in [ts, ts_end)
ALTER TABLE data_quality_issues ADD COLUMN resolved_at INTEGER;     -- NULL while open
ALTER TABLE data_quality_issues ADD COLUMN resolved_by_run INTEGER; -- run whose data resolved it
CREATE INDEX data_quality_open ON data_quality_issues (source, subject, kind, ts)
  WHERE resolved_at IS NULL;
`,
  },
  {
    version: 3,
    name: "run leases",
    sql: `
-- One lease per process that owns runs or staged batches: its heartbeat keeps it alive, and a
-- lock file beside the database (held while the process lives) tells a dead owner at once.
CREATE TABLE leases (
  token        TEXT    PRIMARY KEY,
  pid          INTEGER,
  started_at   INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
);
ALTER TABLE collection_runs ADD COLUMN owner TEXT;                      -- leases.token
ALTER TABLE collection_runs ADD COLUMN issues INTEGER NOT NULL DEFAULT 0; -- quality issues found
CREATE INDEX collection_runs_running ON collection_runs (task) WHERE status = 'running';
`,
  },
  {
    version: 4,
    name: "staged candle batches",
    sql: `
-- Large candle writes are staged in short transactions as rows tagged with an open batch, which
-- every read leaves out, and published at once by deleting the batch row (see sqlite/staging.ts).
-- AUTOINCREMENT: a batch id is never reused, so rows of a published batch never hide again.
ALTER TABLE candles ADD COLUMN batch INTEGER;
CREATE TABLE candle_batches (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  owner      TEXT    NOT NULL,   -- leases.token
  source     TEXT    NOT NULL,
  asset      TEXT    NOT NULL,
  interval   TEXT    NOT NULL,
  min_ts     INTEGER NOT NULL,
  max_ts     INTEGER NOT NULL,
  run_id     INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX candle_batches_series ON candle_batches (source, asset, interval);
-- New values for rows that were already visible, applied when the batch is published.
CREATE TABLE candle_batch_updates (
  batch      INTEGER NOT NULL,
  ts         INTEGER NOT NULL,
  open       REAL,
  high       REAL,
  low        REAL,
  close      REAL    NOT NULL,
  volume     REAL,
  market_cap REAL,
  PRIMARY KEY (batch, ts)
) WITHOUT ROWID;
`,
  },
  {
    version: 5,
    name: "scheduler job runs",
    sql: `
-- One row per job and slot (deno task schedule): claimed before the run starts, so two processes
-- sharing the database never run a job twice for one slot; owner is the lease of the process
-- running it (a dead owner's slot is claimed again). Skipped slots are rows too.
CREATE TABLE job_runs (
  id           INTEGER PRIMARY KEY,
  job          TEXT    NOT NULL,
  slot         INTEGER NOT NULL,  -- slot start, UTC ms
  started_at   INTEGER NOT NULL,
  finished_at  INTEGER,
  status       TEXT    NOT NULL,  -- running | success | partial | failed | timeout | cancelled | skipped
  attempts     INTEGER NOT NULL DEFAULT 0,
  catch_up     INTEGER NOT NULL DEFAULT 0,
  missed_slots INTEGER NOT NULL DEFAULT 0,
  error        TEXT,
  detail       TEXT,              -- JSON
  owner        TEXT,              -- leases.token while running
  UNIQUE (job, slot)
);
`,
  },
  {
    version: 6,
    name: "funding rates",
    sql: `
-- Funding-rate observations of perpetuals (sqlite/funding.ts): settled rates from the REST history
-- (source 'rest', observed_at = funding_time) and the announced next rate from the streams
-- (source 'ws', observed_at = the frame's event time). rate and mark_price are the wire's decimal
-- strings, exactly; rate_real is the same rate as a REAL for SQL aggregates only (never read back).
CREATE TABLE funding_rates (
  exchange       TEXT    NOT NULL,
  market         TEXT    NOT NULL,  -- perp
  symbol         TEXT    NOT NULL,
  source         TEXT    NOT NULL,  -- ws | rest
  funding_time   INTEGER NOT NULL,  -- UTC ms: settled (rest) or next funding time (ws)
  observed_at    INTEGER NOT NULL,  -- UTC ms, exchange time
  rate           TEXT    NOT NULL,
  rate_real      REAL    NOT NULL,
  mark_price     TEXT,
  interval_hours INTEGER,
  received_at    INTEGER NOT NULL,
  PRIMARY KEY (exchange, market, symbol, source, funding_time, observed_at)
) WITHOUT ROWID;
`,
  },
  {
    version: 7,
    name: "optimisation trials",
    sql: `
-- Every trial of an optimisation sweep (sqlite/trials.ts), keyed by the trial key: SHA-256 of the
-- engine version, strategy, complete parameters, execution settings and dataset hash. A rerun of
-- an identical or interrupted sweep reuses these rows. metrics is JSON (non-finite numbers as the
-- strings "NaN", "Infinity", "-Infinity"); equity is the curve's little-endian float64 bytes.
CREATE TABLE optimize_trials (
  trial_key     TEXT    PRIMARY KEY,
  config_hash   TEXT    NOT NULL,
  dataset_hash  TEXT    NOT NULL,
  data_checksum TEXT    NOT NULL,
  strategy      TEXT    NOT NULL,
  params        TEXT    NOT NULL,
  metrics       TEXT    NOT NULL,
  trades        INTEGER NOT NULL,
  equity        BLOB    NOT NULL,
  created_at    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX optimize_trials_dataset ON optimize_trials (dataset_hash);
`,
  },
  {
    version: 8,
    name: "order-book resyncs and snapshots",
    sql: `
-- deno task stream: every resync of a live book (why, ids a gap skipped, how long the rebuild
-- took; NULL when the run ended first), and optional periodic top-N snapshots (--snapshot-every).
CREATE TABLE book_resyncs (
  id          INTEGER PRIMARY KEY,
  exchange    TEXT    NOT NULL,
  market      TEXT    NOT NULL,
  symbol      TEXT    NOT NULL,
  reason      TEXT    NOT NULL,  -- gap | backwards | crossed | reconnect | snapshot | restart
  missed      INTEGER,
  started_at  INTEGER NOT NULL,  -- UTC ms
  duration_ms INTEGER
);
CREATE INDEX book_resyncs_book ON book_resyncs (exchange, market, symbol, started_at);
CREATE TABLE book_snapshots (
  exchange  TEXT    NOT NULL,
  market    TEXT    NOT NULL,
  symbol    TEXT    NOT NULL,
  ts        INTEGER NOT NULL,  -- UTC ms
  update_id INTEGER NOT NULL,
  bids      TEXT    NOT NULL,  -- JSON [[price, qty], ...] best first, exchange decimal strings
  asks      TEXT    NOT NULL,
  PRIMARY KEY (exchange, market, symbol, ts)
) WITHOUT ROWID;
`,
  },
  {
    version: 9,
    name: "price alerts",
    sql: `
-- User price alerts (POST /alerts of deno task serve): on an asset's stored close (kind prices)
-- or a streamed book's mid price (kind book, subject exchange:market:SYMBOL); each fires once.
CREATE TABLE price_alerts (
  id              INTEGER PRIMARY KEY,
  created_at      INTEGER NOT NULL,
  subject         TEXT    NOT NULL,
  kind            TEXT    NOT NULL,  -- prices | book
  condition       TEXT    NOT NULL,  -- above | below | move
  threshold       REAL    NOT NULL,  -- a price, or a fraction for move
  reference_price REAL,              -- move: the price it is measured from
  note            TEXT,
  triggered_at    INTEGER,
  triggered_price REAL
);
CREATE INDEX price_alerts_active ON price_alerts (subject) WHERE triggered_at IS NULL;
`,
  },
  {
    version: 10,
    name: "arbitrage opportunities",
    sql: `
-- One row per arbitrage opportunity (deno task arbitrage), keyed by the alert id
-- ("<base> <buy book>><sell book>@<opened ms>"): opened, peak and last net bps, closed, duration.
CREATE TABLE arbitrage_opportunities (
  id           TEXT    PRIMARY KEY,
  pair         TEXT    NOT NULL,  -- "BTC binance:spot>bybit:perp"
  symbol       TEXT    NOT NULL,  -- the buy leg's symbol
  opened_at    INTEGER NOT NULL,  -- UTC ms
  closed_at    INTEGER,           -- UTC ms; NULL while open
  duration_ms  INTEGER,
  open_net_bps REAL    NOT NULL,
  peak_net_bps REAL    NOT NULL,
  last_net_bps REAL    NOT NULL,
  size         REAL    NOT NULL,  -- base quantity at the last event
  notional     REAL    NOT NULL,  -- buy notional, buy quote
  net_amount   REAL    NOT NULL,  -- net profit, buy quote
  events       INTEGER NOT NULL,
  close_reason TEXT,              -- edge | old | stale | crossed | … | stopped
  source       TEXT    NOT NULL,  -- live | replay
  last_alert   TEXT    NOT NULL,  -- JSON of the last alert
  last_at      INTEGER NOT NULL   -- UTC ms of the last event
);
CREATE INDEX arbitrage_opportunities_opened ON arbitrage_opportunities (opened_at);
`,
  },
];
