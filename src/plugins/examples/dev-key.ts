// The DEVELOPMENT signing key of the example plugins. Its private half is committed in
// scripts/plugin-dev-key.json, so it proves nothing about who wrote a plugin: a host trusts it only with
// `allowDevelopmentKeys: true`, and warns on every plugin it accepts with it.
import type { TrustedKey } from '../signature';

export const DEV_TRUSTED_KEY: Readonly<TrustedKey> = Object.freeze({
  keyId: 'sentio-dev-insecure-2026',
  algorithm: 'Ed25519',
  publicKey: '/NIjFlrPKtCi/20yQSbZoGWU9BQvFFGi4NxD0GhsZcE=',
  label: 'Sentio example plugins (DEVELOPMENT key, publicly known)',
  development: true,
});
