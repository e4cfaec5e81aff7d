import crypto from "node:crypto";
import { and, count, eq } from "drizzle-orm";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import {
  appointments,
  attachments,
  auditEvents,
  chatRooms,
  doctorProfiles,
  fileBlobs,
  fileChunks,
  roomMembers,
  users,
} from "@/db/schema";
import { sendMessage, threadPage } from "@/lib/chat/messages";
import { listConversations, recentMessages } from "@/lib/chat/lists";
import { DomainError } from "@/lib/errors";
import { sanitiseFileName } from "@/lib/shared/attachments";
import { capturingHandle } from "@/bench/plans";
import { setupTestDatabase } from "@/test/db";
import { deleteUnsentAttachments } from "./cleanup";
import { contentDisposition, fileHeaders } from "./disposition";
import { openAttachment } from "./download";
import { uploadAttachment } from "./upload";

const t = setupTestDatabase();
const db = () => t.handle.db;

// ---------------------------------------------------------------- fixtures

let serial = 0;
async function makeUser(role: "patient" | "doctor" | "admin", name: string): Promise<string> {
  const [row] = await db()
    .insert(users)
    .values({ name, email: `${role}-${++serial}-${crypto.randomUUID()}@example.test`, passwordHash: "x", role })
    .returning({ id: users.id });
  // Every doctor account has a profile (the room reads its doctor's reply window and away period).
  if (role === "doctor") await db().insert(doctorProfiles).values({ userId: row!.id, specialty: "Dermatology" });
  return row!.id;
}

async function makeRoom(patientId: string, doctorId: string): Promise<string> {
  const [appointment] = await db()
    .insert(appointments)
    .values({
      patientId,
      doctorId,
      startsAt: new Date(Date.UTC(2032, 0, 5, 9, 0) + ++serial * 30 * 60_000),
      status: "accepted",
      reason: "A rash.",
    })
    .returning({ id: appointments.id });
  const [room] = await db()
    .insert(chatRooms)
    .values({ appointmentId: appointment!.id })
    .returning({ id: chatRooms.id });
  await db()
    .insert(roomMembers)
    .values([
      { roomId: room!.id, userId: patientId },
      { roomId: room!.id, userId: doctorId },
    ]);
  return room!.id;
}

async function world() {
  const patient = await makeUser("patient", "Carol Anderson");
  const doctor = await makeUser("doctor", "Dr Jones");
  const roomId = await makeRoom(patient, doctor);
  return { patient, doctor, roomId };
}

/** A request body as a browser sends it: in pieces, without a declared length unless given. */
function streamOf(bytes: Uint8Array, piece = 64 * 1024): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(at, at + piece));
      at += piece;
    },
  });
}

const upload = (
  who: { roomId: string; userId: string },
  name: string,
  bytes: Uint8Array,
  declared: number | null = bytes.length,
) => uploadAttachment({ ...who, name, body: streamOf(bytes), declaredBytes: declared });

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const pieces: Uint8Array[] = [];
  for await (const piece of stream) pieces.push(piece);
  return Buffer.concat(pieces);
}

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

async function storedRows() {
  const [a] = await db().select({ n: count() }).from(attachments);
  const [b] = await db().select({ n: count() }).from(fileBlobs);
  const [c] = await db().select({ n: count() }).from(fileChunks);
  return { attachments: a!.n, blobs: b!.n, chunks: c!.n };
}

/** A phone photo: GPS position, camera make and model, and turned by its orientation tag (6: 90° clockwise). */
async function phonePhoto(): Promise<Buffer> {
  return sharp({ create: { width: 40, height: 20, channels: 3, background: "#c33" } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExif({
      IFD0: { Make: "Canon", Model: "EOS 5D Mark IV" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 0/1", GPSLongitudeRef: "W", GPSLongitude: "0/1 7/1 0/1" },
    })
    .toBuffer();
}

const PDF = Buffer.from(
  "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
);

// ---------------------------------------------------------------- images

describe("images", () => {
  it("re-encodes a phone photo upright with no EXIF, GPS or camera data left, and one thumbnail", async () => {
    const { patient, doctor, roomId } = await world();
    const original = await phonePhoto();
    const before = await sharp(original).metadata();
    expect(before.orientation).toBe(6);
    expect(before.exif?.includes("Canon")).toBe(true);
    expect(before.exif?.includes("N")).toBe(true);

    const attachment = await upload({ roomId, userId: patient }, "IMG_0001.JPG", original);
    expect(attachment).toMatchObject({ kind: "image", mediaType: "image/jpeg", inline: true, width: 20, height: 40 });
    await sendMessage({
      roomId,
      senderId: patient,
      clientId: crypto.randomUUID(),
      body: "",
      attachmentIds: [attachment.id],
    });

    const opened = await openAttachment({ attachmentId: attachment.id, userId: doctor, variant: "file" });
    const served = await readAll(opened.stream);
    const after = await sharp(served).metadata();
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.iptc).toBeUndefined();
    expect(after.orientation).toBeUndefined();
    expect([after.width, after.height]).toEqual([20, 40]);
    expect(served.includes("Canon")).toBe(false);
    expect(served.includes("EOS 5D")).toBe(false);

    const thumb = await openAttachment({ attachmentId: attachment.id, userId: doctor, variant: "thumbnail" });
    const thumbnail = await sharp(await readAll(thumb.stream)).metadata();
    expect(thumbnail.format).toBe("webp");
    expect(thumbnail.exif).toBeUndefined();
  });
});

// ---------------------------------------------------------------- types by content

describe("types are judged by content", () => {
  it("refuses an HTML page named .png and an SVG with a script, storing nothing", async () => {
    const { patient, roomId } = await world();
    const before = await storedRows();
    const html = Buffer.from("<!doctype html><html><body><script>alert(document.cookie)</script></body></html>");
    expect((await refusal(upload({ roomId, userId: patient }, "photo.png", html))).httpStatus).toBe(415);
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const error = await refusal(upload({ roomId, userId: patient }, "chart.svg", svg));
    expect(error.httpStatus).toBe(415);
    expect(error.message).toMatch(/not allowed.*JPEG, PNG, WebP, GIF, HEIC.*PDF.*plain text/);
    const xmlSvg = Buffer.from(
      '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>',
    );
    expect((await refusal(upload({ roomId, userId: patient }, "a.txt", xmlSvg))).httpStatus).toBe(415);
    // Markup past the sniffed head is caught while streaming, and what was stored is deleted.
    const late = Buffer.concat([Buffer.from("notes\n".repeat(2000)), Buffer.from("<script>alert(1)</script>")]);
    expect((await refusal(upload({ roomId, userId: patient }, "notes.txt", late))).httpStatus).toBe(415);
    const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, ...new Array(100).fill(0)]);
    expect((await refusal(upload({ roomId, userId: patient }, "x.pdf", zip))).httpStatus).toBe(415);
    expect(await storedRows()).toEqual(before);
  });

  it("keeps a PDF renamed .exe as a PDF download whose name says so", async () => {
    const { patient, doctor, roomId } = await world();
    const attachment = await upload({ roomId, userId: patient }, "results.exe", PDF);
    expect(attachment).toMatchObject({ kind: "document", mediaType: "application/pdf", inline: false });
    expect(attachment.name).toBe("results.exe.pdf");
    await sendMessage({
      roomId,
      senderId: patient,
      clientId: crypto.randomUUID(),
      body: "Lab report",
      attachmentIds: [attachment.id],
    });
    const opened = await openAttachment({ attachmentId: attachment.id, userId: doctor, variant: "file" });
    expect((await readAll(opened.stream)).equals(PDF)).toBe(true);
    const headers = new Headers(fileHeaders(opened));
    expect(headers.get("content-type")).toBe("application/pdf");
    expect(headers.get("content-disposition")).toMatch(
      /^attachment; filename="results\.exe\.pdf"; filename\*=UTF-8''results\.exe\.pdf$/,
    );
    expect(headers.get("x-content-type-options")).toBe("nosniff");
    expect(headers.get("content-security-policy")).toBe("sandbox; default-src 'none'");
    expect(headers.get("cache-control")).toBe("private, no-store");
  });

  it("accepts plain text, served as a download in UTF-8", async () => {
    const { patient, roomId } = await world();
    const attachment = await upload(
      { roomId, userId: patient },
      "notes",
      Buffer.from("Blood pressure 120/80 — fine.\n"),
    );
    expect(attachment).toMatchObject({ mediaType: "text/plain", name: "notes.txt", inline: false });
    const opened = await openAttachment({ attachmentId: attachment.id, userId: patient, variant: "file" });
    expect(new Headers(fileHeaders(opened)).get("content-type")).toBe("text/plain; charset=utf-8");
    expect(new Headers(fileHeaders(opened)).get("content-disposition")).toMatch(/^attachment;/);
  });
});

// ---------------------------------------------------------------- limits

describe("limits", () => {
  const MB10 = 10 * 1024 * 1024;

  it("refuses 10 MB + 1 byte by its declared length before reading, storing nothing", async () => {
    const { patient, roomId } = await world();
    const before = await storedRows();
    const big = Buffer.concat([PDF, Buffer.alloc(MB10 + 1 - PDF.length, 0x20)]);
    const error = await refusal(upload({ roomId, userId: patient }, "big.pdf", big));
    expect(error.httpStatus).toBe(413);
    expect(error.message).toBe("This file is too large: the limit is 10 MB.");
    expect(await storedRows()).toEqual(before);
  });

  it("cuts off a stream of undeclared length as it passes 10 MB, deleting what it stored", async () => {
    const { patient, roomId } = await world();
    const before = await storedRows();
    const big = Buffer.concat([PDF, Buffer.alloc(MB10 + 1 - PDF.length, 0x20)]);
    let pulled = 0;
    let at = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= big.length) return controller.close();
        const piece = big.subarray(at, at + 256 * 1024);
        at += piece.length;
        pulled += piece.length;
        controller.enqueue(piece);
      },
    });
    const error = await refusal(
      uploadAttachment({ roomId, userId: patient, name: "big.pdf", body, declaredBytes: null }),
    );
    expect(error.httpStatus).toBe(413);
    expect(await storedRows()).toEqual(before);
    // Exactly 10 MB + 1 byte: the whole was read only because the last byte is what passed.
    expect(pulled).toBeLessThanOrEqual(big.length);

    // Exactly 10 MB is accepted.
    const fits = await upload({ roomId, userId: patient }, "fits.pdf", big.subarray(0, MB10), null);
    expect(fits.size).toBe(MB10);
    // 20 MB through the embedded database (PGlite, in this process) took over 30 s on a busy machine.
  }, 120_000);

  it("a message takes at most 5 files and 25 MB; the send rolls back whole", async () => {
    const { patient, roomId } = await world();
    const six = [];
    for (let i = 0; i < 6; i++)
      six.push((await upload({ roomId, userId: patient }, `n${i}.txt`, Buffer.from(`note ${i}\n`))).id);
    const error = await refusal(
      sendMessage({ roomId, senderId: patient, clientId: crypto.randomUUID(), body: "", attachmentIds: six }),
    );
    expect(error.message).toBe("A message can have at most 5 files.");
    expect((await threadPage({ roomId, userId: patient })).messages).toEqual([]);
  });
});

// ---------------------------------------------------------------- who may fetch

describe("only the room's two members fetch a file", () => {
  it("answers not-found to another patient, another room's doctor and an admin; audits each open", async () => {
    const { patient, doctor, roomId } = await world();
    const otherPatient = await makeUser("patient", "Other Patient");
    const otherDoctor = await makeUser("doctor", "Dr Other");
    const admin = await makeUser("admin", "Admin");
    await makeRoom(otherPatient, otherDoctor);
    const attachment = await upload({ roomId, userId: patient }, "scan.pdf", PDF);

    // Not sent yet: its uploader only.
    await expect(openAttachment({ attachmentId: attachment.id, userId: doctor, variant: "file" })).rejects.toThrow(
      "That file was not found.",
    );
    await sendMessage({
      roomId,
      senderId: patient,
      clientId: crypto.randomUUID(),
      body: "",
      attachmentIds: [attachment.id],
    });
    for (const stranger of [otherPatient, otherDoctor, admin, crypto.randomUUID()]) {
      const error = await refusal(openAttachment({ attachmentId: attachment.id, userId: stranger, variant: "file" }));
      expect(error.httpStatus).toBe(404);
    }
    await readAll((await openAttachment({ attachmentId: attachment.id, userId: doctor, variant: "file" })).stream);
    await readAll((await openAttachment({ attachmentId: attachment.id, userId: doctor, variant: "file" })).stream);
    const audits = await db()
      .select({ actorId: auditEvents.actorId, detail: auditEvents.detail })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "attachment.open"), eq(auditEvents.targetId, attachment.id)));
    expect(audits).toEqual([
      { actorId: doctor, detail: { roomId } },
      { actorId: doctor, detail: { roomId } },
    ]);
  });

  it("refuses an upload into a room the uploader is not a member of", async () => {
    const { roomId } = await world();
    const stranger = await makeUser("patient", "Stranger");
    const error = await refusal(upload({ roomId, userId: stranger }, "a.pdf", PDF));
    expect(error.httpStatus).toBe(404);
  });
});

// ---------------------------------------------------------------- files live with the message

describe("files live with the message", () => {
  it("a resend with the same client id stores the files once", async () => {
    const { patient, doctor, roomId } = await world();
    const photo = await upload({ roomId, userId: patient }, "ankle.jpg", await phonePhoto());
    const pdf = await upload({ roomId, userId: patient }, "report.pdf", PDF);
    const clientId = crypto.randomUUID();
    const send = () =>
      sendMessage({ roomId, senderId: patient, clientId, body: "", attachmentIds: [pdf.id, photo.id] });
    const first = await send();
    const again = await send();
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.message.seq).toBe(first.message.seq);
    expect(first.message.attachments!.map((a) => a.id)).toEqual([pdf.id, photo.id]);
    expect(again.message.attachments!.map((a) => a.id)).toEqual([pdf.id, photo.id]);
    const rows = await db().select({ n: count() }).from(attachments).where(eq(attachments.roomId, roomId));
    expect(rows[0]!.n).toBe(2);

    const { messages } = await threadPage({ roomId, userId: doctor });
    expect(messages).toHaveLength(1);
    expect(messages[0]!.attachments!.map((a) => a.name)).toEqual(["report.pdf", "ankle.jpg"]);

    // A file already sent cannot be sent again by another message.
    const error = await refusal(
      sendMessage({ roomId, senderId: patient, clientId: crypto.randomUUID(), body: "again", attachmentIds: [pdf.id] }),
    );
    expect(error.httpStatus).toBe(409);

    // A page of several messages: each gets its own files, a message without files none.
    await sendMessage({ roomId, senderId: doctor, clientId: crypto.randomUUID(), body: "Thanks, reading it now." });
    const second = await upload({ roomId, userId: doctor }, "plan.pdf", PDF);
    await sendMessage({
      roomId,
      senderId: doctor,
      clientId: crypto.randomUUID(),
      body: "Your plan.",
      attachmentIds: [second.id],
    });
    const page = await threadPage({ roomId, userId: patient });
    expect(page.messages.map((m) => [m.body, m.attachments!.map((a) => a.name)])).toEqual([
      ["", ["report.pdf", "ankle.jpg"]],
      ["Thanks, reading it now.", []],
      ["Your plan.", ["plan.pdf"]],
    ]);

    // Files are asked for only when the page has some: a room of text at the same sequence numbers
    // is one statement, this room two.
    const text = await world();
    for (const body of ["One.", "Two.", "Three."])
      await sendMessage({ roomId: text.roomId, senderId: text.patient, clientId: crypto.randomUUID(), body });
    const capture = capturingHandle(t.handle);
    const previous = globalThis.__carebridgeDb;
    globalThis.__carebridgeDb = capture.handle;
    try {
      const plain = await threadPage({ roomId: text.roomId, userId: text.doctor });
      expect(plain.messages.map((m) => m.attachments)).toEqual([[], [], []]);
      expect(capture.take()).toHaveLength(1);
      await threadPage({ roomId, userId: patient });
      expect(capture.take()).toHaveLength(2);
    } finally {
      globalThis.__carebridgeDb = previous;
    }
  });

  it("lists say Photo or Document: name for a message of files alone", async () => {
    const { patient, doctor, roomId } = await world();
    const photo = await upload({ roomId, userId: patient }, "rash.jpg", await phonePhoto());
    await sendMessage({
      roomId,
      senderId: patient,
      clientId: crypto.randomUUID(),
      body: "",
      attachmentIds: [photo.id],
    });
    expect((await recentMessages(doctor)).find((m) => m.roomId === roomId)?.body).toBe("Photo");
    const pdf = await upload({ roomId, userId: patient }, "lab.pdf", PDF);
    await sendMessage({ roomId, senderId: patient, clientId: crypto.randomUUID(), body: "", attachmentIds: [pdf.id] });
    const page = await listConversations({ userId: doctor });
    expect(page.conversations.find((c) => c.roomId === roomId)?.last?.body).toBe("Document: lab.pdf");
  });

  it("a list names only the room's own file: another room's file at the same place in its thread never shows", async () => {
    // Two rooms whose messages of files alone have the same sequence number; the other room's file
    // was stored first, so a lookup that ignored the room would find it.
    const theirs = await world();
    const ours = await world();
    const secret = await upload({ roomId: theirs.roomId, userId: theirs.patient }, "hiv-result.pdf", PDF);
    const mine = await upload({ roomId: ours.roomId, userId: ours.patient }, "ankle.jpg", await phonePhoto());
    const sendFile = (w: typeof ours, fileId: string) =>
      sendMessage({
        roomId: w.roomId,
        senderId: w.patient,
        clientId: crypto.randomUUID(),
        body: "",
        attachmentIds: [fileId],
      });
    const sentTheirs = await sendFile(theirs, secret.id);
    const sentOurs = await sendFile(ours, mine.id);
    expect(sentOurs.message.seq).toBe(sentTheirs.message.seq);
    for (const [who, roomId, expected] of [
      [ours.doctor, ours.roomId, "Photo"],
      [theirs.doctor, theirs.roomId, "Document: hiv-result.pdf"],
    ] as const) {
      const page = await listConversations({ userId: who });
      expect(page.conversations.find((c) => c.roomId === roomId)?.last?.body).toBe(expected);
      expect((await recentMessages(who)).find((m) => m.roomId === roomId)?.body).toBe(expected);
    }
  });

  it("deletes files nobody sent after the hour, with their bytes", async () => {
    const { patient, roomId } = await world();
    const kept = await upload({ roomId, userId: patient }, "kept.pdf", PDF);
    await sendMessage({ roomId, senderId: patient, clientId: crypto.randomUUID(), body: "", attachmentIds: [kept.id] });
    const unsent = await upload({ roomId, userId: patient }, "unsent.pdf", PDF);
    await db()
      .update(attachments)
      .set({ createdAt: new Date(Date.now() - 61 * 60_000) })
      .where(eq(attachments.roomId, roomId));
    expect(await deleteUnsentAttachments()).toBeGreaterThanOrEqual(1);
    const left = await db().select({ id: attachments.id }).from(attachments).where(eq(attachments.roomId, roomId));
    expect(left.map((a) => a.id)).toEqual([kept.id]);
    await expect(openAttachment({ attachmentId: unsent.id, userId: patient, variant: "file" })).rejects.toThrow();
  });
});

// ---------------------------------------------------------------- names

describe("names display harmlessly", () => {
  it.each([
    ["../../etc/passwd", "passwd"],
    ["..\\..\\windows\\system32\\cmd.exe", "cmd.exe"],
    ["report\u0000.pdf", "report.pdf"],
    ["photo\u202Egpj.exe", "photogpj.exe"],
    ["\u2066scan\u2069.pdf", "scan.pdf"],
    ["...hidden", "hidden"],
    ['a"b<c>.txt', "a_b_c_.txt"],
    ["", "file"],
    ["../", "file"],
  ])("%j → %j", (raw, clean) => {
    expect(sanitiseFileName(raw)).toBe(clean);
  });

  it("keeps the sanitised name on the stored file and in the download header", async () => {
    const { patient, roomId } = await world();
    const attachment = await upload({ roomId, userId: patient }, "../secret/\u202Efdp.exe\u0000", PDF);
    expect(attachment.name).toBe("fdp.exe.pdf");
    expect(contentDisposition("attachment", "Résultat “final”.pdf")).toBe(
      `attachment; filename="R_sultat _final_.pdf"; filename*=UTF-8''R%C3%A9sultat%20%E2%80%9Cfinal%E2%80%9D.pdf`,
    );
  });
});
