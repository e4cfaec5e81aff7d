import "server-only";
import { readEnv } from "@/lib/env";
import type { RateLimitRule } from "@/lib/rate-limit";
import type { AttachmentLimits } from "@/lib/shared/attachments";

const MB = 1024 * 1024;

export interface ServerAttachmentLimits extends AttachmentLimits {
  quotaBytes: number;
}

/** The limits as configured (ATTACHMENT_* variables). */
export function attachmentLimits(): ServerAttachmentLimits {
  const env = readEnv();
  return {
    maxFiles: env.ATTACHMENT_MAX_FILES,
    maxFileBytes: env.ATTACHMENT_MAX_FILE_MB * MB,
    maxMessageBytes: env.ATTACHMENT_MAX_MESSAGE_MB * MB,
    quotaBytes: env.ATTACHMENT_QUOTA_MB * MB,
  };
}

/** Uploads per person and minute (ATTACHMENT_UPLOADS_PER_MINUTE). */
export function uploadRule(): RateLimitRule {
  return { name: "upload:user", capacity: readEnv().ATTACHMENT_UPLOADS_PER_MINUTE, perSeconds: 60 };
}
