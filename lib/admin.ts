import { count } from "drizzle-orm";
import { getDb } from "@/db";
import { ROLES, users, type Role } from "@/db/schema";

/** Users per role, every role listed (zero included). */
export async function countUsersByRole(): Promise<{ role: Role; count: number }[]> {
  const rows = await getDb().select({ role: users.role, count: count() }).from(users).groupBy(users.role);
  return ROLES.map((role) => ({ role, count: rows.find((r) => r.role === role)?.count ?? 0 }));
}
