import { z } from "zod";
import { stripControl } from "./text";
import { LIMITS } from "@/lib/shared/model";
import { REQUEST_SHAPE } from "@/lib/schemas/form";
import { idSchema } from "./appointments";

export const messageBodySchema = z
  .string({ error: "Write a message first." })
  .max(LIMITS.messageMax * 4, `A message has at most ${LIMITS.messageMax} characters.`)
  .transform((s) => stripControl(s).trim())
  .pipe(
    z
      .string()
      .min(1, "Write a message first.")
      .max(LIMITS.messageMax, `A message has at most ${LIMITS.messageMax} characters.`)
      // Only invisible characters (zero-width spaces, direction marks) is an empty message too.
      .refine((s) => /[^\s\p{Cf}]/u.test(s), "Write a message first."),
  );

const seqRange = (n: z.ZodNumber) =>
  n
    .int("Use a whole number.")
    .min(0, "Use a whole number of 0 or more.")
    .max(2_147_483_647, "That number is too large.");
const seq = seqRange(z.coerce.number({ error: "Use a whole number." }));
/** In a JSON body a number is a number: null or "17" is refused rather than read as 0 or 17. */
const jsonSeq = seqRange(z.number({ error: "Use a whole number." }));

const hasVisibleText = (s: string | undefined) => s !== undefined && /[^\s\p{Cf}]/u.test(s);

/** Text beside files may be empty: the rule that a message says something is the object's. */
const bodyBesideFiles = z
  .string({ error: "Write a message first." })
  .max(LIMITS.messageMax * 4, `A message has at most ${LIMITS.messageMax} characters.`)
  .transform((s) => stripControl(s).trim())
  .pipe(z.string().max(LIMITS.messageMax, `A message has at most ${LIMITS.messageMax} characters.`));

/** Files uploaded beforehand (lib/attachments) that this message takes; how many is the server's limit. */
export const attachmentIdsSchema = z
  .array(z.uuid({ error: "One of the files is not valid. Remove it and attach it again." }), {
    error: "The files of this message are not valid. Reload the page and try again.",
  })
  .max(20, "This message has too many files.");

export const sendMessageSchema = z
  .object(
    {
      roomId: idSchema("conversation"),
      clientId: z.uuid({ error: "This message has no valid id. Reload the page and try again." }),
      body: bodyBesideFiles.optional(),
      attachmentIds: attachmentIdsSchema.optional(),
      /** The last sequence number the sender's screen holds without a gap. */
      seenSeq: seq.optional(),
    },
    REQUEST_SHAPE,
  )
  .refine((m) => (m.attachmentIds?.length ?? 0) > 0 || hasVisibleText(m.body), {
    path: ["body"],
    // A text message alone keeps the plain wording; the composer's hint names files too.
    message: "Write a message first.",
    // Also with other fields wrong (every bad field is reported at once), but not over a wrong body
    // or list of files, nor over input that is not an object at all.
    when: (payload) =>
      typeof payload.value === "object" &&
      payload.value !== null &&
      !payload.issues.some((i) => !i.path?.length || i.path[0] === "body" || i.path[0] === "attachmentIds"),
  })
  .transform((m) => ({ ...m, body: hasVisibleText(m.body) ? m.body! : "" }));

/** POST /api/rooms/:roomId/read: the room from the path, `seq` from the JSON body. */
export const markReadSchema = z.object({ roomId: idSchema("conversation"), seq: jsonSeq }, REQUEST_SHAPE);

/** Query of the thread endpoint: `after` (the poll) or `before` (older history), not both. */
export const threadQuerySchema = z
  .object({ after: seq.optional(), before: seq.min(1).optional() })
  .refine(
    (q) => q.after === undefined || q.before === undefined,
    "Ask for messages after or before a point, not both.",
  );

/** The search box's text from the URL: control characters removed, trimmed, bounded; else none. */
export const messageSearchSchema = z
  .string()
  .transform((s) => stripControl(s).trim())
  .pipe(z.string().min(1).max(200))
  .optional()
  .catch(undefined);

/** A draft as typed: control characters removed (line breaks kept), at most a message's length; may be empty. */
export const saveDraftSchema = z.object(
  {
    roomId: idSchema("conversation"),
    body: z
      .string({ error: "Write the draft as plain text." })
      .transform(stripControl)
      .pipe(z.string().max(LIMITS.messageMax, `A message has at most ${LIMITS.messageMax} characters.`)),
  },
  REQUEST_SHAPE,
);
