import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { openPostgres, type DatabaseHandle } from "@/db/client";
import { users } from "@/db/schema";
import { jobQueue, stopJobQueue } from "@/lib/jobs/queue";
import { setupTestDatabase } from "@/test/db";
import { makeRoom } from "@/test/matrix/world";
import { markRead, sendMessage } from "./messages";

const database = setupTestDatabase();

async function makeUser(role: "patient" | "doctor"): Promise<string> {
  const [row] = await database.handle.db
    .insert(users)
    .values({ email: `${crypto.randomUUID()}@example.test`, name: `A ${role}`, role, passwordHash: "x" })
    .returning({ id: users.id });
  return row!.id;
}

/** Runs `work` against a handle on the same database that counts the statements it sends. */
async function countStatements(work: () => Promise<unknown>): Promise<number> {
  let statements = 0;
  const counted: DatabaseHandle = openPostgres(database.handle.url!, {
    max: 4,
    onQuery: (...args: unknown[]) => {
      statements++;
      if (process.env.SHOW_SQL) console.log(String(args[1]).slice(0, 100));
    },
  });
  const previous = globalThis.__carebridgeDb;
  globalThis.__carebridgeDb = counted;
  try {
    await jobQueue(); // pg-boss has its own connections; started before counting
    // A new postgres.js connection first reads the array types: once per connection, not per call.
    await counted.sql!`select 1`;
    statements = 0;
    await work();
    return statements;
  } finally {
    await stopJobQueue();
    globalThis.__carebridgeDb = previous;
    await counted.close();
  }
}

describe.runIf(process.env.TEST_DATABASE_URL)("statements to the database per call", () => {
  it("a send is one statement: rate limit, lock, insert, counters, email job and live event together", async () => {
    const patient = await makeUser("patient");
    const doctor = await makeUser("doctor");
    const { roomId } = await makeRoom(database.handle.db, patient, doctor);
    const first = await countStatements(() =>
      sendMessage({ roomId, senderId: patient, clientId: crypto.randomUUID(), body: "One statement" }),
    );
    expect(first).toBe(1);
    const clientId = crypto.randomUUID();
    const again = await countStatements(async () => {
      await sendMessage({ roomId, senderId: doctor, clientId, body: "Twice" });
      await sendMessage({ roomId, senderId: doctor, clientId, body: "Twice" });
    });
    expect(again).toBe(2);
  });

  it("marking read stays a short transaction", async () => {
    const patient = await makeUser("patient");
    const doctor = await makeUser("doctor");
    const { roomId } = await makeRoom(database.handle.db, patient, doctor);
    // begin, share lock, update (with the totals), cancel the waiting email, notify, commit
    expect(await countStatements(() => markRead({ roomId, userId: patient, seq: 2 }))).toBeLessThanOrEqual(6);
  });
});
