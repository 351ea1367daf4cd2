/**
 * Resolves the environment into a typed, validated configuration — once, at the task edge.
 * This module is the only reader of `Deno.env`.
 * @module
 */
import { z } from "zod";
import { ConfigError } from "../core/errors.ts";
import { redactSecrets } from "../core/redact.ts";
import { readDotenv } from "./dotenv.ts";
import { closestName } from "./suggest.ts";
import { VARIABLE_NAMES, VARIABLES } from "./variables.ts";

const bool = (name: string) =>
  z.string().trim().toLowerCase().transform((s, ctx) => {
    if (["1", "true", "yes", "on"].includes(s)) return true;
    if (["0", "false", "no", "off", ""].includes(s)) return false;
    ctx.addIssue({ code: "custom", message: `${name}: expected true or false` });
    return z.NEVER;
  });

const num = (name: string, min: number, max: number, int = false) =>
  z.string().trim().transform((s, ctx) => {
    const v = s === "" ? NaN : Number(s);
    if (!Number.isFinite(v) || v < min || v > max || (int && !Number.isInteger(v))) {
      ctx.addIssue({
        code: "custom",
        message: `${name}: expected ${int ? "an integer" : "a number"} from ${min} to ${max}`,
      });
      return z.NEVER;
    }
    return v;
  });

/**
 * A list of names separated by commas and/or whitespace: entries are trimmed and empty ones
 * (`bitcoin, ,eth`) ignored; a value without any entry (`,` or empty) is an error, since every
 * list variable has a default and an empty list would only fail later, further from its cause.
 */
const list = (name: string) =>
  z.string().transform((s, ctx) => {
    const items = s.split(/[\s,]+/).filter(Boolean);
    if (items.length === 0) {
      ctx.addIssue({
        code: "custom",
        message: `${name}: expected a list of names separated by commas or spaces, ` +
          "e.g. bitcoin,ethereum (unset it for the default)",
      });
      return z.NEVER;
    }
    return items;
  });

/** A list that may be empty (an empty value means none, e.g. no CORS origins). */
const optionalList = z.string().transform((s) => s.split(/[\s,]+/).filter(Boolean));

const url = (name: string, protocols: string[]) =>
  z.string().trim().transform((s, ctx) => {
    try {
      const u = new URL(s);
      if (!protocols.includes(u.protocol)) throw new Error();
      return s.replace(/\/+$/, "");
    } catch {
      ctx.addIssue({
        code: "custom",
        message: `${name}: expected a ${protocols.join(" or ")} URL`,
      });
      return z.NEVER;
    }
  });

const oneOf = <T extends string>(name: string, values: readonly T[]) =>
  z.string().trim().toLowerCase().transform((s, ctx) => {
    if ((values as readonly string[]).includes(s)) return s as T;
    ctx.addIssue({ code: "custom", message: `${name}: expected one of ${values.join(", ")}` });
    return z.NEVER;
  });

const optional = z.string().transform((s) => (s.trim() === "" ? undefined : s.trim()));

const pairs = (name: string, form: string) =>
  z.string().transform((s, ctx) => {
    const out: Record<string, string> = {};
    for (const item of s.split(/[\s,]+/).filter(Boolean)) {
      const m = /^([^=]+)=([^=]+)$/.exec(item);
      if (!m) {
        ctx.addIssue({
          code: "custom",
          message: `${name}: expected ${form} pairs separated by commas`,
        });
        return z.NEVER;
      }
      out[m[1].trim()] = m[2].trim();
    }
    return out;
  });

const optionalNum = (name: string, min: number, max: number) =>
  z.string().trim().transform((s, ctx) => {
    if (s === "") return undefined;
    const v = Number(s);
    if (!Number.isFinite(v) || v < min || v > max) {
      ctx.addIssue({ code: "custom", message: `${name}: expected a number from ${min} to ${max}` });
      return z.NEVER;
    }
    return v;
  });

const http = ["http:", "https:"];
const ws = ["ws:", "wss:"];

const schema = z.object({
  ENVIRONMENT: oneOf("ENVIRONMENT", ["development", "staging", "production"] as const),
  DEBUG: bool("DEBUG"),
  LOG_LEVEL: oneOf("LOG_LEVEL", ["debug", "info", "warn", "error"] as const),
  LOG_FILE: optional,
  DATABASE_PATH: z.string().trim().min(1, "DATABASE_PATH: expected a file path").transform((s) =>
    s.replace(/^sqlite:\/\/\//, "")
  ),
  DATABASE_URL: z.string().trim().transform((s, ctx) => {
    if (s === "") return undefined;
    // the value is never echoed: it may carry a password
    if (!/^postgres(ql)?:\/\/[^/?#]+/i.test(s)) {
      ctx.addIssue({
        code: "custom",
        message: "DATABASE_URL: expected postgres://user:password@host:5432/database",
      });
      return z.NEVER;
    }
    return s;
  }),
  DATA_DIR: z.string().trim().min(1, "DATA_DIR: expected a directory path"),
  REDIS_URL: z.string().trim().transform((s, ctx) => {
    if (s === "") return undefined;
    if (!/^rediss?:\/\//.test(s)) {
      ctx.addIssue({ code: "custom", message: "REDIS_URL: expected redis://host:port[/db]" });
      return z.NEVER;
    }
    return s;
  }),
  REDIS_CACHE_TTL: num("REDIS_CACHE_TTL", 1, 31_536_000, true),
  QUEUE_NAME: z.string().trim().regex(
    /^[A-Za-z0-9_.-]{1,100}$/,
    "QUEUE_NAME: expected letters, digits, '_', '.' or '-' (no ':')",
  ),
  QUEUE_RETENTION_DAYS: num("QUEUE_RETENTION_DAYS", 1, 3650, true),
  QUEUE_DATASET_TTL: num("QUEUE_DATASET_TTL", 60, 31_536_000, true),
  WORKER_CONCURRENCY: num("WORKER_CONCURRENCY", 1, 256, true),
  COINGECKO_API_KEY: optional,
  COINGECKO_PLAN: z.string().trim().toLowerCase().transform((s, ctx) => {
    if (s === "") return undefined;
    if (s === "public" || s === "demo" || s === "pro") return s;
    ctx.addIssue({ code: "custom", message: "COINGECKO_PLAN: expected public, demo or pro" });
    return z.NEVER;
  }),
  COINGECKO_BASE_URL: url("COINGECKO_BASE_URL", http),
  COINGECKO_PRO_BASE_URL: url("COINGECKO_PRO_BASE_URL", http),
  COINGECKO_RATE_LIMIT_PER_MIN: optionalNum("COINGECKO_RATE_LIMIT_PER_MIN", 0.1, 100_000),
  BINANCE_BASE_URL: url("BINANCE_BASE_URL", http),
  BINANCE_WEIGHT_LIMIT_PER_MIN: num("BINANCE_WEIGHT_LIMIT_PER_MIN", 10, 1_000_000, true),
  BINANCE_SYMBOL_MAP: pairs("BINANCE_SYMBOL_MAP", "asset=SYMBOL"),
  BINANCE_FUTURES_BASE_URL: url("BINANCE_FUTURES_BASE_URL", http),
  BINANCE_WS_URL: url("BINANCE_WS_URL", ws),
  BINANCE_FUTURES_WS_URL: url("BINANCE_FUTURES_WS_URL", ws),
  BYBIT_BASE_URL: url("BYBIT_BASE_URL", http),
  BYBIT_WS_URL: url("BYBIT_WS_URL", ws),
  FRED_API_KEY: optional,
  FRED_BASE_URL: url("FRED_BASE_URL", http),
  FRED_RATE_LIMIT_PER_MIN: num("FRED_RATE_LIMIT_PER_MIN", 0.1, 100_000),
  FRED_SERIES_MAP: pairs("FRED_SERIES_MAP", "NAME=FRED_ID"),
  CBOE_VIX_URL: url("CBOE_VIX_URL", http),
  HTTP_TIMEOUT_MS: num("HTTP_TIMEOUT_MS", 100, 600_000, true),
  HTTP_MAX_RETRIES: num("HTTP_MAX_RETRIES", 0, 20, true),
  HTTP_BACKOFF_BASE_MS: num("HTTP_BACKOFF_BASE_MS", 0, 600_000, true),
  HTTP_MAX_RETRY_WAIT_MS: num("HTTP_MAX_RETRY_WAIT_MS", 0, 86_400_000, true),
  COLLECT_ASSETS: list("COLLECT_ASSETS"),
  MACRO_INDICATORS: list("MACRO_INDICATORS"),
  CSV_BACKUP: bool("CSV_BACKUP"),
  REALTIME_ENABLED: bool("REALTIME_ENABLED"),
  REALTIME_SYMBOLS: list("REALTIME_SYMBOLS"),
  REALTIME_EXCHANGES: list("REALTIME_EXCHANGES"),
  ENABLED_STRATEGIES: list("ENABLED_STRATEGIES"),
  SIGNAL_GENERATION_INTERVAL_MINUTES: num("SIGNAL_GENERATION_INTERVAL_MINUTES", 1, 10_080, true),
  API_HOST: z.string().trim().min(1, "API_HOST: expected a host name or address"),
  API_PORT: num("API_PORT", 0, 65_535, true),
  API_SECRET_KEY: optional,
  API_PUBLIC_READ: bool("API_PUBLIC_READ"),
  API_CORS_ORIGINS: optionalList,
  API_MAX_BODY_BYTES: num("API_MAX_BODY_BYTES", 1_024, 1_073_741_824, true),
  API_RATE_LIMIT_PER_MIN: num("API_RATE_LIMIT_PER_MIN", 0, 1_000_000, true),
  API_SYNC_TIMEOUT_MS: num("API_SYNC_TIMEOUT_MS", 0, 3_600_000, true),
  API_BACKTEST_WORKERS: num("API_BACKTEST_WORKERS", 0, 64, true),
  API_REQUEST_TIMEOUT_MS: num("API_REQUEST_TIMEOUT_MS", 0, 3_600_000, true),
  API_READY_MAX_DATA_AGE: z.string().trim().transform((s, ctx) => {
    if (s === "") return undefined;
    const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/.exec(s);
    if (!m || Number(m[1]) <= 0) {
      ctx.addIssue({
        code: "custom",
        message: "API_READY_MAX_DATA_AGE: expected a duration such as 90m, 36h or 2d",
      });
      return z.NEVER;
    }
    return Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as "s"];
  }),
  API_WS_QUEUE: num("API_WS_QUEUE", 1, 1_000_000, true),
  API_WS_REPLAY: num("API_WS_REPLAY", 0, 1_000_000, true),
  ARBITRAGE_FEES: z.string().trim().transform((s, ctx) => {
    if (s === "") return undefined;
    let v: unknown;
    try {
      v = JSON.parse(s);
    } catch {
      v = undefined;
    }
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
      ctx.addIssue({
        code: "custom",
        message: 'ARBITRAGE_FEES: expected a JSON object such as {"binance:spot":0.001}',
      });
      return z.NEVER;
    }
    return v as Record<string, unknown>;
  }),
  ALERT_WEBHOOK_URL: z.string().trim().transform((s, ctx) => {
    if (s === "") return undefined;
    if (!URL.canParse(s) || !/^https?:$/.test(new URL(s).protocol)) {
      ctx.addIssue({ code: "custom", message: "ALERT_WEBHOOK_URL: expected an http(s) URL" });
      return z.NEVER;
    }
    return s;
  }),
  MAX_POSITION_SIZE: num("MAX_POSITION_SIZE", 0, 1),
  MAX_DAILY_TRADES: num("MAX_DAILY_TRADES", 0, 1_000_000, true),
  MAX_PORTFOLIO_RISK: num("MAX_PORTFOLIO_RISK", 0, 10),
  DEFAULT_STOP_LOSS: num("DEFAULT_STOP_LOSS", 0, 1),
  DEFAULT_TAKE_PROFIT: num("DEFAULT_TAKE_PROFIT", 0, 100),
});

type Raw = z.infer<typeof schema>;

/** The deployment environment (`ENVIRONMENT`). */
export type Environment = "development" | "staging" | "production";
/** The least severe log level written (`LOG_LEVEL`). */
export type ConfigLogLevel = "debug" | "info" | "warn" | "error";

/** The complete, typed configuration every task works from. */
export interface ResolvedConfig {
  /** `ENVIRONMENT`. */
  readonly environment: Environment;
  /** `LOG_LEVEL`. */
  readonly logLevel: ConfigLogLevel;
  /** `LOG_FILE`: JSON-lines log file; unset: no file. */
  readonly logFile?: string;
  /** `DATABASE_PATH`: the SQLite file. */
  readonly databasePath: string;
  /** PostgreSQL URL; when set, the store is PostgreSQL and `databasePath` is not used. */
  readonly databaseUrl?: string;
  /** `DATA_DIR`: where backups and reports go. */
  readonly dataDir: string;
  /** `REDIS_URL` (unset: in-process cache) and `REDIS_TTL_SECONDS`. */
  readonly redis: { readonly url?: string; readonly ttlSeconds: number };
  /** Distributed sweeps (`QUEUE_*`, `WORKER_CONCURRENCY`): the BullMQ queue and `deno task worker`. */
  readonly queue: {
    readonly name: string;
    readonly retentionDays: number;
    readonly datasetTtlSeconds: number;
    readonly workerConcurrency: number;
  };
  /** CoinGecko (`COINGECKO_*`): key, plan and base URLs. */
  readonly coingecko: {
    readonly apiKey?: string;
    readonly plan: "public" | "demo" | "pro";
    readonly baseUrl: string;
    readonly proBaseUrl: string;
    /** Client-side limit for the plan's endpoint, calls/min; undefined: the plan's default. */
    readonly ratePerMinute?: number;
  };
  /** Binance (`BINANCE_*`): REST, futures and WebSocket URLs, weight budget, symbols. */
  readonly binance: {
    readonly baseUrl: string;
    readonly futuresBaseUrl: string;
    readonly wsUrl: string;
    readonly futuresWsUrl: string;
    readonly weightPerMinute: number;
    /** User asset → symbol pairs, merged over the built-in map by the collector. */
    readonly symbolMap: Readonly<Record<string, string>>;
  };
  /** Bybit (`BYBIT_*`): REST and WebSocket URLs. */
  readonly bybit: { readonly baseUrl: string; readonly wsUrl: string };
  /** FRED (`FRED_*`): key, base URL, rate and series names. */
  readonly fred: {
    readonly apiKey?: string;
    readonly baseUrl: string;
    readonly ratePerMinute: number;
    /** User name → FRED series id pairs, merged over the built-in map by the macro collector. */
    readonly seriesMap: Readonly<Record<string, string>>;
  };
  /** `CBOE_VIX_URL`: the CBOE VIX history CSV (no key needed). */
  readonly cboeVixUrl: string;
  /** `HTTP_TIMEOUT_MS`: per-request timeout. */
  readonly httpTimeoutMs: number;
  /** Retry policy shared by every external API client. */
  readonly http: {
    readonly maxRetries: number;
    readonly backoffBaseMs: number;
    readonly maxRetryWaitMs: number;
  };
  /** `COLLECT_ASSETS`, `MACRO_INDICATORS`, `CSV_BACKUP`. */
  readonly collect: {
    readonly assets: readonly string[];
    readonly macroIndicators: readonly string[];
    readonly csvBackup: boolean;
  };
  /** `REALTIME_*`: the live streams. */
  readonly realtime: {
    readonly enabled: boolean;
    readonly symbols: readonly string[];
    readonly exchanges: readonly string[];
  };
  /** `ENABLED_STRATEGIES`, `SIGNAL_GENERATION_INTERVAL_MINUTES`. */
  readonly signals: {
    readonly enabledStrategies: readonly string[];
    readonly intervalMinutes: number;
  };
  /** `API_*`: the `serve` task's HTTP API and WebSocket hub. */
  readonly api: {
    /** `API_HOST`: the address `serve` binds. */
    readonly host: string;
    /** `API_PORT`. */
    readonly port: number;
    /** `API_SECRET_KEY` (secret): the token, and the HS256 key of JWTs. */
    readonly secretKey?: string;
    /** Read routes answer without a token. */
    readonly publicRead: boolean;
    /** CORS origins (`*` for any); empty: no CORS headers. */
    readonly corsOrigins: readonly string[];
    /** Largest request body accepted, bytes (413 beyond). */
    readonly maxBodyBytes: number;
    /** Requests per minute per client; 0: no limit. */
    readonly rateLimitPerMin: number;
    /** How long a POST waits for its run before answering 202 with a Location, ms. */
    readonly syncTimeoutMs: number;
    /** Web Workers that run API backtests at once; 0: on the server thread. */
    readonly backtestWorkers: number;
    /** A request still unanswered after this long gets 504, ms; 0: no timeout. */
    readonly requestTimeoutMs: number;
    /** `/ready` fails when a series is older than this, ms; undefined: never. */
    readonly readyMaxDataAgeMs?: number;
    /** Messages a WebSocket client may have queued before it is closed. */
    readonly wsQueue: number;
    /** Messages kept per WebSocket channel for replay. */
    readonly wsReplay: number;
  };
  /** `ARBITRAGE_FEES`, `ALERT_WEBHOOK_URL`: the arbitrage detector's costs and alert webhook. */
  readonly arbitrage: {
    /** Taker fee overrides (checked by the detector: keys and ranges). */
    readonly fees?: Readonly<Record<string, unknown>>;
    /** Where alerts are POSTed (a secret: never logged). */
    readonly webhookUrl?: string;
  };
  /** `MAX_*` and `DEFAULT_*` risk limits. */
  readonly risk: {
    readonly maxPositionSize: number;
    readonly maxDailyTrades: number;
    readonly maxPortfolioRisk: number;
    readonly defaultStopLoss: number;
    readonly defaultTakeProfit: number;
  };
}

/** The `API_*` variables as {@link ResolvedConfig.api}. */
function apiConfig(r: z.infer<typeof schema>): ResolvedConfig["api"] {
  return {
    host: r.API_HOST,
    port: r.API_PORT,
    secretKey: r.API_SECRET_KEY,
    publicRead: r.API_PUBLIC_READ,
    corsOrigins: r.API_CORS_ORIGINS,
    maxBodyBytes: r.API_MAX_BODY_BYTES,
    rateLimitPerMin: r.API_RATE_LIMIT_PER_MIN,
    syncTimeoutMs: r.API_SYNC_TIMEOUT_MS,
    backtestWorkers: r.API_BACKTEST_WORKERS,
    requestTimeoutMs: r.API_REQUEST_TIMEOUT_MS,
    readyMaxDataAgeMs: r.API_READY_MAX_DATA_AGE,
    wsQueue: r.API_WS_QUEUE,
    wsReplay: r.API_WS_REPLAY,
  };
}

/**
 * Builds the configuration from a map of variables (unset ones take their defaults). Throws a
 * {@link ConfigError} naming every bad variable and the expected form; secret values are never
 * echoed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ConfigError } from "../core/errors.ts";
 * import { resolveConfig } from "./config.ts";
 *
 * const config = resolveConfig({ DATABASE_PATH: "/tmp/mts-example.db", MAX_POSITION_SIZE: "0.1" });
 * assert.equal(config.databasePath, "/tmp/mts-example.db");
 * assert.equal(config.risk.maxPositionSize, 0.1);
 * assert.throws(() => resolveConfig({ MAX_POSITION_SIZE: "lots" }), ConfigError);
 * ```
 */
export function resolveConfig(env: Readonly<Record<string, string | undefined>>): ResolvedConfig {
  const input: Record<string, string> = {};
  for (const v of VARIABLES) input[v.name] = env[v.name] ?? v.default;
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const name = String(i.path[0] ?? "");
      const spec = VARIABLES.find((v) => v.name === name);
      // a URL's password is hidden even where the variable itself is not a secret
      const shown = spec?.secret ? "(hidden)" : JSON.stringify(redactSecrets(input[name]));
      const msg = i.message.startsWith(`${name}:`) ? i.message : `${name}: ${i.message}`;
      return `${msg} (got ${shown})`;
    });
    throw new ConfigError(
      `Invalid configuration: ${lines.join("; ")}`,
      String(parsed.error.issues[0].path[0]),
    );
  }
  const r = parsed.data;
  const plan = r.COINGECKO_PLAN ?? (r.COINGECKO_API_KEY ? "pro" : "public");
  return {
    environment: r.ENVIRONMENT,
    logLevel: r.DEBUG ? "debug" : r.LOG_LEVEL,
    logFile: r.LOG_FILE,
    databasePath: r.DATABASE_PATH,
    databaseUrl: r.DATABASE_URL,
    dataDir: r.DATA_DIR,
    redis: { url: r.REDIS_URL, ttlSeconds: r.REDIS_CACHE_TTL },
    queue: {
      name: r.QUEUE_NAME,
      retentionDays: r.QUEUE_RETENTION_DAYS,
      datasetTtlSeconds: r.QUEUE_DATASET_TTL,
      workerConcurrency: r.WORKER_CONCURRENCY,
    },
    coingecko: {
      apiKey: r.COINGECKO_API_KEY,
      plan,
      baseUrl: r.COINGECKO_BASE_URL,
      proBaseUrl: r.COINGECKO_PRO_BASE_URL,
      ratePerMinute: r.COINGECKO_RATE_LIMIT_PER_MIN,
    },
    binance: {
      baseUrl: r.BINANCE_BASE_URL,
      futuresBaseUrl: r.BINANCE_FUTURES_BASE_URL,
      wsUrl: r.BINANCE_WS_URL,
      futuresWsUrl: r.BINANCE_FUTURES_WS_URL,
      weightPerMinute: r.BINANCE_WEIGHT_LIMIT_PER_MIN,
      symbolMap: r.BINANCE_SYMBOL_MAP,
    },
    bybit: { baseUrl: r.BYBIT_BASE_URL, wsUrl: r.BYBIT_WS_URL },
    fred: {
      apiKey: r.FRED_API_KEY,
      baseUrl: r.FRED_BASE_URL,
      ratePerMinute: r.FRED_RATE_LIMIT_PER_MIN,
      seriesMap: r.FRED_SERIES_MAP,
    },
    cboeVixUrl: r.CBOE_VIX_URL,
    httpTimeoutMs: r.HTTP_TIMEOUT_MS,
    http: {
      maxRetries: r.HTTP_MAX_RETRIES,
      backoffBaseMs: r.HTTP_BACKOFF_BASE_MS,
      maxRetryWaitMs: r.HTTP_MAX_RETRY_WAIT_MS,
    },
    collect: {
      assets: r.COLLECT_ASSETS,
      macroIndicators: r.MACRO_INDICATORS,
      csvBackup: r.CSV_BACKUP,
    },
    realtime: {
      enabled: r.REALTIME_ENABLED,
      symbols: r.REALTIME_SYMBOLS,
      exchanges: r.REALTIME_EXCHANGES,
    },
    signals: {
      enabledStrategies: r.ENABLED_STRATEGIES,
      intervalMinutes: r.SIGNAL_GENERATION_INTERVAL_MINUTES,
    },
    api: apiConfig(r),
    arbitrage: { fees: r.ARBITRAGE_FEES, webhookUrl: r.ALERT_WEBHOOK_URL },
    risk: {
      maxPositionSize: r.MAX_POSITION_SIZE,
      maxDailyTrades: r.MAX_DAILY_TRADES,
      maxPortfolioRisk: r.MAX_PORTFOLIO_RISK,
      defaultStopLoss: r.DEFAULT_STOP_LOSS,
      defaultTakeProfit: r.DEFAULT_TAKE_PROFIT,
    },
  };
}

/** Where {@link loadConfig} finds its variables. */
export interface LoadConfigOptions {
  /** The dotenv file read under the shell's variables (default `.env`; `""` reads none). */
  readonly envFile?: string;
}

/**
 * The directory the user started `deno task` from (npm's and Deno's `INIT_CWD`), against which
 * relative paths they type are resolved; `undefined` when unknown or not granted.
 */
export function invocationDir(): string | undefined {
  return shellValue("INIT_CWD");
}

/** The variable's value in the process environment; a variable not granted counts as unset. */
function shellValue(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
      return undefined;
    }
    throw e;
  }
}

/**
 * The assignments of the dotenv file as a map. A name mts does not know is an error naming
 * `file:line` (and the closest known name): a typo there would otherwise be ignored silently.
 */
function dotenvValues(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of file ? readDotenv(file) : []) {
    if (!VARIABLE_NAMES.includes(entry.name)) {
      const near = closestName(entry.name, VARIABLE_NAMES);
      throw new ConfigError(
        `${file}:${entry.line}: unknown variable ${entry.name}` +
          (near ? ` (did you mean ${near}?)` : " (see .env.example for the variables mts reads)"),
        entry.name,
      );
    }
    out[entry.name] = entry.value;
  }
  return out;
}

/**
 * Reads every known variable: from the process environment, else from the dotenv file (a
 * missing file is silent). A variable the task was not granted (`--allow-env`) counts as unset,
 * so adding a variable to the table does not break the other tasks' permissions.
 */
export function readEnv(options: LoadConfigOptions = {}): Record<string, string | undefined> {
  const fromFile = dotenvValues(options.envFile ?? ".env");
  const out: Record<string, string | undefined> = {};
  for (const v of VARIABLES) out[v.name] = shellValue(v.name) ?? fromFile[v.name];
  return out;
}

/**
 * Resolves the configuration from the process environment and `.env` (the usual entry point for
 * tasks).
 */
export function loadConfig(options: LoadConfigOptions = {}): ResolvedConfig {
  return resolveConfig(readEnv(options));
}

/** A copy of the configuration safe to print: secrets replaced by `"(set)"`. */
export function redactConfig(c: ResolvedConfig): Record<string, unknown> {
  return JSON.parse(JSON.stringify(c, (k, v) => {
    if (/apikey|secretkey|secret_key|password|token/i.test(k) && v !== undefined) return "(set)";
    if (k === "url" && typeof v === "string") return v.replace(/\/\/[^@/]*@/, "//(credentials)@");
    return v;
  }));
}
