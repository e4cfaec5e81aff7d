import type { Role } from "./model";

/** How a person is named to others: doctors with their title ("Dr Emily Davis"), everyone else as they wrote it. */
export function displayName(person: { name: string; role: Role | string }): string {
  return person.role === "doctor" ? `Dr ${person.name}` : person.name;
}

/** A doctor's name as shown to others: "Dr Emily Davis". */
export function doctorName(name: string): string {
  return displayName({ name, role: "doctor" });
}
