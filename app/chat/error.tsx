"use client";

export { AreaError as default } from "@/components/boundaries/area-error";
