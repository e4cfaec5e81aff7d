import "server-only";
import sharp, { type OutputInfo } from "sharp";
import { DomainError } from "@/lib/errors";

export interface EncodedImage {
  data: Buffer;
  mediaType: "image/jpeg" | "image/png" | "image/webp" | "image/gif";
  width: number;
  height: number;
  thumbnail: { data: Buffer; width: number; height: number };
}

export const THUMBNAIL_EDGE = 320;
/** Larger images are refused rather than decoded (a small file can claim a huge canvas). */
const MAX_PIXELS = 60_000_000;

export const HEIC_NOTE = "This iPhone photo could not be converted here. Download it to view it.";

/**
 * Re-encodes an uploaded image: turned upright by its orientation tag, and written anew without
 * any metadata block (EXIF with its GPS position and camera, XMP, IPTC, maker notes: sharp keeps
 * none unless asked). HEIC becomes JPEG when this build of libvips can decode it; otherwise null
 * (the caller keeps it as a download). Also makes the one thumbnail the thread shows.
 */
export async function reencodeImage(input: Buffer, type: string): Promise<EncodedImage | null> {
  const animated = type === "image/gif";
  let encoded: { data: Buffer; info: OutputInfo };
  let mediaType: EncodedImage["mediaType"];
  try {
    const image = sharp(input, { failOn: "error", limitInputPixels: MAX_PIXELS, animated }).rotate();
    if (type === "image/png")
      [mediaType, encoded] = ["image/png", await image.png().toBuffer({ resolveWithObject: true })];
    else if (type === "image/webp")
      [mediaType, encoded] = ["image/webp", await image.webp({ quality: 85 }).toBuffer({ resolveWithObject: true })];
    else if (type === "image/gif")
      [mediaType, encoded] = ["image/gif", await image.gif().toBuffer({ resolveWithObject: true })];
    else [mediaType, encoded] = ["image/jpeg", await image.jpeg({ quality: 85 }).toBuffer({ resolveWithObject: true })];
  } catch {
    if (type === "image/heic") return null;
    throw new DomainError("invalid", "This image could not be read. Try another file or a screenshot of it.");
  }
  const height = encoded.info.pageHeight ?? encoded.info.height;
  const thumbnail = await sharp(encoded.data, { limitInputPixels: MAX_PIXELS })
    .resize({ width: THUMBNAIL_EDGE, height: THUMBNAIL_EDGE, fit: "inside", withoutEnlargement: true })
    .webp({ quality: 70 })
    .toBuffer({ resolveWithObject: true });
  return {
    data: encoded.data,
    mediaType,
    width: encoded.info.width,
    height,
    thumbnail: { data: thumbnail.data, width: thumbnail.info.width, height: thumbnail.info.height },
  };
}
