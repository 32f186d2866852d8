// Reads a GGUF file's header (metadata and tensor table) from a Blob without loading the file: enough to
// refuse a file that is not GGUF or is cut short, by name, before llama.cpp sees it, and to list the model
// with its name, licence, context length and chat template.
import { ModelFormatError } from './errors';

export interface GgufInfo {
  version: number;
  architecture: string | null;
  name: string | null;
  license: string | null;
  contextLength: number | null;
  chatTemplate: string | null;
  tensorCount: number;
  /** Bytes the file must have to hold every tensor (null when a tensor type is unknown to us). */
  expectedBytes: number | null;
}

/** [elements per block, bytes per block] of ggml's tensor types (ggml.h, `ggml_type`). */
const TYPE_SIZES: Record<number, [number, number]> = {
  0: [1, 4],
  1: [1, 2],
  2: [32, 18],
  3: [32, 20],
  6: [32, 22],
  7: [32, 24],
  8: [32, 34],
  9: [32, 36],
  10: [256, 84],
  11: [256, 110],
  12: [256, 144],
  13: [256, 176],
  14: [256, 210],
  15: [256, 292],
  16: [256, 66],
  17: [256, 74],
  18: [256, 98],
  19: [256, 50],
  20: [32, 18],
  21: [256, 110],
  22: [256, 82],
  23: [256, 136],
  24: [1, 1],
  25: [1, 2],
  26: [1, 4],
  27: [1, 8],
  28: [1, 8],
  29: [256, 56],
  30: [1, 2],
  34: [256, 54],
  35: [256, 66],
  39: [32, 17],
};

const MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
const decoder = new TextDecoder();

/** Raised inside the parser when the header runs past the bytes read so far. */
class NeedMore extends Error {}

class Cursor {
  pos = 0;
  private readonly view: DataView;
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  private need(n: number) {
    if (this.pos + n > this.bytes.byteLength) throw new NeedMore();
  }
  u8() {
    this.need(1);
    return this.view.getUint8(this.pos++);
  }
  u32() {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  u64() {
    this.need(8);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return Number(v);
  }
  skip(n: number) {
    this.need(n);
    this.pos += n;
  }
  str() {
    const n = this.u64();
    this.need(n);
    const s = decoder.decode(this.bytes.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }
}

/** Byte widths of GGUF's fixed-size value types (uint8 … float64, bool). */
const FIXED: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

function readValue(c: Cursor, type: number): unknown {
  switch (type) {
    case 4:
      return c.u32();
    case 8:
      return c.str();
    case 10:
      return c.u64();
    case 9: {
      const itemType = c.u32();
      const n = c.u64();
      // Arrays (the vocabulary) are skipped, not kept: only scalars are listed.
      if (itemType === 8) for (let i = 0; i < n; i++) c.str();
      else if (FIXED[itemType] !== undefined) c.skip(n * FIXED[itemType]);
      else for (let i = 0; i < n; i++) readValue(c, itemType);
      return null;
    }
    default: {
      const width = FIXED[type];
      if (width === undefined) throw new TypeError(`unknown metadata value type ${type}`);
      c.skip(width);
      return null;
    }
  }
}

function parse(bytes: Uint8Array, model: string): GgufInfo {
  const c = new Cursor(bytes);
  if (bytes.byteLength >= 4 && c.u32() !== MAGIC) {
    throw new ModelFormatError(model, 'it does not start with the GGUF magic bytes');
  }
  const version = c.u32();
  if (version < 2 || version > 3)
    throw new ModelFormatError(model, `GGUF version ${version} is not supported`);
  const tensorCount = c.u64();
  const kvCount = c.u64();
  const meta: Record<string, unknown> = {};
  for (let i = 0; i < kvCount; i++) {
    const key = c.str();
    meta[key] = readValue(c, c.u32());
  }
  const arch = typeof meta['general.architecture'] === 'string' ? meta['general.architecture'] : null;
  let typesKnown = true;
  let dataEnd = 0;
  for (let i = 0; i < tensorCount; i++) {
    c.str();
    const dims = c.u32();
    let elements = 1;
    for (let d = 0; d < dims; d++) elements *= c.u64();
    const type = c.u32();
    const offset = c.u64();
    const size = TYPE_SIZES[type];
    if (!size) typesKnown = false;
    else dataEnd = Math.max(dataEnd, offset + (elements / size[0]) * size[1]);
  }
  const alignment = typeof meta['general.alignment'] === 'number' ? meta['general.alignment'] : 32;
  const dataStart = Math.ceil(c.pos / alignment) * alignment;
  const str = (k: string) => (typeof meta[k] === 'string' ? (meta[k] as string) : null);
  const ctx = arch ? meta[`${arch}.context_length`] : undefined;
  return {
    version,
    architecture: arch,
    name: str('general.name'),
    license: str('general.license'),
    contextLength: typeof ctx === 'number' ? ctx : null,
    chatTemplate: str('tokenizer.chat_template'),
    tensorCount,
    expectedBytes: typesKnown ? dataStart + dataEnd : null,
  };
}

/**
 * Reads the header of `file` in growing slices (a vocabulary can make it tens of MB) and checks the file is
 * long enough for its tensors. Throws ModelFormatError naming what is wrong.
 */
export async function readGgufHeader(file: Blob, model: string): Promise<GgufInfo> {
  if (file.size < 24)
    throw new ModelFormatError(model, `it is ${file.size} bytes, too short for a GGUF header`);
  for (let n = Math.min(file.size, 1 << 20); ; n = Math.min(file.size, n * 4)) {
    const bytes = new Uint8Array(await file.slice(0, n).arrayBuffer());
    try {
      const info = parse(bytes, model);
      const need = info.expectedBytes;
      if (need !== null && file.size < need) {
        throw new ModelFormatError(
          model,
          `it is truncated: ${file.size} bytes of the ${need} its tensors need`,
        );
      }
      return info;
    } catch (err) {
      if (!(err instanceof NeedMore)) throw err;
      if (n >= file.size) throw new ModelFormatError(model, 'it is truncated inside its header');
    }
  }
}
