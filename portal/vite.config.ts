/// <reference types="node" />
import { defineConfig } from "vitest/config";

// The API runs on its own port in development; in production CloudFront serves
// /api and /hubs on the same origin, so the app only ever uses relative URLs.
const api = `http://127.0.0.1:${process.env.BOOKINGAWS_API_PORT ?? 5080}`;

export default defineConfig({
  base: "/",
  server: {
    proxy: {
      "/api": { target: api, changeOrigin: true },
      "/hubs": { target: api, changeOrigin: true, ws: true },
    },
  },
  build: { outDir: "dist", emptyOutDir: true },
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
