import { z } from "zod";

/** The upload's query: the file's original name (sanitised before it is kept; never a path). */
export const attachmentUploadQuerySchema = z.object({
  name: z
    .string({ error: "The file has no name. Choose it again." })
    .min(1, "The file has no name. Choose it again.")
    .max(1000, "The file's name is too long. Rename it and try again."),
});

export const attachmentFetchQuerySchema = z.object({
  variant: z.enum(["file", "thumbnail"], { error: "Ask for the file or its thumbnail." }).default("file"),
});
