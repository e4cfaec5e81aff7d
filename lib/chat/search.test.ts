import crypto from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { chatRooms, drafts, messages, users } from "@/db/schema";
import { setupTestDatabase } from "@/test/db";
import { makeRoom } from "@/test/matrix/world";
import { draftOf, saveDraft } from "./drafts";
import { listConversations } from "./lists";
import { sendMessage, threadPage } from "./messages";
import { capturingHandle } from "@/bench/plans";
import { MARK_END, MARK_START, NEWEST_FIRST_WINDOWS, searchMessages, SEARCH_LIMIT, toPrefixQuery } from "./search";
import { forgetWordShares, wordShares } from "./search-words";

const t = setupTestDatabase();
const db = () => t.handle.db;

async function makeUser(role: "patient" | "doctor" | "admin", name: string): Promise<string> {
  const [row] = await db()
    .insert(users)
    .values({
      name,
      email: `${role}-${crypto.randomBytes(6).toString("hex")}@example.test`,
      passwordHash: "x",
      role,
    })
    .returning({ id: users.id });
  return row!.id;
}

const send = (roomId: string, senderId: string, body: string) =>
  sendMessage({ roomId, senderId, clientId: crypto.randomUUID(), body });

describe("message search", () => {
  it("finds words in the person's own rooms only, the last word as a prefix, newest first, marked", async () => {
    const [patient, doctor, other, admin] = await Promise.all([
      makeUser("patient", "Pat Jones"),
      makeUser("doctor", "Emily Davis"),
      makeUser("patient", "Someone Else"),
      makeUser("admin", "Admin"),
    ]);
    const ours = await makeRoom(db(), patient, doctor);
    const theirs = await makeRoom(db(), other, doctor);
    await send(ours.roomId, doctor, "Take the amoxicillin twice a day with food.");
    await send(ours.roomId, patient, "Thank you, doctor.");
    await send(theirs.roomId, doctor, "Amoxicillin is not right for you.");

    const mine = await searchMessages({ userId: patient, text: "amoxi" });
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ roomId: ours.roomId, seq: 3, otherName: "Dr Emily Davis" });
    expect(mine[0]!.excerpt).toContain(`${MARK_START}amoxicillin${MARK_END}`);
    // Both words required, the last a prefix.
    expect(await searchMessages({ userId: patient, text: "twice fo" })).toHaveLength(1);
    expect(await searchMessages({ userId: patient, text: "twice pizza" })).toHaveLength(0);
    // The doctor finds both rooms, newest first, each named by the other person.
    const doctors = await searchMessages({ userId: doctor, text: "Amoxicillin" });
    expect(doctors.map((h) => h.otherName)).toEqual(["Someone Else", "Pat Jones"]);
    // The other patient and an admin never see this room's words.
    expect((await searchMessages({ userId: other, text: "twice" })).length).toBe(0);
    expect(await searchMessages({ userId: admin, text: "amoxicillin" })).toEqual([]);
  });

  it("turns anything typed into a safe query: operators and punctuation are separators", async () => {
    expect(toPrefixQuery("blood pres")).toBe("blood & pres:*");
    expect(toPrefixQuery("a & b | !c <-> d:*")).toBe("a & b & c & d:*");
    expect(toPrefixQuery("'); drop table messages; --")).toBe("drop & table & messages:*");
    expect(toPrefixQuery("  ... ")).toBeNull();
    const patient = await makeUser("patient", "P");
    for (const text of ["&", "!!!", "x".repeat(5000), "a:*:*", "\\", "(((", "ünïcödé wörds"])
      await expect(searchMessages({ userId: patient, text })).resolves.toEqual([]);
  });

  it("opens a thread around a message: it sits in the middle of the page", async () => {
    const [patient, doctor] = await Promise.all([makeUser("patient", "P"), makeUser("doctor", "D")]);
    const { roomId } = await makeRoom(db(), patient, doctor);
    // Written straight in (the send's rate limit is not what this is about).
    await db()
      .insert(messages)
      .values(
        Array.from({ length: 120 }, (_, i) => ({
          roomId,
          seq: i + 3,
          senderId: i % 2 ? doctor : patient,
          clientId: crypto.randomUUID(),
          body: `line ${i}`,
        })),
      );
    await db().update(chatRooms).set({ lastSeq: 122 }).where(eq(chatRooms.id, roomId));
    const page = await threadPage({ roomId, userId: patient, aroundSeq: 40 });
    const seqs = page.messages.map((m) => m.seq);
    expect(seqs).toContain(40);
    expect(seqs[0]).toBe(16);
    expect(seqs.at(-1)).toBe(65);
    expect(page.hasEarlier).toBe(true);
  });

  it("sending clears the sender's draft of that room (a trigger, inside the send)", async () => {
    const [patient, doctor] = await Promise.all([makeUser("patient", "P"), makeUser("doctor", "D")]);
    const { roomId } = await makeRoom(db(), patient, doctor);
    await db()
      .insert(drafts)
      .values([
        { roomId, userId: patient, body: "Half a thought" },
        { roomId, userId: doctor, body: "The doctor's own draft" },
      ]);
    const marked = async (userId: string) =>
      (await listConversations({ userId })).conversations.find((c) => c.roomId === roomId)?.hasDraft;
    expect([await marked(patient), await marked(doctor)]).toEqual([true, true]);
    await send(roomId, patient, "The whole thought.");
    const left = await db().select().from(drafts).where(eq(drafts.roomId, roomId));
    expect(left.map((d) => d.userId)).toEqual([doctor]);
    // The conversation list marks the room for the doctor only now.
    expect([await marked(patient), await marked(doctor)]).toEqual([false, true]);
  });

  it("a draft is saved per room and person, read back on another device, removed when emptied; strangers refused", async () => {
    const [patient, doctor, stranger] = await Promise.all([
      makeUser("patient", "P"),
      makeUser("doctor", "D"),
      makeUser("patient", "S"),
    ]);
    const { roomId } = await makeRoom(db(), patient, doctor);
    expect(await saveDraft({ roomId, userId: patient, body: "Is it normal that" })).toEqual({ saved: true });
    expect(await saveDraft({ roomId, userId: patient, body: "Is it normal that my" })).toEqual({ saved: true });
    expect(await draftOf(roomId, patient)).toBe("Is it normal that my");
    expect(await draftOf(roomId, doctor)).toBe("");
    await expect(saveDraft({ roomId, userId: stranger, body: "x" })).rejects.toMatchObject({ code: "not_found" });
    expect(await saveDraft({ roomId, userId: patient, body: "   " })).toEqual({ saved: false });
    expect(await draftOf(roomId, patient)).toBe("");
  });
});

describe("message search, the index of members and words", () => {
  it("every message carries its room's two members, written by whoever inserts it (sends, lines no one typed, direct inserts)", async () => {
    const [patient, doctor] = await Promise.all([makeUser("patient", "P"), makeUser("doctor", "D")]);
    const { roomId } = await makeRoom(db(), patient, doctor);
    await send(roomId, patient, "Sent through the send.");
    await db()
      .insert(messages)
      .values({ roomId, seq: 1000, senderId: doctor, clientId: crypto.randomUUID(), body: "Written straight in." });
    const rows = await db().select({ memberIds: messages.memberIds }).from(messages).where(eq(messages.roomId, roomId));
    // makeRoom's opening lines, the send and the direct insert.
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) expect([...row.memberIds!].sort()).toEqual([patient, doctor].sort());
  });

  it("a message whose stored members name someone outside the room is still not shown to them (the members' table decides)", async () => {
    const [patient, doctor, stranger] = await Promise.all([
      makeUser("patient", "P"),
      makeUser("doctor", "D"),
      makeUser("patient", "S"),
    ]);
    const { roomId } = await makeRoom(db(), patient, doctor);
    // A row the trigger did not fill (member_ids given), naming the stranger: the index lets them
    // find it, and only the check against room_members keeps it from them.
    await db()
      .insert(messages)
      .values({
        roomId,
        seq: 1000,
        senderId: doctor,
        clientId: crypto.randomUUID(),
        body: "Zolpidem routine dosage",
        memberIds: [patient, stranger],
      });
    // A whole word, a prefix alone, a word and a prefix.
    for (const text of ["zolpidem", "zolp", "routine dosa"]) {
      expect(await searchMessages({ userId: stranger, text }), text).toEqual([]);
      const found = await searchMessages({ userId: patient, text });
      expect(
        found.map((h) => [h.seq, h.otherName]),
        text,
      ).toEqual([[1000, "Dr D"]]);
    }
  });

  it("with English stemming, a stop word typed first or last leaves the other words to find", async () => {
    vi.stubEnv("SEARCH_LANGUAGE", "english");
    try {
      const [patient, doctor] = await Promise.all([makeUser("patient", "P"), makeUser("doctor", "D")]);
      const { roomId } = await makeRoom(db(), patient, doctor);
      await send(roomId, doctor, "Keep taking the tablets with water.");
      for (const text of ["the tabl", "tablets the", "taking tablets", "the", "water the and"]) {
        const hits = await searchMessages({ userId: patient, text });
        expect(hits.length, text).toBe(text === "the" ? 0 : 1);
      }
      expect(await searchMessages({ userId: doctor, text: "the pizza" })).toEqual([]);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("words in most messages are checked on the person's candidates, not scanned, and find the same messages", async () => {
    const [patient, doctor, other] = await Promise.all([
      makeUser("patient", "P"),
      makeUser("doctor", "D"),
      makeUser("patient", "O"),
    ]);
    const mine = await makeRoom(db(), patient, doctor);
    const theirs = await makeRoom(db(), other, doctor);
    // "routine" and "check" end up in nearly every message of the table; "rash" in three.
    const rows = Array.from({ length: 400 }, (_, i) => ({
      roomId: i % 2 === 0 ? mine.roomId : theirs.roomId,
      seq: 100 + i,
      senderId: doctor,
      clientId: crypto.randomUUID(),
      body: i === 10 || i === 30 || i === 31 ? `Routine check ${i}: the rash is fading.` : `Routine check ${i}.`,
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)),
    }));
    await db().insert(messages).values(rows);
    await t.handle.sql?.unsafe("analyze messages");
    if (t.handle.pglite) await t.handle.pglite.exec("analyze messages");
    forgetWordShares();
    const shares = await wordShares("simple");
    expect(shares.get("routine")).toBeGreaterThan(0.5);
    expect(shares.get("rash") ?? 0).toBeLessThan(0.1);

    // Common words with a rare one: only the patient's own rash messages (10 and 30), newest first,
    // in one statement that parses the words, scans the rare one and checks the others.
    const capture = capturingHandle(t.handle);
    const previous = globalThis.__carebridgeDb;
    globalThis.__carebridgeDb = capture.handle;
    let rash;
    try {
      rash = await searchMessages({ userId: patient, text: "routine rash chec" });
    } finally {
      globalThis.__carebridgeDb = previous;
    }
    const statements = capture.take();
    expect(statements).toHaveLength(1);
    const common = JSON.parse(String(statements[0]!.params.find((p) => String(p).startsWith("["))));
    expect(common).toEqual(expect.arrayContaining(["routine", "check"]));
    expect(common).not.toContain("rash");
    expect(rash.map((h) => h.seq)).toEqual([130, 110]);
    expect(rash[0]!.excerpt).toContain(`${MARK_START}Routine${MARK_END}`);
    expect(rash[0]!.excerpt).toContain(`${MARK_START}rash${MARK_END}`);
    // Every word common: the newest twenty of the patient's own, each holding both words.
    const everyWordCommon = await searchMessages({ userId: patient, text: "check routi" });
    expect(everyWordCommon.map((h) => h.seq)).toEqual(Array.from({ length: 20 }, (_, i) => 498 - 2 * i));
    // A common word with one in no message of the patient's finds nothing, however common the first.
    expect(await searchMessages({ userId: patient, text: "routine fading 31" })).toEqual([]);
    expect((await searchMessages({ userId: other, text: "routine fading 31" })).map((h) => h.seq)).toEqual([131]);
    forgetWordShares();
  });

  it("when every word is common, reads the person's newest messages first, widens once when they hold a few matches, falls back to the index, and finds the same as a full scan", async () => {
    const [patient, doctor, other, admin] = await Promise.all([
      makeUser("patient", "P"),
      makeUser("doctor", "D"),
      makeUser("patient", "O"),
      makeUser("admin", "A"),
    ]);
    const mine = await makeRoom(db(), patient, doctor);
    const theirs = await makeRoom(db(), other, doctor);
    const [first, second] = NEWEST_FIRST_WINDOWS;
    // 600 messages, the even ones the patient's, the odd ones the other patient's, all the doctor's.
    // "routine", "check" and "visit" each in a large share of them; "routine" with "visit" in every
    // other message; "routine" with "check" in the 40 oldest and every 40th after (so only the
    // patient's, and a few among anyone's newest 200).
    const total = 3 * first;
    const body = (i: number) =>
      i < 40 || i % 40 === 0
        ? `Routine check ${i}.`
        : Math.floor(i / 2) % 2 === 0
          ? `Routine visit ${i}.`
          : `Check in ${i}.`;
    const rows = Array.from({ length: total }, (_, i) => ({
      roomId: i % 2 === 0 ? mine.roomId : theirs.roomId,
      seq: 1000 + i,
      senderId: doctor,
      clientId: crypto.randomUUID(),
      body: body(i),
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)),
    }));
    await db().insert(messages).values(rows);
    await t.handle.sql?.unsafe("analyze messages");
    if (t.handle.pglite) await t.handle.pglite.exec("analyze messages");
    forgetWordShares();

    // Every match of the person's own, newest first, read without any index.
    const fullScan = async (userId: string, query: string) => {
      const found = await db().execute(sql`
        select m.seq from messages m join room_members me on me.room_id = m.room_id and me.user_id = ${userId}::uuid
        where to_tsvector('simple', m.body) @@ ${query}::tsquery order by m.created_at desc limit ${SEARCH_LIMIT}`);
      return (Array.isArray(found) ? found : (found as { rows: { seq: number }[] }).rows).map((r) => Number(r.seq));
    };
    // Which reads a search ran: a window of the newest (its size) or the index. The first
    // statement parses the words and, with every word common, scans nothing.
    const path = (statements: string[]): (number | string)[] =>
      statements.flatMap((q): (number | string)[] => {
        if (q.includes("with typed as")) return [];
        if (q.includes("window_read")) return [q.includes(`limit ${second}`) ? second : first];
        return q.includes("candidates") ? ["index"] : [];
      });
    const capture = capturingHandle(t.handle);
    const previous = globalThis.__carebridgeDb;
    globalThis.__carebridgeDb = capture.handle;
    try {
      for (const [userId, text, query, expected, reads] of [
        // Dense among the newest: a page from the first window.
        [patient, "routine visi", "routine & visi:*", SEARCH_LIMIT, [first]],
        [doctor, "routine visi", "routine & visi:*", SEARCH_LIMIT, [first]],
        // A few among the newest 200: the second window, which holds all of the person's messages.
        [patient, "routine chec", "routine & chec:*", SEARCH_LIMIT, [first, second]],
        [doctor, "check routine", "check & routine:*", SEARCH_LIMIT, [first, second]],
        // None among the other patient's newest: the index finds their 20 oldest.
        [other, "check routi", "check & routi:*", SEARCH_LIMIT, [first, "index"]],
        // A common prefix typed alone.
        [patient, "routi", "routi:*", SEARCH_LIMIT, [first]],
        // Common words in none of the person's messages at all.
        [patient, "visit check", "visit & check:*", 0, [first, "index"]],
      ] as const) {
        const hits = await searchMessages({ userId, text });
        expect(path(capture.take().map((q) => q.sql)), `${text}: what it read`).toEqual(reads);
        expect(
          hits.map((h) => h.seq),
          text,
        ).toEqual(await fullScan(userId, query));
        expect(hits.length, text).toBe(expected);
        const rooms =
          userId === patient ? [mine.roomId] : userId === other ? [theirs.roomId] : [mine.roomId, theirs.roomId];
        for (const hit of hits) expect(rooms).toContain(hit.roomId);
      }
      // A person with fewer messages than the first window: it holds all of them, so even a few
      // matches are the answer, without the index.
      const [newcomer, theirDoctor] = await Promise.all([makeUser("patient", "N"), makeUser("doctor", "E")]);
      const small = await makeRoom(db(), newcomer, theirDoctor);
      await send(small.roomId, theirDoctor, "Routine check booked.");
      capture.take();
      const few = await searchMessages({ userId: newcomer, text: "routine chec" });
      expect(path(capture.take().map((q) => q.sql))).toEqual([first]);
      expect(few).toHaveLength(1);
      // Only the person's own: the admin finds nothing.
      expect(await searchMessages({ userId: admin, text: "routine visi" })).toEqual([]);
      // A rare whole word: the statement that parses the words searches the index too.
      capture.take();
      const eight = await searchMessages({ userId: patient, text: "8 routine" });
      const statements = capture.take().map((q) => q.sql);
      expect(statements).toHaveLength(1);
      expect(statements[0]).toContain("with typed as");
      expect(eight.map((h) => h.seq)).toEqual(await fullScan(patient, "8 & routine:*"));
      expect(eight).toHaveLength(1);
    } finally {
      globalThis.__carebridgeDb = previous;
      forgetWordShares();
    }
  });
});
