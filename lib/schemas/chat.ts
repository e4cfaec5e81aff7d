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

const seq = z.coerce
  .number({ error: "Use a whole number." })
  .int("Use a whole number.")
  .min(0, "Use a whole number of 0 or more.")
  .max(2_147_483_647, "That number is too large.");

export const sendMessageSchema = z.object(
  {
    roomId: idSchema("conversation"),
    clientId: z.uuid({ error: "This message has no valid id. Reload the page and try again." }),
    body: messageBodySchema,
    /** The last sequence number the sender's screen holds without a gap. */
    seenSeq: seq.optional(),
  },
  REQUEST_SHAPE,
);

export const markReadSchema = z.object({ roomId: idSchema("conversation"), seq }, REQUEST_SHAPE);

/** Query of the thread endpoint: `after` (the poll) or `before` (older history), not both. */
export const threadQuerySchema = z
  .object({ after: seq.optional(), before: seq.min(1).optional() })
  .refine(
    (q) => q.after === undefined || q.before === undefined,
    "Ask for messages after or before a point, not both.",
  );
