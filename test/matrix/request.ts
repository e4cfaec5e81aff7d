/**
 * A stand-in for the parts of a Next.js request that pages, actions and route handlers read
 * (the Auth.js session, cookies, headers, redirect and notFound), so the real lib/authz and the
 * real app code run against a chosen caller. Test files wire it in with vi.mock; this module
 * imports nothing from the app, so the mock factories can load it.
 */

export interface FakeSession {
  user: { id: string };
  /** Each sign-in's own id, as lib/auth.config puts it in the JWT. */
  sessionId: string;
}

export const request = {
  /** What Auth.js's auth() answers: the signed-in user's id (as the JWT carries it), or null. */
  session: null as FakeSession | null,
  cookies: new Map<string, string>(),
  signOuts: 0,
  /** The address the request comes from (X-Forwarded-For), for per-address limits. */
  address: "203.0.113.1",
};

let addresses = 0;
/** A new client address, so that one case's attempts never count against another's. */
export function freshAddress(): string {
  addresses++;
  request.address = `2001:db8::${(addresses >> 16).toString(16)}:${(addresses & 0xffff).toString(16)}`;
  return request.address;
}

export function signInAs(userId: string | null) {
  request.session = userId ? { user: { id: userId }, sessionId: crypto.randomUUID() } : null;
}

/** What next/navigation's redirect() throws here. */
export class Redirected extends Error {
  constructor(readonly path: string) {
    super(`REDIRECT:${path}`);
    this.name = "Redirected";
  }
}

/** What next/navigation's notFound() throws here. */
export class NotFound extends Error {
  constructor() {
    super("NOT_FOUND");
    this.name = "NotFound";
  }
}

/** Auth.js's error classes, as `app/(auth)/actions.ts` and lib/sign-in use them. */
export class FakeAuthError extends Error {
  type = "AuthError";
}

export class FakeCredentialsSignin extends FakeAuthError {
  code = "credentials";
}

export const nextAuthModule = { AuthError: FakeAuthError, CredentialsSignin: FakeCredentialsSignin };

export const navigation = {
  redirect(path: string): never {
    throw new Redirected(path);
  },
  permanentRedirect(path: string): never {
    throw new Redirected(path);
  },
  notFound(): never {
    throw new NotFound();
  },
};

export const headersModule = {
  async headers() {
    return new Headers({ host: "localhost:3000", origin: "http://localhost:3000", "x-forwarded-for": request.address });
  },
  async cookies() {
    return {
      get: (name: string) => (request.cookies.has(name) ? { name, value: request.cookies.get(name)! } : undefined),
      getAll: () => [...request.cookies].map(([name, value]) => ({ name, value })),
      has: (name: string) => request.cookies.has(name),
      set: (name: string, value: string) => void request.cookies.set(name, value),
      delete: (name: string) => void request.cookies.delete(name),
    };
  },
};
