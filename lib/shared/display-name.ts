import type { Role } from "./model";

/** How a person is named to others: doctors with their title ("Dr Emily Davis"), everyone else as they wrote it. */
export function displayName(person: { name: string; role: Role | string }): string {
  return person.role === "doctor" ? `Dr ${person.name}` : person.name;
}
