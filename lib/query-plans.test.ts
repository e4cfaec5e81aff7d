import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { benchPeople, generateBase, growMessages, type DatasetSize } from "@/bench/dataset";
import { forbiddenScans, planOf, replannedStatements } from "@/bench/plans";
import { chatRooms, messages, roomMembers } from "@/db/schema";
import { productQueries, type ProductQuery } from "@/bench/product-queries";
import { setupTestDatabase } from "@/test/db";

/**
 * Every product query's plan, on a data set big enough that PostgreSQL prefers an index when there
 * is one: a missing index shows up as a sequential scan of messages, appointments or room members.
 * (Sequential scans are not switched off: that would hide exactly what this looks for.)
 */
const SIZE: DatasetSize = {
  // As many as the benchmark's: with fewer, their profiles fit one page, which PostgreSQL rightly reads whole.
  doctors: 200,
  patients: 1_000,
  appointments: 6_000,
  rooms: 3_000,
  busyDoctorRooms: 300,
  busyDoctorPending: 40,
  auditEvents: 3_000,
};

const t = setupTestDatabase();
let queries: ProductQuery[] = [];

beforeAll(async () => {
  const { handle } = t;
  const run = (statement: string) => (handle.sql ? handle.sql.unsafe(statement) : handle.pglite!.exec(statement));
  await generateBase(run, SIZE, "not-a-real-hash");
  await growMessages(run, SIZE);
  await run("vacuum analyze");
  queries = await productQueries(benchPeople(SIZE));
}, 120_000);

describe("query plans of every product read", () => {
  it("run on a data set whose members' kept state matches its definition", async () => {
    const [row] = await t.handle.db
      .select({
        members: sql<number>`count(*)::int`,
        unread: sql<number>`sum(${roomMembers.unreadCount})::int`,
        wrong: sql<number>`count(*) filter (where
          ${roomMembers.unreadCount} <> (select count(*) from ${messages} where ${messages.roomId} = ${roomMembers.roomId} and ${messages.seq} > ${roomMembers.lastReadSeq} and ${messages.senderId} <> ${roomMembers.userId})
          or ${roomMembers.lastActivityAt} <> ${chatRooms.lastActivityAt}
          or ${roomMembers.lastIncomingAt} is distinct from (select max(${messages.createdAt}) from ${messages} where ${messages.roomId} = ${roomMembers.roomId} and ${messages.senderId} <> ${roomMembers.userId}))::int`,
      })
      .from(roomMembers)
      .innerJoin(chatRooms, eq(chatRooms.id, roomMembers.roomId));
    expect(row).toMatchObject({ members: SIZE.rooms * 2, wrong: 0 });
    // The cursors leave some rooms unread, so the counts are not trivially zero.
    expect(row!.unread).toBeGreaterThan(0);
  });

  it("cover the product's reads", () => {
    expect(queries.length).toBeGreaterThan(20);
  });

  it("never read messages, appointments, room members or the audit log whole, prepared statements' generic plans included", async () => {
    const offenders: string[] = [];
    const withGenericPlans = new Set<string>();
    for (const query of queries) {
      const plan = await planOf(t.handle, query.run);
      expect(plan.queries, `${query.name} ran no SQL`).toBeGreaterThan(0);
      const scans = forbiddenScans(plan.scans);
      if (scans.length) offenders.push(`${query.name} [${query.who}]: ${scans.join(", ")}`);
      const generic = forbiddenScans(plan.genericScans);
      if (generic.length) offenders.push(`${query.name} [${query.who}], generic plan: ${generic.join(", ")}`);
      if (plan.genericScans.length) withGenericPlans.add(query.name);
    }
    expect(offenders).toEqual([]);
    // The reads every open page repeats run as prepared statements, so their generic plans were checked.
    expect([...withGenericPlans].sort()).toEqual([
      "conversation list",
      "conversation list page 2",
      "doctor appointments",
      "doctor history",
      "message search",
      "message search, common words",
      "patient appointments",
      "pending requests",
      "poll after N",
      "recent messages",
      "room for member",
      "session user lookup",
      "thread page around N",
      "thread page before N",
      "thread page of 50",
      "unread total",
    ]);
  }, 120_000);

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    "keep each prepared statement's generic plan: none is planned again on every call",
    async () => {
      const result = await replannedStatements(
        t.handle,
        queries.map((q) => q.run),
        8,
      );
      // The statements counted are the app's own (drizzle's and raw SQL's), not the driver's alone.
      expect(result!.statements).toBeGreaterThan(15);
      expect(result!.replanned).toEqual([]);
    },
    120_000,
  );

  it("read a user's list and counters from their member rows, one index range whatever their number of rooms", async () => {
    // The index each per-user read must start from; the unread total never reads messages at all.
    const expected: Record<string, { uses: string; never?: string }> = {
      // Each room's doctor by an index (migration 0019): not the whole profiles table once per room.
      "conversation list": {
        uses: "room_members (room_members_user_activity_idx)",
        never: "Seq Scan on doctor_profiles",
      },
      "conversation list page 2": {
        uses: "room_members (room_members_user_activity_idx)",
        never: "Seq Scan on doctor_profiles",
      },
      "recent messages": { uses: "room_members (room_members_user_incoming_idx)" },
      "unread total": { uses: "on room_members", never: "on messages" },
      // The person's own messages with the words, in one scan of the members-and-words index.
      "message search": { uses: "Bitmap Index Scan (messages_member_simple_search_idx)" },
      // Every word common: the person's newest messages, read backwards from one index range.
      "message search, common words": { uses: "Index Scan on messages (messages_first_member_time_idx)" },
      // Counters kept on write: the overview counts no appointment, user or room one by one.
      "admin overview": { uses: "on message_hour_counts", never: "on appointments" },
    };
    const checked = new Set<string>();
    // A user with a few rooms may well get a bitmap scan and a sort: it is the many-rooms plan that must not grow.
    for (const query of queries.filter((q) => q.name in expected && q.who !== "few rooms")) {
      const { uses, never } = expected[query.name]!;
      const { scans } = await planOf(t.handle, query.run);
      expect(
        scans.some((s) => s.includes(uses)),
        `${query.name} [${query.who}]: ${scans.join(", ")}`,
      ).toBe(true);
      if (never)
        expect(
          scans.filter((s) => s.includes(never)),
          `${query.name} [${query.who}]`,
        ).toEqual([]);
      checked.add(query.name);
    }
    expect([...checked].sort()).toEqual(Object.keys(expected).sort());
  });
});
