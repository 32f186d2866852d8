// SharedWorker entry of the bus hub: one per origin, shared by every tab and worker.
import { serveSharedWorkerHub } from '../src/bus/hub-hosts';

serveSharedWorkerHub(self as unknown as { onconnect: ((e: MessageEvent) => void) | null });
