/**
 * Versioned schema migrations for the SQLite store. Append new versions; never edit old ones.
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
];
