/**
 * mts's version as `GET /health` reports it (the `version` of deno.json; a test keeps the two
 * equal, since library code does not read deno.json).
 * @module
 */

/** The version of deno.json. */
export const MTS_VERSION = "0.1.0";
