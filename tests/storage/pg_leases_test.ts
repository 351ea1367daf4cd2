/**
 * Leases are per database: `pg_locks` lists the advisory locks of every database in the cluster,
 * and the lease keys of two databases start at the same number. A store whose lease is alive in
 * one database must not make a dead owner with the same key in another database look alive — the
 * job slot of the dead owner must be claimable again. Needs PG_TEST_URL.
 */
import assert from "node:assert/strict";
import { PostgresStore } from "../../lib/storage/postgres_store.ts";
import { createTestDatabase, pgTestUrl, warnSkip } from "../helpers/postgres.ts";

const server = pgTestUrl();
if (!server) warnSkip();

Deno.test({
  name: "a live lease in another database of the cluster does not keep a dead owner alive",
  ignore: !server,
  fn: async () => {
    const one = await createTestDatabase(server!);
    const two = await createTestDatabase(server!);
    const claim = { job: "collect", slot: 60_000, startedAt: 1, catchUp: false, missedSlots: 0 };
    // the first lease of each database gets the same key
    const other = PostgresStore.open(two.url);
    const dying = PostgresStore.open(one.url);
    const survivor = PostgresStore.open(one.url);
    try {
      assert.notEqual(await other.claimJobRun(claim), undefined); // lives on, in database two
      const id = await dying.claimJobRun(claim);
      assert.notEqual(id, undefined);
      assert.equal(await survivor.claimJobRun(claim), undefined); // the owner is alive
      await dying.close();
      assert.equal(await survivor.claimJobRun({ ...claim, startedAt: 2 }), id);
      assert.equal((await survivor.listJobRuns())[0].live, true);
    } finally {
      await Promise.allSettled([other.close(), dying.close(), survivor.close()]);
      await one.drop();
      await two.drop();
    }
  },
});
