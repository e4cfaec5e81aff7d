/**
 * One line a person can act on. A database that cannot be reached or refuses us is named by host
 * and port (never the password); Drizzle's "Failed query: …" wrapping is looked through, since the
 * query is not what went wrong.
 */
export function failureMessage(error: unknown, databaseUrl = process.env.DATABASE_URL): string {
  const causes: unknown[] = [];
  for (let e: unknown = error; e && causes.length < 5; e = (e as { cause?: unknown }).cause) causes.push(e);
  const code = causes.map((e) => (e as { code?: unknown }).code).find((c): c is string => typeof c === "string");
  const server = describeServer(databaseUrl);
  switch (code) {
    case "ECONNREFUSED":
      return `Cannot connect to the PostgreSQL server at ${server.where}: the connection was refused. Is it running, and is DATABASE_URL right?`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `Cannot connect to the PostgreSQL server: the host ${server.host} was not found. Check DATABASE_URL.`;
    case "ETIMEDOUT":
    case "CONNECT_TIMEOUT":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `Cannot connect to the PostgreSQL server at ${server.where}: it did not answer. Is it running, and is DATABASE_URL right?`;
    case "ECONNRESET":
    case "CONNECTION_CLOSED":
    case "CONNECTION_ENDED":
    case "CONNECTION_DESTROYED":
      return `The connection to the PostgreSQL server at ${server.where} was lost. Try again in a moment.`;
    case "57P01":
    case "57P02":
    case "57P03":
      return `The PostgreSQL server at ${server.where} is starting up or shutting down. Try again in a moment.`;
    case "28P01":
    case "28000":
      return `The PostgreSQL server at ${server.where} refused user ${server.user}. Check the user and password in DATABASE_URL.`;
    case "3D000":
      return `The database ${server.database} does not exist on the PostgreSQL server at ${server.where}. Create it (createdb ${server.database}) or fix DATABASE_URL.`;
  }
  const last = causes.findLast((e) => e instanceof Error) ?? error;
  const message = (first: unknown) => (first instanceof Error ? first.message : String(first));
  return /^Failed query:/.test(message(error)) ? `A database query failed: ${message(last)}` : message(error);
}

function describeServer(databaseUrl: string | undefined) {
  try {
    const url = new URL(databaseUrl ?? "");
    const host = url.hostname || "localhost";
    return {
      host,
      where: `${host}:${url.port || "5432"}`,
      user: decodeURIComponent(url.username) || "(none)",
      database: decodeURIComponent(url.pathname.slice(1)) || "(none)",
    };
  } catch {
    return { host: "(unknown)", where: "(the server in DATABASE_URL)", user: "(unknown)", database: "(unknown)" };
  }
}
