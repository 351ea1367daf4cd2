/// <reference lib="dom" />
/**
 * The crosshair readout under each chart: the date under the cursor and each line's value there
 * (the last bar's values while the cursor is outside the chart).
 * @module
 */
import { make } from "./format.ts";

/** One value shown in a readout. */
export interface ReadoutItem {
  /** `data-field` of the value element, for tests and styling. */
  readonly field: string;
  /** Text before the value. */
  readonly label: string;
  /** The line's colour, shown as a key. */
  readonly color: string;
  /** Formatted value at data index `idx`. */
  readonly value: (idx: number) => string;
}

/** A readout bound to an element; call `show(idx)` when the cursor moves. */
export interface Readout {
  /** Shows data index `idx` (the last bar for null, undefined or a negative index). */
  show(idx: number | null | undefined): void;
}

/**
 * Fills `el` with a date field and one labelled value per item, and returns the updater.
 * `dateOf(idx)` formats the bar time; `last` is the index shown when the cursor is away.
 */
export function createReadout(
  el: HTMLElement,
  items: readonly ReadoutItem[],
  dateOf: (idx: number) => string,
  last: number,
  extra?: (idx: number) => string,
): Readout {
  el.textContent = "";
  const date = el.appendChild(make("b", { className: "date" }));
  date.dataset.field = "date";
  const values = items.map((item) => {
    const key = el.appendChild(make("span", { className: "key" }));
    key.style.background = item.color;
    el.appendChild(document.createTextNode(`${item.label} `));
    const b = el.appendChild(make("b"));
    b.dataset.field = item.field;
    return b;
  });
  const events = el.appendChild(make("span", { className: "events" }));
  events.dataset.field = "events";
  return {
    show(idx) {
      const i = idx === null || idx === undefined || idx < 0 ? last : idx;
      if (i < 0) return;
      el.dataset.idx = String(i);
      date.textContent = dateOf(i);
      items.forEach((item, k) => values[k].textContent = item.value(i));
      events.textContent = extra ? extra(i) : "";
    },
  };
}
