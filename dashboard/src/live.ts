// Live updates: the API's availability hub pushes "availabilityChanged" whenever a booking of the business is
// held, confirmed, moved, cancelled or expires. The views reload what they show; the push itself is not trusted
// for content. Reconnects on its own; after a reconnect the view reloads once, since pushes may have been missed.
import { HttpTransportType, HubConnectionBuilder, LogLevel, type HubConnection } from "@microsoft/signalr";

export type LiveState = "connecting" | "live" | "offline";

export interface LiveHandle {
  stop(): Promise<void>;
}

export function watchBusiness(slug: string, onChange: () => void, onState: (s: LiveState) => void): LiveHandle {
  const connection: HubConnection = new HubConnectionBuilder()
    .withUrl("/hubs/availability", { skipNegotiation: true, transport: HttpTransportType.WebSockets })
    .withAutomaticReconnect([0, 2000, 5000, 10000, 30000])
    .configureLogging(LogLevel.None)
    .build();
  let stopped = false;
  connection.on("availabilityChanged", () => onChange());
  connection.onreconnecting(() => onState("connecting"));
  connection.onreconnected(async () => {
    await connection.invoke("WatchTenant", slug).catch(() => undefined);
    onState("live");
    onChange();
  });
  connection.onclose(() => {
    if (!stopped) onState("offline");
  });
  onState("connecting");
  void (async () => {
    try {
      await connection.start();
      await connection.invoke("WatchTenant", slug);
      if (!stopped) onState("live");
    } catch {
      if (!stopped) onState("offline");
    }
  })();
  return {
    async stop() {
      stopped = true;
      await connection.stop();
    },
  };
}

/** Collapses a burst of pushes into one reload, at most one in flight. */
export function debounce(fn: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}
