/**
 * The CSV backup written after a collection run (`CSV_BACKUP`, `--no-backup`): the collected
 * series, exported under `<DATA_DIR>/backup`. A failed backup never fails the run that
 * collected the data; it is reported instead.
 * @module
 */
import { join } from "node:path";
import type { Store } from "../storage/store.ts";
import { exportStore } from "./exporter.ts";

/** What the backup wrote, or why it could not. */
export type BackupOutcome = { dir: string; files: number; rows: number } | { error: string };

/** Which series to back up (as {@link exportStore} selects them). */
export type BackupSelection = Parameters<typeof exportStore>[2];

/** Writes the backup of `selection` under `<dataDir>/backup`. */
export async function backupCollected(
  store: Store,
  dataDir: string,
  selection: BackupSelection,
  redact: (text: string) => string = (t) => t,
): Promise<BackupOutcome> {
  const dir = join(dataDir, "backup");
  try {
    const r = await exportStore(store, dir, selection);
    return { dir, files: r.files.length, rows: r.rows };
  } catch (e) {
    return { error: redact(`CSV backup failed: ${(e as Error).message}`) };
  }
}
