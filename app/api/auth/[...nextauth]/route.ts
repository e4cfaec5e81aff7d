import { handlers } from "@/lib/auth/auth-js";

export const { GET, POST } = handlers;
