// Which build is running. VITE_SENTIO_BUILD is read from the environment at build time (Vite exposes
// VITE_* variables), e.g. a commit id set by CI; local builds say "local".
export function buildId(): string {
  const id = import.meta.env.VITE_SENTIO_BUILD as string | undefined;
  return id && id.length > 0 ? id : 'local';
}
