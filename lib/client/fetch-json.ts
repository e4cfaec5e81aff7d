/** GET a JSON endpoint of ours; a non-2xx answer throws with the server's message. */
export async function fetchJson<T>(url: string): Promise<T> {
  return answerOf<T>(await fetch(url, { headers: { accept: "application/json" }, cache: "no-store" }));
}

/** POST a JSON body to an endpoint of ours (same origin, so it passes the CSRF check); as fetchJson. */
export async function postJson<T>(url: string, body: unknown): Promise<T> {
  return answerOf<T>(
    await fetch(url, {
      method: "POST",
      headers: { accept: "application/json", "content-type": "application/json" },
      body: JSON.stringify(body),
      cache: "no-store",
    }),
  );
}

async function answerOf<T>(response: Response): Promise<T> {
  if (!response.ok) {
    let message = `Request failed (${response.status}).`;
    try {
      const body: unknown = await response.json();
      if (body && typeof body === "object" && "error" in body && typeof body.error === "string") message = body.error;
    } catch {
      // not JSON: keep the generic message
    }
    throw new Error(message);
  }
  return (await response.json()) as T;
}
