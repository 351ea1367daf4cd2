/**
 * A frame text that records its slices, for the one-pass readers' leak tests: V8 makes a slice of
 * 13 characters or more a view that keeps the whole frame alive, so a reader must build every
 * string it returns from slices of at most 12 characters.
 */

/** A frame text that records the length of every slice taken from it. */
export class RecordingText extends String {
  /** The longest slice taken so far. */
  longest = 0;
  override slice(start?: number, end?: number): string {
    const s = super.slice(start, end);
    this.longest = Math.max(this.longest, s.length);
    return s;
  }
}
