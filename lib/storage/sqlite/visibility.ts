/**
 * Which candle rows a reader sees. Rows staged by a large write carry the id of their open batch
 * (see staging.ts) and stay hidden from every reader — in this process and others — until the
 * batch is published (its `candle_batches` row deleted, in one short transaction). A connection
 * does see the batches it has open itself (`temp.own_batches`), so that a unit of work reads its
 * own writes.
 * @module
 */

/** SQL condition: the candle row (unaliased `candles`) is visible to this connection. */
export const VISIBLE =
  "(candles.batch IS NULL OR candles.batch NOT IN (SELECT id FROM candle_batches WHERE id NOT IN (SELECT id FROM temp.own_batches)))";

/**
 * Temporary tables every connection of the store creates: the batches the connection has open,
 * and the staging area of the chunk being written (its rows, and which of them are new or
 * changed).
 */
export const CONNECTION_SQL = `
CREATE TEMP TABLE IF NOT EXISTS own_batches (id INTEGER PRIMARY KEY);
CREATE TEMP TABLE IF NOT EXISTS stage_candles (
  ts INTEGER PRIMARY KEY, open REAL, high REAL, low REAL, close REAL NOT NULL, volume REAL,
  market_cap REAL
);
CREATE TEMP TABLE IF NOT EXISTS stage_kind (ts INTEGER PRIMARY KEY, changed INTEGER NOT NULL);
`;
