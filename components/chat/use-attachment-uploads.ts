"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { AttachmentJson } from "@/lib/attachments/views";
import {
  ACCEPTED_TYPES,
  ALLOWED_TYPES_SENTENCE,
  formatBytes,
  INLINE_IMAGE_TYPES,
  type AttachmentLimits,
} from "@/lib/shared/attachments";

export interface UploadItem {
  key: string;
  name: string;
  size: number;
  /** A local preview for an image the browser can show. */
  previewUrl: string | null;
  status: "uploading" | "ready" | "failed";
  /** 0 to 1, from the upload's progress events. */
  progress: number;
  error?: string;
  attachment?: AttachmentJson;
}

const EXTENSIONS = /\.(jpe?g|png|webp|gif|heic|heif|pdf|txt)$/i;

/** The browser's hint only: the server judges the bytes. Refuses early what would surely be refused. */
function looksAccepted(file: File): boolean {
  return file.type in ACCEPTED_TYPES || file.type === "image/heif" || EXTENSIONS.test(file.name);
}

/**
 * Files chosen for the next message: each checked against the limits, then uploaded at once with
 * its progress (XMLHttpRequest, which reports upload progress where fetch does not), ending ready
 * (its server id kept for the send) or failed with a clear reason.
 */
export function useAttachmentUploads(roomId: string, limits: AttachmentLimits) {
  const [items, setItems] = useState<UploadItem[]>([]);
  const requests = useRef(new Map<string, XMLHttpRequest>());
  const itemsRef = useRef(items);
  useEffect(() => {
    itemsRef.current = items;
  }, [items]);

  const update = (key: string, change: Partial<UploadItem>) =>
    setItems((list) => list.map((i) => (i.key === key ? { ...i, ...change } : i)));

  const upload = useCallback(
    (key: string, file: File) => {
      const xhr = new XMLHttpRequest();
      requests.current.set(key, xhr);
      xhr.open("POST", `/api/rooms/${encodeURIComponent(roomId)}/attachments?name=${encodeURIComponent(file.name)}`);
      xhr.responseType = "json";
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) update(key, { progress: e.loaded / e.total });
      };
      xhr.onload = () => {
        requests.current.delete(key);
        const body = xhr.response as { attachment?: AttachmentJson; error?: string } | null;
        if (xhr.status === 201 && body?.attachment)
          update(key, { status: "ready", progress: 1, attachment: body.attachment });
        else
          update(key, {
            status: "failed",
            error: body?.error ?? `This file could not be attached (error ${xhr.status}). Try again.`,
          });
      };
      xhr.onerror = () => {
        requests.current.delete(key);
        update(key, { status: "failed", error: "The upload stopped: check your connection, then attach it again." });
      };
      xhr.send(file);
    },
    [roomId],
  );

  const add = useCallback(
    (files: File[]) => {
      const current = itemsRef.current.filter((i) => i.status !== "failed");
      let count = current.length;
      let total = current.reduce((sum, i) => sum + i.size, 0);
      const added: { item: UploadItem; file: File | null }[] = files.map((file) => {
        const base = { key: crypto.randomUUID(), name: file.name || "file", size: file.size, progress: 0 };
        const fail = (error: string) => ({
          item: { ...base, previewUrl: null, status: "failed" as const, error },
          file: null,
        });
        if (!looksAccepted(file))
          return fail(`This type of file is not allowed. You can send ${ALLOWED_TYPES_SENTENCE}.`);
        if (file.size > limits.maxFileBytes)
          return fail(`This file is too large: the limit is ${formatBytes(limits.maxFileBytes)}.`);
        if (count + 1 > limits.maxFiles) return fail(`Too many files: a message can have at most ${limits.maxFiles}.`);
        if (total + file.size > limits.maxMessageBytes)
          return fail(`Too much for one message: files can add up to ${formatBytes(limits.maxMessageBytes)}.`);
        count++;
        total += file.size;
        const previewUrl = INLINE_IMAGE_TYPES.includes(file.type) ? URL.createObjectURL(file) : null;
        return { item: { ...base, previewUrl, status: "uploading" as const }, file };
      });
      setItems((list) => [...list, ...added.map((a) => a.item)]);
      for (const { item, file } of added) if (file) upload(item.key, file);
    },
    [limits, upload],
  );

  const remove = useCallback((key: string) => {
    requests.current.get(key)?.abort();
    requests.current.delete(key);
    setItems((list) => {
      const gone = list.find((i) => i.key === key);
      if (gone?.previewUrl) URL.revokeObjectURL(gone.previewUrl);
      return list.filter((i) => i.key !== key);
    });
  }, []);

  /** After a send: the files now belong to the message. */
  const clear = useCallback(() => {
    setItems((list) => {
      for (const i of list) if (i.previewUrl) URL.revokeObjectURL(i.previewUrl);
      return [];
    });
  }, []);

  useEffect(() => {
    const open = requests.current;
    return () => {
      for (const xhr of open.values()) xhr.abort();
    };
  }, []);

  return {
    items,
    add,
    remove,
    clear,
    ready: items.flatMap((i) => (i.status === "ready" && i.attachment ? [i.attachment] : [])),
    uploading: items.some((i) => i.status === "uploading"),
    failed: items.some((i) => i.status === "failed"),
  };
}

export type AttachmentUploads = ReturnType<typeof useAttachmentUploads>;
