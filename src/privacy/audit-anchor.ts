// Where the audit chain's head is anchored outside its database: a small file in the origin private file
// system (OPFS). Deleting the IndexedDB database, or rewriting the chain and its head row together, leaves
// this file saying how far the chain went. It is same-origin storage too: "clear site data" removes both,
// which only an anchor off the device (the head shown to the person, or sent to a server) could detect.

export interface AuditHead {
  seq: number;
  hash: string;
}

export interface HeadAnchor {
  read(): Promise<AuditHead | null>;
  /** Records a head; never moves the anchor back to an earlier seq. */
  write(head: AuditHead): Promise<void>;
}

/** The OPFS anchor of the chain in database `dbName`, or null where there is no OPFS (Node, old browsers). */
export function opfsAnchor(dbName: string): HeadAnchor | null {
  const FILE = `sentio-audit-head.${encodeURIComponent(dbName)}.json`;
  const storage = (globalThis.navigator as Navigator | undefined)?.storage;
  if (typeof storage?.getDirectory !== 'function') return null;
  const file = async (create: boolean) =>
    (await storage.getDirectory()).getFileHandle(FILE, { create }).catch(() => null);
  const read = async (): Promise<AuditHead | null> => {
    const handle = await file(false);
    if (!handle) return null;
    try {
      const head = JSON.parse(await (await handle.getFile()).text()) as AuditHead;
      return Number.isSafeInteger(head.seq) && typeof head.hash === 'string' ? head : null;
    } catch {
      return null;
    }
  };
  let writing: Promise<void> = Promise.resolve();
  return {
    read,
    write(head) {
      writing = writing.then(async () => {
        const current = await read();
        if (current && current.seq >= head.seq) return;
        const handle = await file(true);
        if (!handle) return;
        const out = await handle.createWritable();
        await out.write(JSON.stringify(head));
        await out.close();
      });
      return writing;
    },
  };
}

/** An anchor in memory, for tests and hosts without OPFS (it lasts as long as the page). */
export function memoryAnchor(): HeadAnchor {
  let head: AuditHead | null = null;
  return {
    read: async () => head,
    write: async (h) => {
      if (!head || h.seq > head.seq) head = { ...h };
    },
  };
}
