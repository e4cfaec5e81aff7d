/**
 * One HTTP request, body included, within a deadline. The timer is our own: a fetch given only
 * AbortSignal.timeout() was seen to wait forever once that signal had been garbage-collected, and
 * a fetch aborted while the server was slow once never settled at all (a run hung for minutes with
 * no request in flight), so the deadline is also raced against the fetch itself.
 */
export interface Answer {
  status: number;
  type: string;
  text: string;
}

export class RequestTimeout extends Error {
  name = "TimeoutError";
}

export async function request(url: string, init: RequestInit, timeoutMs: number): Promise<Answer> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const timeout = new RequestTimeout(`no answer from ${url} within ${timeoutMs} ms`);
      abort.abort(timeout);
      reject(timeout);
    }, timeoutMs);
  });
  const answer = (async () => {
    const response = await fetch(url, { redirect: "manual", ...init, signal: abort.signal });
    const text = await response.text();
    return { status: response.status, type: response.headers.get("content-type") ?? "", text };
  })();
  // Whichever loses is settled anyway (or never): its rejection must not go unhandled.
  answer.catch(() => {});
  try {
    return await Promise.race([answer, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** A short name for what went wrong: "timeout", "ECONNREFUSED", … */
export function networkProblem(error: unknown): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return "timeout";
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === "string" ? cause.code : error instanceof Error ? error.name : "network error";
}
