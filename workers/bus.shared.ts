// SharedWorker entry of the bus hub: one per origin, shared by every tab and worker. For now it only
// answers a greeting, so the app can show that the hub is up; routing arrives with the bus.
import { serveHubGreeting } from '../src/bus/hub-greeting';

serveHubGreeting(self as unknown as { onconnect: ((e: MessageEvent) => void) | null });
