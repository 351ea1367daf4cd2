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

const list = z.string().transform((s) => s.split(/[\s,]+/).map((x) => x.trim()).filter(Boolean));

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
  COLLECT_ASSETS: list,
  MACRO_INDICATORS: list,
  CSV_BACKUP: bool("CSV_BACKUP"),
  REALTIME_ENABLED: bool("REALTIME_ENABLED"),
  REALTIME_SYMBOLS: list,
  REALTIME_EXCHANGES: list,
  ENABLED_STRATEGIES: list,
  SIGNAL_GENERATION_INTERVAL_MINUTES: num("SIGNAL_GENERATION_INTERVAL_MINUTES", 1, 10_080, true),
  API_HOST: z.string().trim().min(1, "API_HOST: expected a host name or address"),
  API_PORT: num("API_PORT", 0, 65_535, true),
  API_SECRET_KEY: optional,
  MAX_POSITION_SIZE: num("MAX_POSITION_SIZE", 0, 1),
  MAX_DAILY_TRADES: num("MAX_DAILY_TRADES", 0, 1_000_000, true),
  MAX_PORTFOLIO_RISK: num("MAX_PORTFOLIO_RISK", 0, 10),
  DEFAULT_STOP_LOSS: num("DEFAULT_STOP_LOSS", 0, 1),
  DEFAULT_TAKE_PROFIT: num("DEFAULT_TAKE_PROFIT", 0, 100),
});

type Raw = z.infer<typeof schema>;

/** The complete, typed configuration every task works from. */
export interface ResolvedConfig {
  readonly environment: Raw["ENVIRONMENT"];
  readonly logLevel: Raw["LOG_LEVEL"];
  readonly logFile?: string;
  readonly databasePath: string;
  /** PostgreSQL URL; when set, the store is PostgreSQL and `databasePath` is not used. */
  readonly databaseUrl?: string;
  readonly dataDir: string;
  readonly redis: { readonly url?: string; readonly ttlSeconds: number };
  readonly coingecko: {
    readonly apiKey?: string;
    readonly plan: "public" | "demo" | "pro";
    readonly baseUrl: string;
    readonly proBaseUrl: string;
    /** Client-side limit for the plan's endpoint, calls/min; undefined: the plan's default. */
    readonly ratePerMinute?: number;
  };
  readonly binance: {
    readonly baseUrl: string;
    readonly futuresBaseUrl: string;
    readonly wsUrl: string;
    readonly futuresWsUrl: string;
    readonly weightPerMinute: number;
    /** User asset → symbol pairs, merged over the built-in map by the collector. */
    readonly symbolMap: Readonly<Record<string, string>>;
  };
  readonly bybit: { readonly baseUrl: string; readonly wsUrl: string };
  readonly fred: {
    readonly apiKey?: string;
    readonly baseUrl: string;
    readonly ratePerMinute: number;
    /** User name → FRED series id pairs, merged over the built-in map by the macro collector. */
    readonly seriesMap: Readonly<Record<string, string>>;
  };
  readonly cboeVixUrl: string;
  readonly httpTimeoutMs: number;
  /** Retry policy shared by every external API client. */
  readonly http: {
    readonly maxRetries: number;
    readonly backoffBaseMs: number;
    readonly maxRetryWaitMs: number;
  };
  readonly collect: {
    readonly assets: readonly string[];
    readonly macroIndicators: readonly string[];
    readonly csvBackup: boolean;
  };
  readonly realtime: {
    readonly enabled: boolean;
    readonly symbols: readonly string[];
    readonly exchanges: readonly string[];
  };
  readonly signals: {
    readonly enabledStrategies: readonly string[];
    readonly intervalMinutes: number;
  };
  readonly api: { readonly host: string; readonly port: number; readonly secretKey?: string };
  readonly risk: {
    readonly maxPositionSize: number;
    readonly maxDailyTrades: number;
    readonly maxPortfolioRisk: number;
    readonly defaultStopLoss: number;
    readonly defaultTakeProfit: number;
  };
}

/**
 * Builds the configuration from a map of variables (unset ones take their defaults). Throws a
 * {@link ConfigError} naming every bad variable and the expected form; secret values are never
 * echoed.
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
    api: { host: r.API_HOST, port: r.API_PORT, secretKey: r.API_SECRET_KEY },
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
