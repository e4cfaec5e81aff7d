import type { ReactNode } from "react";
import { RoleLayout } from "@/components/role-layout";

export default function Layout({ children }: { children: ReactNode }) {
  return <RoleLayout role="patient">{children}</RoleLayout>;
}
