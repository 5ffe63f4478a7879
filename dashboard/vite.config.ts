/// <reference types="node" />
import { defineConfig } from "vitest/config";

// As the portal: the API runs on its own port in development and Vite proxies to it; in AWS CloudFront
// serves the dashboard under /dashboard/ on the same origin as /api and /hubs, so only relative URLs are used.
const api = `http://127.0.0.1:${process.env.BOOKINGAWS_API_PORT ?? 5080}`;

export default defineConfig({
  base: "/dashboard/",
  server: {
    proxy: {
      "/api": { target: api, changeOrigin: true },
      "/hubs": { target: api, changeOrigin: true, ws: true },
    },
  },
  build: { outDir: "dist", emptyOutDir: true },
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
