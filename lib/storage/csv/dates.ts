/**
 * Fast date reading for large CSV files. Files repeat the same calendar day on many rows (hourly
 * and minute bars), so the day part is parsed once and cached; the time of day is read from
 * character codes. Anything unusual falls back to {@link parseUtcDate}.
 * @module
 */
import { epochToMs, HOUR_MS, MINUTE_MS, parseUtcDate } from "../../core/time.ts";

const EPOCH_RE = /^\d{9,13}(?:\.\d+)?$/;

/**
 * How a date column is written: ISO dates (`iso`), Unix times (`epoch`), either (`auto`), or
 * either ISO or US `MM/DD/YYYY` (`mdy`, CBOE's files; never guessed, as `DD/MM/YYYY` is common too).
 */
export type DateStyle = "iso" | "epoch" | "auto" | "mdy";

const MDY_RE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** A reusable date reader; keep one per file. Returns `NaN` for text that is not a valid date. */
export class DateReader {
  readonly #days = new Map<string, number>();
  readonly #dayKeys = new Map<number, number>();
  /** Counts of epoch values read as seconds and as milliseconds (exports mix both). */
  readonly epochUnits = { seconds: 0, milliseconds: 0 };

  /** A reader for cells written in `style`. */
  constructor(readonly style: DateStyle = "auto") {}

  /** Parses one cell. */
  read(text: string): number {
    if (this.style !== "iso" && EPOCH_RE.test(text)) return this.#epoch(text);
    if (this.style === "epoch") return NaN;
    const n = text.length;
    if (n >= 10 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45) {
      const dayText = n === 10 ? text : text.slice(0, 10);
      let day = this.#days.get(dayText);
      if (day === undefined) {
        day = parseUtcDate(dayText);
        if (Number.isNaN(day)) return NaN;
        this.#days.set(dayText, day);
      }
      if (n === 10) return day;
      const sep = text.charCodeAt(10);
      // "YYYY-MM-DD HH:MM:SS", optionally followed by " UTC" or "Z".
      if (
        (sep === 32 || sep === 84) && n >= 19 && text.charCodeAt(13) === 58 &&
        text.charCodeAt(16) === 58 &&
        (n === 19 || (n === 20 && text.charCodeAt(19) === 90) ||
          (n === 23 && text.endsWith(" UTC")))
      ) {
        const h = two(text, 11), m = two(text, 14), s = two(text, 17);
        if (h < 24 && m < 60 && s < 60) return day + h * HOUR_MS + m * MINUTE_MS + s * 1000;
        return NaN;
      }
    }
    if (this.style === "mdy") {
      const m = MDY_RE.exec(text);
      if (m) return parseUtcDate(`${m[3]}-${m[1].padStart(2, "0")}-${m[2].padStart(2, "0")}`);
    }
    return parseUtcDate(text);
  }

  /**
   * Parses the cell `src[start, end)` without copying it when it is a plain `YYYY-MM-DD` or
   * `YYYY-MM-DD HH:MM:SS` (the common case in large files); anything else goes through
   * {@link read}.
   */
  readAt(src: string, start: number, end: number): number {
    const n = end - start;
    if (
      this.style !== "epoch" && (n === 10 || n === 19) && src.charCodeAt(start + 4) === 45 &&
      src.charCodeAt(start + 7) === 45
    ) {
      const y = two(src, start) * 100 + two(src, start + 2);
      const key = y * 10_000 + two(src, start + 5) * 100 + two(src, start + 8);
      let day = this.#dayKeys.get(key);
      if (day === undefined) {
        day = parseUtcDate(src.slice(start, start + 10));
        if (Number.isNaN(day)) return NaN;
        this.#dayKeys.set(key, day);
      }
      if (n === 10) return day;
      const sep = src.charCodeAt(start + 10);
      if (
        (sep === 32 || sep === 84) && src.charCodeAt(start + 13) === 58 &&
        src.charCodeAt(start + 16) === 58
      ) {
        const h = two(src, start + 11), m = two(src, start + 14), s = two(src, start + 17);
        if (h < 24 && m < 60 && s < 60) return day + h * HOUR_MS + m * MINUTE_MS + s * 1000;
        return NaN;
      }
    }
    return this.read(src.slice(start, end).trim());
  }

  #epoch(text: string): number {
    const v = +text;
    const ms = epochToMs(v);
    if (ms === Math.round(v)) this.epochUnits.milliseconds++;
    else this.epochUnits.seconds++;
    return ms;
  }
}

/** Two decimal digits at `i`, or 99 when they are not digits. */
function two(text: string, i: number): number {
  const a = text.charCodeAt(i) - 48, b = text.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : 99;
}
