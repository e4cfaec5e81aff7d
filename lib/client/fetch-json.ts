/** GET a JSON endpoint of ours; a non-2xx answer throws with the server's message. */
export async function fetchJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { accept: "application/json" }, cache: "no-store" });
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
