/**
 * Every environment variable mts reads: name, default, meaning and whether it is a secret.
 * This table drives config parsing, `.env.example`, the manual's table and the permission check.
 * @module
 */

/** Description of one environment variable. */
export interface VariableSpec {
  /** The variable's name, e.g. `DATABASE_PATH`. */
  readonly name: string;
  /** Default as the user would write it; empty string means "unset". */
  readonly default: string;
  /** One line: what it means and its form. */
  readonly description: string;
  /** A secret: redacted in every output, never echoed. */
  readonly secret?: boolean;
}

/** All variables, grouped in the order `.env.example` lists them. */
export const VARIABLES: readonly VariableSpec[] = [
  {
    name: "ENVIRONMENT",
    default: "development",
    description: "development | staging | production",
  },
  {
    name: "DEBUG",
    default: "false",
    description: "true turns on debug logging (same as LOG_LEVEL=debug)",
  },
  { name: "LOG_LEVEL", default: "info", description: "debug | info | warn | error" },
  {
    name: "LOG_FILE",
    default: "logs/mts.log",
    description: "JSON-lines log file; empty disables file logging",
  },
  {
    name: "DATABASE_PATH",
    default: "data/mts.db",
    description: "SQLite database file (a sqlite:/// URL is accepted)",
  },
  {
    name: "DATABASE_URL",
    default: "",
    description:
      "postgres://user:password@host:5432/db selects PostgreSQL and takes precedence over DATABASE_PATH",
  },
  { name: "DATA_DIR", default: "data", description: "Directory for backups and reports" },
  {
    name: "REDIS_URL",
    default: "",
    description: "redis://host:port/db; unset uses the in-process memory cache",
  },
  { name: "REDIS_CACHE_TTL", default: "300", description: "Cache entry lifetime in seconds" },
  {
    name: "QUEUE_NAME",
    default: "mts-trials",
    description: "BullMQ queue of distributed sweeps (optimize --queue, deno task worker)",
  },
  {
    name: "QUEUE_RETENTION_DAYS",
    default: "30",
    description: "Days a completed trial job is kept for reuse (at most 1,000,000 jobs)",
  },
  {
    name: "QUEUE_DATASET_TTL",
    default: "604800",
    description: "Seconds a sweep's dataset stays in Redis (renewed by every sweep using it)",
  },
  {
    name: "WORKER_CONCURRENCY",
    default: "1",
    description: "Trials a deno task worker runs at once (one thread each)",
  },
  {
    name: "COINGECKO_API_KEY",
    default: "",
    description: "CoinGecko key (CG-…); unset uses the public API",
    secret: true,
  },
  {
    name: "COINGECKO_PLAN",
    default: "",
    description: "public | demo | pro; empty: pro when a key is set, else public",
  },
  {
    name: "COINGECKO_BASE_URL",
    default: "https://api.coingecko.com/api/v3",
    description: "CoinGecko public (and demo) API base URL",
  },
  {
    name: "COINGECKO_PRO_BASE_URL",
    default: "https://pro-api.coingecko.com/api/v3",
    description: "CoinGecko Pro API base URL",
  },
  {
    name: "COINGECKO_RATE_LIMIT_PER_MIN",
    default: "",
    description:
      "Client-side CoinGecko limit, calls/min; empty: per plan (public 10, demo 30, pro 500)",
  },
  {
    name: "BINANCE_BASE_URL",
    default: "https://api.binance.com",
    description: "Binance spot REST base URL",
  },
  {
    name: "BINANCE_WEIGHT_LIMIT_PER_MIN",
    default: "6000",
    description: "Binance REQUEST_WEIGHT budget per minute (the collector uses 80% of it)",
  },
  {
    name: "BINANCE_SYMBOL_MAP",
    default: "",
    description:
      "Extra asset=SYMBOL pairs for Binance klines, e.g. pepe=PEPEUSDT (merged over the built-in map)",
  },
  {
    name: "BINANCE_FUTURES_BASE_URL",
    default: "https://fapi.binance.com",
    description: "Binance USDⓈ-M futures REST base URL",
  },
  {
    name: "BINANCE_WS_URL",
    default: "wss://stream.binance.com:9443",
    description: "Binance spot WebSocket base URL (the stream appends /stream?streams=…)",
  },
  {
    name: "BINANCE_FUTURES_WS_URL",
    default: "wss://fstream.binance.com",
    description: "Binance USDⓈ-M futures WebSocket base URL (the stream appends /stream?streams=…)",
  },
  {
    name: "BYBIT_BASE_URL",
    default: "https://api.bybit.com",
    description: "Bybit v5 REST base URL",
  },
  {
    name: "BYBIT_WS_URL",
    default: "wss://stream.bybit.com",
    description:
      "Bybit v5 WebSocket base URL (the stream appends /v5/public/spot or /v5/public/linear)",
  },
  {
    name: "FRED_API_KEY",
    default: "",
    description: "FRED API key (free at fred.stlouisfed.org); unset: VIX from CBOE only",
    secret: true,
  },
  {
    name: "FRED_BASE_URL",
    default: "https://api.stlouisfed.org/fred",
    description: "FRED API base URL",
  },
  {
    name: "FRED_RATE_LIMIT_PER_MIN",
    default: "120",
    description: "Client-side FRED limit, requests/min",
  },
  {
    name: "FRED_SERIES_MAP",
    default: "",
    description:
      "Extra NAME=FRED_ID pairs, e.g. UNRATE=UNRATE,WTI=DCOILWTICO (merged over VIX=VIXCLS,DXY=DTWEXBGS,...)",
  },
  {
    name: "CBOE_VIX_URL",
    default: "https://cdn.cboe.com/api/global/us_indices/daily_prices/VIX_History.csv",
    description: "CBOE VIX daily history CSV",
  },
  {
    name: "HTTP_TIMEOUT_MS",
    default: "10000",
    description: "Per-request timeout for external APIs, ms",
  },
  {
    name: "HTTP_MAX_RETRIES",
    default: "3",
    description: "Retries after a 5xx, timeout or rate limit (0 disables retrying)",
  },
  {
    name: "HTTP_BACKOFF_BASE_MS",
    default: "500",
    description: "First retry waits up to this long (doubling each retry, with jitter), ms",
  },
  {
    name: "HTTP_MAX_RETRY_WAIT_MS",
    default: "60000",
    description: "A server asking to wait longer than this (Retry-After) fails the request, ms",
  },
  {
    name: "COLLECT_ASSETS",
    default: "bitcoin,ethereum,binancecoin",
    description: "Assets collected when --assets is not given",
  },
  {
    name: "MACRO_INDICATORS",
    default: "VIX,DXY,DGS10",
    description: "Macro indicators collected when --indicators is not given",
  },
  { name: "CSV_BACKUP", default: "true", description: "Write a CSV backup after each collection" },
  {
    name: "REALTIME_ENABLED",
    default: "false",
    description: "deno task serve also runs the live streams (as with --stream)",
  },
  {
    name: "REALTIME_SYMBOLS",
    default: "BTCUSDT,ETHUSDT",
    description: "Exchange symbols to stream",
  },
  { name: "REALTIME_EXCHANGES", default: "binance,bybit", description: "Exchanges to stream from" },
  {
    name: "ENABLED_STRATEGIES",
    default: "vix_correlation,mean_reversion",
    description: "Strategies the signals task runs",
  },
  {
    name: "SIGNAL_GENERATION_INTERVAL_MINUTES",
    default: "60",
    description: "Scheduler period for signal generation",
  },
  { name: "API_HOST", default: "127.0.0.1", description: "REST API bind address" },
  { name: "API_PORT", default: "8000", description: "REST API port" },
  {
    name: "API_SECRET_KEY",
    default: "",
    description:
      "Bearer token of the API (or the HS256 key of its JWTs); unset: loopback only, no control routes",
    secret: true,
  },
  {
    name: "API_PUBLIC_READ",
    default: "false",
    description: "true lets every read route answer without a token",
  },
  {
    name: "API_CORS_ORIGINS",
    default: "",
    description: "Origins allowed by CORS, comma-separated (* for any); empty: no CORS headers",
  },
  {
    name: "API_MAX_BODY_BYTES",
    default: "1048576",
    description: "Largest request body the API accepts, bytes (413 above)",
  },
  {
    name: "API_RATE_LIMIT_PER_MIN",
    default: "600",
    description:
      "Requests per minute per client address (429 with Retry-After; /health, /metrics exempt); 0 disables",
  },
  {
    name: "API_SYNC_TIMEOUT_MS",
    default: "10000",
    description: "POST /backtest answers 202 with a job id when the run takes longer, ms",
  },
  {
    name: "API_BACKTEST_WORKERS",
    default: "2",
    description:
      "Web Workers running POST /backtest (more wait their turn); 0 runs backtests on the server thread",
  },
  {
    name: "API_REQUEST_TIMEOUT_MS",
    default: "30000",
    description:
      "A request still unanswered after this long gets 504 (/ws, /metrics, POST /backtest exempt); 0 disables",
  },
  {
    name: "API_READY_MAX_DATA_AGE",
    default: "",
    description: "GET /ready fails when a stored series is older than this (e.g. 2d); empty: never",
  },
  {
    name: "API_WS_QUEUE",
    default: "256",
    description: "Messages a WebSocket client may have waiting before it is closed (code 4008)",
  },
  {
    name: "API_WS_REPLAY",
    default: "1000",
    description: "Messages kept per WebSocket channel for clients that reconnect with since",
  },
  {
    name: "ARBITRAGE_FEES",
    default: "",
    description:
      'Taker fees for deno task arbitrage as JSON fractions, e.g. {"bybit:perp":0.0002}; unset: the documented defaults',
  },
  {
    name: "ALERT_WEBHOOK_URL",
    default: "",
    description:
      "Arbitrage alerts are POSTed here as JSON (retried, never blocking); unset: no webhook",
    secret: true,
  },
  {
    name: "MAX_POSITION_SIZE",
    default: "0.1",
    description: "Largest position as a fraction of equity (0..1)",
  },
  { name: "MAX_DAILY_TRADES", default: "50", description: "Most new orders per UTC day" },
  {
    name: "MAX_PORTFOLIO_RISK",
    default: "0.25",
    description: "Largest gross exposure as a fraction of equity (0..10)",
  },
  {
    name: "DEFAULT_STOP_LOSS",
    default: "0.05",
    description: "Stop-loss fraction used when a signal gives none; 0 disables",
  },
  {
    name: "DEFAULT_TAKE_PROFIT",
    default: "0.1",
    description: "Take-profit fraction used when a signal gives none; 0 disables",
  },
];

/** Every variable's name (the permission sets in deno.json must grant exactly these). */
export const VARIABLE_NAMES: readonly string[] = VARIABLES.map((v) => v.name);
