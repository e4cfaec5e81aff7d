/**
 * `npm run bench:attachments`: files in a conversation, on a production server of this build.
 *
 * 1. Four 10 MB documents uploaded at once, then downloaded at once: MB/s each way (each transfer
 *    and all four together), the server's peak resident memory above its level before (goal: under
 *    60 MB for the four together, each way), and every byte compared with what was sent.
 * 2. A thread of 200 messages of which 100 carry a photo (uploaded through the app, so re-encoded
 *    with their thumbnails), beside the same thread without files: Chromium's first contentful
 *    paint of the thread page for each (goal: with files no slower), and the thumbnails' latency
 *    (goal: p95 under 20 ms).
 * The verdict fails on any error, wrong byte or missed goal (exit code 1).
 */
import "../scripts/load-env";
import crypto from "node:crypto";
import { chromium } from "@playwright/test";
import sharp from "sharp";
import { openPostgres } from "@/db/client";
import { CHROMIUM_ARGS } from "@/test/chromium";
import { machineLoad, machineSnapshot } from "./machine";
import { rssMb, scratchDatabase, sessionCookies, startApp, type AppServer } from "./server";
import { percentile, table } from "./stats";

const MB = 1024 * 1024;
const FILE_BYTES = 10 * MB;
const CONCURRENT = 4;
const MESSAGES = 200;
const PHOTOS = 100;
const PAGE_LOADS = Number(process.env.BENCH_ATTACHMENTS_PAGE_LOADS ?? 7);
const THUMBNAIL_ROUNDS = Number(process.env.BENCH_ATTACHMENTS_THUMBNAIL_ROUNDS ?? 5);
const RSS_GOAL_MB = 60;
const THUMBNAIL_GOAL_MS = 20;
/** "No slower": the median first paint with files within 10 % (or 25 ms) of the one without. */
const PAINT_TOLERANCE = { share: 0.1, ms: 25 };
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** BENCH_ATTACHMENTS_ONLY: `transfers` or `thread`, to run one half; BENCH_ATTACHMENTS_NODE_ARGS: the server's Node flags. */
const ONLY = process.env.BENCH_ATTACHMENTS_ONLY;

const errors: string[] = [];
const fail = (what: string) => {
  errors.push(what);
  console.log(`  ERROR: ${what}`);
};

/** A v4-shaped UUID derived from a key, so the SQL below and this script name the same rows. */
function idOf(key: string): string {
  const md5 = crypto.createHash("md5").update(key).digest("hex");
  const h = `${md5.slice(0, 12)}4${md5.slice(13, 16)}8${md5.slice(17)}`;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const PATIENT = idOf("bench-attach-patient");
const DOCTOR = idOf("bench-attach-doctor");
const ROOM_FILES = idOf("bench-attach-room-files");
const ROOM_PLAIN = idOf("bench-attach-room-plain");

async function makePeople(url: string): Promise<void> {
  const handle = openPostgres(url, { max: 1 });
  try {
    await handle.migrate();
    await handle.sql!.unsafe(`
      insert into users (id, name, email, password_hash, role) values
        ('${PATIENT}', 'Carol Bench', 'bench-attach-patient@example.test', 'x', 'patient'),
        ('${DOCTOR}', 'Bench Doctor', 'bench-attach-doctor@example.test', 'x', 'doctor');
      insert into doctor_profiles (user_id, specialty) values ('${DOCTOR}', 'General Practice');
      insert into appointments (id, patient_id, doctor_id, starts_at, reason, status) values
        ('${idOf("bench-attach-a1")}', '${PATIENT}', '${DOCTOR}', date_trunc('hour', now()) + interval '1 day', 'Benchmark', 'accepted'),
        ('${idOf("bench-attach-a2")}', '${PATIENT}', '${DOCTOR}', date_trunc('hour', now()) + interval '2 days', 'Benchmark', 'accepted');
      insert into chat_rooms (id, appointment_id) values
        ('${ROOM_FILES}', '${idOf("bench-attach-a1")}'), ('${ROOM_PLAIN}', '${idOf("bench-attach-a2")}');
      insert into room_members (room_id, user_id) values
        ('${ROOM_FILES}', '${PATIENT}'), ('${ROOM_FILES}', '${DOCTOR}'),
        ('${ROOM_PLAIN}', '${PATIENT}'), ('${ROOM_PLAIN}', '${DOCTOR}');
    `);
  } finally {
    await handle.close();
  }
}

/**
 * Both threads, 200 messages each, written directly (sending through the app is rate limited to a
 * person's pace): every other message is the patient's; in the first room those carry one uploaded
 * photo each and no text, in the second a line of text instead. Both read to the end by both members.
 */
async function writeThreads(url: string, photoIds: string[]): Promise<void> {
  const handle = openPostgres(url, { max: 1 });
  try {
    const sql = handle.sql!;
    for (const [room, withFiles] of [
      [ROOM_FILES, true],
      [ROOM_PLAIN, false],
    ] as const) {
      await sql.unsafe(
        `insert into messages (room_id, seq, sender_id, client_id, body, created_at)
         select $1::uuid, s, case when s % 2 = 0 then $2::uuid else $3::uuid end, gen_random_uuid(),
                case when s % 2 = 0 and $4 then ''
                     when s % 2 = 0 then 'Here is how it looks this morning, a little less swollen than yesterday.'
                     else 'Thank you. Keep it raised and send another photo tomorrow, message ' || s || '.' end,
                now() - ((${MESSAGES} - s) * interval '3 minutes')
           from generate_series(1, ${MESSAGES}) s`,
        [room, PATIENT, DOCTOR, withFiles],
      );
      await sql.unsafe(`update chat_rooms set last_seq = ${MESSAGES}, last_activity_at = now() where id = $1`, [room]);
      await sql.unsafe(`update room_members set last_read_seq = ${MESSAGES}, unread_count = 0 where room_id = $1`, [
        room,
      ]);
    }
    await sql.unsafe(
      `update attachments a set message_seq = (p.n * 2)::int, position = 0
         from unnest($1::uuid[]) with ordinality as p(id, n)
        where a.id = p.id`,
      [photoIds],
    );
    const [row] = await sql.unsafe(
      `select count(*)::int as n from attachments where room_id = $1 and message_seq is not null`,
      [ROOM_FILES],
    );
    if (row?.n !== PHOTOS) fail(`${row?.n ?? 0} photos attached to the thread instead of ${PHOTOS}`);
  } finally {
    await handle.close();
  }
}

// ---------------------------------------------------------------- transfers

interface Uploaded {
  id: string;
  size: number;
  mediaType: string;
  thumbnail: { width: number; height: number } | null;
}

async function upload(
  server: AppServer,
  cookie: string,
  roomId: string,
  name: string,
  bytes: Buffer,
  type: string,
): Promise<Uploaded | null> {
  const response = await fetch(`${server.origin}/api/rooms/${roomId}/attachments?name=${encodeURIComponent(name)}`, {
    method: "POST",
    headers: { cookie, origin: server.origin, "content-type": type },
    body: new Uint8Array(bytes),
  });
  const body = (await response.json().catch(() => null)) as { attachment?: Uploaded; error?: string } | null;
  if (response.status !== 201 || !body?.attachment) {
    fail(`upload of ${name} answered ${response.status}: ${body?.error ?? "no body"}`);
    return null;
  }
  return body.attachment;
}

/** Downloads a file, hashing it as it streams in; the digest and byte count, or null on an error. */
async function download(
  server: AppServer,
  cookie: string,
  path: string,
): Promise<{ sha256: string; bytes: number } | null> {
  const response = await fetch(`${server.origin}${path}`, { headers: { cookie } });
  if (response.status !== 200 || !response.body) {
    fail(`GET ${path} answered ${response.status}`);
    await response.body?.cancel();
    return null;
  }
  const hash = crypto.createHash("sha256");
  let bytes = 0;
  for await (const piece of response.body) {
    hash.update(piece);
    bytes += piece.length;
  }
  return { sha256: hash.digest("hex"), bytes };
}

/** Samples the server's resident memory every 10 ms while `work` runs; the peak, in MB. */
async function peakRss<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; peakMb: number }> {
  let peakMb = rssMb(pid);
  const timer = setInterval(() => (peakMb = Math.max(peakMb, rssMb(pid))), 10);
  try {
    const result = await work();
    peakMb = Math.max(peakMb, rssMb(pid));
    return { result, peakMb };
  } finally {
    clearInterval(timer);
  }
}

/** A document of exactly `bytes`: a PDF header, then bytes that do not compress (as a scan's). */
function pdfOf(bytes: number): Buffer {
  const head = Buffer.from("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n", "latin1");
  const tail = Buffer.from("\n%%EOF\n");
  return Buffer.concat([head, crypto.randomBytes(bytes - head.length - tail.length), tail]);
}

const settle = () => new Promise((r) => setTimeout(r, 1500));
const mbPerS = (bytes: number, ms: number) => bytes / MB / (ms / 1000);

async function transfers(server: AppServer, cookie: string) {
  // Warm up: the upload and download routes loaded and run once, so the baseline includes their code.
  const warm = await upload(server, cookie, ROOM_FILES, "warm-up.pdf", pdfOf(256 * 1024), "application/pdf");
  if (warm) await download(server, cookie, `/api/attachments/${warm.id}`);
  await settle();

  const files = Array.from({ length: CONCURRENT }, () => pdfOf(FILE_BYTES));
  const digests = files.map((f) => crypto.createHash("sha256").update(f).digest("hex"));

  const upBase = rssMb(server.pid);
  const upStart = performance.now();
  const up = await peakRss(server.pid, () =>
    Promise.all(
      files.map(async (bytes, i) => {
        const t0 = performance.now();
        const stored = await upload(server, cookie, ROOM_FILES, `scan-${i + 1}.pdf`, bytes, "application/pdf");
        return { stored, ms: performance.now() - t0 };
      }),
    ),
  );
  const upWall = performance.now() - upStart;
  for (const [i, u] of up.result.entries())
    if (u.stored && u.stored.size !== FILE_BYTES) fail(`scan-${i + 1}.pdf stored as ${u.stored.size} bytes`);
  await settle();

  const downBase = rssMb(server.pid);
  const downStart = performance.now();
  const down = await peakRss(server.pid, () =>
    Promise.all(
      up.result.map(async ({ stored }) => {
        if (!stored) return null;
        const t0 = performance.now();
        const got = await download(server, cookie, `/api/attachments/${stored.id}`);
        return got ? { ...got, ms: performance.now() - t0 } : null;
      }),
    ),
  );
  const downWall = performance.now() - downStart;
  for (const [i, d] of down.result.entries()) {
    if (!d) continue;
    if (d.bytes !== FILE_BYTES || d.sha256 !== digests[i])
      fail(`scan-${i + 1}.pdf came back different (${d.bytes} bytes, sha256 ${d.sha256.slice(0, 12)}…)`);
  }

  const each = (list: ({ ms: number } | null)[]) =>
    list.map((x) => (x ? mbPerS(FILE_BYTES, x.ms).toFixed(1) : "error")).join(" / ");
  console.log(
    table(
      ["4 × 10 MB at once", "MB/s each", "MB/s all four", "RSS before", "peak", "growth"],
      [
        [
          "upload",
          each(up.result.map((u) => (u.stored ? u : null))),
          mbPerS(CONCURRENT * FILE_BYTES, upWall).toFixed(1),
          `${upBase.toFixed(0)} MB`,
          `${up.peakMb.toFixed(0)} MB`,
          `${(up.peakMb - upBase).toFixed(1)} MB`,
        ],
        [
          "download",
          each(down.result),
          mbPerS(CONCURRENT * FILE_BYTES, downWall).toFixed(1),
          `${downBase.toFixed(0)} MB`,
          `${down.peakMb.toFixed(0)} MB`,
          `${(down.peakMb - downBase).toFixed(1)} MB`,
        ],
      ],
    ),
  );
  return { upGrowth: up.peakMb - upBase, downGrowth: down.peakMb - downBase };
}

// ---------------------------------------------------------------- the thread page

/** A photo as a phone sends one, in size if not in resolution: 1600 × 1200 of noise (≈ 1 MB as JPEG). */
function photo(i: number): Promise<Buffer> {
  return sharp({
    create: {
      width: 1600,
      height: 1200,
      channels: 3,
      background: "#000",
      noise: { type: "gaussian", mean: 120 + (i % 20), sigma: 40 },
    },
  })
    .jpeg({ quality: 85 })
    .toBuffer();
}

async function uploadPhotos(server: AppServer, cookie: string): Promise<Uploaded[]> {
  const photos: Uploaded[] = [];
  // Two at a time: the server re-encodes each (sharp) and this machine has few cores.
  for (let i = 0; i < PHOTOS; i += 2) {
    const pair = await Promise.all(
      [i, i + 1].map(async (n) =>
        upload(server, cookie, ROOM_FILES, `photo-${n + 1}.jpg`, await photo(n), "image/jpeg"),
      ),
    );
    for (const p of pair) if (p) photos.push(p);
  }
  for (const p of photos) if (p.mediaType !== "image/jpeg" || !p.thumbnail) fail(`photo ${p.id} has no thumbnail`);
  return photos;
}

/** Each thumbnail fetched `rounds` times, one after another (a viewer scrolling): latencies in ms. */
async function thumbnailLatencies(server: AppServer, cookie: string, photos: Uploaded[], rounds: number) {
  const times: number[] = [];
  for (let r = 0; r < rounds; r++)
    for (const p of photos) {
      const t0 = performance.now();
      const response = await fetch(`${server.origin}/api/attachments/${p.id}?variant=thumbnail`, {
        headers: { cookie },
      });
      const body = await response.arrayBuffer();
      times.push(performance.now() - t0);
      if (response.status !== 200 || response.headers.get("content-type") !== "image/webp" || body.byteLength === 0)
        fail(`thumbnail of ${p.id} answered ${response.status} ${response.headers.get("content-type")}`);
    }
  return times.sort((a, b) => a - b);
}

interface PageLoad {
  fcp: number;
  thumbnails: number[];
}

async function threadPaints(server: AppServer, cookie: string) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
  });
  const [name, ...rest] = cookie.split("=");
  const value = rest.join("=");
  const host = new URL(server.origin).hostname;
  async function load(roomId: string, withFiles: boolean): Promise<PageLoad | null> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addCookies([{ name: name!, value, domain: host, path: "/", httpOnly: true, sameSite: "Lax" }]);
    const page = await context.newPage();
    try {
      const response = await page.goto(`${server.origin}/chat/${roomId}`, { waitUntil: "load" });
      if (response?.status() !== 200) {
        fail(`the thread page answered ${response?.status()} (${page.url()})`);
        return null;
      }
      const shown = page.locator('main img[src*="variant=thumbnail"]');
      if (withFiles) {
        // The thread opens at its newest message: the photos in view load (the rest lazily, later).
        await page.waitForFunction(
          () =>
            [...document.querySelectorAll<HTMLImageElement>('main img[src*="variant=thumbnail"]')].some(
              (img) => img.complete && img.naturalWidth > 0,
            ),
          undefined,
          { timeout: 15_000 },
        );
        if ((await shown.count()) === 0) fail("the thread with files shows no thumbnail");
      } else if ((await shown.count()) !== 0) fail("the thread without files shows thumbnails");
      return await page.evaluate(() => ({
        fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? Number.NaN,
        thumbnails: performance
          .getEntriesByType("resource")
          .filter((e) => e.name.includes("variant=thumbnail"))
          .map((e) => (e as PerformanceResourceTiming).responseEnd - (e as PerformanceResourceTiming).requestStart),
      }));
    } catch (error) {
      fail(`loading the thread page: ${(error as Error).message.split("\n")[0]}`);
      return null;
    } finally {
      await context.close();
    }
  }
  try {
    // One unmeasured load of each, then alternating so any drift of the machine hits both alike.
    await load(ROOM_FILES, true);
    await load(ROOM_PLAIN, false);
    const withFiles: PageLoad[] = [];
    const without: PageLoad[] = [];
    for (let i = 0; i < PAGE_LOADS; i++) {
      const a = await load(ROOM_FILES, true);
      if (a) withFiles.push(a);
      const b = await load(ROOM_PLAIN, false);
      if (b) without.push(b);
    }
    return { withFiles, without };
  } finally {
    await browser.close();
  }
}

// ---------------------------------------------------------------- run

async function main() {
  const { url, drop } = await scratchDatabase("bench_attachments");
  const secret = crypto.randomBytes(32).toString("base64url");
  let server: AppServer | null = null;
  const verdict: [string, boolean, string][] = [];
  try {
    await makePeople(url);
    server = await startApp({
      databaseUrl: url,
      secret,
      env: { ATTACHMENT_UPLOADS_PER_MINUTE: "10000", ATTACHMENT_QUOTA_MB: "100000" },
      nodeArgs: process.env.BENCH_ATTACHMENTS_NODE_ARGS?.split(" ").filter(Boolean),
    });
    const [patientCookie, doctorCookie] = await sessionCookies(secret, url, [
      { id: PATIENT, role: "patient" },
      { id: DOCTOR, role: "doctor" },
    ]);
    const before = machineSnapshot();

    if (ONLY !== "thread") {
      console.log(`\nFour ${FILE_BYTES / MB} MB documents (PDF, incompressible) at once, then back at once:`);
      const { upGrowth, downGrowth } = await transfers(server, patientCookie!);
      verdict.push(
        [
          "upload: peak RSS growth, four at once",
          upGrowth < RSS_GOAL_MB,
          `${upGrowth.toFixed(1)} MB < ${RSS_GOAL_MB} MB`,
        ],
        [
          "download: peak RSS growth, four at once",
          downGrowth < RSS_GOAL_MB,
          `${downGrowth.toFixed(1)} MB < ${RSS_GOAL_MB} MB`,
        ],
      );
    }

    if (ONLY !== "transfers") {
      console.log(`\nUploading ${PHOTOS} photos (1600 × 1200 JPEG, re-encoded with a thumbnail each)…`);
      const t0 = performance.now();
      const photos = await uploadPhotos(server, patientCookie!);
      const uploadSeconds = (performance.now() - t0) / 1000;
      console.log(
        `  ${photos.length} stored in ${uploadSeconds.toFixed(1)} s (${((uploadSeconds * 1000) / PHOTOS).toFixed(0)} ms each, two at a time)`,
      );
      await writeThreads(
        url,
        photos.map((p) => p.id),
      );

      const thumbs = await thumbnailLatencies(server, doctorCookie!, photos, THUMBNAIL_ROUNDS);
      const thumbP95 = percentile(thumbs, 95);
      console.log(
        `\nThumbnails, ${thumbs.length} fetches one after another: p50 ${percentile(thumbs, 50).toFixed(1)} ms, p95 ${thumbP95.toFixed(1)} ms, max ${thumbs.at(-1)!.toFixed(1)} ms`,
      );
      verdict.push([
        "thumbnail p95",
        thumbP95 < THUMBNAIL_GOAL_MS,
        `${thumbP95.toFixed(1)} ms < ${THUMBNAIL_GOAL_MS} ms`,
      ]);

      console.log(
        `\nThe thread page (${MESSAGES} messages, newest 50 shown), Chromium, ${PAGE_LOADS} loads each, alternating:`,
      );
      const { withFiles, without } = await threadPaints(server, doctorCookie!);
      const stats = (loads: PageLoad[]) => {
        const fcp = loads.map((l) => l.fcp).sort((a, b) => a - b);
        return { p50: percentile(fcp, 50), p95: percentile(fcp, 95) };
      };
      const a = stats(withFiles);
      const b = stats(without);
      const inBrowser = withFiles.flatMap((l) => l.thumbnails).sort((x, y) => x - y);
      console.log(
        table(
          ["thread page", "loads", "first contentful paint p50", "p95", "thumbnails loaded per page"],
          [
            [
              `with ${PHOTOS} photos`,
              String(withFiles.length),
              `${a.p50.toFixed(0)} ms`,
              `${a.p95.toFixed(0)} ms`,
              (inBrowser.length / Math.max(1, withFiles.length)).toFixed(0),
            ],
            ["without files", String(without.length), `${b.p50.toFixed(0)} ms`, `${b.p95.toFixed(0)} ms`, "0"],
          ],
        ),
      );
      if (inBrowser.length > 0)
        console.log(
          `  thumbnails as the browser fetched them (request to last byte, several at once): p50 ${percentile(inBrowser, 50).toFixed(1)} ms, p95 ${percentile(inBrowser, 95).toFixed(1)} ms`,
        );
      const allowed = Math.max(b.p50 * (1 + PAINT_TOLERANCE.share), b.p50 + PAINT_TOLERANCE.ms);
      verdict.push([
        "thread page with files no slower (FCP p50)",
        Number.isFinite(a.p50) && Number.isFinite(b.p50) && a.p50 <= allowed,
        `${a.p50.toFixed(0)} ms ≤ ${allowed.toFixed(0)} ms (without files ${b.p50.toFixed(0)} ms + 10 % or 25 ms)`,
      ]);
    }

    console.log(`\n${machineLoad(before).line}`);
    if (!server.running()) fail("the server exited during the run");
  } catch (error) {
    fail(`the run stopped: ${(error as Error).stack ?? String(error)}`);
  } finally {
    await server?.stop();
    await drop();
  }

  verdict.push(["no errors, every byte back as sent", errors.length === 0, `${errors.length} error(s)`]);
  console.log(
    `\n${table(
      ["goal", "verdict", "measured"],
      verdict.map(([g, ok, m]) => [g, ok ? "PASS" : "FAIL", m]),
    )}`,
  );
  const passed = verdict.every(([, ok]) => ok);
  console.log(`\nVerdict: ${passed ? "PASS" : "FAIL"}`);
  process.exitCode = passed ? 0 : 1;
}

void main();
