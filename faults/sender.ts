/**
 * A client that retries as the composer should: each message keeps its clientId, and a network
 * error, a timeout, a 5xx or a 429 is answered by waiting (200 ms doubling to 2 s) and sending the
 * same clientId and body again, until the server says 201 (stored) or 200 (already stored).
 * Any other answer is final: a refusal the test counts as a failure.
 */
import { networkProblem, request } from "./http";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Longer than any outage the test makes, even when stopping the server is slow. */
export const GIVE_UP_MS = 120_000;

export interface OutgoingMessage {
  roomId: string;
  senderId: string;
  cookie: string;
  clientId: string;
  body: string;
}

export interface Delivery {
  message: OutgoingMessage;
  /** 201 or 200 once delivered; the final refusal's status, or 0 when it gave up. */
  status: number;
  attempts: number;
  ms: number;
  failure?: string;
}

export interface SendTally {
  attempts: number;
  /** What the failed attempts met: "500", "503", "ECONNRESET", "timeout", … */
  errors: Map<string, number>;
  /** Answers that were refusals (4xx other than 429): never expected. */
  refusals: string[];
}

export const newTally = (): SendTally => ({ attempts: 0, errors: new Map(), refusals: [] });

export async function sendUntilStored(
  origin: string,
  message: OutgoingMessage,
  tally: SendTally,
  options: { requestTimeoutMs?: number; giveUpMs?: number } = {},
): Promise<Delivery> {
  const started = performance.now();
  const giveUpAt = started + (options.giveUpMs ?? GIVE_UP_MS);
  let wait = 200;
  let attempts = 0;
  for (;;) {
    attempts++;
    tally.attempts++;
    let problem: string;
    try {
      const response = await request(
        `${origin}/api/rooms/${message.roomId}/messages`,
        {
          method: "POST",
          headers: { cookie: message.cookie, origin, "content-type": "application/json" },
          body: JSON.stringify({ clientId: message.clientId, body: message.body }),
        },
        options.requestTimeoutMs ?? 10_000,
      );
      if (response.status === 201 || response.status === 200) {
        return { message, status: response.status, attempts, ms: performance.now() - started };
      }
      problem = String(response.status);
      if (response.status !== 429 && response.status < 500) {
        tally.refusals.push(`${response.status} ${response.text.slice(0, 200)}`);
        return {
          message,
          status: response.status,
          attempts,
          ms: performance.now() - started,
          failure: `refused: ${response.status} ${response.text.slice(0, 200)}`,
        };
      }
    } catch (error) {
      problem = networkProblem(error);
    }
    tally.errors.set(problem, (tally.errors.get(problem) ?? 0) + 1);
    if (performance.now() + wait > giveUpAt) {
      return {
        message,
        status: 0,
        attempts,
        ms: performance.now() - started,
        failure: `gave up after ${attempts} attempts (last: ${problem})`,
      };
    }
    await sleep(wait);
    wait = Math.min(wait * 2, 2_000);
  }
}
