// Plugin errors are named classes so callers can tell a bad manifest from a forged signature from a plugin
// that crashed; across the sandbox's MessagePort they travel as data and are rebuilt as the same class.
import type { ErrorData } from '../platform/error-data';

/** A manifest that does not match the schema; `field` is the dotted path of the first offending field. */
export class ManifestError extends Error {
  override name = 'ManifestError';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`invalid plugin manifest: ${field}: ${reason}`);
  }
}

export type SignatureProblem =
  'unsigned' | 'unknown-key' | 'development-key' | 'bad-signature' | 'unsupported-algorithm' | 'malformed';

/** The plugin's signature does not prove that a trusted key signed exactly these manifest and entry bytes. */
export class SignatureError extends Error {
  override name = 'SignatureError';
  constructor(
    readonly pluginId: string,
    readonly problem: SignatureProblem,
    detail: string,
  ) {
    super(`plugin ${pluginId} refused: ${detail}`);
  }
}

/** What the plugin asked for was not granted, or the grant asks for more than the manifest declares. */
export class CapabilityError extends Error {
  override name = 'CapabilityError';
  constructor(
    readonly pluginId: string,
    readonly capability: string,
    detail: string,
  ) {
    super(`plugin ${pluginId}: ${capability}: ${detail}`);
  }
}

export class PluginVersionError extends Error {
  override name = 'PluginVersionError';
}

/** An error raised inside the sandbox (by the plugin or its runtime), rebuilt on the host side. */
export class PluginFault extends Error {
  override name = 'PluginFault';
  constructor(
    message: string,
    /** The class name the error had inside the sandbox, e.g. "TypeError". */
    readonly remoteName: string,
    readonly remoteStack?: string,
  ) {
    super(message);
  }
}

/**
 * Rebuilds an error that crossed the port. Whatever the plugin threw comes back as a PluginFault carrying
 * its original class name: the host never constructs a class chosen by name by the sandbox.
 */
export function pluginFaultFrom(e: ErrorData): PluginFault {
  return new PluginFault(e.message.slice(0, 2000), e.name.slice(0, 100), e.stack?.slice(0, 8000));
}
