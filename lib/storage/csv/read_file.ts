/**
 * Reading a CSV file from disk into parser-ready text (see `decode.ts` for the encodings).
 * @module
 */
import { decodeCsvBytes } from "./decode.ts";

/** Reads and decodes a CSV file; `file` is the name used in `file:line` messages. */
export async function readCsvFile(path: string, file: string = path): Promise<string> {
  return decodeCsvBytes(await Deno.readFile(path), file);
}
