// Live availability over SignalR. The portal works without it (the status just says
// "offline"), and it never stops trying to get back.
import { HttpTransportType, HubConnectionBuilder, HubConnectionState, LogLevel, type HubConnection } from "@microsoft/signalr";
import type { AvailabilityPush } from "./format";

export type LiveStatus = "connecting" | "live" | "offline";

export interface LiveOptions {
  slug: string;
  onStatus: (status: LiveStatus) => void;
  onChange: (push: AvailabilityPush) => void;
  /** Called each time watching (re)starts: pushes sent while away were missed. */
  onWatching: () => void;
}

// Backoff used both for the first connection and for reconnects; capped, never giving up.
const delayMs = (attempt: number) => Math.min(30_000, [0, 2_000, 5_000, 10_000][attempt] ?? 30_000);

export function startLive({ slug, onStatus, onChange, onWatching }: LiveOptions): HubConnection {
  const connection = new HubConnectionBuilder()
    .withUrl("/hubs/availability", { skipNegotiation: true, transport: HttpTransportType.WebSockets })
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (ctx) => delayMs(ctx.previousRetryCount) })
    .configureLogging(LogLevel.Warning)
    .build();

  connection.on("availabilityChanged", (push: AvailabilityPush) => onChange(push));

  let attempt = 0;
  let everConnected = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const watch = async () => {
    await connection.invoke("WatchTenant", slug);
    attempt = 0;
    everConnected = true;
    onStatus("live");
    onWatching();
  };

  // Both a failed start and a close can ask for a retry; one pending timer is enough.
  const retryLater = () => {
    onStatus("offline");
    if (retryTimer !== undefined) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void start();
    }, delayMs(++attempt));
  };

  const start = async () => {
    if (connection.state !== HubConnectionState.Disconnected) return;
    // "connecting" only before the first outcome; later retries happen quietly under "offline",
    // so the customer knows the times shown may be stale.
    if (!everConnected && attempt === 0) onStatus("connecting");
    try {
      await connection.start();
      await watch();
    } catch {
      await connection.stop().catch(() => {});
      retryLater();
    }
  };

  connection.onreconnecting(() => onStatus("offline"));
  // Group membership is per connection, so a reconnect must ask to watch again.
  connection.onreconnected(() => {
    watch().catch(() => void connection.stop()); // onclose below starts over
  });
  // Reached when automatic reconnect is over or a watch failed: start from scratch.
  connection.onclose(retryLater);

  void start();
  return connection;
}
