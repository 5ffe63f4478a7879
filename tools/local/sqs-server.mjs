// Starts the SQS-compatible server (fauxqs) on loopback only. Its own CLI binds 0.0.0.0, and passing
// `host` to buildApp changes the host it writes into queue URLs, so the address is given to listen().
import { buildApp } from "fauxqs";

const port = Number(process.env.BOOKINGAWS_SQS_PORT ?? process.argv[2] ?? 59324);
const app = buildApp({ logger: false });

await app.listen({ port, host: "127.0.0.1" });
console.log(`fauxqs listening on http://127.0.0.1:${port}`);

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    app.close().finally(() => process.exit(0));
  });
}
