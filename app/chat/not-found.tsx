export { AreaNotFound as default } from "@/components/boundaries/area-not-found";
